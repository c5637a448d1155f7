"""The transport sends what ``Session.request`` would send, and honours the environment (proxies, CA bundle) read
once per session and host; sessions it cannot reproduce exactly go through ``Session.request``."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from hostile_server import HostileServer, answer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.adapters import BaseAdapter

from uipath_connector.http import BearerAuthenticator, Requester, RetryPolicy, ThreadSessions, decide_get
from uipath_connector.http._transport import SessionTransport

ENVIRONMENT = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NETRC")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


class Recording(BaseAdapter):
    """Answers 200 with ``{}`` and keeps each prepared request with the keyword arguments ``Session.send`` gave."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[requests.PreparedRequest, dict[str, Any]]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append((request, kwargs))
        response = requests.Response()
        response.status_code = 200
        response._content = b"{}"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def recording_session(**attributes: Any) -> tuple[requests.Session, Recording]:
    session = requests.Session()
    adapter = Recording()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    for name, value in attributes.items():
        setattr(session, name, value)
    return session, adapter


FIXED = (("Accept-Encoding", "gzip, deflate"), ("Accept", "application/json"), ("X-UIPATH-OrganizationUnitId", "7"))


def fast_path_only(session: requests.Session) -> requests.Session:
    """The session, made to fail the test if the transport falls back to its ``Session.request``."""

    def refuse(*_: object, **__: object) -> requests.Response:
        raise AssertionError("went through Session.request")

    session.request = refuse  # type: ignore[method-assign]
    return session


def through_transport(session: requests.Session, method: str, url: str, body: Any, headers: Mapping[str, str]) -> None:
    SessionTransport(session).send(method, url, fixed_headers=FIXED, headers=headers, body=body, timeout=(3.0, 4.0))


def through_session_request(
    session: requests.Session, method: str, url: str, body: Any, headers: Mapping[str, str]
) -> None:
    session.request(
        method,
        url,
        headers={**dict(FIXED), **headers},
        data=body,
        timeout=(3.0, 4.0),
        allow_redirects=False,
        stream=True,
    )


def sent_alike(first: tuple[requests.PreparedRequest, dict[str, Any]], second: Any) -> None:
    (ours, our_kwargs), (theirs, their_kwargs) = first, second
    assert (ours.method, ours.url, ours.body) == (theirs.method, theirs.url, theirs.body)
    assert dict(ours.headers) == dict(theirs.headers)
    assert our_kwargs == their_kwargs


# -- what goes on the wire ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "headers"),
    [
        ("POST", "https://cloud.uipath.com/acme/Prod Tenant/orchestrator_/odata/Queues/A", b'{"a": 1}', {}),
        ("get", "https://cloud.uipath.com/acme/t/odata/QueueItems(7)?$filter=Name%20eq%20'a'", None, {}),
        ("GET", "https://bücher.example/ä?x=ü ÿ", None, {"Authorization": "Bearer t"}),
        ("POST", "https://cloud.uipath.com/identity_/connect/token", {"grant_type": "client_credentials"}, {}),
        ("DELETE", "http://127.0.0.1:8080/odata/QueueItems(1)", None, {"Content-Type": "text/plain"}),
        ("PUT", "https://h.example/p", b"", {"Accept": "text/csv", "X-UIPATH-OrganizationUnitId": "8"}),
    ],
)
def test_the_prepared_request_is_the_one_session_request_prepares(
    method: str, url: str, body: Any, headers: Mapping[str, str]
) -> None:
    ours, recorded_ours = recording_session()
    theirs, recorded_theirs = recording_session()
    through_transport(fast_path_only(ours), method, url, body, headers)
    through_session_request(theirs, method, url, body, headers)
    sent_alike(recorded_ours.sent[0], recorded_theirs.sent[0])


_header_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF, exclude_characters="#?"), max_size=30),
    query=st.dictionaries(_header_text, st.text(max_size=10), max_size=3),
    token=_header_text,
    session_headers=st.dictionaries(st.sampled_from(["User-Agent", "Accept", "X-Extra", "Connection"]), _header_text),
)
def test_any_url_and_headers_are_sent_as_session_request_sends_them(
    path: str, query: dict[str, str], token: str, session_headers: dict[str, str]
) -> None:
    url = (
        "https://cloud.uipath.com/acme/"
        + path
        + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    )
    ours, recorded_ours = recording_session()
    theirs, recorded_theirs = recording_session()
    ours.headers.update(session_headers)
    fast_path_only(ours)
    theirs.headers.update(session_headers)
    for _ in range(2):  # the second request comes from the caches
        through_transport(ours, "POST", url, b"{}", {"Authorization": f"Bearer {token}"})
        through_session_request(theirs, "POST", url, b"{}", {"Authorization": f"Bearer {token}"})
    for mine, reference in zip(recorded_ours.sent, recorded_theirs.sent, strict=True):
        sent_alike(mine, reference)


def test_a_header_that_requests_refuses_is_refused_alike() -> None:
    session, adapter = recording_session()
    for value in ("Bearer a\r\nX-Injected: 1", " leading"):
        with pytest.raises(requests.exceptions.InvalidHeader):
            through_session_request(session, "GET", "https://h.example/", None, {"Authorization": value})
        with pytest.raises(requests.exceptions.InvalidHeader):
            through_transport(session, "GET", "https://h.example/", None, {"Authorization": value})
    assert adapter.sent == []


def test_a_session_header_set_to_none_is_dropped_as_requests_drops_it() -> None:
    session, adapter = recording_session()
    session.headers["User-Agent"] = None  # type: ignore[assignment]
    through_transport(session, "GET", "https://h.example/", None, {})
    assert "User-Agent" not in adapter.sent[0][0].headers


# -- the environment -----------------------------------------------------------------------------------------------


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers itself: records the absolute-form target a client sends a proxy."""

    targets: list[str]

    def do_GET(self) -> None:
        self.targets.append(self.path)
        body = b'{"via": "proxy"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    targets: list[str] = []
    handler = type("Proxy", (_Proxy,), {"targets": targets})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", targets
    finally:
        server.shutdown()
        server.server_close()


def _requester(base_url: str) -> Requester:
    return Requester(base_url, BearerAuthenticator("tok"), timeout_seconds=5, retry_policy=RetryPolicy.disabled())


def test_http_proxy_from_the_environment_carries_the_request(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy_url, targets = proxy
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    response = _requester("http://orchestrator.invalid/acme").request("GET", "/odata/Queues", decide=decide_get)
    assert response.body == {"via": "proxy"}
    assert targets == ["http://orchestrator.invalid/acme/odata/Queues"]


def test_no_proxy_sends_to_the_host_directly(proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    proxy_url, targets = proxy
    with HostileServer() as server:
        server.script(answer(200, {"direct": True}))
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        response = _requester(server.url).request("GET", "/odata/Queues", decide=decide_get)
        assert response.body == {"direct": True}
        assert [request.target for request in server.requests] == ["/odata/Queues"]
    assert targets == []


def test_the_ca_bundle_and_proxies_of_the_environment_reach_the_adapter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle = tmp_path / "company-ca.pem"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "direct.example")
    session, adapter = recording_session()
    through_transport(session, "GET", "https://cloud.uipath.com/a", None, {})
    through_transport(session, "GET", "https://direct.example/a", None, {})
    proxied, direct = (kwargs for _, kwargs in adapter.sent)
    assert proxied["verify"] == str(bundle)
    assert proxied["proxies"] == {"https": "http://proxy.example:3128", "no": "direct.example"}
    assert direct["proxies"] == {}
    assert (proxied["timeout"], proxied["stream"]) == ((3.0, 4.0), True)


def test_curl_ca_bundle_counts_and_an_explicit_session_verify_keeps_requests_precedence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CURL_CA_BUNDLE", "/etc/ssl/curl.pem")
    session, adapter = recording_session(verify=False)
    reference, reference_adapter = recording_session(verify=False)
    through_transport(session, "GET", "https://h.example/", None, {})
    through_session_request(reference, "GET", "https://h.example/", None, {})
    assert adapter.sent[0][1]["verify"] == reference_adapter.sent[0][1]["verify"] == "/etc/ssl/curl.pem"


def test_trust_env_off_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/company.pem")
    session, adapter = recording_session(trust_env=False)
    through_transport(session, "GET", "https://h.example/", None, {})
    assert (adapter.sent[0][1]["proxies"], adapter.sent[0][1]["verify"]) == ({}, True)


def test_the_environment_is_read_once_per_session_and_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # Documented: a worker reads its environment when it starts; a later change reaches new sessions only.
    monkeypatch.setenv("HTTPS_PROXY", "http://first.example:1")
    session, adapter = recording_session()
    transport = SessionTransport(session)
    send: dict[str, Any] = {"fixed_headers": FIXED, "headers": {}, "body": None, "timeout": (1.0, 1.0)}
    transport.send("GET", "https://h.example/1", **send)
    monkeypatch.setenv("HTTPS_PROXY", "http://second.example:2")
    transport.send("GET", "https://h.example/2", **send)
    transport.send("GET", "https://other.example/", **send)
    SessionTransport(session).send("GET", "https://h.example/3", **send)
    assert [kwargs["proxies"]["https"] for _, kwargs in adapter.sent] == [
        "http://first.example:1",
        "http://first.example:1",
        "http://second.example:2",
        "http://second.example:2",
    ]


def test_a_netrc_entry_does_not_replace_the_bearer_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # requests' Session.request would send the netrc password as Basic in place of the connector's token.
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h.example login user password netrc-pass\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    session, adapter = recording_session()
    through_session_request(session, "GET", "https://h.example/", None, {"Authorization": "Bearer tok"})
    through_transport(session, "GET", "https://h.example/", None, {"Authorization": "Bearer tok"})
    basic = "Basic " + base64.b64encode(b"user:netrc-pass").decode()
    assert [request.headers["Authorization"] for request, _ in adapter.sent] == [basic, "Bearer tok"]


# -- cookies, hooks, and what goes through Session.request ---------------------------------------------------------


def test_cookies_the_server_sets_are_sent_back() -> None:
    with HostileServer() as server:
        server.script(
            answer(200, {"n": 1}, headers=[("Set-Cookie", "affinity=node-2; Path=/")]),
            answer(200, {"n": 2}),
        )
        requester = _requester(server.url)
        requester.request("GET", "/a", decide=decide_get)
        requester.request("GET", "/b", decide=decide_get)
        assert [request.header("Cookie") for request in server.requests] == [None, "affinity=node-2"]


def test_the_sessions_response_hooks_run() -> None:
    seen: list[int] = []
    session, _ = recording_session()
    session.hooks["response"].append(lambda response, **_: seen.append(response.status_code))
    through_transport(session, "GET", "https://h.example/", None, {})
    assert seen == [200]


@pytest.mark.parametrize(
    ("attributes", "url", "expected"),
    [
        ({"auth": ("user", "pw")}, "https://h.example/", "Basic " + base64.b64encode(b"user:pw").decode()),
        ({}, "https://user:pw@h.example/", "Basic " + base64.b64encode(b"user:pw").decode()),
    ],
)
def test_sessions_with_auth_and_urls_with_credentials_go_through_session_request(
    attributes: dict[str, Any], url: str, expected: str
) -> None:
    session, adapter = recording_session(**attributes)
    through_transport(session, "GET", url, None, {})
    assert adapter.sent[0][0].headers["Authorization"] == expected


def test_session_params_are_added_as_session_request_adds_them() -> None:
    session, adapter = recording_session(params={"api-version": "2"})
    through_transport(session, "GET", "https://h.example/items?a=1", None, {})
    assert adapter.sent[0][0].url == "https://h.example/items?a=1&api-version=2"


def test_a_session_subclass_that_prepares_its_own_way_is_honoured() -> None:
    class Tagging(requests.Session):
        def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
            prepared = super().prepare_request(request)
            prepared.headers["X-Tag"] = "mine"
            return prepared

    session = Tagging()
    adapter = Recording()
    session.mount("https://", adapter)
    through_transport(session, "GET", "https://h.example/", None, {})
    assert adapter.sent[0][0].headers["X-Tag"] == "mine"


def test_a_patched_session_request_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = requests.Session.request

    def recording(self: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
        calls.append(url)
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    session, adapter = recording_session()
    through_transport(session, "GET", "https://h.example/x", None, {})
    assert calls == ["https://h.example/x"]
    assert len(adapter.sent) == 1


def test_a_session_request_patched_before_the_first_request_is_honoured_then_left_when_removed() -> None:
    # The transport module is loaded by a thread's first request (not at import): a patch already in place then
    # must not be taken for requests' own method. In a fresh interpreter, so that the module is loaded under it.
    code = """
import sys
import requests
from requests.adapters import BaseAdapter

class Answering(BaseAdapter):
    def send(self, request, **kwargs):
        response = requests.Response()
        response.status_code, response.url, response.request = 204, request.url, request
        return response

original = requests.Session.request
calls = []

def recording(self, method, url, **kwargs):
    calls.append(url)
    return original(self, method, url, **kwargs)

requests.Session.request = recording
assert 'uipath_connector.http._transport' not in sys.modules
from uipath_connector.http import ThreadSessions
session = requests.Session()
session.mount("https://", Answering())
transport = ThreadSessions(lambda: session).transport()
send = {"fixed_headers": (), "headers": {}, "body": None, "timeout": (1.0, 1.0)}
assert transport.send("GET", "https://h.example/patched", **send).status_code == 204
requests.Session.request = original
assert transport.send("GET", "https://h.example/plain", **send).status_code == 204
print(calls)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['https://h.example/patched']"


def test_each_thread_gets_its_own_transport_and_session() -> None:
    sessions = ThreadSessions()
    mine = sessions.transport()
    assert sessions.transport() is mine
    assert sessions.get() is mine.session
    other: list[SessionTransport] = []
    thread = threading.Thread(target=lambda: other.append(sessions.transport()))
    thread.start()
    thread.join(5)
    assert len(other) == 1
    assert other[0] is not mine
    assert other[0].session is not mine.session


def test_the_caches_stay_bounded_whatever_the_urls_and_headers() -> None:
    session, adapter = recording_session()
    transport = SessionTransport(fast_path_only(session))
    for index in range(600):
        transport.send(
            "GET",
            f"https://host-{index % 150}.example/items({index})",
            fixed_headers=(("X-UIPATH-OrganizationUnitId", str(index % 100)),),
            headers={},
            body=None,
            timeout=(1.0, 1.0),
        )
    assert len(adapter.sent) == 600
    assert adapter.sent[-1][0].url == "https://host-149.example/items(599)"
    assert adapter.sent[-1][0].headers["X-UIPATH-OrganizationUnitId"] == "99"
    assert len(transport._urls) <= 256
    assert len(transport._settings) <= 64
    assert len(transport._header_bases) <= 64
