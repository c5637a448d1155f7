"""Jobs are safe end to end: the real adapters over the wire (REST and gRPC) against a fake engine with a job
lifecycle, and the Orchestrator emulator on loopback. Each test tries to make Zeebe run a job twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyzeebe", reason="pyzeebe is not installed: pip install -e '.[pyzeebe]'")
pytest.importorskip("camunda_orchestration_sdk", reason="camunda-orchestration-sdk is not installed")

from fake_engine import FakeEngine, serving_grpc, serving_rest
from pyzeebe import create_insecure_channel

from uipath_connector.runtime import run_camunda_worker, run_pyzeebe_worker
from uipath_connector.runtime._job_lease import CommandRetryPolicy
from uipath_connector.testing import DEMO, Delay, Endpoint, OrchestratorEmulator
from uipath_connector.uipath import JOB_TYPE, RetryPolicy, UiPathConnector

FAST_COMMANDS = CommandRetryPolicy(attempts=6, base_delay=0.05, max_delay=0.2, jitter=0.0)
TESTS = Path(__file__).parent


@pytest.fixture
def emulator() -> Iterator[tuple[OrchestratorEmulator, str]]:
    orchestrator = OrchestratorEmulator.demo()
    with orchestrator.server() as server:
        yield orchestrator, server.base_url


def add_variables(base_url: str, reference: str | None = "ORDER-1") -> dict[str, Any]:
    variables: dict[str, Any] = {
        "operationType": "addQueueItem",
        "authentication": {"type": "bearer", "token": DEMO.personal_access_token},
        "cloudUrl": base_url,
        "organizationUnitId": str(DEMO.folder_id),
        "queueName": DEMO.queue_name,  # a queue without unique references
        "specificContent": {"order": 1},
    }
    if reference is not None:
        variables["reference"] = reference
    return variables


def connector() -> UiPathConnector:
    return UiPathConnector(allow_insecure_http=True, retry_policy=RetryPolicy(jitter_seconds=0.0))


def work(client: str, engine: FakeEngine, until: Callable[[], bool], *, timeout_ms: int | None = None) -> None:
    """Run one worker of the given kind until ``until()`` holds (at most 20 s), then stop it."""

    async def scenario(target: Any) -> None:
        stop = asyncio.Event()
        channel = create_insecure_channel(f"127.0.0.1:{target}") if client == "grpc" else None
        if channel is not None:
            runner = run_pyzeebe_worker(
                connector(),
                channel,
                stop=stop,
                timeout_ms=timeout_ms,
                max_running_jobs=4,
                request_timeout_ms=50,
                command_retry=FAST_COMMANDS,
                drain_timeout=5,
            )
        else:
            runner = run_camunda_worker(
                connector(),
                stop=stop,
                configuration={"CAMUNDA_REST_ADDRESS": target, "CAMUNDA_AUTH_STRATEGY": "NONE"},
                job_timeout_ms=timeout_ms,
                max_concurrent_jobs=4,
                command_retry=FAST_COMMANDS,
                drain_timeout=5,
            )
        worker = asyncio.create_task(runner)
        try:
            deadline = time.monotonic() + 20
            while not until() and time.monotonic() < deadline and not worker.done():
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


CLIENTS = ["rest", "grpc"]


@pytest.mark.parametrize("client", CLIENTS)
def test_a_malformed_header_reaches_no_orchestrator_and_is_an_incident_naming_it(
    client: str, emulator: tuple[OrchestratorEmulator, str]
) -> None:
    orchestrator, base_url = emulator
    engine = FakeEngine()
    engine.add_job(1, JOB_TYPE, add_variables(base_url), {"resultExpression": "={itemId: response.body.Id"})

    work(client, engine, lambda: engine.job(1).state != "activated" and engine.job(1).activations > 0)

    job = engine.job(1)
    assert (job.state, job.retries, job.activations) == ("incident", 0, 1)
    assert job.incident.startswith("Invalid resultExpression header '={itemId: response.body.Id': ")
    assert "position" in job.incident
    assert orchestrator.requests == []  # not even a token request


@pytest.mark.parametrize("client", CLIENTS)
def test_a_slow_orchestrator_with_a_short_job_timeout_keeps_the_job(
    client: str, emulator: tuple[OrchestratorEmulator, str]
) -> None:
    orchestrator, base_url = emulator
    orchestrator.inject(Delay(2.5), endpoint=Endpoint.ADD_QUEUE_ITEM)  # processed, then answered after 2.5 s
    engine = FakeEngine()
    engine.add_job(1, JOB_TYPE, add_variables(base_url), {"resultExpression": "={itemId: response.body.Id}"})

    work(client, engine, lambda: engine.job(1).state == "completed", timeout_ms=900)

    job = engine.job(1)
    (item,) = orchestrator.items(DEMO.queue_name)
    assert (job.state, job.activations) == ("completed", 1)  # never handed out a second time
    assert job.extensions >= 3  # the deadline was moved on while the Add ran
    assert job.result == {"itemId": item.id}


@pytest.mark.parametrize("client", CLIENTS)
def test_the_gateway_refusing_the_first_two_completes_still_completes_once(
    client: str, emulator: tuple[OrchestratorEmulator, str]
) -> None:
    orchestrator, base_url = emulator
    engine = FakeEngine()
    engine.refuse_completes = 2  # gRPC UNAVAILABLE / REST 503
    engine.add_job(1, JOB_TYPE, add_variables(base_url), {"resultExpression": "={itemId: response.body.Id}"})

    work(client, engine, lambda: engine.job(1).state == "completed")

    job = engine.job(1)
    (item,) = orchestrator.items(DEMO.queue_name)
    assert (job.state, job.activations, engine.complete_attempts) == ("completed", 1, 3)
    assert job.result == {"itemId": item.id}


def start_worker(address: str, log: Path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CAMUNDA_", "ZEEBE_"))}
    env.update({"CAMUNDA_REST_ADDRESS": address, "CAMUNDA_AUTH_STRATEGY": "NONE", "PYTHONPATH": str(TESTS)})
    command = [sys.executable, "-m", "uipath_connector.cli", "worker", "--client", "rest", "--allow-insecure-http"]
    command += ["--job-timeout-ms", "1500", "--log-level", "WARNING"]
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def kill_after_the_call_then_rerun(engine: FakeEngine, log: Path, after_the_call: Callable[[], None]) -> None:
    """Job 1 on a worker process that is SIGKILLed once it tries to Complete (the engine holds that Complete: the
    call is done, its outcome never reported); ``after_the_call`` checks Orchestrator then. A second worker process
    then works the job, which the engine hands out again, until it completes (at most 30 s each)."""
    engine.hold_completes = True
    with serving_rest(engine) as address:
        first = start_worker(address, log)
        try:
            wait(lambda: engine.complete_attempts >= 1 or first.poll() is not None, 30)
            assert first.poll() is None, log.read_text()
            after_the_call()
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        engine.hold_completes = False
        engine.released.set()
        second = start_worker(address, log)
        try:
            wait(lambda: engine.job(1).state == "completed" or second.poll() is not None, 30)
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(timeout=10)
            except subprocess.TimeoutExpired:
                second.kill()


def test_a_worker_killed_between_the_add_and_the_complete_leaves_one_item_and_the_next_worker_completes_with_it(
    emulator: tuple[OrchestratorEmulator, str], tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    orchestrator, base_url = emulator
    engine = FakeEngine()
    engine.add_job(1, JOB_TYPE, add_variables(base_url), {"resultExpression": "={itemId: response.body.Id}"})

    def one_item_added() -> None:
        assert len(orchestrator.items(DEMO.queue_name)) == 1

    kill_after_the_call_then_rerun(engine, log, one_item_added)
    job = engine.job(1)
    assert job.state == "completed", log.read_text()
    (item,) = orchestrator.items(DEMO.queue_name)  # exactly one item
    assert (job.state, job.activations) == ("completed", 2)
    assert job.result == {"itemId": item.id}  # the second attempt adopted the first attempt's item
    assert item.specific_content == {"order": 1, "CamundaJobKey": "1"}
