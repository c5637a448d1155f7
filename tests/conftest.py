"""Shared fixtures: a fake clock and sleep (tests never sleep), seed fixtures, job-variable builders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import responses

from uipath_connector.sdk import OutboundConnectorContext
from uipath_connector.testing import OutboundConnectorContextBuilder
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

DATA = Path(__file__).parent / "data"
BASE = "https://cloud.uipath.com/camunda1/DefaultTenant/orchestrator_"
ADD_URL = BASE + "/odata/Queues/UiPathODataSvc.AddQueueItem"
ITEMS_URL = BASE + "/odata/QueueItems"
TOKEN_URL = "https://cloud.uipath.com/identity_/connect/token"


def seed(name: str) -> dict[str, Any]:
    """One of the seed's two response examples (``add`` or ``get``), as the envelope the seed shows."""
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


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def token_cache(fake_time: FakeTime) -> TokenCache:
    return TokenCache(clock=fake_time.clock)


def make_connector(fake_time: FakeTime, token_cache: TokenCache, **overrides: Any) -> UiPathConnector:
    options: dict[str, Any] = {
        "retry_policy": RetryPolicy(jitter_seconds=0.0),
        "token_cache": token_cache,
        "sleep": fake_time.sleep,
        "clock": fake_time.clock,
        "wall_clock": fake_time.wall,
        "rng": lambda: 0.0,
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


#: Framing headers are the transport's business: the seed's recorded content-length (878) belongs to a longer
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
