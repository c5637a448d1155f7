"""The "Wait for UiPath queue item" templates: a message catch event (or a receive task) that waits for the message
``uipath-connector webhooks`` publishes when a robot finishes a queue item (see ``docs/waiting.md``).

Two files from one definition, because an element template has one element type: an intermediate message catch
event (``elementType`` with ``bpmn:MessageEventDefinition``) and a receive task. Both set the message name
(``bpmn:Message#property`` ``name``) and the subscription's correlation key
(``bpmn:Message#zeebe:subscription#property`` ``correlationKey``), the two bindings Camunda's element-template
schema offers for message elements.

Versioning as for the connector's template: bump :data:`WAIT_TEMPLATE_VERSION` with every change a modeler can see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import quote

from ._model import Binding, Constraints, ElementTemplate, Group, TemplateProperty

__all__ = ["WAIT_TEMPLATE_VERSION", "WaitElement", "wait_template", "wait_template_path"]

WAIT_TEMPLATE_VERSION = 1
#: The message name the webhook receiver and the reconciler publish final queue item events under by default
#: (``uipath_connector.webhooks.DEFAULT_MESSAGE_NAME``; a test keeps the two equal).
DEFAULT_MESSAGE_NAME = "uipath-queue-item-final"

WaitElement = Literal["catch-event", "receive-task"]

_ELEMENTS: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {
    # kind: (id, element type, event definition, applies to)
    "catch-event": (
        "uipath-connector.WaitForQueueItem.v1",
        "bpmn:IntermediateCatchEvent",
        "bpmn:MessageEventDefinition",
        ("bpmn:IntermediateCatchEvent", "bpmn:IntermediateThrowEvent"),
    ),
    "receive-task": (
        "uipath-connector.WaitForQueueItem.ReceiveTask.v1",
        "bpmn:ReceiveTask",
        None,
        ("bpmn:ReceiveTask", "bpmn:Task"),
    ),
}

# Camunda's page on message events: how the name and correlation key of a subscription work.
_DOCUMENTATION_REF = "https://docs.camunda.io/docs/components/modeler/bpmn/message-events/"


def _icon() -> str:
    """An envelope on a UiPath-orange tile, drawn for this project, as an inline SVG data URI."""
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' width='18' height='18' viewBox='0 0 18 18'>"
        "<rect x='1' y='1' width='16' height='16' rx='3' fill='#FA4616'/>"
        "<rect x='3.5' y='5' width='11' height='8' rx='1' fill='#fff'/>"
        "<path d='M3.5 5.5 L9 9.5 L14.5 5.5' stroke='#FA4616' stroke-width='1.2' fill='none'/>"
        "</svg>"
    )
    return "data:image/svg+xml;utf8," + quote(svg, safe=" '=/:.-")


def wait_template_path(element: WaitElement = "catch-event", root: Path | None = None) -> Path:
    """Where a "Wait for UiPath queue item" template is committed.

    >>> wait_template_path().as_posix(), wait_template_path("receive-task").as_posix()
    ('element-templates/uipath-wait-for-queue-item.json', 'element-templates/uipath-wait-for-queue-item-task.json')
    """
    name = "uipath-wait-for-queue-item.json" if element == "catch-event" else "uipath-wait-for-queue-item-task.json"
    return (root or Path()) / "element-templates" / name


def wait_template(element: WaitElement = "catch-event") -> ElementTemplate:
    """The "Wait for UiPath queue item" template for a message catch event (default) or a receive task.

    >>> template = wait_template()
    >>> template.id, template.element_type, [p.binding.name for p in template.properties]
    ('uipath-connector.WaitForQueueItem.v1', 'bpmn:IntermediateCatchEvent', ['name', 'correlationKey'])
    """
    template_id, element_type, event_definition, applies_to = _ELEMENTS[element]
    kind = "receive task" if element == "receive-task" else "message catch event"
    return ElementTemplate(
        id=template_id,
        name="Wait for UiPath queue item" + (" (receive task)" if element == "receive-task" else ""),
        version=WAIT_TEMPLATE_VERSION,
        description=f"A {kind} that waits until a UiPath robot finishes a queue item: the message published by "
        "uipath-connector's webhook receiver or reconciler, correlated by the item's reference",
        keywords=("wait for robot", "queue item result", "UiPath", "webhook", "robot finished", "message"),
        documentation_ref=_DOCUMENTATION_REF,
        category=("connectors", "Connectors"),
        engines={"camunda": "^8.3"},
        icon=_icon(),
        groups=(Group("message", "UiPath queue item"),),
        properties=(
            TemplateProperty(
                binding=Binding("bpmn:Message#property", "name"),
                type="String",
                id="messageName",
                label="Message name",
                description="The name the webhook receiver publishes final queue item events under",
                tooltip="uipath-connector webhooks --message-name; the default is uipath-queue-item-final",
                group="message",
                value=DEFAULT_MESSAGE_NAME,
                constraints=Constraints(not_empty=True),
            ),
            TemplateProperty(
                binding=Binding("bpmn:Message#zeebe:subscription#property", "correlationKey"),
                type="String",
                id="correlationKey",
                label="Queue item reference",
                description="The reference the item was added with (the default correlation), or =string(itemId) "
                "when the receiver correlates by Id",
                tooltip="When the robot finishes, the process gets the variable uipathQueueItem: id, key, reference, "
                "status, output, processingException",
                group="message",
                value="=reference",
                feel="required",
                constraints=Constraints(not_empty=True),
            ),
        ),
        applies_to=applies_to,
        element_type=element_type,
        event_definition=event_definition,
    )
