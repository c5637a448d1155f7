"""pytest fixtures for the Orchestrator emulator (registered through the ``pytest11`` entry point).

Kept light at import time: pytest imports this module in every run where the package is installed, so nothing
heavy (``responses``, ``requests``, attrs, the SDK, the emulator) is imported until a fixture runs; the parent
package ``uipath_connector.testing`` loads its names lazily too (about 3 ms in all).
``-p no:uipath_connector`` switches the plugin off.

* ``uipath_orchestrator``: an :class:`~uipath_connector.testing.OrchestratorEmulator` seeded with
  :data:`~uipath_connector.testing.DEMO`, mounted into ``responses`` on ``https://cloud.uipath.com``;
* ``uipath_orchestrator_server``: the same, served on ``http://127.0.0.1:<free port>``
  (an :class:`~uipath_connector.testing.EmulatorServer`; ``.emulator`` is the model, ``.base_url`` the
  Orchestrator base URL and ``.token_url`` the token endpoint).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from uipath_connector.testing import EmulatorServer, OrchestratorEmulator

CLOUD_HOST = "https://cloud.uipath.com"


@pytest.fixture
def uipath_orchestrator() -> Iterator[OrchestratorEmulator]:
    """The demo emulator answering every request to ``https://cloud.uipath.com`` in-process.

    ``def test_x(uipath_orchestrator): requests.post("https://cloud.uipath.com/identity_/connect/token",
    ...)``
    """
    from uipath_connector.testing import OrchestratorEmulator

    emulator = OrchestratorEmulator.demo()
    try:
        with emulator.mock(base_host=CLOUD_HOST):
            yield emulator
    finally:
        emulator.webhooks.stop()  # a test that registered webhooks leaves no delivery thread behind


@pytest.fixture
def uipath_orchestrator_server() -> Iterator[EmulatorServer]:
    """The demo emulator on loopback: ``uipath_orchestrator_server.url`` is ``http://127.0.0.1:PORT``."""
    from uipath_connector.testing import OrchestratorEmulator

    emulator = OrchestratorEmulator.demo()
    try:
        with emulator.server() as server:
            yield server
    finally:
        emulator.webhooks.stop()
