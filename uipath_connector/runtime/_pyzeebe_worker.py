"""Run a connector as a pyzeebe task (extra ``[pyzeebe]``, gRPC gateway). pyzeebe is imported only when used.

How outcomes map (pyzeebe 4.x, ``JobController``):

* :class:`Complete` → ``set_success_status(variables)`` (``CompleteJob``);
* :class:`ThrowError` → ``set_error_status(message, error_code, variables)`` (``ThrowError``);
* :class:`Fail` → ``set_failure_status(message, retry_back_off_ms, variables)`` when the outcome's retries are
  ``job.retries - 1``, which is all that public method can send. Any other count (0 for an input error,
  ``jobError``'s or ``ConnectorRetryError``'s own) goes through pyzeebe's private ``_zeebe_adapter.fail_job``,
  which takes explicit retries. Sending ``retries - 1`` instead would retry input errors that must raise an
  incident at once, so the private call is the closest correct thing; if a pyzeebe release removes it, the
  adapter logs a warning and falls back to the public method (``retries - 1``).

Every command is sent by this adapter (the task function hands the outcome to its exception handler, so pyzeebe
never sends one itself) and retried on transient gateway errors (``_job_lease``). The connector runs on a
dedicated thread pool with one thread per job slot (``max_running_jobs``), never on the event loop's default
executor, so an activated job never waits for a thread while its timeout runs; pyzeebe activates no more jobs
than there are free slots. While the connector runs, ``UpdateJobTimeout`` extends the job's deadline every third
of its timeout; a ``jobTimeout`` header is sent the same way before the connector runs.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..sdk import JobInfo, OutboundConnectorFunction, SecretProvider, connector_metadata
from ._job import run_job
from ._job_lease import (
    DEFAULT_COMMAND_RETRY,
    CommandRetryPolicy,
    default_job_timeout,
    effective_job_timeout,
    extension_period,
    warn_if_short,
)
from ._job_log import LOGGER, log_job
from ._metrics import job_started
from ._outcome import Complete, Fail, JobOutcome, ThrowError
from ._warm_up import warm_up

if TYPE_CHECKING:
    import grpc
    from pyzeebe import Job, JobController, ZeebeTaskRouter

__all__ = ["register_pyzeebe_task", "run_pyzeebe_worker"]

# Bound on the UpdateJobTimeout call made from the job's thread for the jobTimeout header.
_EXTEND_TIMEOUT_SECONDS = 10.0


class _OutcomeToSend(Exception):
    """Carries a job's outcome from the task function to the task's exception handler, which sends it."""

    def __init__(self, outcome: JobOutcome):
        super().__init__(type(outcome).__name__)
        self.outcome = outcome


def register_pyzeebe_task(
    router: ZeebeTaskRouter,
    connector: OutboundConnectorFunction,
    *,
    secret_provider: SecretProvider | None = None,
    job_type: str | None = None,
    timeout_ms: int | None = None,
    max_running_jobs: int = 32,
    max_jobs_to_activate: int | None = None,
    executor: Executor | None = None,
    command_retry: CommandRetryPolicy = DEFAULT_COMMAND_RETRY,
    logger: logging.Logger = LOGGER,
) -> None:
    """Register ``connector`` on a pyzeebe worker (or router) under its job type.

    Only the connector's ``input_variables`` are fetched (all variables when it declares none). ``max_running_jobs``
    is the one concurrency setting: that many jobs run at once, each on its own thread of ``executor`` (by default
    a pool of that size), and no more are activated. ``timeout_ms`` defaults to the connector's worst case with a
    margin (:func:`default_job_timeout`); a shorter one is logged as a warning.

    With a Zeebe gateway on ``localhost:26500``::

        worker = ZeebeWorker(create_insecure_channel("localhost:26500"))
        register_pyzeebe_task(worker, UiPathConnector(), secret_provider=EnvironmentSecretProvider())
    """
    from pyzeebe import Job

    metadata = connector_metadata(connector)
    task_type = job_type or metadata.type
    if timeout_ms is None:
        timeout = default_job_timeout(connector)
    else:
        timeout = timedelta(milliseconds=timeout_ms)
        warn_if_short(connector, timeout, logger)
    if max_running_jobs < 1:
        raise ValueError(f"max_running_jobs must be at least 1, got {max_running_jobs}")
    pool = executor if executor is not None else ThreadPoolExecutor(max_running_jobs, thread_name_prefix="connector")

    async def run_connector(job: Job, **_fetched: object) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        headers = {str(k): str(v) for k, v in job.custom_headers.items()}
        keeper = asyncio.create_task(_keep_extending(router, job, effective_job_timeout(headers, timeout), logger))
        job_started(job.type)
        started = time.perf_counter()
        try:
            outcome = await loop.run_in_executor(
                pool,
                lambda: run_job(
                    connector,
                    variables=dict(job.variables),
                    custom_headers=headers,
                    retries=job.retries,
                    secret_provider=secret_provider,
                    job=_job_info(job),
                    extend_timeout=_timeout_extender(router, job.key, loop),
                ),
            )
        finally:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
        log_job(
            job.key,
            job.type,
            outcome,
            time.perf_counter() - started,
            logger,
            process_instance_key=job.process_instance_key,
        )
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
        try:
            await _send_outcome(error, job, controller, command_retry, logger)
        except Exception as unexpected:  # never let pyzeebe fall back to its own failure command
            logger.error("job %s: sending its outcome failed: %s", job.key, type(unexpected).__name__)

    register: Any = router.task(  # pyzeebe types the decorator for plain functions only
        task_type,
        exception_handler=send_outcome,
        variables_to_fetch=list(metadata.input_variables) or None,
        timeout_ms=timeout // timedelta(milliseconds=1),
        max_jobs_to_activate=min(max_jobs_to_activate or max_running_jobs, max_running_jobs),
        max_running_jobs=max_running_jobs,
    )
    register(run_connector)


async def _send_outcome(
    error: Exception, job: Job, controller: JobController, policy: CommandRetryPolicy, logger: logging.Logger
) -> None:
    if not isinstance(error, _OutcomeToSend):
        # run_job never raises for a job's sake; this is a bug in the runtime or pyzeebe. Its text may hold
        # anything, so only its type is sent.
        logger.error("job %s type=%s runtime error %s", job.key, job.type, type(error).__name__)
        message = f"Unexpected runtime error: {type(error).__name__}"
        await _with_retries(lambda: controller.set_failure_status(message), job, "FailJob", policy, logger)
        return
    outcome = error.outcome
    if isinstance(outcome, Complete):
        variables: dict[str, Any] = dict(outcome.variables)
        await _with_retries(
            lambda: controller.set_success_status(variables=variables), job, "CompleteJob", policy, logger
        )
        return
    if isinstance(outcome, ThrowError):
        error_variables: dict[str, Any] = dict(outcome.variables)
        await _with_retries(
            lambda: controller.set_error_status(
                outcome.message, error_code=outcome.error_code, variables=error_variables
            ),
            job,
            "ThrowError",
            policy,
            logger,
        )
        return
    await _with_retries(lambda: _fail(outcome, job, controller, logger), job, "FailJob", policy, logger)


async def _with_retries(
    send: Callable[[], Awaitable[None]],
    job: Job,
    command: str,
    policy: CommandRetryPolicy,
    logger: logging.Logger,
) -> bool:
    """Send a job command, retrying transient gateway errors; ``True`` once the gateway accepted it."""
    from pyzeebe.errors import (
        JobAlreadyDeactivatedError,
        JobNotFoundError,
        ZeebeBackPressureError,
        ZeebeDeadlineExceeded,
        ZeebeGatewayUnavailableError,
    )

    delays = policy.delays()
    while True:
        try:
            await send()
            return True
        except (JobNotFoundError, JobAlreadyDeactivatedError) as gone:
            # The job timed out, was cancelled or already finished: nothing to retry (Camunda logs it too).
            logger.warning("job %s: %s not accepted, the job is gone (%s)", job.key, command, type(gone).__name__)
            return False
        except (ZeebeGatewayUnavailableError, ZeebeBackPressureError, ZeebeDeadlineExceeded) as transient:
            delay = next(delays, None)
            if delay is None:
                logger.error(
                    "job %s: %s failed %s; giving up after the retry budget, the job comes back after its timeout",
                    job.key,
                    command,
                    type(transient).__name__,
                )
                return False
            logger.warning(
                "job %s: %s failed (%s); retrying in %.2fs", job.key, command, type(transient).__name__, delay
            )
            await asyncio.sleep(delay)


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


async def _keep_extending(router: ZeebeTaskRouter, job: Job, timeout: timedelta, logger: logging.Logger) -> None:
    """Extend the job's deadline every third of its timeout until cancelled (when the connector returned)."""
    from pyzeebe.errors import JobAlreadyDeactivatedError, JobNotFoundError, PyZeebeError

    adapter = getattr(router, "zeebe_adapter", None)  # a ZeebeWorker has one, a bare router does not
    if adapter is None:
        return
    milliseconds = timeout // timedelta(milliseconds=1)
    while True:
        await asyncio.sleep(extension_period(timeout))
        try:
            await adapter.update_job_timeout(job.key, milliseconds)
        except (JobNotFoundError, JobAlreadyDeactivatedError):
            logger.warning("job %s: gone while its connector runs; its outcome will not be accepted", job.key)
            return
        except PyZeebeError as error:  # transient: the next extension may get through before the deadline
            logger.warning("job %s: extending its deadline failed (%s)", job.key, type(error).__name__)


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
    timeout_ms: int | None = None,
    max_running_jobs: int = 32,
    request_timeout_ms: int = 0,
    command_retry: CommandRetryPolicy = DEFAULT_COMMAND_RETRY,
    logger: logging.Logger = LOGGER,
) -> None:
    """Work jobs until ``stop`` is set, then stop polling and wait up to ``drain_timeout`` s for jobs in flight.

    With a Zeebe gateway on the default address, in a coroutine::

        stop = asyncio.Event()
        await run_pyzeebe_worker(UiPathConnector(), create_insecure_channel(), stop=stop)
    """
    from pyzeebe import ZeebeWorker

    await asyncio.to_thread(warm_up, connector, logger)
    # max_connection_retries=-1: pyzeebe counts every transient gateway error over the worker's whole life and
    # closes the channel after the tenth; command retries would use that budget up in a long-running worker.
    worker = ZeebeWorker(channel, name=name, request_timeout=request_timeout_ms, max_connection_retries=-1)
    executor = ThreadPoolExecutor(max_running_jobs, thread_name_prefix="connector")
    register_pyzeebe_task(
        worker,
        connector,
        secret_provider=secret_provider,
        timeout_ms=timeout_ms,
        max_running_jobs=max_running_jobs,
        executor=executor,
        command_retry=command_retry,
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
        executor.shutdown(wait=False)
