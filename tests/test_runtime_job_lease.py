"""The job-lease rules both adapters share: command retries, the derived job timeout and its warning."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest

from uipath_connector.runtime._job_lease import (
    CommandRetryPolicy,
    default_job_timeout,
    effective_job_timeout,
    extension_period,
    warn_if_short,
)
from uipath_connector.uipath import RetryPolicy, UiPathConnector

NO_WAIT = CommandRetryPolicy(attempts=5, base_delay=0.0, max_delay=0.0, jitter=0.0)


def test_command_retry_delays_are_capped_and_bounded_in_number_and_total() -> None:
    policy = CommandRetryPolicy(attempts=10, base_delay=0.2, max_delay=5.0, max_total_seconds=12.0, jitter=0.0)
    assert list(policy.delays()) == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0]  # a seventh wait would pass 12 s in total
    assert len(list(CommandRetryPolicy().delays(lambda: 1.0))) <= 9


def test_the_uipath_default_job_timeout_covers_its_worst_case_with_a_margin() -> None:
    connector = UiPathConnector()
    assert connector.worst_case_duration() == timedelta(seconds=300)
    assert default_job_timeout(connector) == timedelta(seconds=405)
    longer = UiPathConnector(retry_policy=RetryPolicy(max_total_seconds=120))
    assert default_job_timeout(longer) == timedelta(seconds=3 * 160 * 1.25 + 30)
    assert default_job_timeout(object()) == timedelta(minutes=5)  # a connector that states no worst case


def test_a_job_timeout_below_the_worst_case_is_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="uipath_connector.runtime"):
        assert warn_if_short(UiPathConnector(), timedelta(seconds=30))
        assert not warn_if_short(UiPathConnector(), timedelta(seconds=300))
    assert caplog.messages == [
        "the job timeout (30s) is shorter than the connector's worst case (300s): the worker extends each job's "
        "deadline while its call runs, but if the gateway cannot be reached to extend it, Zeebe may give the job "
        "to another worker while the call is still running; the default (405s) avoids that"
    ]


def test_the_job_timeout_header_wins_and_extensions_come_every_third() -> None:
    configured = timedelta(minutes=7)
    assert effective_job_timeout({"jobTimeout": "PT1M"}, configured) == timedelta(minutes=1)
    assert effective_job_timeout({"jobTimeout": "soon"}, configured) == configured  # refused by run_job anyway
    assert effective_job_timeout({}, configured) == configured
    assert extension_period(timedelta(seconds=30)) == 10.0
    assert extension_period(timedelta(milliseconds=1)) == 0.2


# -- REST adapter -------------------------------------------------------------------------------------------


class _Job:
    job_key = "42"


def test_rest_commands_retry_transient_errors_and_stop_when_the_job_is_gone() -> None:
    pytest.importorskip("camunda_orchestration_sdk")
    import httpx
    from camunda_orchestration_sdk.errors import BadRequestError, NotFoundError, ServiceUnavailableError

    from uipath_connector.runtime._camunda_worker import _with_retries

    def sender(*errors: Exception) -> tuple[list[int], Any]:
        calls: list[int] = []
        queue = list(errors)

        def send() -> None:
            calls.append(1)
            if queue:
                raise queue.pop(0)

        return calls, send

    log = logging.getLogger("test")
    calls, send = sender(httpx.ConnectError("refused"), ServiceUnavailableError(status_code=503, content=b""))
    assert _with_retries(send, _Job(), "complete", NO_WAIT, log) is True  # type: ignore[arg-type]
    assert len(calls) == 3
    calls, send = sender(NotFoundError(status_code=404, content=b""))
    assert _with_retries(send, _Job(), "complete", NO_WAIT, log) is False  # type: ignore[arg-type]
    assert len(calls) == 1  # gone: logged, not retried
    calls, send = sender(BadRequestError(status_code=400, content=b""))
    assert _with_retries(send, _Job(), "complete", NO_WAIT, log) is False  # type: ignore[arg-type]
    assert len(calls) == 1
    calls, send = sender(*[ServiceUnavailableError(status_code=503, content=b"")] * 10)
    assert _with_retries(send, _Job(), "complete", NO_WAIT, log) is False  # type: ignore[arg-type]
    assert len(calls) == 5  # bounded by the policy's attempts


# -- pyzeebe adapter ----------------------------------------------------------------------------------------


class _PyzeebeJob:
    key = 42


def test_grpc_commands_retry_transient_errors_and_stop_when_the_job_is_gone() -> None:
    pytest.importorskip("pyzeebe")
    from pyzeebe.errors import (
        JobNotFoundError,
        ZeebeBackPressureError,
        ZeebeDeadlineExceeded,
        ZeebeGatewayUnavailableError,
    )

    from uipath_connector.runtime._pyzeebe_worker import _with_retries

    def run(*errors: Exception) -> tuple[bool, int]:
        queue = list(errors)
        calls: list[int] = []

        async def send() -> None:
            calls.append(1)
            if queue:
                raise queue.pop(0)

        sent = asyncio.run(_with_retries(send, _PyzeebeJob(), "CompleteJob", NO_WAIT, logging.getLogger("t")))  # type: ignore[arg-type]
        return sent, len(calls)

    cause: Any = None  # pyzeebe keeps the grpc error; these tests need none
    transient = [ZeebeGatewayUnavailableError(cause), ZeebeBackPressureError(cause), ZeebeDeadlineExceeded(cause)]
    assert run(*transient) == (True, 4)
    assert run(JobNotFoundError(job_key=42)) == (False, 1)
    assert run(*[ZeebeGatewayUnavailableError(cause)] * 10) == (False, 5)
