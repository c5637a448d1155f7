"""Orchestrator's queue item events, as a webhook delivers them and as the reconciler reads them back.

A webhook request body (UiPath's Orchestrator user guide, "Webhooks" for the common properties and "Types of
Events" for the queue item events: https://docs.uipath.com/orchestrator/automation-cloud/latest/user-guide/
types-of-events) is one JSON object::

    {"Type": "queueItem.transactionCompleted", "EventId": "3e5af0113e674ae597c579cb35ed8630",
     "Timestamp": "2026-11-28T15:00:00.5790797Z", "TenantId": 1, "FolderId": 26,
     "QueueItem": {"Id": 1001, "Key": "…", "QueueDefinitionId": 7, "Status": "Successful",
                   "Reference": "INV-1", "Output": {"Paid": true}, "ProcessingException": null, …}}

``Type``, ``EventId`` and ``Timestamp`` are in every event; the queue item events carry the item as it is after
the change (a ``QueueItemDto``, the same shape ``GET /odata/QueueItems`` returns). The parser here accepts the item
under ``QueueItem`` or as a list under ``QueueItems``, a numeric ``Status`` (Orchestrator's enumeration), and
ignores every property it does not use. Anything else is a :class:`WebhookPayloadError` naming the property.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

__all__ = [
    "FINAL_EVENT_TYPES",
    "FINAL_STATUSES",
    "QUEUE_ITEM_EVENT_TYPES",
    "QueueItemEvent",
    "QueueItemState",
    "WebhookDelivery",
    "WebhookPayloadError",
    "event_type_for_status",
    "parse_delivery",
    "parse_timestamp",
]

#: Queue item event types Orchestrator's webhooks offer (UiPath, "Types of Events").
QUEUE_ITEM_EVENT_TYPES = (
    "queueItem.added",
    "queueItem.transactionStarted",
    "queueItem.transactionCompleted",
    "queueItem.transactionFailed",
    "queueItem.transactionAbandoned",
)
#: The events that end a transaction for good: what a waiting process wants by default.
FINAL_EVENT_TYPES = (
    "queueItem.transactionCompleted",
    "queueItem.transactionFailed",
    "queueItem.transactionAbandoned",
)
#: Statuses no robot changes any more. ``Retried`` is not one: a clone (same Key and Reference) carries on.
FINAL_STATUSES = ("Successful", "Failed", "Abandoned")
_EVENT_TYPE_BY_STATUS = dict(zip(FINAL_STATUSES, FINAL_EVENT_TYPES, strict=True))

# Orchestrator's numeric QueueItemStatus enumeration (UiPath forum, "QueueItem and QueueItemEvents status values
# enumeration"): 4 is listed there as "invalid", which the API names Abandoned.
_STATUS_NAMES = ("New", "InProgress", "Failed", "Successful", "Abandoned", "Retried", "Deleted")
#: A delivery naming more items than this is refused (400): Orchestrator sends one item per queue item event.
MAX_ITEMS_PER_DELIVERY = 1000
_MAX_TEXT = 1024


# Orchestrator writes date-times with up to 7 fractional digits and an offset or Z ("2023-01-20T10:13:20.6603953Z").
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})", re.ASCII | re.IGNORECASE
)


def parse_timestamp(text: str) -> datetime | None:
    """An Orchestrator date-time as an aware UTC datetime (microseconds kept); None when it is not one.

    >>> parse_timestamp("2023-01-20T10:13:20.6603953Z")
    datetime.datetime(2023, 1, 20, 10, 13, 20, 660395, tzinfo=datetime.timezone.utc)
    >>> parse_timestamp("2023-01-20T12:13:20+02:00").isoformat()
    '2023-01-20T10:13:20+00:00'
    """
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    micro = int((match.group(7) or "0").ljust(6, "0")[:6])
    offset = match.group(8)
    zone = timezone.utc
    if offset.upper() != "Z":
        sign = 1 if offset[0] == "+" else -1
        zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    try:
        moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


class WebhookPayloadError(ValueError):
    """A webhook body that is not a queue item event the receiver can read; the message names the property."""


@attrs.frozen
class QueueItemState:
    """A queue item as a final (or any) event shows it: the facts a Zeebe message carries.

    >>> QueueItemState.from_dto({"Id": 5, "Status": "Successful", "Reference": "INV-5", "Output": {"Paid": True}})
    QueueItemState(id=5, status='Successful', key=None, reference='INV-5', queue_definition_id=None, \
output={'Paid': True}, processing_exception=None, end_processing=None)
    """

    id: int
    status: str
    key: str | None = None
    reference: str | None = None
    queue_definition_id: int | None = None
    output: Any = None
    processing_exception: Any = None
    end_processing: str | None = None

    @classmethod
    def from_dto(cls, item: object, where: str = "QueueItem") -> QueueItemState:
        """Read a ``QueueItemDto`` (webhook payload or OData answer); :class:`WebhookPayloadError` when unusable."""
        if not isinstance(item, Mapping):
            raise WebhookPayloadError(f"{where}: must be an object")
        item_id = item.get("Id")
        if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id <= 0:
            raise WebhookPayloadError(f"{where}.Id: must be a positive integer")
        return cls(
            id=item_id,
            status=_status(item.get("Status"), f"{where}.Status"),
            key=_optional_text(item.get("Key"), f"{where}.Key"),
            reference=_optional_text(item.get("Reference"), f"{where}.Reference"),
            queue_definition_id=_optional_int(item.get("QueueDefinitionId"), f"{where}.QueueDefinitionId"),
            output=item.get("Output"),
            processing_exception=item.get("ProcessingException"),
            end_processing=_optional_text(item.get("EndProcessing"), f"{where}.EndProcessing"),
        )

    @property
    def is_final(self) -> bool:
        """Whether no robot will change this item any more."""
        return self.status in FINAL_STATUSES


@attrs.frozen
class QueueItemEvent:
    """One queue item event: its type and the item as it is after the change."""

    event_type: str
    item: QueueItemState


@attrs.frozen
class WebhookDelivery:
    """One webhook request: the common properties and the queue item events it holds (none for other types)."""

    event_type: str
    event_id: str | None
    tenant_id: int | None
    events: tuple[QueueItemEvent, ...]


def event_type_for_status(status: str) -> str | None:
    """The webhook event type that announces an item reaching ``status`` (for the reconciler's look-ups).

    >>> event_type_for_status("Failed")
    'queueItem.transactionFailed'
    """
    return _EVENT_TYPE_BY_STATUS.get(status)


def parse_delivery(body: bytes) -> WebhookDelivery:
    """Read a webhook request body; :class:`WebhookPayloadError` when it is not JSON or not an event.

    >>> delivery = parse_delivery(b'{"Type": "queueItem.transactionCompleted", "EventId": "e1",'
    ...                           b' "QueueItem": {"Id": 7, "Status": "Successful", "Reference": "R-7"}}')
    >>> delivery.events[0].item.reference
    'R-7'
    """
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WebhookPayloadError("the body is not UTF-8 JSON") from None
    if not isinstance(payload, Mapping):
        raise WebhookPayloadError("the body must be a JSON object")
    event_type = payload.get("Type")
    if not isinstance(event_type, str) or not event_type or len(event_type) > _MAX_TEXT:
        raise WebhookPayloadError("Type: must be the event type (a non-empty string)")
    event_id = _optional_text(payload.get("EventId"), "EventId")
    tenant_id = _optional_int(payload.get("TenantId"), "TenantId")
    if not event_type.lower().startswith("queueitem."):
        return WebhookDelivery(event_type, event_id, tenant_id, ())
    # Orchestrator spells the prefix queueItem; Insights' export spells the added event queueitem.
    canonical = "queueItem." + event_type.split(".", 1)[1]
    if "QueueItem" in payload:
        raw_items: list[tuple[object, str]] = [(payload["QueueItem"], "QueueItem")]
    elif isinstance(payload.get("QueueItems"), list):
        listed = payload["QueueItems"]
        if len(listed) > MAX_ITEMS_PER_DELIVERY:
            raise WebhookPayloadError(f"QueueItems: more than {MAX_ITEMS_PER_DELIVERY} items")
        raw_items = [(item, f"QueueItems[{index}]") for index, item in enumerate(listed)]
    else:
        raise WebhookPayloadError(f"QueueItem: missing in a {canonical} event")
    events = tuple(QueueItemEvent(canonical, QueueItemState.from_dto(item, where)) for item, where in raw_items)
    return WebhookDelivery(canonical, event_id, tenant_id, events)


def _status(value: object, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(_STATUS_NAMES):
        return _STATUS_NAMES[value]
    if isinstance(value, str) and value in _STATUS_NAMES:
        return value
    raise WebhookPayloadError(f"{where}: must be a queue item status ({', '.join(_STATUS_NAMES)})")


def _optional_text(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise WebhookPayloadError(f"{where}: must be a string of at most {_MAX_TEXT} characters")
    return value


def _optional_int(value: object, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise WebhookPayloadError(f"{where}: must be an integer")
    return value
