"""The connector against a scripted raw-socket server: no silent success, deadlines, bounded bodies, no leaks."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hostile_server import (
    Answer,
    HostileServer,
    answer,
    dropped,
    echo,
    gzip_bomb,
    huge_body,
    redirect,
    trickle,
    trickle_head,
)

from uipath_connector.runtime import Complete, Fail, run_job
from uipath_connector.sdk import MapSecretProvider
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

CREATED = {"Id": 7, "Key": "k", "Status": "New", "Reference": "INV-1", "CreationTime": "2099-01-01T00:00:00Z"}


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def variables(server: HostileServer, operation: str = "addQueueItem", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "operationType": operation,
        "authentication": {"type": "bearer", "token": "{{secrets.TOKEN}}"},
        "cloudUrl": server.url,
        "cloudOrg": "acme",
        "cloudTenant": "{{secrets.TENANT}}",
        "organizationUnitId": "1",
        "connectionTimeoutInSeconds": "2",
        "queueName": "Invoices",
        "itemId": 7,
    }
    base.update(extra)
    return base


SECRETS = {"TOKEN": "SNTL-token-0123456789", "TENANT": "Prod Tenant", "ID": "SNTL-client-id", "SECRET": "SNTL-sec"}


def run(server: HostileServer, operation: str = "addQueueItem", **extra: Any) -> Complete | Fail:
    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache())
    outcome = run_job(
        connector,
        variables=variables(server, operation, **extra),
        custom_headers={"resultExpression": "={itemId: response.body.Id}"},
        retries=3,
        secret_provider=MapSecretProvider(SECRETS),
    )
    assert isinstance(outcome, (Complete, Fail))
    return outcome


@pytest.mark.parametrize(
    ("script", "code", "said"),
    [
        (redirect(301, "https://login.example/sso?next=/x"), "301", "with a redirect to https://login.example/sso"),
        (redirect(302, "https://login.example/"), "302", "redirects are not followed"),
        (redirect(307, "/elsewhere"), "307", "with a redirect to /elsewhere"),
        (
            answer(200, "<html><body>Sign in</body></html>", content_type="text/html"),
            "UNEXPECTED_RESPONSE",
            "an HTML page",
        ),
        (answer(204), "UNEXPECTED_RESPONSE", "with no body instead of 201 Created"),
        (answer(200, {"Id": 7}), "UNEXPECTED_RESPONSE", "instead of 201 Created and the new item"),
    ],
)
def test_an_add_answered_by_anything_but_its_documented_success_is_an_error(
    server: HostileServer, script: Answer, code: str, said: str
) -> None:
    server.script(script)
    outcome = run(server)
    assert isinstance(outcome, Fail), outcome
    error = outcome.variables["error"]
    assert error["code"] == code
    assert said in error["message"]
    assert error["message"].startswith("Orchestrator answered ")
    assert len(server.requests) == 1  # the redirect was not followed


def test_a_201_without_the_item_is_settled_by_reference_not_retried(server: HostileServer) -> None:
    # 201 {} from a proxy: Orchestrator's status for a created item, so the item is looked up, never re-sent blindly.
    server.script(answer(201, {}), answer(200, {"value": [CREATED]}))
    outcome = run(server, reference="INV-1")
    assert outcome == Complete({"itemId": 7})
    assert [request.method for request in server.requests] == ["POST", "GET"]
    assert "Reference%20eq%20'INV-1'" in server.requests[1].target


def test_a_201_without_the_item_and_without_a_reference_says_it_may_exist(server: HostileServer) -> None:
    server.script(answer(201, {}))
    outcome = run(server)
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["type"] == "QueueItemMayExistError"
    assert "had an empty JSON object instead of the new item" in outcome.message


def test_a_look_up_answered_by_a_login_page_is_not_read_as_not_found(server: HostileServer) -> None:
    # The Add's answer is lost; the look-up gets an HTML page. Reading that as "no item" would re-send the Add.
    server.script(dropped(after_headers=True), answer(200, "<html>login</html>", content_type="text/html"))
    outcome = run(server, reference="INV-1")
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["type"] == "QueueItemMayExistError"
    assert "an HTML page instead of 200 OK and a collection of queue items" in outcome.message
    assert [request.method for request in server.requests] == ["POST", "GET"]


@pytest.mark.parametrize(
    ("script", "said"),
    [
        (answer(200, "<html>x</html>", content_type="text/html"), "an HTML page"),
        (answer(204), "no body"),
        (answer(200, {}), "a JSON object without a value list"),
        (redirect(302, "https://login.example/"), "a redirect"),
    ],
)
def test_a_get_answered_by_anything_but_a_collection_is_an_error(
    server: HostileServer, script: Answer, said: str
) -> None:
    server.script(script)
    outcome = run(server, "getItemById")
    assert isinstance(outcome, Fail)
    assert said in outcome.variables["error"]["message"]


def test_a_trickling_server_cannot_stretch_a_request_past_its_deadline(server: HostileServer) -> None:
    # One byte every 0.1 s never trips the 1 s socket timeout; the request's deadline (connect + read: 2 s) does.
    body = json.dumps({"value": [CREATED]}).encode() + b" " * 200
    server.script(trickle(body, interval=0.1))
    outcome = run(server, "getItemById", connectionTimeoutInSeconds="1")
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["code"] == "408"
    assert "timed out" in outcome.message


def test_a_server_trickling_its_headers_cannot_stretch_a_request_past_its_deadline(server: HostileServer) -> None:
    # The status line and 40 headers one byte every 0.05 s: about 40 s of answer, each read within the 1 s socket
    # timeout. The request's deadline (connect + read: 2 s) ends it; the server sees the client hang up long before
    # its last byte.
    sent: list[int] = []
    server.script(trickle_head(json.dumps({"value": [CREATED]}).encode(), interval=0.05, sent=sent))
    outcome = run(server, "getItemById", connectionTimeoutInSeconds="1")
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["code"] == "408"
    assert "timed out" in outcome.message
    server.close()
    total = len(b"HTTP/1.1 200 OK\r\n") + 40 * len(b"X-Padding-00: x\r\n")
    assert len(sent) == 1
    assert sent[0] < total // 2


def test_a_gzip_bomb_is_cut_at_the_body_cap(server: HostileServer) -> None:
    server.script(gzip_bomb(64 * 1024 * 1024))
    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache())
    outcome = run_job(
        connector, variables=variables(server, "getItemById"), retries=3, secret_provider=MapSecretProvider(SECRETS)
    )
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["code"] == "RESPONSE_TOO_LARGE"
    assert "larger than the cap of 16,777,216 bytes" in outcome.message


def test_a_huge_body_is_not_read_past_the_cap(server: HostileServer) -> None:
    server.script(huge_body(40 * 1024 * 1024))
    outcome = run(server, "getItemById")
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["code"] == "RESPONSE_TOO_LARGE"


def test_a_huge_answer_to_an_add_is_settled_like_a_lost_answer(server: HostileServer) -> None:
    server.script(huge_body(20 * 1024 * 1024, status=201), answer(200, {"value": [CREATED]}))
    outcome = run(server, reference="INV-1")
    assert outcome == Complete({"itemId": 7})


def test_deeply_nested_json_in_a_2xx_answer_to_an_add_is_settled_never_retried_blindly(server: HostileServer) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    server.script(answer(201, deep, content_type="application/json"), answer(200, {"value": [CREATED]}))
    outcome = run(server, reference="INV-1")
    assert outcome == Complete({"itemId": 7})
    assert [request.method for request in server.requests] == ["POST", "GET"]


def test_moderately_deep_json_in_a_get_is_a_malformed_answer(server: HostileServer) -> None:
    server.script(answer(200, {"value": [json.loads("[" * 200 + "]" * 200)]}))
    outcome = run(server, "getItemById")
    assert isinstance(outcome, Fail)
    assert outcome.variables["error"]["code"] == "MALFORMED_RESPONSE"


@pytest.mark.parametrize("token", ["tok\r\nX-Injected: 1", "tökén-€", "tab\x00null"])
def test_a_bearer_token_that_cannot_be_a_header_is_refused_before_any_request(
    server: HostileServer, token: str
) -> None:
    server.script(answer(201, CREATED))
    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache())
    outcome = run_job(
        connector,
        variables=variables(server),
        retries=3,
        secret_provider=MapSecretProvider({**SECRETS, "TOKEN": token}),
    )
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.message.startswith("Invalid input: authentication.token: the token ")
    assert server.requests == []


def test_a_token_endpoint_that_echoes_the_request_leaks_no_credential_in_any_form(server: HostileServer) -> None:
    server.script(echo(400))
    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache())
    job_variables = variables(
        server,
        authentication={
            "type": "oauth-client-credentials-flow",
            "clientId": "{{secrets.ID}}",
            "clientSecret": "{{secrets.SECRET}}",
            "oauthTokenEndpoint": server.url + "/identity_/connect/token",
        },
    )
    for mode in ("basicAuthHeader", "credentialsBody"):
        job_variables["authentication"]["clientAuthentication"] = mode
        outcome = run_job(connector, variables=job_variables, retries=3, secret_provider=MapSecretProvider(SECRETS))
        assert isinstance(outcome, Fail)
        sent = server.requests[-1].raw.decode("latin-1")
        text = outcome.message + json.dumps(outcome.variables)
        forms = [
            SECRETS["ID"],
            SECRETS["SECRET"],
            base64.b64encode(f"{SECRETS['ID']}:{SECRETS['SECRET']}".encode()).decode(),
        ]
        assert any(form in sent for form in forms)  # the echo really carried the credentials
        assert [form for form in forms if form in text] == []


OAUTH = {"type": "oauth-client-credentials-flow", "clientId": "c", "clientSecret": "s", "scopes": "OR.Queues"}
LONE_SURROGATE = "contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text"


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"specificContent": {"a": "\ud800"}}, f"specificContent: {LONE_SURROGATE}"),
        ({"queueName": "Q\udfff"}, f"queueName: {LONE_SURROGATE}"),
        ({"reference": "\udc00INV"}, f"reference: {LONE_SURROGATE}"),
        # Text that goes into a header or the token request's form body: UTF-8 cannot encode it there either.
        ({"organizationUnitId": None, "folderPath": "Shared/\ud800"}, f"folderPath: {LONE_SURROGATE}"),
        ({"authentication": {**OAUTH, "scopes": "OR.\ud800"}}, f"authentication.scopes: {LONE_SURROGATE}"),
        # A secret field's problem never shows its text, the surrogate included.
        (
            {"authentication": {**OAUTH, "clientId": "c\ud800"}},
            "authentication.clientId: is not valid (not shown: secret)",
        ),
        ({"cloudUrl": "cloud.uipath.com", "cloudOrg": "a\ud800"}, f"cloudOrg: {LONE_SURROGATE}"),
    ],
)
def test_a_lone_surrogate_is_an_input_error_naming_its_field_before_any_request(
    server: HostileServer, extra: dict[str, Any], problem: str
) -> None:
    # JSON's "\ud800" escape is valid JSON, and Python's json gives a lone surrogate: every text field refuses it
    # when bound (it used to surface as a UnicodeEncodeError from the folder header or the token request).
    server.script(answer(201, CREATED))
    outcome = run(server, **extra)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.message.startswith(f"Invalid input: {problem} | ")
    assert server.requests == []
