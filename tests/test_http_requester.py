"""The HTTP layer on its own: a requester against scripted answers, the clock switch, the retrier's fast path."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses

from uipath_connector.http import (
    BearerAuthenticator,
    Clock,
    HttpConnectionError,
    Requester,
    Retrier,
    RetryPolicy,
    current_clock,
    decide_get,
    use_clock,
)
from uipath_connector.sdk import ConnectorError

BASE = "https://api.example/v1"


def _requester(**options: Any) -> Requester:
    return Requester(BASE, BearerAuthenticator("tok-123"), timeout_seconds=5, **options)


@responses.activate
def test_a_request_carries_the_token_the_fixed_headers_and_no_content_type_without_body() -> None:
    responses.get(BASE + "/items", json={"value": []})
    requester = _requester(headers={"X-Folder": "7"})
    response = requester.send("GET", "/items", params={"$filter": "Id eq 1"}, decide=decide_get, started=0.0)
    sent = responses.calls[0].request
    assert sent.url == BASE + "/items?$filter=Id%20eq%201"
    assert sent.headers["Authorization"] == "Bearer tok-123"
    assert sent.headers["X-Folder"] == "7"
    assert "Content-Type" not in sent.headers
    assert requester.result(response, "GET /items").body == {"value": []}


@responses.activate
def test_an_answer_echoing_the_token_is_masked_in_the_error() -> None:
    responses.get(BASE + "/items", status=400, json={"message": "bad token tok-123"})
    requester = _requester()
    response = requester.send("GET", "/items", decide=decide_get, started=0.0)
    with pytest.raises(ConnectorError) as caught:
        requester.result(response, "GET /items")
    assert caught.value.error_code == "400"
    assert "tok-123" not in str(caught.value.variables)
    assert caught.value.variables == {"response": {"headers": {"Content-Type": "application/json"},
                                                   "body": {"message": "bad token ***"}}}  # fmt: skip


@responses.activate
def test_retries_sleep_on_the_installed_clock_only() -> None:
    responses.get(BASE + "/items", status=503)
    responses.get(BASE + "/items", status=503)
    responses.get(BASE + "/items", json={})
    slept: list[float] = []
    now = [100.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    requester = _requester(retry_policy=RetryPolicy(attempts=3, jitter_seconds=0.0))
    with use_clock(Clock(monotonic=lambda: now[0], sleep=sleep, rng=lambda: 0.0)):
        response = requester.send("GET", "/items", decide=decide_get, started=requester.retrier.now())
    assert response.status_code == 200
    assert slept == [0.5, 1.0]
    assert len(responses.calls) == 3
    assert current_clock().sleep is not sleep


def test_a_first_attempt_that_needs_no_retry_never_enters_tenacity(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_tenacity(*args: object, **kwargs: object) -> None:
        raise AssertionError("tenacity.Retrying was built")

    import tenacity

    monkeypatch.setattr(tenacity, "Retrying", no_tenacity)
    retrier = Retrier(RetryPolicy(attempts=3), clock=Clock(sleep=lambda _s: None))
    assert retrier.call(lambda number: f"answer {number}", lambda outcome, now: False) == "answer 1"
    with pytest.raises(ValueError, match="bad"):
        retrier.call(lambda number: (_ for _ in ()).throw(ValueError("bad")), lambda outcome, now: False)


def test_a_retried_first_attempt_is_not_made_twice() -> None:
    attempts: list[int] = []

    def attempt(number: int) -> str:
        attempts.append(number)
        if number == 1:
            raise requests.ConnectionError("refused")
        return "ok"

    retrier = Retrier(RetryPolicy(attempts=3, jitter_seconds=0.0), clock=Clock(sleep=lambda _s: None))
    assert retrier.call(attempt, lambda outcome, now: isinstance(outcome, Exception)) == "ok"
    assert attempts == [1, 2]


@responses.activate
def test_transport_failures_use_the_connectors_error_class() -> None:
    class ServiceDown(HttpConnectionError):
        pass

    responses.get(BASE + "/items", body=requests.ConnectionError("refused"))
    requester = _requester(retry_policy=RetryPolicy.disabled(), connection_error=ServiceDown)
    with pytest.raises(requests.ConnectionError) as caught:
        requester.send("GET", "/items", decide=decide_get, started=0.0)
    error = requester.network_error(caught.value, "GET /items")
    assert type(error) is ServiceDown
    assert (error.error_code, error.request_sent) == ("408", True)
    assert str(error) == (
        "An error occurred while executing the request, or the connection was aborted (GET /items; host api.example; "
        "refused)"
    )
