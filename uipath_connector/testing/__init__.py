"""The test kit for teams that build on uipath-connector (see ``docs/testing.md``).

* a fluent context builder and a map-backed secret provider, for unit-testing connector functions;
* the Orchestrator emulator (``OrchestratorEmulator``), in-process under ``responses`` or on loopback;
* pytest fixtures ``uipath_orchestrator`` and ``uipath_orchestrator_server``
  (:mod:`uipath_connector.testing.pytest_plugin`).

>>> from uipath_connector.testing import OutboundConnectorContextBuilder
>>> OutboundConnectorContextBuilder.create().variable("itemId", 7).build().variables
{'itemId': 7}
"""

from __future__ import annotations

from ..sdk import MapSecretProvider
from ._context_builder import OutboundConnectorContextBuilder
from .emulator import (
    DEMO,
    MAX_DELAY_SECONDS,
    AbandonItem,
    Clock,
    CompleteItem,
    Delay,
    DemoData,
    DropConnection,
    EmulatorError,
    EmulatorRequest,
    EmulatorResponse,
    EmulatorServer,
    Endpoint,
    ErrorBody,
    FailItem,
    FailureKind,
    Fault,
    FaultInjection,
    Folder,
    HtmlErrorPage,
    InvalidODataError,
    InvalidRequestError,
    MalformedJson,
    ManualClock,
    OrchestratorEmulator,
    Priority,
    ProcessingException,
    Queue,
    QueueItem,
    QueueItemConflictError,
    QueueItemNotFoundError,
    QueueItemStatus,
    RecordedRequest,
    RobotOutcome,
    RobotRule,
    Scope,
    ServerError,
    SystemClock,
    TooManyRequests,
    run_emulator_server,
)

__all__ = [
    "DEMO",
    "MAX_DELAY_SECONDS",
    "AbandonItem",
    "Clock",
    "CompleteItem",
    "Delay",
    "DemoData",
    "DropConnection",
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
    "MalformedJson",
    "ManualClock",
    "MapSecretProvider",
    "OrchestratorEmulator",
    "OutboundConnectorContextBuilder",
    "Priority",
    "ProcessingException",
    "Queue",
    "QueueItem",
    "QueueItemConflictError",
    "QueueItemNotFoundError",
    "QueueItemStatus",
    "RecordedRequest",
    "RobotOutcome",
    "RobotRule",
    "Scope",
    "ServerError",
    "SystemClock",
    "TooManyRequests",
    "run_emulator_server",
]
