"""OAuth client credentials: both client-authentication modes, the shared token cache, refresh and 401."""

from __future__ import annotations

import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest
import requests
import responses
from conftest import ITEMS_URL, OAUTH, TOKEN_URL, FakeTime, job, make_connector

from uipath_connector.http import IssuedToken, TokenWaitTimeout
from uipath_connector.uipath import (
    OrchestratorAuthenticationError,
    TokenCache,
    TokenEndpointError,
    UiPathConnector,
)

TOKEN = {"access_token": "access-1", "expires_in": 3600, "token_type": "Bearer", "scope": "OR.Queues"}
EMPTY = {"value": []}


def test_basic_auth_header_mode(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    mocked.add("POST", TOKEN_URL, json=TOKEN)
    mocked.add("GET", ITEMS_URL, json=EMPTY)
    connector.execute(job("getItemById", OAUTH))
    token_request = mocked.calls[0].request
    assert token_request.headers["Authorization"] == "Basic " + base64.b64encode(b"app-id:app-secret").decode()
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_request.body == "grant_type=client_credentials&scope=OR.Queues"
    assert mocked.calls[1].request.headers["Authorization"] == "Bearer access-1"


def test_credentials_body_mode_and_scopes(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    mocked.add("POST", "https://id.example.com/connect/token", json=TOKEN)
    mocked.add("GET", ITEMS_URL, json=EMPTY)
    auth = {
        **OAUTH,
        "clientAuthentication": "credentialsBody",
        "scopes": "OR.Queues.Read  OR.Queues.Write",
        "oauthTokenEndpoint": "https://id.example.com/connect/token",
    }
    connector.execute(job("getItemById", auth))
    token_request = mocked.calls[0].request
    assert "Authorization" not in token_request.headers
    assert parse_qs(token_request.body) == {
        "grant_type": ["client_credentials"],
        "client_id": ["app-id"],
        "client_secret": ["app-secret"],
        "scope": ["OR.Queues.Read OR.Queues.Write"],
    }


def test_one_token_for_100_calls_on_8_threads(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    mocked.add("POST", TOKEN_URL, json=TOKEN)
    mocked.add("GET", ITEMS_URL, json=EMPTY)
    barrier = threading.Barrier(8)

    def run(index: int) -> int:
        if index < 8:
            barrier.wait(timeout=5)
        return connector.execute(job("getItemById", OAUTH)).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(run, range(100)))
    assert statuses == [200] * 100
    token_calls = [call for call in mocked.calls if call.request.url == TOKEN_URL]
    assert len(token_calls) == 1
    assert len(mocked.calls) == 101


def test_refresh_shortly_before_expiry(
    mocked: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime
) -> None:
    mocked.add("POST", TOKEN_URL, json=TOKEN)
    mocked.add("POST", TOKEN_URL, json={**TOKEN, "access_token": "access-2"})
    mocked.add("GET", ITEMS_URL, json=EMPTY)
    connector.execute(job("getItemById", OAUTH))
    fake_time.now += 3539  # 1 s before the refresh point (3600 - 60 s skew)
    connector.execute(job("getItemById", OAUTH))
    fake_time.now += 1
    connector.execute(job("getItemById", OAUTH))
    used = [call.request.headers.get("Authorization") for call in mocked.calls if call.request.url != TOKEN_URL]
    assert used == ["Bearer access-1", "Bearer access-1", "Bearer access-2"]


def test_token_without_expires_in_is_cached_for_five_minutes() -> None:
    clock = FakeTime()
    cache = TokenCache(clock=clock.clock)
    fetched: list[int] = []

    def fetch() -> IssuedToken:
        fetched.append(1)
        return IssuedToken(f"t{len(fetched)}", None)

    assert cache.get("k", fetch) == "t1"
    clock.now += 239
    assert cache.get("k", fetch) == "t1"
    clock.now += 1
    assert cache.get("k", fetch) == "t2"


def test_401_fetches_a_new_token_once(ordered: responses.RequestsMock, connector: UiPathConnector) -> None:
    ordered.add("POST", TOKEN_URL, json=TOKEN)
    ordered.add("GET", ITEMS_URL, status=401, body="")
    ordered.add("POST", TOKEN_URL, json={**TOKEN, "access_token": "access-2"})
    ordered.add("GET", ITEMS_URL, json=EMPTY)
    assert connector.execute(job("getItemById", OAUTH)).status == 200
    assert ordered.calls[3].request.headers["Authorization"] == "Bearer access-2"


def test_second_401_is_an_error_not_a_loop(ordered: responses.RequestsMock, connector: UiPathConnector) -> None:
    ordered.add("POST", TOKEN_URL, json=TOKEN)
    ordered.add("GET", ITEMS_URL, status=401, json={"message": "You are not authenticated!", "errorCode": 0})
    ordered.add("POST", TOKEN_URL, json={**TOKEN, "access_token": "access-2"})
    ordered.add("GET", ITEMS_URL, status=401, json={"message": "You are not authenticated!", "errorCode": 0})
    with pytest.raises(OrchestratorAuthenticationError) as caught:
        connector.execute(job("getItemById", OAUTH))
    assert caught.value.error_code == "401"
    assert str(caught.value) == (
        "Orchestrator answered 401 Unauthorized to GET /odata/QueueItems: You are not authenticated! "
        "(errorCode 0) (also with a freshly fetched token)"
    )
    assert len(ordered.calls) == 4


def test_bearer_401_is_not_retried(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    mocked.add("GET", ITEMS_URL, status=401, body="")
    with pytest.raises(OrchestratorAuthenticationError, match=r"^Orchestrator answered 401 Unauthorized to GET "):
        connector.execute(job("getItemById"))
    assert len(mocked.calls) == 1


@pytest.mark.parametrize(
    ("status", "body", "code", "message"),
    [
        (
            400,
            {"error": "invalid_client"},
            "400",
            "the client id or secret was rejected by the token endpoint "
            "https://cloud.uipath.com/identity_/connect/token (invalid_client); check authentication.clientId, "
            "authentication.clientSecret and authentication.clientAuthentication",
        ),
        (
            400,
            {"error": "invalid_scope", "error_description": "scope not granted"},
            "400",
            "the token endpoint https://cloud.uipath.com/identity_/connect/token refused the scopes 'OR.Queues' "
            "(invalid_scope): scope not granted; grant them to the external application or change "
            "authentication.scopes",
        ),
        (
            404,
            "<html><body>Not found</body></html>",
            "404",
            "the token endpoint https://cloud.uipath.com/identity_/connect/token answered 404 Not Found: the answer "
            "is an HTML page, not an Orchestrator API error; check cloudUrl, cloudOrg and cloudTenant",
        ),
        (
            200,
            "<html>login</html>",
            "OAUTH_TOKEN_ERROR",
            "OAuth token response does not contain an access_token field (token endpoint "
            "https://cloud.uipath.com/identity_/connect/token: the answer is an HTML page, not an Orchestrator API "
            "error; check cloudUrl, cloudOrg and cloudTenant)",
        ),
    ],
)
def test_token_endpoint_errors_say_so(
    mocked: responses.RequestsMock, connector: UiPathConnector, status: int, body: object, code: str, message: str
) -> None:
    if isinstance(body, dict):
        mocked.add("POST", TOKEN_URL, json=body, status=status)
    else:
        mocked.add("POST", TOKEN_URL, body=body, status=status, content_type="text/html")
    with pytest.raises(TokenEndpointError) as caught:
        connector.execute(job("getItemById", OAUTH))
    assert caught.value.error_code == code
    assert str(caught.value) == message


def test_failed_fetch_is_not_cached(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    connector = make_connector(fake_time, token_cache)
    ordered.add("POST", TOKEN_URL, json={"error": "invalid_client"}, status=401)
    ordered.add("POST", TOKEN_URL, json=TOKEN)
    ordered.add("GET", ITEMS_URL, json=EMPTY)
    with pytest.raises(TokenEndpointError):
        connector.execute(job("getItemById", OAUTH))
    assert connector.execute(job("getItemById", OAUTH)).status == 200


def test_token_endpoint_network_failure(
    mocked: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    from uipath_connector.uipath import OrchestratorConnectionError, RetryPolicy

    connector = make_connector(fake_time, token_cache, retry_policy=RetryPolicy.disabled())
    mocked.add("POST", TOKEN_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(OrchestratorConnectionError) as caught:
        connector.execute(job("getItemById", OAUTH))
    assert caught.value.error_code == "408"
    assert str(caught.value) == (
        "The request timed out. Please try increasing the read and connection timeouts. "
        "(POST https://cloud.uipath.com/identity_/connect/token (token); read timed out)"
    )


def test_a_waiter_gives_up_when_the_fetching_thread_hangs() -> None:
    cache = TokenCache()
    fetching, release = threading.Event(), threading.Event()

    def hanging_fetch() -> IssuedToken:
        fetching.set()
        release.wait(5)  # bounded so the test cannot hang; the waiter must give up long before
        return IssuedToken("late", 3600)

    fetcher = threading.Thread(target=cache.get, args=("key", hanging_fetch))
    fetcher.start()
    assert fetching.wait(5)
    try:
        with pytest.raises(TimeoutError) as caught:
            cache.get("key", lambda: IssuedToken("never", 3600), wait_seconds=0.01)
        assert str(caught.value) == "no token within 0.01 s: another thread's fetch has not finished"
    finally:
        release.set()
        fetcher.join(5)
    assert cache.get("key", lambda: IssuedToken("never", 3600)) == "late"


def test_client_reports_a_token_wait_timeout_plainly(
    mocked: responses.RequestsMock, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def timed_out(self: TokenCache, key: str, fetch: object, *, wait_seconds: float) -> str:
        raise TokenWaitTimeout(f"no token within {wait_seconds:g} s")

    monkeypatch.setattr(TokenCache, "get", timed_out)
    connector = make_connector(fake_time, TokenCache(clock=fake_time.clock))
    with pytest.raises(TokenEndpointError) as caught:
        connector.execute(job("getItemById", OAUTH))
    assert caught.value.error_code == "408"
    # Bounded by what the fetch itself may take: 60 s of retries, 20 s connect + 20 s read, an 8 s backoff.
    assert str(caught.value) == (
        "no token within 108 s: another thread's request to the token endpoint "
        "https://cloud.uipath.com/identity_/connect/token has not finished"
    )
    assert len(mocked.calls) == 0
