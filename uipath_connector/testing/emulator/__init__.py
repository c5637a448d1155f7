"""UiPath Orchestrator emulator: a stateful model of the queue API, in-process (``responses``) or on loopback.

See ``docs/testing.md``. Everything public is re-exported by :mod:`uipath_connector.testing`.
"""

from __future__ import annotations

from ._clock import Clock, ManualClock, SystemClock
from ._config import EmulatorConfigError, build_emulator, load_config
from ._emulator import (
    DEMO,
    AbandonItem,
    CompleteItem,
    DemoData,
    FailItem,
    OrchestratorEmulator,
    RobotOutcome,
    RobotRule,
)
from ._errors import (
    EmulatorError,
    InvalidODataError,
    InvalidRequestError,
    QueueItemConflictError,
    QueueItemNotFoundError,
)
from ._faults import (
    MAX_DELAY_SECONDS,
    Delay,
    DropConnection,
    Endpoint,
    ErrorBody,
    Fault,
    FaultInjection,
    HtmlErrorPage,
    MalformedJson,
    ServerError,
    TooManyRequests,
)
from ._http import EmulatorRequest, EmulatorResponse, RecordedRequest
from ._model import (
    FailureKind,
    Folder,
    ItemEventType,
    Priority,
    ProcessingException,
    Queue,
    QueueItem,
    QueueItemEvent,
    QueueItemStatus,
    Robot,
    Scope,
)
from ._run import run_emulator_server
from ._server import EmulatorServer
from ._webhooks import Delivery, Webhook, WebhookDispatcher

__all__ = [
    "DEMO",
    "MAX_DELAY_SECONDS",
    "AbandonItem",
    "Clock",
    "CompleteItem",
    "Delay",
    "Delivery",
    "DemoData",
    "DropConnection",
    "EmulatorConfigError",
    "EmulatorError",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorServer",
    "Endpoint",
    "ErrorBody",
    "FailItem",
    "FailureKind",
    "Fault",
    "FaultInjection",
    "Folder",
    "HtmlErrorPage",
    "InvalidODataError",
    "InvalidRequestError",
    "ItemEventType",
    "MalformedJson",
    "ManualClock",
    "OrchestratorEmulator",
    "Priority",
    "ProcessingException",
    "Queue",
    "QueueItem",
    "QueueItemConflictError",
    "QueueItemEvent",
    "QueueItemNotFoundError",
    "QueueItemStatus",
    "RecordedRequest",
    "Robot",
    "RobotOutcome",
    "RobotRule",
    "Scope",
    "ServerError",
    "SystemClock",
    "TooManyRequests",
    "Webhook",
    "WebhookDispatcher",
    "build_emulator",
    "load_config",
    "run_emulator_server",
]
