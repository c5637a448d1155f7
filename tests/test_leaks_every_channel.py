"""Sentinel secrets, grepped in every encoded form in every output channel, are found nowhere.

Channels: the outcome the worker sends to the engine (message and variables), the log records of *all* loggers at
DEBUG (urllib3's request line included), the ``repr`` of the connector, client and errors, and each error's
exception chain. Servers echo the request back (headers, form and body), so the credentials really come back.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from fake_engine import FakeEngine, serving_grpc, serving_rest
from hostile_server import Answer, HostileServer, RecordedRequest, answer, echo

from uipath_connector.runtime import run_job
from uipath_connector.sdk import MapSecretProvider, OutboundConnectorContext
from uipath_connector.uipath import JOB_TYPE, RetryPolicy, TokenCache, UiPathConnector

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


def quoting_credentials(status: int) -> Answer:
    """An OData error whose message quotes the request's Authorization header and body (the part a user reads)."""

    def send(connection: socket.socket, request: RecordedRequest) -> None:
        quoted = f"rejected {request.header('Authorization')} with {request.body.decode('latin-1')}"
        answer(status, {"message": quoted, "errorCode": 1002})(connection, request)

    return send


# -- CLI output ---------------------------------------------------------------------------------------------------
#
# The CLI takes its credentials from flags or the environment and hands them to the connector as secrets
# (docs/cli.md); its stdout and stderr at -v / -vv are grepped for every form. The org and tenant are plain flags
# there (not secrets), so only the credentials are sentinels in this channel.

CLI_SENTINELS = {name: SENTINELS[name] for name in ("ID", "SECRET", "TOKEN")}


def cli_leaks(text: str) -> list[str]:
    return [leak for leak in leaks(text) if leak.split(":", 1)[0] in {*CLI_SENTINELS, "BASIC"}]


def run_cli(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("UIPATH_")} | environment
    return subprocess.run(
        [sys.executable, "-m", "uipath_connector.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


OAUTH_ENVIRONMENT = {"UIPATH_CLIENT_ID": SENTINELS["ID"], "UIPATH_CLIENT_SECRET": SENTINELS["SECRET"]}
BEARER_ENVIRONMENT = {"UIPATH_TOKEN": SENTINELS["TOKEN"]}


@pytest.mark.parametrize(
    ("verbosity", "environment", "command", "script"),
    [
        ("-vv", OAUTH_ENVIRONMENT, ["get-queue-item", "--item-id", "7"], [echo(400)]),
        ("-v", OAUTH_ENVIRONMENT, ["add-queue-item", "--queue", "Invoices"], [echo(401, "application/json")]),
        (
            "-vv",
            OAUTH_ENVIRONMENT,
            ["get-queue-item", "--item-id", "7"],
            [answer(200, {"access_token": SENTINELS["TOKEN"], "expires_in": 60}), echo(404)],
        ),
        ("-vv", BEARER_ENVIRONMENT, ["add-queue-item", "--queue", "Invoices"], [quoting_credentials(400)]),
        ("-vv", BEARER_ENVIRONMENT, ["get-queue-item", "--item-id", "7"], [quoting_credentials(403)]),
        ("-vv", OAUTH_ENVIRONMENT, ["get-queue-item", "--item-id", "7"], [quoting_credentials(401)]),
    ],
)
def test_no_sentinel_leaks_in_cli_output_against_an_echoing_server(
    server: HostileServer, verbosity: str, environment: dict[str, str], command: list[str], script: list[Any]
) -> None:
    server.script(*script)
    cloud_url = server.url + "/acme/DefaultTenant/orchestrator_"
    result = run_cli(
        verbosity,
        *command,
        "--cloud-url",
        cloud_url,
        "--allow-insecure-http",
        "--folder-id",
        "1",
        "--timeout",
        "2",
        environment=environment,
    )
    sent = "".join(request.raw.decode("latin-1") for request in server.requests)
    assert cli_leaks(sent)  # the credentials went out, and the server sent them back
    assert result.returncode in {1, 2}, result.stderr
    assert result.stderr  # the command said what went wrong
    assert cli_leaks(result.stdout + result.stderr) == []


@pytest.mark.parametrize(
    "credentials",
    [
        ["--client-id", SENTINELS["ID"], "--client-secret", SENTINELS["SECRET"]],
        ["--token", SENTINELS["TOKEN"]],
    ],
)
def test_no_sentinel_leaks_in_cli_output_against_the_emulator(credentials: list[str]) -> None:
    # The emulator knows neither credential, so it refuses them; the refusal and the -vv trace are grepped.
    result = run_cli("-vv", "add-queue-item", "--emulator", "--queue", "DemoQueue", *credentials, environment={})
    assert result.returncode == 1, result.stdout + result.stderr
    assert cli_leaks(result.stdout + result.stderr) == []


# -- What the worker sends to the engine ------------------------------------------------------------------------


def run_worker_until_a_command(client: str, engine: FakeEngine) -> None:
    """One worker of the given kind, secrets from ``SENTINELS``, until the engine received a command (at most 20 s)."""
    from uipath_connector.runtime import run_camunda_worker, run_pyzeebe_worker

    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache())
    secrets = MapSecretProvider(SENTINELS)

    async def scenario(target: Any) -> None:
        stop = asyncio.Event()
        if client == "grpc":
            from pyzeebe import create_insecure_channel

            channel = create_insecure_channel(f"127.0.0.1:{target}")
            runner = run_pyzeebe_worker(
                connector, channel, stop=stop, secret_provider=secrets, request_timeout_ms=50, drain_timeout=5
            )
        else:
            channel = None
            runner = run_camunda_worker(
                connector,
                stop=stop,
                secret_provider=secrets,
                configuration={"CAMUNDA_REST_ADDRESS": target, "CAMUNDA_AUTH_STRATEGY": "NONE"},
                drain_timeout=5,
            )
        worker = asyncio.create_task(runner)
        try:
            deadline = time.monotonic() + 20
            while not engine.commands and time.monotonic() < deadline and not worker.done():
                await asyncio.sleep(0.02)
            stop.set()
            await asyncio.wait_for(worker, timeout=10)
        finally:
            if channel is not None:
                await channel.close()

    if client == "grpc":
        with serving_grpc(engine) as port:
            asyncio.run(scenario(port))
    else:
        with serving_rest(engine) as address:
            asyncio.run(scenario(address))


@pytest.mark.parametrize("client", ["rest", "grpc"])
@pytest.mark.parametrize(
    ("authentication", "mode", "operation", "script"),
    [
        (OAUTH, "basicAuthHeader", "getItemById", [echo(400)]),
        (OAUTH, "credentialsBody", "addQueueItem", [echo(401, "application/json")]),
        (BEARER, None, "getItemById", [quoting_credentials(404)]),
        (BEARER, None, "addQueueItem", [quoting_credentials(400)]),
    ],
)
def test_no_sentinel_leaks_in_what_the_worker_sends_to_the_engine(
    server: HostileServer,
    client: str,
    authentication: dict[str, Any],
    mode: str | None,
    operation: str,
    script: list[Any],
) -> None:
    pytest.importorskip("pyzeebe" if client == "grpc" else "camunda_orchestration_sdk")
    server.script(*script)
    auth = dict(authentication)
    if mode:
        auth["clientAuthentication"] = mode
        auth["oauthTokenEndpoint"] = server.url + "/identity_/connect/token"
    engine = FakeEngine()
    engine.add_job(1, JOB_TYPE, job_variables(server, auth, operation), {}, retries=1)

    run_worker_until_a_command(client, engine)

    sent = "".join(request.raw.decode("latin-1") for request in server.requests)
    assert any(form in sent for forms in forbidden().values() for form in forms)  # the echo carried secrets
    assert len(engine.commands) == 1  # the Fail (or Complete / ThrowError) as the engine received it
    assert engine.job(1).state in {"incident", "error", "completed"}
    assert [leak for command in engine.commands for leak in leaks(command)] == []
