"""Run a connector as a pyzeebe task (extra ``[pyzeebe]``, gRPC gateway). pyzeebe is imported only when used.

How outcomes map (pyzeebe 4.7 docs):

* :class:`Complete` → the task returns the variables; pyzeebe sends ``CompleteJob``;
* :class:`ThrowError` → ``JobController.set_error_status(message, error_code, variables)``;
* :class:`Fail` → ``set_failure_status(message, retry_back_off_ms, variables)`` when the outcome's retries are
  ``job.retries - 1``, which is all that public method can send. Any other count (0 for an input error,
  ``jobError``'s or ``ConnectorRetryError``'s own) goes through pyzeebe's private ``_zeebe_adapter.fail_job``,
  which takes explicit retries. Sending ``retries - 1`` instead would retry input errors that must raise an
  incident at once, so the private call is the closest correct thing; if a pyzeebe release removes it, the
  adapter logs a warning and falls back to the public method (``retries - 1``).

The connector runs in a worker thread (the event loop never blocks); ``jobTimeout`` becomes an
``UpdateJobTimeout`` sent from that thread through the worker's gateway adapter.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..sdk import JobInfo, OutboundConnectorFunction, SecretProvider, connector_metadata
from ._job import run_job
from ._job_log import LOGGER, log_job
from ._outcome import Complete, Fail, ThrowError

if TYPE_CHECKING:
    import grpc
    from pyzeebe import Job, JobController, ZeebeTaskRouter

__all__ = ["register_pyzeebe_task", "run_pyzeebe_worker"]

# Bound on the UpdateJobTimeout call made from the job's thread.
_EXTEND_TIMEOUT_SECONDS = 10.0


class _OutcomeToSend(Exception):
    """Carries a ThrowError/Fail outcome from the task function to the task's exception handler."""

    def __init__(self, outcome: ThrowError | Fail):
        super().__init__(type(outcome).__name__)
        self.outcome = outcome


def register_pyzeebe_task(
    router: ZeebeTaskRouter,
    connector: OutboundConnectorFunction,
    *,
    secret_provider: SecretProvider | None = None,
    job_type: str | None = None,
    timeout_ms: int = 30_000,
    max_jobs_to_activate: int = 32,
    max_running_jobs: int = 32,
    logger: logging.Logger = LOGGER,
) -> None:
    """Register ``connector`` on a pyzeebe worker (or router) under its job type.

    Only the connector's ``input_variables`` are fetched (all variables when it declares none).

    >>> worker = ZeebeWorker(create_insecure_channel("localhost:26500"))  # doctest: +SKIP
    >>> register_pyzeebe_task(worker, UiPathConnector(), secret_provider=EnvironmentSecretProvider())  # doctest: +SKIP
    """
    from pyzeebe import Job

    metadata = connector_metadata(connector)
    task_type = job_type or metadata.type

    async def run_connector(job: Job, **_fetched: object) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        extend = _timeout_extender(router, job.key, loop)
        started = time.perf_counter()
        outcome = await loop.run_in_executor(
            None,
            lambda: run_job(
                connector,
                variables=dict(job.variables),
                custom_headers={str(k): str(v) for k, v in job.custom_headers.items()},
                retries=job.retries,
                secret_provider=secret_provider,
                job=_job_info(job),
                extend_timeout=extend,
            ),
        )
        log_job(job.key, job.type, outcome, time.perf_counter() - started, logger)
        if isinstance(outcome, Complete):
            return outcome.variables
        raise _OutcomeToSend(outcome)

    # pyzeebe finds the Job parameter by comparing annotation objects; with postponed annotations they are
    # strings, so the signature is spelt out. **_fetched swallows the fetched variables pyzeebe passes by name.
    run_connector.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("job", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Job),
            inspect.Parameter("_fetched", inspect.Parameter.VAR_KEYWORD),
        ],
        return_annotation=dict,
    )

    async def send_outcome(error: Exception, job: Job, controller: JobController) -> None:
        await _send_outcome(error, job, controller, logger)

    register: Any = router.task(  # pyzeebe types the decorator for plain functions only
        task_type,
        exception_handler=send_outcome,
        variables_to_fetch=list(metadata.input_variables) or None,
        timeout_ms=timeout_ms,
        max_jobs_to_activate=max_jobs_to_activate,
        max_running_jobs=max_running_jobs,
    )
    register(run_connector)


async def _send_outcome(error: Exception, job: Job, controller: JobController, logger: logging.Logger) -> None:
    if not isinstance(error, _OutcomeToSend):
        # run_job never raises for a job's sake; this is a bug in the runtime or pyzeebe. Its text may hold
        # anything, so only its type is sent.
        logger.error("job %s type=%s runtime error %s", job.key, job.type, type(error).__name__)
        await controller.set_failure_status(f"Unexpected runtime error: {type(error).__name__}")
        return
    outcome = error.outcome
    if isinstance(outcome, ThrowError):
        variables: dict[str, Any] = dict(outcome.variables)
        await controller.set_error_status(outcome.message, error_code=outcome.error_code, variables=variables)
        return
    await _fail(outcome, job, controller, logger)


async def _fail(outcome: Fail, job: Job, controller: JobController, logger: logging.Logger) -> None:
    variables: dict[str, Any] = dict(outcome.variables)
    if outcome.retries == max(job.retries - 1, 0):
        await controller.set_failure_status(outcome.message, retry_back_off_ms=outcome.backoff_ms, variables=variables)
        return
    adapter = getattr(controller, "_zeebe_adapter", None)
    fail_job = getattr(adapter, "fail_job", None)
    if fail_job is None:
        logger.warning(
            "job %s: this pyzeebe cannot fail with explicit retries (%s); sending retries - 1",
            job.key,
            outcome.retries,
        )
        await controller.set_failure_status(outcome.message, retry_back_off_ms=outcome.backoff_ms, variables=variables)
        return
    from pyzeebe import JobStatus

    job._set_status(JobStatus.Failed)  # what set_failure_status records, for `after` decorators
    await fail_job(
        job_key=job.key,
        retries=outcome.retries,
        message=outcome.message,
        retry_back_off_ms=outcome.backoff_ms,
        variables=variables,
    )


def _timeout_extender(
    router: ZeebeTaskRouter, job_key: int, loop: asyncio.AbstractEventLoop
) -> Callable[[timedelta], None] | None:
    adapter = getattr(router, "zeebe_adapter", None)  # a ZeebeWorker has one, a bare router does not
    if adapter is None:
        return None

    def extend(timeout: timedelta) -> None:
        milliseconds = timeout // timedelta(milliseconds=1)
        future = asyncio.run_coroutine_threadsafe(adapter.update_job_timeout(job_key, milliseconds), loop)
        future.result(timeout=_EXTEND_TIMEOUT_SECONDS)

    return extend


def _job_info(job: Job) -> JobInfo:
    return JobInfo(
        key=job.key,
        type=job.type,
        retries=job.retries,
        process_instance_key=job.process_instance_key,
        bpmn_process_id=job.bpmn_process_id,
        process_definition_version=job.process_definition_version,
        process_definition_key=job.process_definition_key,
        element_id=job.element_id,
        element_instance_key=job.element_instance_key,
        tenant_id=job.tenant_id or "<default>",
    )


async def run_pyzeebe_worker(
    connector: OutboundConnectorFunction,
    channel: grpc.aio.Channel,
    *,
    stop: asyncio.Event,
    drain_timeout: float = 30.0,
    secret_provider: SecretProvider | None = None,
    name: str | None = None,
    timeout_ms: int = 30_000,
    max_running_jobs: int = 32,
    request_timeout_ms: int = 0,
    logger: logging.Logger = LOGGER,
) -> None:
    """Work jobs until ``stop`` is set, then stop polling and wait up to ``drain_timeout`` s for jobs in flight.

    >>> stop = asyncio.Event()
    >>> await run_pyzeebe_worker(UiPathConnector(), create_insecure_channel(), stop=stop)  # doctest: +SKIP
    """
    from pyzeebe import ZeebeWorker

    worker = ZeebeWorker(channel, name=name, request_timeout=request_timeout_ms)
    register_pyzeebe_task(
        worker,
        connector,
        secret_provider=secret_provider,
        timeout_ms=timeout_ms,
        max_jobs_to_activate=max_running_jobs,
        max_running_jobs=max_running_jobs,
        logger=logger,
    )
    work = asyncio.create_task(worker.work())
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if work.done():
            work.result()  # the worker ended by itself: surface its error
            return
        logger.info("stopping: no new jobs; waiting up to %gs for jobs in flight", drain_timeout)
        try:
            await asyncio.wait_for(worker.stop(), timeout=drain_timeout)
        except asyncio.TimeoutError:
            logger.warning(
                "jobs still running after %gs are not reported (Zeebe re-activates them after their timeout); "
                "exiting once their connector calls return",
                drain_timeout,
            )
            work.cancel()
        await asyncio.gather(work, return_exceptions=True)
    finally:
        stopping.cancel()
        if not work.done():
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
