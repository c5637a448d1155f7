"""From a queue item event to the Zeebe message a waiting process instance correlates.

The message id is built from the item and its state only (``uipath-queue-item:<Id>:<Status>``), never from the
webhook delivery: the webhook, a second delivery of it and the reconciler all publish the same fact under the same
id, and Zeebe rejects a message whose id it already holds for the same name (and tenant) while the first one is
buffered (Camunda 8 docs, "Messages", message uniqueness; ``messageId`` of ``POST /v2/messages/publication``).
That is why the time to live must outlast the window in which a duplicate can arrive (default one hour, the
reconciler's overlap is minutes): with a time to live of zero Zeebe keeps nothing to compare against.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

import attrs

from ._events import FINAL_EVENT_TYPES, QUEUE_ITEM_EVENT_TYPES, QueueItemEvent

__all__ = [
    "DEFAULT_MESSAGE_NAME",
    "DEFAULT_VARIABLE_NAME",
    "MessageRules",
    "QueueItemMessage",
    "message_id_for",
]

#: The message name every final queue item event is published under unless configured otherwise.
DEFAULT_MESSAGE_NAME = "uipath-queue-item-final"
#: The process variable the message sets (one object, so it never overwrites other variables).
DEFAULT_VARIABLE_NAME = "uipathQueueItem"
# Message names and correlation keys are limited to 256 characters on RDBMS-backed clusters (Camunda 8 docs,
# "Messages"); a longer Reference could never correlate there.
MAX_NAME_LENGTH = 256


def message_id_for(item_id: int, status: str) -> str:
    """The deterministic message id of an item in a status.

    >>> message_id_for(1001, "Successful")
    'uipath-queue-item:1001:Successful'
    """
    return f"uipath-queue-item:{item_id}:{status}"


@attrs.frozen
class QueueItemMessage:
    """One Zeebe message: what ``PublishMessage`` (gRPC) and ``POST /v2/messages/publication`` (REST) take."""

    name: str
    correlation_key: str
    message_id: str
    variables: Mapping[str, Any]
    time_to_live_ms: int
    tenant_id: str | None = None

    def rest_body(self) -> dict[str, Any]:
        """The JSON body of ``POST /v2/messages/publication`` (Camunda 8 REST API, "Publish a message")."""
        body: dict[str, Any] = {
            "name": self.name,
            "correlationKey": self.correlation_key,
            "timeToLive": self.time_to_live_ms,
            "messageId": self.message_id,
            "variables": dict(self.variables),
        }
        if self.tenant_id is not None:
            body["tenantId"] = self.tenant_id
        return body


def _message_names(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _check_names(instance: MessageRules, attribute: attrs.Attribute[Any], value: Mapping[str, str]) -> None:
    if not value:
        raise ValueError("message_names: name at least one event type")
    for event_type, name in value.items():
        if event_type not in QUEUE_ITEM_EVENT_TYPES:
            raise ValueError(
                f"message_names: unknown event type {event_type!r} (one of {', '.join(QUEUE_ITEM_EVENT_TYPES)})"
            )
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
            raise ValueError(f"message_names[{event_type!r}]: a message name of 1 to {MAX_NAME_LENGTH} characters")


def _check_ttl(instance: MessageRules, attribute: attrs.Attribute[Any], value: timedelta) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValueError("time_to_live: must be a positive timedelta (Zeebe keeps a message id only while buffered)")


def _check_variable(instance: MessageRules, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str) or not value.isidentifier():
        raise ValueError("variable_name: must be a variable name (letters, digits, underscores)")


@attrs.frozen(kw_only=True)
class MessageRules:
    """Which events become which messages, correlated how. Valid when constructed (``ValueError`` names the field).

    The final event types publish only items in a final status (``Successful``, ``Failed``, ``Abandoned``); other
    event types, when named in ``message_names``, publish whatever status their item has.

    >>> rules = MessageRules(correlate_by="Id")
    >>> rules.message_names["queueItem.transactionFailed"], rules.time_to_live
    ('uipath-queue-item-final', datetime.timedelta(seconds=3600))
    """

    message_names: Mapping[str, str] = attrs.field(
        factory=lambda: dict.fromkeys(FINAL_EVENT_TYPES, DEFAULT_MESSAGE_NAME),
        converter=_message_names,
        validator=_check_names,
    )
    correlate_by: Literal["Reference", "Id"] = attrs.field(
        default="Reference", validator=attrs.validators.in_(("Reference", "Id"))
    )
    time_to_live: timedelta = attrs.field(default=timedelta(hours=1), validator=_check_ttl)
    variable_name: str = attrs.field(default=DEFAULT_VARIABLE_NAME, validator=_check_variable)
    tenant_id: str | None = None

    def message_for(self, event: QueueItemEvent) -> QueueItemMessage | None:
        """The message for ``event``, or None when its type is not published or the item has no correlation key.

        >>> from uipath_connector.webhooks import QueueItemEvent, QueueItemState
        >>> event = QueueItemEvent("queueItem.transactionCompleted", QueueItemState(7, "Successful", reference="R"))
        >>> MessageRules().message_for(event).message_id
        'uipath-queue-item:7:Successful'
        """
        name = self.message_names.get(event.event_type)
        item = event.item
        # A failed transaction with retries left leaves the item Retried and a clone (same Key and Reference)
        # carries on (Orchestrator user guide, "Queue item statuses"): not the end a waiting process wants.
        if name is None or (event.event_type in FINAL_EVENT_TYPES and not item.is_final):
            return None
        key = item.reference if self.correlate_by == "Reference" else str(item.id)
        if not key or len(key) > MAX_NAME_LENGTH:
            return None
        return QueueItemMessage(
            name=name,
            correlation_key=key,
            message_id=message_id_for(item.id, item.status),
            variables={
                self.variable_name: {
                    "id": item.id,
                    "key": item.key,
                    "reference": item.reference,
                    "queueDefinitionId": item.queue_definition_id,
                    "status": item.status,
                    "output": item.output,
                    "processingException": item.processing_exception,
                    "eventType": event.event_type,
                }
            },
            time_to_live_ms=self.time_to_live // timedelta(milliseconds=1),
            tenant_id=self.tenant_id,
        )
