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

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..sdk import MapSecretProvider
    from ._context_builder import OutboundConnectorContextBuilder
    from .emulator import (
        DEMO,
        MAX_DELAY_SECONDS,
        AbandonItem,
        Clock,
        CompleteItem,
        Delay,
        Delivery,
        DemoData,
        DropConnection,
        EmulatorConfigError,
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
        ItemEventType,
        MalformedJson,
        ManualClock,
        OrchestratorEmulator,
        Priority,
        ProcessingException,
        Queue,
        QueueItem,
        QueueItemConflictError,
        QueueItemEvent,
        QueueItemNotFoundError,
        QueueItemStatus,
        RecordedRequest,
        Robot,
        RobotOutcome,
        RobotRule,
        Scope,
        ServerError,
        SystemClock,
        TooManyRequests,
        Webhook,
        WebhookDispatcher,
        build_emulator,
        load_config,
        run_emulator_server,
    )

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
    "MapSecretProvider",
    "OrchestratorEmulator",
    "OutboundConnectorContextBuilder",
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

# pytest imports this package in every session of a project that installs uipath-connector (the pytest11 entry
# point names ``uipath_connector.testing.pytest_plugin``, and Python imports the parent package first). Loading
# the emulator and the SDK only when a name is first used keeps that cost near zero
# (pytest: Writing plugins: "Keep it light").
_HOMES = dict.fromkeys(__all__, ".emulator") | {
    "MapSecretProvider": "..sdk",
    "OutboundConnectorContextBuilder": "._context_builder",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
