"""Shared fixtures: the emulator in both run modes, a fake clock and sleep (tests never sleep), seed examples,
and job-variable builders for the connector tests."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from hypothesis import settings as hypothesis_settings

from uipath_connector.http import Clock
from uipath_connector.sdk import OutboundConnectorContext
from uipath_connector.testing import DEMO, ManualClock, OrchestratorEmulator, OutboundConnectorContextBuilder
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

# -- hypothesis: explore freely on a developer's machine, reproducibly in CI ---------------------------------

# CI (CI=true) runs the same examples every time, with no per-example deadline: a loaded CI machine must not turn
# a slow example into a failure, and a red CI run must be reproducible. Developers keep random exploration.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


# -- Node-based checks may skip on a developer's machine, never in CI ----------------------------------------

#: Set by .ci/run after `npm ci`: a test skipped because node or node_modules is missing then fails instead.
REQUIRE_NODE_TOOLS = os.environ.get("UIPATH_CONNECTOR_REQUIRE_NODE_TOOLS") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Modeler in headless Chromium (tests/browser/)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if REQUIRE_NODE_TOOLS and report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if "node" in reason.lower():
            report.outcome = "failed"
            report.longrepr = f"{reason} (CI installs the Node tools, so this must not be skipped)"


# -- what was skipped, and the command that would run it ------------------------------------------------------

#: Skip reasons (matched case-insensitively) -> the command that installs what the skipped tests need, for reasons
#: that do not name their command as "(run `command`)" themselves.
ENABLING_COMMANDS = (
    ("node not found", "install Node.js 18 or newer (https://nodejs.org), then: npm ci --no-audit --no-fund"),
    ("node_modules", "npm ci --no-audit --no-fund   (from the repository root)"),
    # Before "node": the browser test's reason names both. Debian's package, never a downloaded browser.
    ("chromium", "apt-get update && apt-get install -y chromium   (the browser test uses /usr/bin/chromium)"),
    ("node", "install Node.js 18 or newer (https://nodejs.org), then: npm ci --no-audit --no-fund"),
    ("uipath-sdk", ".venv/bin/pip install -e '.[uipath-sdk]'   (UiPath's Python SDK)"),
    ("pyzeebe", ".venv/bin/pip install -e '.[test]'   (pyzeebe comes with the test extra)"),
    ("grpc", ".venv/bin/pip install -e '.[test]'   (grpcio comes with pyzeebe)"),
    ("camunda-orchestration-sdk", ".venv/bin/pip install -e '.[test]'   (camunda-orchestration-sdk comes with it)"),
    ("build", ".venv/bin/pip install -e '.[test]'   (brings build and twine)"),
)


def enabling_command(reason: str) -> str | None:
    """The command that would let a test skipped for ``reason`` run: the one the reason names, else a known one."""
    named = re.search(r"\(run `([^`]+)`\)", reason)
    if named:
        return named.group(1)
    lowered = reason.lower()
    return next((command for needle, command in ENABLING_COMMANDS if needle in lowered), None)


def skipped_summary(reasons: list[str]) -> list[str]:
    """Lines for the end of the run: each skip reason with its count, then the commands that would enable them."""
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    lines = [f"{count:4d} skipped: {reason}" for reason, count in sorted(counts.items(), key=lambda kv: -kv[1])]
    commands = sorted({command for reason in counts if (command := enabling_command(reason)) is not None})
    if commands:
        lines.append("To run them:")
        lines += [f"  {command}" for command in commands]
    return lines


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
        reasons.append(reason.removeprefix("Skipped: "))
    if reasons:
        terminalreporter.section("what was skipped, and how to run it")
        for line in skipped_summary(reasons):
            terminalreporter.write_line(line)


# -- the emulator, in-process and on loopback ---------------------------------------------------------------

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


# -- the connector against `responses` ------------------------------------------------------------------------

DATA = Path(__file__).parent / "data"
BASE = "https://cloud.uipath.com/camunda1/DefaultTenant/orchestrator_"
ADD_URL = BASE + "/odata/Queues/UiPathODataSvc.AddQueueItem"
ITEMS_URL = BASE + "/odata/QueueItems"
TOKEN_URL = "https://cloud.uipath.com/identity_/connect/token"


def seed(name: str) -> dict[str, Any]:
    """One of the two response examples of Camunda's UiPath connector docs (``add`` or ``get``), as shown there."""
    loaded: dict[str, Any] = json.loads((DATA / f"seed_{name}_queue_item_response.json").read_text("utf-8"))
    return loaded


class FakeTime:
    """A monotonic clock, a wall clock and a sleep that only moves the clocks."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def wall(self) -> datetime:
        return datetime(2023, 1, 20, 10, 13, 20, tzinfo=timezone.utc) + timedelta(seconds=self.now - 1000.0)

    def as_clock(self, rng: Callable[[], float] = lambda: 0.0, wall: Callable[[], datetime] | None = None) -> Clock:
        """The HTTP layer's clock on this fake time (jitter from ``rng``; ``wall`` instead of :meth:`wall`)."""
        return Clock(monotonic=self.clock, wall=wall or self.wall, sleep=self.sleep, rng=rng)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def token_cache(fake_time: FakeTime) -> TokenCache:
    return TokenCache(clock=fake_time.clock)


def make_connector(fake_time: FakeTime, token_cache: TokenCache, **overrides: Any) -> UiPathConnector:
    options: dict[str, Any] = {
        "retry_policy": RetryPolicy(jitter_seconds=0.0),
        # Tests point at hosts beyond UiPath's cloud (an identity server on id.example.com): allowed explicitly.
        "credential_hosts": ["*.example.com"],
        "token_cache": token_cache,
        "clock": fake_time.as_clock(),
    }
    options.update(overrides)
    return UiPathConnector(**options)


@pytest.fixture
def connector(fake_time: FakeTime, token_cache: TokenCache) -> UiPathConnector:
    return make_connector(fake_time, token_cache)


BEARER = {"type": "bearer", "token": "{{secrets.UIPATH_BEARER_TOKEN}}"}
OAUTH = {
    "type": "oauth-client-credentials-flow",
    "clientId": "{{secrets.UIPATH_CLIENT_ID}}",
    "clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
}
SECRETS = {"UIPATH_BEARER_TOKEN": "bearer-token-1", "UIPATH_CLIENT_ID": "app-id", "UIPATH_CLIENT_SECRET": "app-secret"}


def job(operation: str, authentication: dict[str, Any] | None = None, **variables: Any) -> OutboundConnectorContext:
    """A job context as the element template would produce it, with the secrets above."""
    base: dict[str, Any] = {
        "operationType": operation,
        "authentication": authentication or BEARER,
        "cloudUrl": "cloud.uipath.com",
        "cloudOrg": "camunda1",
        "cloudTenant": "DefaultTenant",
        "organizationUnitId": "1964413",
        "connectionTimeoutInSeconds": "20",
    }
    if operation == "addQueueItem":
        base.update({"queueName": "test", "priority": "Low", "deferDate": "2023-01-12", "reference": "test"})
        base["specificContent"] = {"test": "test"}
    else:
        base["itemId"] = 436141352
    base.update(variables)
    builder = OutboundConnectorContextBuilder.create().variables({k: v for k, v in base.items() if v is not None})
    for name, value in SECRETS.items():
        builder.secret(name, value)
    return builder.build()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def ordered() -> Iterator[responses.RequestsMock]:
    from responses.registries import OrderedRegistry

    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as mock:
        yield mock


#: Framing headers are the transport's business: the docs' recorded content-length (878) belongs to a longer
#: body than the one printed, and chunked transfer-encoding is decoded before a client sees the body.
FRAMING = ("content-length", "transfer-encoding")


def seed_reply(mock: responses.RequestsMock, method: str, url: str, name: str) -> dict[str, Any]:
    """Serve a seed example: its status, headers (as text) and body; return the example."""
    example = seed(name)
    headers = {k: str(v) for k, v in example["headers"].items() if k not in FRAMING}
    mock.add(
        responses.Response(
            method,
            url,
            body=json.dumps(example["body"], ensure_ascii=False),
            status=example["status"],
            headers=headers,
            content_type=None,
        )
    )
    return example


def seed_envelope(name: str) -> dict[str, Any]:
    """The envelope the connector must return for a seed example (headers as text, framing left out)."""
    example = seed(name)
    return {
        "status": example["status"],
        "headers": {k: str(v) for k, v in example["headers"].items() if k not in FRAMING},
        "body": example["body"],
        "reason": {200: "OK", 201: "Created"}[example["status"]],
    }


def json_reply(
    mock: responses.RequestsMock, method: str, url: str, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    mock.add(method, url, json=body, status=status, headers=headers or {})
