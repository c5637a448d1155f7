"""End to end through camunda-orchestration-sdk against a fake Camunda REST API (http.server on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip(
    "camunda_orchestration_sdk",
    reason="camunda-orchestration-sdk is not installed: pip install -e '.[camunda]'",
)

from uipath_connector.runtime import run_camunda_worker
from uipath_connector.sdk import (
    ConnectorError,
    ConnectorInputError,
    MapSecretProvider,
    OutboundConnectorContext,
    OutboundConnectorFunction,
    outbound_connector,
)

JOB_TYPE = "io.example:echo:1"


@outbound_connector(name="Echo", type=JOB_TYPE, input_variables=["text", "mode"])
class EchoConnector:
    def execute(self, context: OutboundConnectorContext) -> object:
        mode = context.variables.get("mode")
        text = context.variables.get("text")
        if mode == "error":
            raise ConnectorError("404", f"no such item for {text}", {"text": text})
        if mode == "input":
            raise ConnectorInputError("text: must not be empty")
        if mode == "slow":
            time.sleep(0.2)
        return {"echo": text}


class FakeCamunda:
    """The engine's side of the REST job API: queued jobs, and every request as (method, path, body)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queued: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str, Any]] = []
        self.gateway_version = GATEWAY_VERSION

    def add_job(
        self, key: int, variables: dict[str, Any], headers: dict[str, str], retries: int = 3, job_type: str = JOB_TYPE
    ) -> None:
        self.queued.append(
            {
                "type": job_type,
                "processDefinitionId": "uipath-process",
                "processDefinitionVersion": 1,
                "elementId": "Task_1",
                "customHeaders": headers,
                "worker": "test",
                "retries": retries,
                "deadline": 0,
                "variables": variables,
                "tenantId": "<default>",
                "physicalTenantId": "<default>",
                "jobKey": str(key),
                "processInstanceKey": str(100 + key),
                "processDefinitionKey": "7",
                "elementInstanceKey": str(200 + key),
                "kind": "BPMN_ELEMENT",
                "listenerEventType": "UNSPECIFIED",
                "userTask": None,
                "tags": [],
                "rootProcessInstanceKey": None,
                "businessId": None,
                "priority": 0,
            }
        )

    def commands(self) -> list[tuple[str, str, Any]]:
        with self.lock:
            return [call for call in self.calls if call[1] != "/v2/jobs/activation"]

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "GET" and path == "/v2/topology":
            return 200, topology(self.gateway_version)
        with self.lock:
            self.calls.append((method, path, body))
            if path == "/v2/jobs/activation":
                jobs = [job for job in self.queued if job["type"] == body["type"]][: body["maxJobsToActivate"]]
                for job in jobs:
                    self.queued.remove(job)
                return 200, {"jobs": jobs}
        if re.fullmatch(r"/v2/jobs/\d+(/completion|/failure|/error)?", path):
            return 204, None
        return 404, {"title": "NOT_FOUND", "detail": path}


GATEWAY_VERSION = "8.10.0"


def topology(gateway_version: str) -> dict[str, Any]:
    """A ``GET /v2/topology`` answer (Camunda 8 REST API, "Get cluster topology") of a one-broker cluster."""
    return {
        "brokers": [],
        "clusterId": None,
        "clusterSize": 1,
        "partitionsCount": 1,
        "replicationFactor": 1,
        "gatewayVersion": gateway_version,
        "lastCompletedChangeId": "-1",
    }


@contextmanager
def serving(fake: FakeCamunda, port: int = 0) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 (an ephemeral port) and yield its base address."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, payload = fake.handle(self.command, self.path, json.loads(raw) if raw else None)
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve
        do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


@pytest.fixture
def camunda() -> Iterator[tuple[FakeCamunda, str]]:
    fake = FakeCamunda()
    with serving(fake) as address:
        yield fake, address


def configuration(address: str) -> dict[str, Any]:
    return {"CAMUNDA_REST_ADDRESS": address, "CAMUNDA_AUTH_STRATEGY": "NONE"}


async def work_until(
    fake: FakeCamunda, address: str, command_count: int, connector: OutboundConnectorFunction | None = None
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_camunda_worker(
            connector if connector is not None else EchoConnector(),
            stop=stop,
            configuration=configuration(address),
            drain_timeout=3,
            secret_provider=MapSecretProvider({"WHO": "s3cr3t-name"}),
            worker_name="test-worker",
            max_concurrent_jobs=8,
        )
    )
    deadline = time.monotonic() + 5
    while len(fake.commands()) < command_count and time.monotonic() < deadline and not worker.done():
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(worker, timeout=5)


def by_key(commands: list[tuple[str, str, Any]]) -> dict[str, tuple[str, Any]]:
    result = {}
    for method, path, body in commands:
        match = re.fullmatch(r"/v2/jobs/(\d+)(/\w+)?", path)
        assert match is not None
        if match.group(2):
            result[match.group(1)] = (f"{method} {match.group(2)}", body)
    return result


def test_outcomes_reach_the_rest_api_as_exact_requests(camunda: tuple[FakeCamunda, str]) -> None:
    fake, address = camunda
    fake.add_job(1, {"text": "hi", "mode": "ok"}, {"resultExpression": "={echoed: echo}"})
    fake.add_job(
        2,
        {"text": "x", "mode": "error"},
        {"errorExpression": 'if error.code = "404" then bpmnError("NOT_FOUND", "gone", {code: error.code}) else null'},
    )
    fake.add_job(3, {"text": "{{secrets.WHO}}", "mode": "error"}, {"retryBackoff": "PT30S"})
    fake.add_job(4, {"text": "x", "mode": "input"}, {"retryBackoff": "PT30S"})
    fake.add_job(5, {"text": "t", "mode": "ok"}, {"jobTimeout": "PT2M", "resultVariable": "r"})
    fake.add_job(6, {"text": "x", "mode": "ok"}, {"errorExpression": 'jobError("later", {n: 1}, 7, duration("PT1S"))'})

    asyncio.run(work_until(fake, address, 7))

    activation = next(body for method, path, body in fake.calls if path == "/v2/jobs/activation")
    assert activation["type"] == JOB_TYPE
    assert activation["fetchVariable"] == ["text", "mode"]
    assert (activation["timeout"], activation["worker"], activation["maxJobsToActivate"]) == (300000, "test-worker", 8)

    commands = by_key(fake.commands())
    assert commands["1"] == ("POST /completion", {"variables": {"echoed": "hi"}})
    assert commands["2"] == (
        "POST /error",
        {"errorCode": "NOT_FOUND", "errorMessage": "gone", "variables": {"code": "404"}},
    )
    error_3 = {"type": "ConnectorError", "message": "no such item for ***", "code": "404", "variables": {"text": "***"}}
    assert commands["3"] == (
        "POST /failure",
        {
            "retries": 2,
            "errorMessage": f"no such item for *** | Error variables: {json.dumps({'error': error_3})}",
            "retryBackOff": 30000,
            "variables": {"error": error_3},
        },
    )
    assert commands["4"][0] == "POST /failure"
    assert (commands["4"][1]["retries"], commands["4"][1]["retryBackOff"]) == (0, 30000)
    assert commands["5"] == ("POST /completion", {"variables": {"r": {"echo": "t"}}})
    assert commands["6"] == (
        "POST /failure",
        {"retries": 7, "errorMessage": "later", "retryBackOff": 1000, "variables": {"n": 1, "error": "later"}},
    )
    patches = [(path, body) for method, path, body in fake.commands() if method == "PATCH"]
    assert patches == [("/v2/jobs/5", {"changeset": {"timeout": 120000}})]
    order = [(method, path) for method, path, _ in fake.commands()]
    assert order.index(("PATCH", "/v2/jobs/5")) < order.index(("POST", "/v2/jobs/5/completion"))


def test_stopping_finishes_the_job_in_flight(camunda: tuple[FakeCamunda, str]) -> None:
    fake, address = camunda
    fake.add_job(10, {"text": "slow", "mode": "slow"}, {"resultVariable": "r"})

    async def scenario() -> None:
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_camunda_worker(EchoConnector(), stop=stop, configuration=configuration(address), drain_timeout=3)
        )
        deadline = time.monotonic() + 5
        while fake.queued:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the job is now running in the SDK's thread pool (it takes 200 ms)
        stop.set()
        await asyncio.wait_for(worker, timeout=5)

    asyncio.run(scenario())
    assert [(m, p, b) for m, p, b in fake.commands()] == [
        ("POST", "/v2/jobs/10/completion", {"variables": {"r": {"echo": "slow"}}})
    ]


def test_a_job_outliving_the_drain_timeout_is_not_reported(
    camunda: tuple[FakeCamunda, str], caplog: pytest.LogCaptureFixture
) -> None:
    fake, address = camunda
    fake.add_job(11, {"text": "slow", "mode": "slow"}, {"resultVariable": "r"})

    async def scenario() -> None:
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_camunda_worker(EchoConnector(), stop=stop, configuration=configuration(address), drain_timeout=0.01)
        )
        deadline = time.monotonic() + 5
        while fake.queued:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the job is now running (it takes 200 ms), longer than the drain allows
        stop.set()
        await asyncio.wait_for(worker, timeout=5)

    with caplog.at_level(logging.INFO, logger="uipath_connector.runtime"):
        asyncio.run(scenario())
    # The handler thread sends its own outcome, so a job that finishes after the drain may still be reported, once.
    assert fake.commands() in ([], [("POST", "/v2/jobs/11/completion", {"variables": {"r": {"echo": "slow"}}})])
    assert "jobs still running after 0.01s are not waited for" in caplog.text


def test_the_worker_warms_the_connector_up_before_it_activates_a_job(camunda: tuple[FakeCamunda, str]) -> None:
    fake, address = camunda
    activations_when_warmed: list[int] = []

    @outbound_connector(name="Warm", type=JOB_TYPE, input_variables=["text"])
    class WarmConnector:
        def warm_up(self) -> None:
            activations_when_warmed.append(sum(1 for _, path, _ in fake.calls if path == "/v2/jobs/activation"))

        def execute(self, context: OutboundConnectorContext) -> object:
            return {"warmed": len(activations_when_warmed)}

    fake.add_job(1, {"text": "x"}, {"resultVariable": "r"})

    asyncio.run(work_until(fake, address, 1, connector=WarmConnector()))
    assert activations_when_warmed == [0]  # once, before the first activation request
    assert by_key(fake.commands())["1"] == ("POST /completion", {"variables": {"r": {"warmed": 1}}})
