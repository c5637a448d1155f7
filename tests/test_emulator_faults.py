"""Injected faults, in-process and over loopback: what the client sees and what the emulator committed."""

from __future__ import annotations

import time

import pytest
import requests
from conftest import TIMEOUT, Orchestrator

from uipath_connector.testing import (
    Delay,
    DropConnection,
    Endpoint,
    ErrorBody,
    HtmlErrorPage,
    MalformedJson,
    ServerError,
    TooManyRequests,
)


def test_burst_of_5xx_then_success(orchestrator: Orchestrator) -> None:
    injection = orchestrator.emulator.inject(ServerError(503), endpoint=Endpoint.ADD_QUEUE_ITEM, count=2)

    statuses = [orchestrator.add().status_code for _ in range(3)]

    assert statuses == [503, 503, 201]
    assert injection.fired == 2
    assert len(orchestrator.emulator.items()) == 1
    assert [r.fault for r in orchestrator.emulator.requests] == ["ServerError", "ServerError", None]


@pytest.mark.parametrize(
    ("body", "content_type", "text"),
    [(ErrorBody.EMPTY, None, ""), (ErrorBody.TEXT, "text/plain; charset=utf-8", "Service Unavailable")],
)
def test_5xx_without_json_body(
    orchestrator: Orchestrator, body: ErrorBody, content_type: str | None, text: str
) -> None:
    orchestrator.emulator.inject(ServerError(500, body=body))

    response = orchestrator.add()

    assert response.status_code == 500
    assert response.headers.get("Content-Type") == content_type
    assert response.text == text


def test_5xx_json_body(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(ServerError(502))

    body = orchestrator.add().json()

    assert body["message"] == "An unexpected error occurred. Please try again later."
    assert body["errorCode"] == 0


def test_fault_targets_only_its_endpoint(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(ServerError(503), endpoint=Endpoint.GET_QUEUE_ITEM, count=1)

    assert orchestrator.add().status_code == 201
    assert orchestrator.get("/odata/QueueItems").status_code == 200
    assert orchestrator.get("/odata/QueueItems(1)").status_code == 503
    assert orchestrator.get("/odata/QueueItems(1)").status_code == 200


def test_429_storm_until_cleared(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(TooManyRequests(retry_after=7), count=None)

    responses = [orchestrator.get("/odata/QueueItems") for _ in range(3)]
    orchestrator.emulator.clear_faults()

    assert [r.status_code for r in responses] == [429, 429, 429]
    assert {r.headers["Retry-After"] for r in responses} == {"7"}
    assert responses[0].text == "Too Many Requests\r\n"
    assert orchestrator.get("/odata/QueueItems").status_code == 200


def test_token_endpoint_faults(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(HtmlErrorPage(200), endpoint=Endpoint.TOKEN)

    response = requests.post(orchestrator.token_url, data={"grant_type": "client_credentials"}, timeout=TIMEOUT)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.text.startswith("<!DOCTYPE html>")


def test_malformed_json(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(MalformedJson(201), endpoint=Endpoint.ADD_QUEUE_ITEM)

    response = orchestrator.add()

    assert response.status_code == 201
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()
    assert orchestrator.emulator.items() == []


def test_html_error_page(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(HtmlErrorPage())

    response = orchestrator.get("/odata/QueueItems(1)")

    assert response.status_code == 502
    assert "<h1>502 Bad Gateway</h1>" in response.text


def test_commit_then_drop_the_connection(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.ADD_QUEUE_ITEM)

    with pytest.raises(requests.exceptions.ConnectionError):
        orchestrator.add(Reference="INV-9")

    [item] = orchestrator.emulator.items()
    assert item.reference == "INV-9"
    assert orchestrator.emulator.requests[-1].status is None
    assert orchestrator.add().status_code == 201


def test_drop_before_commit(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(DropConnection(after_commit=False), endpoint=Endpoint.ADD_QUEUE_ITEM)

    with pytest.raises(requests.exceptions.ConnectionError):
        orchestrator.add()

    assert orchestrator.emulator.items() == []


def test_delay_longer_than_read_timeout_times_out_after_processing(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.inject(Delay(1.0), endpoint=Endpoint.ADD_QUEUE_ITEM)
    started = time.monotonic()

    with pytest.raises(requests.exceptions.ReadTimeout):
        orchestrator.post(
            "/odata/Queues/UiPathODataSvc.AddQueueItem",
            {"itemData": {"Name": "DemoQueue"}},
            timeout=(1, 0.05),
        )

    assert time.monotonic() - started < 0.9  # the client gave up before the held answer came
    # On loopback the server may still be committing when the client gives up: wait for it, boundedly.
    deadline = time.monotonic() + 2.0
    while not orchestrator.emulator.items() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(orchestrator.emulator.items()) == 1
    assert orchestrator.emulator.requests[-1].delay_seconds == 1.0


def test_delay_within_timeout_is_recorded(orchestrator: Orchestrator) -> None:
    # Loopback really waits, so keep it to a few milliseconds; in-process nothing sleeps.
    orchestrator.emulator.inject(Delay(0.005, jitter=0.002), count=2)

    responses = [orchestrator.add() for _ in range(3)]

    assert [r.status_code for r in responses] == [201, 201, 201]
    delays = [r.delay_seconds for r in orchestrator.emulator.requests]
    assert all(0.005 <= d <= 0.007 for d in delays[:2])
    assert delays[2] == 0.0


def test_delay_is_bounded() -> None:
    with pytest.raises(ValueError, match="within 0 and 30"):
        Delay(29, jitter=2)


def test_inject_count_must_be_positive(orchestrator: Orchestrator) -> None:
    with pytest.raises(ValueError, match="count is at least 1"):
        orchestrator.emulator.inject(ServerError(), count=0)


@pytest.mark.parametrize("fault", [ServerError(502, after_commit=True), TooManyRequests(after_commit=True)])
def test_an_error_after_commit_creates_the_item_and_answers_the_error(
    orchestrator: Orchestrator, fault: ServerError | TooManyRequests
) -> None:
    orchestrator.emulator.inject(fault, endpoint=Endpoint.ADD_QUEUE_ITEM)

    answer = orchestrator.add()

    assert answer.status_code == (502 if isinstance(fault, ServerError) else 429)
    assert len(orchestrator.emulator.items()) == 1  # committed all the same
    assert orchestrator.add().status_code == 201
    assert len(orchestrator.emulator.items()) == 2
