"""Element templates for Camunda Modeler, generated from the connectors' records.

The template model (:class:`ElementTemplate`, :class:`TemplateProperty`, ...), the generator that reads the records'
metadata and a connector's operation registry (:func:`record_properties`), the runtime's own properties, the
versioning rule for the committed files, and a Modeler simulation for tests (:func:`model_task`). Each connector
builds its own template with these (the UiPath connector's is ``uipath_connector.uipath.uipath_template``) and
declares it on its ``@outbound_connector``. See ``docs/element-template.md``.

>>> from uipath_connector.uipath import uipath_template
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
from ._modeler import ModeledTask, ModelerError, job_variables, model_task
from ._runtime_properties import (
    error_expression_property,
    result_properties,
    retry_properties,
    task_type_property,
    template_identity_properties,
)
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
    "job_variables",
    "model_task",
    "record_properties",
    "render_template",
    "result_properties",
    "retry_properties",
    "task_type_property",
    "template_identity_properties",
    "template_pattern",
    "version_problem",
    "versioned_path",
    "versioning_problems",
    "wait_template",
    "wait_template_path",
    "write_template_files",
]
