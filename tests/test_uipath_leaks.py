"""Sentinel secrets through every success and failure path: never in a log record, exception, repr or envelope."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from conftest import ADD_URL, ITEMS_URL, FakeTime, make_connector

from uipath_connector.testing import OutboundConnectorContextBuilder
from uipath_connector.uipath import (
    BearerAuthentication,
    Configuration,
    OAuthClientCredentialsAuthentication,
    OrchestratorClient,
    RetryPolicy,
    TokenCache,
)

TOKEN = "SENTINEL-TOKEN-7f3a"
CLIENT_ID = "SENTINEL-CLIENTID-91bc"
CLIENT_SECRET = "SENTINEL-SECRET-e55d"
ORG = "SENTINEL-ORG-0042"
ACCESS = "SENTINEL-ACCESS-TOKEN-33aa"
SENTINELS = (TOKEN, CLIENT_ID, CLIENT_SECRET, ORG, ACCESS)
BASE = f"https://cloud.uipath.com/{ORG}/DefaultTenant/orchestrator_"
TOKEN_URL = "https://cloud.uipath.com/identity_/connect/token"

BEARER = {"type": "bearer", "token": "{{secrets.TOKEN}}"}
OAUTH = {"type": "oauth-client-credentials-flow", "clientId": "{{secrets.ID}}", "clientSecret": "{{secrets.SECRET}}"}


def context(operation: str, auth: dict[str, Any], **extra: Any) -> Any:
    variables = {
        "operationType": operation,
        "authentication": auth,
        "cloudOrg": "{{secrets.ORG}}",
        "cloudTenant": "DefaultTenant",
        "organizationUnitId": 1,
        "queueName": "q",
        "reference": "r",
        "itemId": 5,
        **extra,
    }
    builder = OutboundConnectorContextBuilder.create().variables(variables)
    for name, value in (("TOKEN", TOKEN), ("ID", CLIENT_ID), ("SECRET", CLIENT_SECRET), ("ORG", ORG)):
        builder.secret(name, value)
    return builder.build()


def token_ok(mock: responses.RequestsMock) -> None:
    mock.add("POST", TOKEN_URL, json={"access_token": ACCESS, "expires_in": 3600})


def reset() -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError("Connection aborted.")


Scenario = Callable[[responses.RequestsMock], tuple[str, dict[str, Any], dict[str, Any]]]

SCENARIOS: dict[str, Any] = {
    "add ok bearer": (
        lambda m: m.add("POST", BASE + "/odata/Queues/UiPathODataSvc.AddQueueItem", json={"Id": 1}, status=201),
        "addQueueItem",
        BEARER,
        {},
    ),
    "get ok oauth": (
        lambda m: (token_ok(m), m.add("GET", BASE + "/odata/QueueItems", json={"value": []})),
        "getItemById",
        OAUTH,
        {},
    ),
    "401 twice oauth": (
        lambda m: (token_ok(m), m.add("GET", BASE + "/odata/QueueItems", status=401, body="")),
        "getItemById",
        OAUTH,
        {},
    ),
    "404 bearer": (
        lambda m: m.add("GET", BASE + "/odata/QueueItems", status=404, json={"message": "x", "errorCode": 1002}),
        "getItemById",
        BEARER,
        {},
    ),
    "invalid_client": (
        lambda m: m.add("POST", TOKEN_URL, status=400, json={"error": "invalid_client"}),
        "getItemById",
        OAUTH,
        {},
    ),
    "token html": (
        lambda m: m.add("POST", TOKEN_URL, status=200, body="<html></html>", content_type="text/html"),
        "getItemById",
        OAUTH,
        {},
    ),
    "no access_token": (lambda m: m.add("POST", TOKEN_URL, json={"token": "x"}), "getItemById", OAUTH, {}),
    "timeout get": (
        lambda m: m.add("GET", BASE + "/odata/QueueItems", body=requests.exceptions.ReadTimeout("t")),
        "getItemById",
        BEARER,
        {},
    ),
    "tls": (
        lambda m: m.add("GET", BASE + "/odata/QueueItems", body=requests.exceptions.SSLError("bad cert")),
        "getItemById",
        BEARER,
        {},
    ),
    "ambiguous no reference": (
        lambda m: m.add("POST", BASE + "/odata/Queues/UiPathODataSvc.AddQueueItem", body=reset()),
        "addQueueItem",
        BEARER,
        {"reference": None},
    ),
    "ambiguous lookup fails": (
        lambda m: (
            m.add("POST", BASE + "/odata/Queues/UiPathODataSvc.AddQueueItem", body=reset()),
            m.add("GET", BASE + "/odata/QueueItems", status=403, json={"message": "no"}),
        ),
        "addQueueItem",
        BEARER,
        {},
    ),
    "token error echoes the client": (
        lambda m: m.add(
            "POST",
            TOKEN_URL,
            status=400,
            json={"error": "invalid_client", "error_description": f"unknown client {CLIENT_ID}"},
            headers={"X-Client": CLIENT_ID},
        ),
        "getItemById",
        OAUTH,
        {},
    ),
    "401 echoes the access token": (
        lambda m: (
            token_ok(m),
            m.add("GET", BASE + "/odata/QueueItems", status=401, json={"message": f"token {ACCESS} expired"}),
        ),
        "getItemById",
        OAUTH,
        {},
    ),
    "404 echoes the org": (
        lambda m: m.add(
            "GET", BASE + "/odata/QueueItems", status=404, json={"message": f"Organization {ORG} not found"}
        ),
        "getItemById",
        BEARER,
        {},
    ),
    "input error": (lambda m: None, "addQueueItem", OAUTH, {"queueName": "", "cloudTenant": ".."}),
    "http refused": (lambda m: None, "getItemById", BEARER, {"cloudUrl": "http://h"}),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_sentinel_anywhere(name: str, caplog: pytest.LogCaptureFixture, fake_time: FakeTime) -> None:
    arrange, operation, auth, extra = SCENARIOS[name]
    connector = make_connector(
        fake_time, TokenCache(clock=fake_time.clock), retry_policy=RetryPolicy(attempts=2, jitter_seconds=0)
    )
    seen: list[str] = [repr(connector)]
    caplog.set_level(logging.DEBUG)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        arrange(mock)
        ctx = context(operation, auth, **extra)
        seen.append(repr(ctx))
        try:
            result = connector.execute(ctx)
        except Exception as error:  # every failure path is part of the test
            seen += [str(error), repr(error), json.dumps(getattr(error, "variables", {}), default=str)]
            seen += [repr(getattr(error, name, None)) for name in ("response", "uipath_message")]
            seen += [str(arg) for arg in error.args]
        else:
            seen += [json.dumps(result.to_dict()), repr(result)]
        requests_sent = len(mock.calls)
    seen += [record.getMessage() for record in caplog.records]
    seen += [str(record.args) for record in caplog.records]
    text = "\n".join(seen)
    for sentinel in SENTINELS:
        assert sentinel not in text, (name, sentinel)
    if name not in ("input error", "http refused"):
        assert requests_sent >= 1
        assert any(record.name == "uipath_connector.uipath" for record in caplog.records)


def test_reprs_of_records_and_client_hide_secrets() -> None:
    oauth = OAuthClientCredentialsAuthentication(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    client = OrchestratorClient(Configuration(cloud_org="o", cloud_tenant="t", organization_unit_id=1), oauth)
    bearer = BearerAuthentication(token=TOKEN)
    text = " ".join([repr(oauth), str(oauth), repr(bearer), repr(client)])
    for sentinel in SENTINELS:
        assert sentinel not in text


def test_one_log_line_per_request(caplog: pytest.LogCaptureFixture, fake_time: FakeTime) -> None:
    connector = make_connector(fake_time, TokenCache(clock=fake_time.clock))
    caplog.set_level(logging.DEBUG, logger="uipath_connector.uipath")
    with responses.RequestsMock() as mock:
        mock.add("POST", BASE + "/odata/Queues/UiPathODataSvc.AddQueueItem", json={"Id": 1}, status=201)
        connector.execute(context("addQueueItem", BEARER))
    assert [record.getMessage() for record in caplog.records] == [
        "POST /***/DefaultTenant/orchestrator_/odata/Queues/UiPathODataSvc.AddQueueItem -> 201 in 0.0 ms (attempt 1)"
    ]


def test_urls_used_in_other_tests() -> None:
    assert ADD_URL.endswith("AddQueueItem")
    assert ITEMS_URL.endswith("QueueItems")
