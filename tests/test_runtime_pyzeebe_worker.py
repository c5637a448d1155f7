"""End to end through pyzeebe against a fake Zeebe gateway (grpcio on 127.0.0.1) that records every call."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import pytest

pytest.importorskip("pyzeebe", reason="pyzeebe is not installed: pip install -e '.[pyzeebe]'")
grpc = pytest.importorskip("grpc", reason="grpcio is not installed (comes with pyzeebe)")

from pyzeebe import create_insecure_channel  # noqa: E402
from pyzeebe.proto import gateway_pb2, gateway_pb2_grpc  # noqa: E402

from uipath_connector.runtime import run_pyzeebe_worker  # noqa: E402
from uipath_connector.sdk import (  # noqa: E402
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
    """Behaves as its `mode` variable says."""

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


class FakeGateway(gateway_pb2_grpc.GatewayServicer):
    """The engine's side: hands out queued jobs once, records every request as (method, fields)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queued: list[gateway_pb2.ActivatedJob] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.gateway_version = "8.8.0"  # what Topology answers

    def Topology(self, request: Any, context: Any) -> Any:
        return gateway_pb2.TopologyResponse(
            brokers=[], clusterSize=1, partitionsCount=1, replicationFactor=1, gatewayVersion=self.gateway_version
        )

    def add_job(self, key: int, variables: dict[str, Any], headers: dict[str, str], retries: int = 3) -> None:
        self.queued.append(
            gateway_pb2.ActivatedJob(
                key=key,
                type=JOB_TYPE,
                processInstanceKey=100 + key,
                bpmnProcessId="uipath-process",
                processDefinitionVersion=1,
                processDefinitionKey=7,
                elementId="Task_1",
                elementInstanceKey=200 + key,
                customHeaders=json.dumps(headers),
                worker="test",
                retries=retries,
                deadline=0,
                variables=json.dumps(variables),
                tenantId="<default>",
            )
        )

    def commands(self) -> list[tuple[str, dict[str, Any]]]:
        with self.lock:
            return [call for call in self.calls if call[0] != "ActivateJobs"]

    def ActivateJobs(self, request: Any, context: Any) -> Iterator[Any]:
        with self.lock:
            self.calls.append(
                (
                    "ActivateJobs",
                    {
                        "type": request.type,
                        "fetchVariable": list(request.fetchVariable),
                        "maxJobsToActivate": request.maxJobsToActivate,
                        "timeout": request.timeout,
                    },
                )
            )
            jobs = [job for job in self.queued if job.type == request.type][: request.maxJobsToActivate]
            for job in jobs:
                self.queued.remove(job)
        if not jobs:
            time.sleep(0.02)  # a short long-poll, so the worker does not spin
        yield gateway_pb2.ActivateJobsResponse(jobs=jobs)

    def CompleteJob(self, request: Any, context: Any) -> Any:
        self._record("CompleteJob", {"jobKey": request.jobKey, "variables": json.loads(request.variables or "{}")})
        return gateway_pb2.CompleteJobResponse()

    def FailJob(self, request: Any, context: Any) -> Any:
        self._record(
            "FailJob",
            {
                "jobKey": request.jobKey,
                "retries": request.retries,
                "errorMessage": request.errorMessage,
                "retryBackOff": request.retryBackOff,
                "variables": json.loads(request.variables or "{}"),
            },
        )
        return gateway_pb2.FailJobResponse()

    def ThrowError(self, request: Any, context: Any) -> Any:
        self._record(
            "ThrowError",
            {
                "jobKey": request.jobKey,
                "errorCode": request.errorCode,
                "errorMessage": request.errorMessage,
                "variables": json.loads(request.variables or "{}"),
            },
        )
        return gateway_pb2.ThrowErrorResponse()

    def UpdateJobTimeout(self, request: Any, context: Any) -> Any:
        self._record("UpdateJobTimeout", {"jobKey": request.jobKey, "timeout": request.timeout})
        return gateway_pb2.UpdateJobTimeoutResponse()

    def _record(self, name: str, fields: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append((name, fields))


@pytest.fixture
def gateway() -> Iterator[tuple[FakeGateway, int]]:
    fake = FakeGateway()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    gateway_pb2_grpc.add_GatewayServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield fake, port
    finally:
        server.stop(grace=None).wait(timeout=2)


async def work_until(
    fake: FakeGateway,
    port: int,
    command_count: int,
    *,
    drain_timeout: float = 3.0,
    connector: OutboundConnectorFunction | None = None,
) -> None:
    """Run the worker (on ``EchoConnector`` unless ``connector`` is given) until the gateway has seen
    `command_count` job commands, then stop it via the stop event."""
    channel = create_insecure_channel(f"127.0.0.1:{port}")
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_pyzeebe_worker(
            connector if connector is not None else EchoConnector(),
            channel,
            stop=stop,
            drain_timeout=drain_timeout,
            secret_provider=MapSecretProvider({"WHO": "s3cr3t-name"}),
            name="test-worker",
            request_timeout_ms=50,
        )
    )
    try:
        deadline = time.monotonic() + 5
        while len(fake.commands()) < command_count and time.monotonic() < deadline and not worker.done():
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(worker, timeout=5)
    finally:
        await channel.close()


def by_key(commands: list[tuple[str, dict[str, Any]]]) -> dict[int, tuple[str, dict[str, Any]]]:
    return {fields["jobKey"]: (name, fields) for name, fields in commands}


def test_outcomes_reach_the_gateway_as_exact_commands(gateway: tuple[FakeGateway, int]) -> None:
    fake, port = gateway
    fake.add_job(1, {"text": "hi", "mode": "ok"}, {"resultExpression": "={echoed: echo}"})
    fake.add_job(
        2,
        {"text": "x", "mode": "error"},
        {"errorExpression": 'if error.code = "404" then bpmnError("NOT_FOUND", "gone", {code: error.code}) else null'},
    )
    fake.add_job(3, {"text": "{{secrets.WHO}}", "mode": "error"}, {"retryBackoff": "PT30S"}, retries=3)
    fake.add_job(4, {"text": "x", "mode": "input"}, {"retryBackoff": "PT30S"}, retries=3)
    fake.add_job(5, {"text": "t", "mode": "ok"}, {"jobTimeout": "PT2M", "resultVariable": "r"})
    fake.add_job(6, {"text": "x", "mode": "ok"}, {"errorExpression": 'jobError("later", {n: 1}, 7, duration("PT1S"))'})

    asyncio.run(work_until(fake, port, 7))

    activations = [fields for name, fields in fake.calls if name == "ActivateJobs"]
    assert activations[0] == {
        "type": JOB_TYPE,
        "fetchVariable": ["text", "mode"],
        "maxJobsToActivate": 32,
        "timeout": 300000,  # the echo connector states no worst case: the 5-minute fallback
    }
    commands = by_key(fake.commands())
    assert commands[1] == ("CompleteJob", {"jobKey": 1, "variables": {"echoed": "hi"}})
    assert commands[2] == (
        "ThrowError",
        {"jobKey": 2, "errorCode": "NOT_FOUND", "errorMessage": "gone", "variables": {"code": "404"}},
    )
    error_3 = {"type": "ConnectorError", "message": "no such item for ***", "code": "404", "variables": {"text": "***"}}
    assert commands[3] == (
        "FailJob",
        {
            "jobKey": 3,
            "retries": 2,
            "errorMessage": f"no such item for *** | Error variables: {json.dumps({'error': error_3})}",
            "retryBackOff": 30000,
            "variables": {"error": error_3},
        },
    )
    # An input error: 0 retries, which pyzeebe's public set_failure_status cannot send (it always sends retries-1)
    assert commands[4][0] == "FailJob"
    assert (commands[4][1]["retries"], commands[4][1]["retryBackOff"]) == (0, 30000)
    # jobTimeout: UpdateJobTimeout first, then the job's own command
    updates = [fields for name, fields in fake.commands() if name == "UpdateJobTimeout"]
    assert updates == [{"jobKey": 5, "timeout": 120000}]
    names = [(name, fields["jobKey"]) for name, fields in fake.commands()]
    assert names.index(("UpdateJobTimeout", 5)) < names.index(("CompleteJob", 5))
    assert commands[5] == ("CompleteJob", {"jobKey": 5, "variables": {"r": {"echo": "t"}}})
    assert commands[6] == (
        "FailJob",
        {
            "jobKey": 6,
            "retries": 7,
            "errorMessage": "later",
            "retryBackOff": 1000,
            "variables": {"n": 1, "error": "later"},
        },
    )


def test_stopping_finishes_the_job_in_flight(gateway: tuple[FakeGateway, int]) -> None:
    fake, port = gateway
    fake.add_job(10, {"text": "slow", "mode": "slow"}, {"resultVariable": "r"})

    async def scenario() -> None:
        channel = create_insecure_channel(f"127.0.0.1:{port}")
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_pyzeebe_worker(EchoConnector(), channel, stop=stop, drain_timeout=3, request_timeout_ms=50)
        )
        deadline = time.monotonic() + 5
        while not any(name == "ActivateJobs" and fake.queued == [] for name, _ in fake.calls):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the job is now running in its thread (it takes 200 ms)
        stop.set()
        await asyncio.wait_for(worker, timeout=5)
        await channel.close()

    asyncio.run(scenario())
    assert fake.commands() == [("CompleteJob", {"jobKey": 10, "variables": {"r": {"echo": "slow"}}})]


def test_a_job_outliving_the_drain_timeout_is_not_reported(
    gateway: tuple[FakeGateway, int], caplog: pytest.LogCaptureFixture
) -> None:
    fake, port = gateway
    fake.add_job(11, {"text": "slow", "mode": "slow"}, {"resultVariable": "r"})

    async def scenario() -> None:
        channel = create_insecure_channel(f"127.0.0.1:{port}")
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_pyzeebe_worker(EchoConnector(), channel, stop=stop, drain_timeout=0.01, request_timeout_ms=50)
        )
        deadline = time.monotonic() + 5
        while fake.queued:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the job is now running (it takes 200 ms), longer than the drain allows
        stop.set()
        await asyncio.wait_for(worker, timeout=5)
        await channel.close()

    with caplog.at_level(logging.INFO, logger="uipath_connector.runtime"):
        asyncio.run(scenario())
    assert fake.commands() == []
    assert "jobs still running after 0.01s are not reported" in caplog.text


def test_the_worker_warms_the_connector_up_before_it_activates_a_job(gateway: tuple[FakeGateway, int]) -> None:
    fake, port = gateway
    activations_when_warmed: list[int] = []

    @outbound_connector(name="Warm", type=JOB_TYPE, input_variables=["text"])
    class WarmConnector:
        def warm_up(self) -> None:
            activations_when_warmed.append(sum(1 for name, _ in fake.calls if name == "ActivateJobs"))

        def execute(self, context: OutboundConnectorContext) -> object:
            return {"warmed": len(activations_when_warmed)}

    fake.add_job(1, {"text": "x"}, {"resultVariable": "r"})

    asyncio.run(work_until(fake, port, 1, connector=WarmConnector()))
    assert activations_when_warmed == [0]  # once, before the first ActivateJobs
    assert fake.commands() == [("CompleteJob", {"jobKey": 1, "variables": {"r": {"warmed": 1}}})]
