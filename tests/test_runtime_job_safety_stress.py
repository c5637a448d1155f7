"""1,000 jobs against the emulator with a quarter of the Adds committed and then answered badly, the engine's
retries on and Complete commands failing at random: no item is added twice and none is lost.

In-process (the emulator under ``responses``, fake sleep and clocks) so that it runs in seconds. The engine is a
small model of Zeebe's job lifecycle: a failed job with retries left runs again, a job whose Complete never
arrives runs again after its timeout, a job failed with 0 retries is an incident. Complete commands go through the
REST adapter's own retry code with a sender that fails at random. ``UIPATH_CONNECTOR_STRESS_JOBS`` sets the count
(default 1000).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from conftest import FakeTime

pytest.importorskip("camunda_orchestration_sdk", reason="the REST adapter's command retries need [camunda]")

from camunda_orchestration_sdk.errors import ServiceUnavailableError, TooManyRequestsError

from uipath_connector.runtime import Complete, Fail, run_job
from uipath_connector.runtime._camunda_worker import _with_retries
from uipath_connector.runtime._job_lease import CommandRetryPolicy
from uipath_connector.sdk import JobInfo
from uipath_connector.testing import (
    DEMO,
    Delay,
    DropConnection,
    Endpoint,
    ManualClock,
    OrchestratorEmulator,
    ServerError,
    TooManyRequests,
)
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

JOBS = int(os.environ.get("UIPATH_CONNECTOR_STRESS_JOBS", "1000"))
CLOUD = "https://cloud.uipath.com"
# Every kind of bad answer after the item was committed. In-process a Delay longer than the read timeout is a
# read timeout of a request that was processed: also what a request held before processing looks like to the client.
BAD_ANSWERS = [
    DropConnection(after_commit=True),
    ServerError(500, after_commit=True),
    ServerError(502, after_commit=True),
    ServerError(503, after_commit=True),
    ServerError(504, after_commit=True),
    TooManyRequests(retry_after=1, after_commit=True),
    Delay(10),  # read timeout (connectionTimeoutInSeconds is 5)
    Delay(29),  # held far longer
]
NO_WAIT = CommandRetryPolicy(attempts=10, base_delay=0.0, max_delay=0.0, jitter=0.0)


class _Job:
    def __init__(self, key: int, reference: str | None):
        self.key = key
        self.retries = 3
        self.reference = reference
        self.state = "activatable"
        self.variables: dict[str, object] = {}
        self.incident = ""
        self.attempts = 0


def _variables(job: _Job) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "operationType": "addQueueItem",
        "authentication": {"type": "bearer", "token": DEMO.personal_access_token},
        "cloudOrg": DEMO.org,
        "cloudTenant": DEMO.tenant,
        "organizationUnitId": str(DEMO.folder_id),
        "connectionTimeoutInSeconds": "5",
        "queueName": DEMO.queue_name,  # a queue WITHOUT unique references
        "specificContent": {"order": job.key},
    }
    if job.reference is not None:
        variables["reference"] = job.reference
    return variables


def _run(with_references: bool, seed: int) -> tuple[OrchestratorEmulator, list[_Job], Counter[str]]:
    rng = random.Random(seed)
    clock = ManualClock(datetime(2024, 5, 2, 10, 11, 12, tzinfo=timezone.utc))
    emulator = OrchestratorEmulator.demo(clock=clock, max_recorded_requests=100)
    time = FakeTime()
    connector = UiPathConnector(
        retry_policy=RetryPolicy(jitter_seconds=0.0),
        token_cache=TokenCache(clock=time.clock),
        clock=time.as_clock(rng=rng.random, wall=clock.now),
    )
    jobs = [_Job(key, f"ORDER-{key}" if with_references else None) for key in range(1, JOBS + 1)]
    faults: Counter[str] = Counter()
    headers = {"resultExpression": "={itemId: response.body.Id}", "retryBackoff": "PT1S"}
    pending = list(jobs)
    with emulator.mock(base_host=CLOUD):
        while pending:
            job = pending.pop(0)
            job.attempts += 1
            assert job.attempts <= 12, f"job {job.key} ran {job.attempts} times"
            if rng.random() < 0.25:
                fault = rng.choice(BAD_ANSWERS)
                faults[type(fault).__name__] += 1
                emulator.inject(fault, endpoint=Endpoint.ADD_QUEUE_ITEM, count=1)
            if with_references and rng.random() < 0.05:
                # Look-ups fail for a while: the attempt ends in a failure and the engine's retry takes over.
                faults["lookups failing"] += 1
                emulator.inject(ServerError(500), endpoint=Endpoint.LIST_QUEUE_ITEMS, count=rng.randint(1, 6))
            outcome = run_job(
                connector,
                variables=_variables(job),
                custom_headers=headers,
                retries=job.retries,
                job=JobInfo(key=job.key, type="uipath-connector:uipath:1"),
            )
            emulator.clear_faults()
            if isinstance(outcome, Complete):
                if with_references and rng.random() < 0.05:
                    # The worker dies before its Complete: the job times out and runs again (with a reference,
                    # the next attempt must adopt the item instead of adding it again).
                    faults["worker died"] += 1
                    pending.append(job)
                elif _complete(rng, job):
                    job.state, job.variables = "completed", outcome.variables
                else:
                    pending.append(job)  # the Complete never arrived: the job times out and runs again
            elif isinstance(outcome, Fail) and outcome.retries > 0:
                job.retries = outcome.retries
                pending.append(job)
            elif isinstance(outcome, Fail):
                job.state, job.incident = "incident", outcome.message
            else:
                job.state = f"unexpected {outcome!r}"
    return emulator, jobs, faults


def _complete(rng: random.Random, job: _Job) -> bool:
    """Send the Complete through the REST adapter's retry code; the gateway fails a third of the sends."""

    def send() -> None:
        roll = rng.random()
        if roll < 0.1:
            raise httpx.ConnectError("connection refused")
        if roll < 0.2:
            raise ServiceUnavailableError(status_code=503, content=b"{}")
        if roll < 0.33:
            raise TooManyRequestsError(status_code=429, content=b"{}")

    class _Context:
        job_key = str(job.key)

    import logging

    return _with_retries(send, _Context(), "complete", NO_WAIT, logging.getLogger("stress"))  # type: ignore[arg-type]


def test_with_references_nothing_is_doubled_or_lost() -> None:
    emulator, jobs, faults = _run(with_references=True, seed=20261128)
    items = emulator.items(DEMO.queue_name)
    by_reference = Counter(item.reference for item in items)
    assert sum(faults.values()) > JOBS // 5  # the faults really fired, every kind of them
    assert set(faults) == {
        "DropConnection",
        "ServerError",
        "TooManyRequests",
        "Delay",
        "lookups failing",
        "worker died",
    }
    assert sum(job.attempts - 1 for job in jobs) > JOBS // 20  # the engine ran jobs again
    assert [ref for ref, count in by_reference.items() if count > 1] == []  # 0 duplicates
    assert len(items) == JOBS  # 0 lost
    ids = {item.reference: item.id for item in items}
    for job in jobs:
        if job.state == "completed":
            assert job.variables == {"itemId": ids[job.reference]}
        else:
            assert job.state == "incident", job.state
            assert str(ids[job.reference]) in job.incident, job.incident  # names its item


def test_without_references_nothing_is_doubled() -> None:
    emulator, jobs, faults = _run(with_references=False, seed=7)
    items = emulator.items(DEMO.queue_name)
    orders = Counter(item.specific_content["order"] for item in items)
    assert sum(faults.values()) > JOBS // 5
    assert [order for order, count in orders.items() if count > 1] == []  # 0 duplicates
    assert len(items) == JOBS  # every fault came after the commit, so every job added exactly one item
    states = Counter(job.state for job in jobs)
    assert set(states) <= {"completed", "incident"}
    incidents = [job for job in jobs if job.state == "incident"]
    assert incidents, "the faults must have produced incidents"
    for job in incidents:
        assert "so the item may have been created" in job.incident
        assert "the job is not retried automatically" in job.incident
