"""Wait for the robot: signed Orchestrator webhooks and a reconciler that publish Zeebe messages, exactly once.

* :class:`WebhookReceiver`: an ASGI application; verifies ``X-UiPath-Signature``, turns each final queue item event
  into a :class:`QueueItemMessage` (:class:`MessageRules`) and hands it to a :class:`MessageDispatcher`;
* :class:`Reconciler`: reads items that ended since its :class:`Watermark` from Orchestrator and publishes the same
  messages under the same ids (closing the gaps of lost deliveries; also the poll-only mode);
* publishers: :class:`CamundaRestPublisher` (``POST /v2/messages/publication``), :class:`PyzeebePublisher` (gRPC),
  :class:`RecordingPublisher` (tests and the demo).

See ``docs/waiting.md``.

>>> from uipath_connector.webhooks import MessageDispatcher, RecordingPublisher, WebhookReceiver, sign
>>> app = WebhookReceiver(secrets=["webhook-secret"], dispatcher=MessageDispatcher(RecordingPublisher()))
"""

from __future__ import annotations

from ._events import (
    FINAL_EVENT_TYPES,
    FINAL_STATUSES,
    QUEUE_ITEM_EVENT_TYPES,
    QueueItemEvent,
    QueueItemState,
    WebhookDelivery,
    WebhookPayloadError,
    event_type_for_status,
    parse_delivery,
    parse_timestamp,
)
from ._messages import DEFAULT_MESSAGE_NAME, DEFAULT_VARIABLE_NAME, MessageRules, QueueItemMessage, message_id_for
from ._publishers import CamundaRestPublisher, PyzeebePublisher, RecordingPublisher
from ._publishing import (
    DispatcherStats,
    MessageDispatcher,
    MessagePublisher,
    PublishError,
    PublishOutcome,
    PublishRetryPolicy,
    publish_with_retry,
)
from ._receiver import DEFAULT_MAX_BODY_BYTES, WebhookReceiver
from ._reconciler import OrchestratorItemSource, QueueItemSource, Reconciler, ReconcileReport, odata_datetime
from ._signature import SIGNATURE_HEADER, sign, signature_matches
from ._watermarks import FileWatermarkStore, MemoryWatermarkStore, Watermark, WatermarkStore

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MESSAGE_NAME",
    "DEFAULT_VARIABLE_NAME",
    "FINAL_EVENT_TYPES",
    "FINAL_STATUSES",
    "QUEUE_ITEM_EVENT_TYPES",
    "SIGNATURE_HEADER",
    "CamundaRestPublisher",
    "DispatcherStats",
    "FileWatermarkStore",
    "MemoryWatermarkStore",
    "MessageDispatcher",
    "MessagePublisher",
    "MessageRules",
    "OrchestratorItemSource",
    "PublishError",
    "PublishOutcome",
    "PublishRetryPolicy",
    "PyzeebePublisher",
    "QueueItemEvent",
    "QueueItemMessage",
    "QueueItemSource",
    "QueueItemState",
    "ReconcileReport",
    "Reconciler",
    "RecordingPublisher",
    "Watermark",
    "WatermarkStore",
    "WebhookDelivery",
    "WebhookPayloadError",
    "WebhookReceiver",
    "event_type_for_status",
    "message_id_for",
    "odata_datetime",
    "parse_delivery",
    "parse_timestamp",
    "publish_with_retry",
    "sign",
    "signature_matches",
]
