"""Fixtures that run the same HTTP tests against both ways of running the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
import requests

from uipath_connector.testing import DEMO, ManualClock, OrchestratorEmulator

CLOUD = "https://cloud.uipath.com"
TIMEOUT = 5


class Orchestrator:
    """An emulator plus a ``requests`` session pointed at it, in-process or over loopback."""

    def __init__(self, emulator: OrchestratorEmulator, host: str, mode: str, clock: ManualClock) -> None:
        self.emulator = emulator
        self.host = host
        self.mode = mode
        self.clock = clock
        self.base = emulator.base_url(host)
        self.token_url = emulator.token_url(host)
        self.session = requests.Session()

    def headers(self, token: str = DEMO.personal_access_token, **extra: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
            **extra,
        }

    def get(self, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.get(self.base + path, headers=self.headers() if headers is None else headers, **kwargs)

    def post(
        self, path: str, json: object = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.post(
            self.base + path, json=json, headers=self.headers() if headers is None else headers, **kwargs
        )

    def add(
        self, queue: str = DEMO.queue_name, headers: dict[str, str] | None = None, **fields: Any
    ) -> requests.Response:
        return self.post("/odata/Queues/UiPathODataSvc.AddQueueItem", {"itemData": {"Name": queue, **fields}}, headers)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2024, 5, 2, 10, 11, 12, 345678, tzinfo=timezone.utc))


@pytest.fixture(params=["in-process", "loopback"])
def orchestrator(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Orchestrator]:
    emulator = OrchestratorEmulator.demo(clock=clock)
    if request.param == "in-process":
        with emulator.mock(base_host=CLOUD):
            yield Orchestrator(emulator, CLOUD, "in-process", clock)
    else:
        with emulator.server() as server:
            target = Orchestrator(emulator, server.url, "loopback", clock)
            yield target
            target.session.close()
