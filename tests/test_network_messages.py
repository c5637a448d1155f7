"""Network errors name the request, the host, the cause underneath and the attempts made, over real sockets.

Camunda's code and message come first and are unchanged (error expressions may match on them); the details a
person needs to act follow in parentheses.
"""

from __future__ import annotations

import socket

import pytest
import requests

from uipath_connector.http import BearerAuthenticator, HttpConnectionError, RetryPolicy, decide_get
from uipath_connector.http._requester import Requester, network_cause

#: Retries without waiting: the test is about the words, not the backoff.
QUICK = RetryPolicy(attempts=3, base_backoff_seconds=0.0, max_backoff_seconds=0.0, jitter_seconds=0.0)


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: connecting is refused


def test_a_refused_connection_names_host_cause_and_attempts() -> None:
    port = _closed_port()
    requester = Requester(
        f"http://127.0.0.1:{port}/api", BearerAuthenticator("t0ken-value"), timeout_seconds=5, retry_policy=QUICK
    )
    with pytest.raises(HttpConnectionError) as caught:
        requester.request("GET", "/items", decide=decide_get)
    assert caught.value.error_code == "408"
    assert str(caught.value) == (
        "An error occurred while executing the request, or the connection was aborted "
        f"(GET /items; host 127.0.0.1:{port}; connection refused; 3 attempts)"
    )


def test_an_unknown_host_says_dns() -> None:
    # `.invalid` never resolves (RFC 2606): no network needed, and it cannot succeed by accident.
    requester = Requester(
        "https://no-such-host.invalid/api",
        BearerAuthenticator("t0ken-value"),
        timeout_seconds=5,
        retry_policy=RetryPolicy.disabled(),
    )
    with pytest.raises(HttpConnectionError) as caught:
        requester.request("GET", "/items", decide=decide_get)
    assert str(caught.value) == (
        "An error occurred while executing the request, or the connection was aborted "
        "(GET /items; host no-such-host.invalid; host name not found (DNS))"
    )


def test_a_server_that_never_answers_times_out_with_its_cause() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts connections, never answers
        port = silent.getsockname()[1]
        requester = Requester(
            f"http://127.0.0.1:{port}",
            BearerAuthenticator("t0ken-value"),
            timeout_seconds=0.2,
            retry_policy=RetryPolicy.disabled(),
        )
        with pytest.raises(HttpConnectionError) as caught:
            requester.request("GET", "/items", decide=decide_get)
    assert str(caught.value).startswith(
        "The request timed out. Please try increasing the read and connection timeouts. "
        f"(GET /items; host 127.0.0.1:{port}; "
    )
    assert "0x" not in str(caught.value)  # no object reprs from urllib3


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (requests.ConnectionError(ConnectionRefusedError(111, "Connection refused")), "connection refused"),
        (requests.ConnectionError(ConnectionResetError(104, "reset")), "connection reset by the server"),
        (requests.ConnectionError("<urllib3.connection.HTTPSConnection object at 0x7f>: Failed"), "Failed"),
        (requests.ConnectionError(), ""),
    ],
)
def test_network_cause(error: BaseException, cause: str) -> None:
    assert network_cause(error) == cause
