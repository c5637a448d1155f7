"""The UiPath connector's element template: the records' properties plus what only the template knows.

Field properties come from :mod:`uipath_connector.uipath`'s records (:func:`record_properties`) and its operation
registry (dropdown, steps, presets, result expressions). This module adds the template-level facts of Camunda's
v7 UiPath template ("UiPath Connector", docs.camunda.io) in this project's own namespace: id, name, version,
icon, groups, the runtime's properties (result, errors, retries, identity headers), and the form-only folder
selector.

Versioning (docs/element-template.md): bump :data:`TEMPLATE_VERSION` with every change a modeler can see;
``uipath-connector template`` then freezes the previous file under ``element-templates/versioned/``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from ..templates import (
    ElementTemplate,
    Group,
    Preset,
    PropertyCondition,
    Selector,
    SelectorChoice,
    Step,
    TemplateError,
    error_expression_property,
    record_properties,
    result_properties,
    retry_properties,
    task_type_property,
    template_identity_properties,
)
from ._connector import JOB_TYPE
from ._operations import OPERATIONS

__all__ = ["DOCUMENTATION_REF", "TEMPLATE_ID", "TEMPLATE_VERSION", "uipath_template", "uipath_template_path"]

#: Our own id (never Camunda's ``io.camunda.connectors.UIPath.v1``), stable across versions.
TEMPLATE_ID = "uipath-connector.UiPath.v1"
#: Goes up by one with every change a modeler can see (labels, defaults, fields, conditions, constraints, ...).
TEMPLATE_VERSION = 2

#: The project's page, shown by the Modeler as the template's documentation link. The project has no hosted docs
#: site or repository URL in its metadata yet; its package page is what a user can open, and it shows the README,
#: which leads to docs/element-template.md. Point this at the hosted page once ``[project.urls]`` names one
#: (tests/test_template_uipath.py then insists on it).
DOCUMENTATION_REF = "https://pypi.org/project/uipath-connector/"

#: Appended to every step name: Camunda's own UiPath template offers steps with the same operation names, and
#: with both templates installed the Modeler's menu would show "Add queue item" twice.
_STEP_SUFFIX = " (uipath-connector)"

_GROUPS = (
    Group("operation", "Operation"),
    Group("authentication", "Authentication"),
    Group("configuration", "Configuration"),
    Group("input", "Input"),
    Group("connector", "Connector"),
    Group("output", "Output"),
    Group("errors", "Error handling"),
    Group("retries", "Retries"),
)

#: The folder is given by exactly one of three variables (the records refuse two); the form shows one at a time.
_FOLDER_SELECTOR = Selector(
    id="folderSelection",
    label="Folder",
    description="How to name the Orchestrator folder the queue lives in",
    tooltip="The organization unit ID is the fid= number in Orchestrator's URL; a folder path or key works too",
    group="configuration",
    choices=(
        SelectorChoice("organizationUnitId", "Organization unit ID", ["organizationUnitId"]),
        SelectorChoice("folderPath", "Folder path", ["folderPath"]),
        SelectorChoice("folderKey", "Folder key", ["folderKey"]),
    ),
)


def _icon() -> str:
    """A robot on a UiPath-orange tile, drawn for this project, as an inline SVG data URI."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='18' height='18' viewBox='0 0 18 18'>"
        "<rect x='1' y='1' width='16' height='16' rx='3' fill='#FA4616'/>"
        "<circle cx='9' cy='3.6' r='1.1' fill='#fff'/>"
        "<rect x='8.5' y='3.6' width='1' height='2.4' fill='#fff'/>"
        "<rect x='4' y='6' width='10' height='6.5' rx='1.6' fill='#fff'/>"
        "<circle cx='6.9' cy='9.2' r='1.1' fill='#FA4616'/>"
        "<circle cx='11.1' cy='9.2' r='1.1' fill='#FA4616'/>"
        "<rect x='5' y='13.5' width='2' height='1.5' rx='0.4' fill='#fff'/>"
        "<rect x='8' y='13.5' width='2' height='1.5' rx='0.4' fill='#fff'/>"
        "<rect x='11' y='13.5' width='2' height='1.5' rx='0.4' fill='#fff'/>"
        "</svg>"
    )
    return "data:image/svg+xml;utf8," + quote(svg, safe=" '=/:.-")


def uipath_template_path(root: Path | None = None) -> Path:
    """Where the latest UiPath template is committed, under ``root`` (the repository; default: here).

    Earlier versions live beside it in ``versioned/uipath-connector-<N>.json`` (:func:`versioned_path`).

    >>> uipath_template_path().as_posix()
    'element-templates/uipath-connector.json'
    """
    return (root or Path()) / "element-templates" / "uipath-connector.json"


def uipath_template() -> ElementTemplate:
    """The element template of the UiPath connector, generated from its records.

    >>> template = uipath_template()
    >>> template.id, template.properties[0].value
    ('uipath-connector.UiPath.v1', 'uipath-connector:uipath:1')
    """
    dropdown = OPERATIONS.dropdown()
    fields = record_properties(OPERATIONS.request_type(), discriminator=dropdown, selectors=[_FOLDER_SELECTOR])
    operations = list(OPERATIONS)
    missing = [operation.id for operation in operations if operation.result_expression is None]
    if missing:
        raise TemplateError(f"every operation needs a result expression preset: {missing}")
    operation_id = dropdown.property_id or OPERATIONS.variable
    results = [
        (PropertyCondition.of(operation_id, op.id), op.result_expression.property_id, op.result_expression.expression)
        for op in operations
        if op.result_expression is not None
    ]
    return ElementTemplate(
        id=TEMPLATE_ID,
        name="UiPath Connector (uipath-connector)",
        version=TEMPLATE_VERSION,
        description="Orchestrate your UiPath bots with Camunda: add queue items to UiPath Orchestrator "
        "(Automation Cloud, Automation Suite or on-premises) and get their results",
        keywords=(
            "add queue item",
            "get queue item result by ID",
            "queue item",
            "RPA",
            "robotic process automation",
            "automation",
            "orchestrator",
            "robot",
            "UiPath",
        ),
        documentation_ref=DOCUMENTATION_REF,
        category=("connectors", "Connectors"),
        engines={"camunda": "^8.3"},
        icon=_icon(),
        groups=_GROUPS,
        properties=(
            task_type_property(JOB_TYPE),
            *fields,
            *result_properties(results),
            error_expression_property(),
            *retry_properties(retries=3, backoff="PT30S"),
            *template_identity_properties(TEMPLATE_ID, TEMPLATE_VERSION),
        ),
        steps=tuple(
            Step(
                op.label + _STEP_SUFFIX,
                f"{operation_id}_{op.id}",
                description=op.description,
                keywords=op.keywords,
            )
            for op in operations
        ),
        presets=tuple(Preset(f"{operation_id}_{op.id}", ((operation_id, op.id),)) for op in operations),
    )
