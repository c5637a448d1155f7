"""Element templates for Camunda Modeler, generated from the connectors' records.

The template model (:class:`ElementTemplate`, :class:`TemplateProperty`, ...), the generator that reads the records'
metadata (:func:`record_properties`), the runtime's own properties, the UiPath connector's template
(:func:`uipath_template`), the versioning rule for the committed files, and a Modeler simulation for tests
(:func:`model_task`). See ``docs/element-template.md``.

>>> from uipath_connector.templates import render_template, uipath_template
>>> render_template(uipath_template()).startswith('{\\n  "$schema"')
True
"""

from __future__ import annotations

from ._files import TemplateFileError, version_problem, versioned_path, versioning_problems, write_template_files
from ._generator import Selector, SelectorChoice, TemplateError, record_properties, template_pattern
from ._model import (
    Binding,
    Constraints,
    ElementTemplate,
    Group,
    Preset,
    PropertyCondition,
    Step,
    TemplateProperty,
    render_template,
)
from ._modeler import ModeledTask, ModelerError, model_task
from ._runtime_properties import (
    error_expression_property,
    result_properties,
    retry_properties,
    task_type_property,
    template_identity_properties,
)
from ._uipath_template import uipath_template, uipath_template_path
from ._wait_template import WAIT_TEMPLATE_VERSION, wait_template, wait_template_path

__all__ = [
    "WAIT_TEMPLATE_VERSION",
    "Binding",
    "Constraints",
    "ElementTemplate",
    "Group",
    "ModeledTask",
    "ModelerError",
    "Preset",
    "PropertyCondition",
    "Selector",
    "SelectorChoice",
    "Step",
    "TemplateError",
    "TemplateFileError",
    "TemplateProperty",
    "error_expression_property",
    "model_task",
    "record_properties",
    "render_template",
    "result_properties",
    "retry_properties",
    "task_type_property",
    "template_identity_properties",
    "template_pattern",
    "uipath_template",
    "uipath_template_path",
    "version_problem",
    "versioned_path",
    "versioning_problems",
    "wait_template",
    "wait_template_path",
    "write_template_files",
]
