"""Sentinel secrets, grepped in every encoded form in every output channel, are found nowhere.

Channels: the outcome the worker sends to the engine (message and variables), the log records of *all* loggers at
DEBUG (urllib3's request line included), the ``repr`` of the connector, client and errors, and each error's
exception chain. Servers echo the request back (headers, form and body), so the credentials really come back.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from hostile_server import HostileServer, answer, echo

from uipath_connector.runtime import run_job
from uipath_connector.sdk import MapSecretProvider, OutboundConnectorContext
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

SENTINELS = {
    "ID": "SNTL-client-id-9f3a",
    "SECRET": "SNTL-secret/with 'quotes\" & spaces+",
    "TOKEN": "SNTL-bearer-token-0c1d2e",
    "TENANT": "SNTL Prod Tenant",
    "ORG": "SNTL-Org",
}


def encoded_forms(value: str) -> set[str]:
    forms = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        repr(value)[1:-1],
        quote(value, safe=""),
        quote(value),
        quote(value, safe="'"),
        quote_plus(value),
        value[:12],  # a prefix long enough to identify the value
    }
    return {form for form in forms if len(form) >= 6}


def forbidden() -> dict[str, set[str]]:
    found = {name: encoded_forms(value) for name, value in SENTINELS.items()}
    basic = base64.b64encode(f"{SENTINELS['ID']}:{SENTINELS['SECRET']}".encode()).decode()
    found["BASIC"] = {basic, basic[4:24]}
    return found


def leaks(text: str) -> list[str]:
    return [f"{name}: {form!r}" for name, forms in forbidden().items() for form in forms if form in text]


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def job_variables(server: HostileServer, authentication: dict[str, Any], operation: str) -> dict[str, Any]:
    return {
        "operationType": operation,
        "authentication": authentication,
        # Automation Suite style: the org (a secret) is in the base URL, so in urllib3's request line.
        "cloudUrl": server.url + "/{{secrets.ORG}}/DefaultTenant/orchestrator_",
        "cloudOrg": "{{secrets.ORG}}",
        "cloudTenant": "{{secrets.TENANT}}",
        "organizationUnitId": "1",
        "connectionTimeoutInSeconds": "2",
        "queueName": "Invoices",
        "reference": "INV-1",
        "itemId": 7,
    }


OAUTH = {
    "type": "oauth-client-credentials-flow",
    "clientId": "{{secrets.ID}}",
    "clientSecret": "{{secrets.SECRET}}",
}
BEARER = {"type": "bearer", "token": "{{secrets.TOKEN}}"}


def exception_chain(error: BaseException | None) -> Iterator[str]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield f"{type(error).__name__}: {error} {error!r} {getattr(error, 'variables', '')}"
        error = error.__cause__ or error.__context__


@pytest.mark.parametrize(
    ("authentication", "mode", "operation", "script"),
    [
        (OAUTH, "basicAuthHeader", "getItemById", [echo(400)]),
        (OAUTH, "credentialsBody", "getItemById", [echo(401, "application/json")]),
        (
            OAUTH,
            "basicAuthHeader",
            "getItemById",
            [answer(200, {"access_token": "SNTL-issued-at", "expires_in": 60}), echo(404)],
        ),
        (BEARER, None, "getItemById", [echo(500)]),
        (BEARER, None, "addQueueItem", [echo(400)]),
        (BEARER, None, "getItemById", [echo(200, "text/html")]),
        (BEARER, None, "addQueueItem", [echo(302)]),
    ],
)
def test_no_sentinel_leaks_in_any_channel(
    server: HostileServer,
    caplog: pytest.LogCaptureFixture,
    authentication: dict[str, Any],
    mode: str | None,
    operation: str,
    script: list[Any],
) -> None:
    server.script(*script)
    auth = dict(authentication)
    if mode:
        auth["clientAuthentication"] = mode
        auth["oauthTokenEndpoint"] = server.url + "/identity_/connect/token"
    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache())
    variables = job_variables(server, auth, operation)
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):  # the root logger: every library's records, urllib3's included
        logging.getLogger("urllib3").setLevel(logging.DEBUG)
        outcome = run_job(connector, variables=variables, retries=3, secret_provider=MapSecretProvider(SENTINELS))
        context = OutboundConnectorContext(variables, secret_provider=MapSecretProvider(SENTINELS))
        try:
            connector.execute(context)
        except Exception as error:  # the same failure, as a Python caller sees it
            texts.extend(exception_chain(error))
    sent = "".join(request.raw.decode("latin-1") for request in server.requests)
    assert any(form in sent for forms in forbidden().values() for form in forms)  # the echo carried secrets
    texts += [outcome.message if hasattr(outcome, "message") else "", json.dumps(outcome.variables), repr(outcome)]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(connector), repr(context)]
    found = [leak for text in texts for leak in leaks(text)]
    assert found == []
