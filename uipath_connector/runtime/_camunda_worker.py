"""Run a connector as a Camunda 8 REST job worker (extra ``[camunda]``: ``camunda-orchestration-sdk`` 10.x).

How outcomes map (``camunda_orchestration_sdk.runtime.job_worker``): :class:`Complete` →
``POST /v2/jobs/{key}/completion``; :class:`ThrowError` → ``/error``; :class:`Fail` → ``/failure`` with explicit
retries and backoff in ms. The SDK is imported only when used.

The handler is synchronous, so the SDK runs it in its thread pool ("thread" strategy) of ``max_concurrent_jobs``
threads, and activates no more jobs than it has free slots: a blocking connector never stalls polling and an
activated job never waits for a thread. The handler sends the job's command itself, through the job-scoped client,
retrying transient errors (``_job_lease``): the SDK's own completion is not retried, and when it fails the SDK
fails the job with ``retries - 1``, which would run the connector (and its Add) again. ``jobTimeout`` becomes
``PATCH /v2/jobs/{key}`` (``changeset.timeout``) before the connector runs, and the same request extends the
deadline every third of the job's timeout while it runs.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

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
from ._outcome import Complete, JobOutcome, ThrowError
from ._warm_up import warm_up

if TYPE_CHECKING:
    from camunda_orchestration_sdk import CamundaAsyncClient
    from camunda_orchestration_sdk.runtime.job_worker import JobWorker, SyncJobContext

__all__ = ["create_camunda_job_worker", "run_camunda_worker"]

# How often the drain checks for jobs still in flight.
_DRAIN_POLL_SECONDS = 0.05


def create_camunda_job_worker(
    client: CamundaAsyncClient,
    connector: OutboundConnectorFunction,
    *,
    secret_provider: SecretProvider | None = None,
    job_type: str | None = None,
    job_timeout_ms: int | None = None,
    max_concurrent_jobs: int | None = None,
    request_timeout_ms: int | None = None,
    worker_name: str | None = None,
    auto_start: bool = True,
    command_retry: CommandRetryPolicy = DEFAULT_COMMAND_RETRY,
    logger: logging.Logger = LOGGER,
) -> JobWorker:
    """Create (and by default start) a REST job worker for ``connector`` on a running ``CamundaAsyncClient``.

    Only the connector's ``input_variables`` are fetched (all variables when it declares none). Unset limits fall
    back to the SDK's ``CAMUNDA_WORKER_*`` settings; ``job_timeout_ms`` to the connector's worst case with a margin
    (:func:`default_job_timeout`), a shorter one is logged as a warning.

    With a Camunda REST API configured by the ``CAMUNDA_*`` environment variables, in a coroutine::

        async with CamundaAsyncClient() as client:
            create_camunda_job_worker(client, UiPathConnector(), secret_provider=EnvironmentSecretProvider())
            await client.run_workers()
    """
    from camunda_orchestration_sdk.runtime.job_worker import WorkerConfig

    metadata = connector_metadata(connector)
    if job_timeout_ms is None:
        timeout = default_job_timeout(connector)
    else:
        timeout = timedelta(milliseconds=job_timeout_ms)
        warn_if_short(connector, timeout, logger)
    handler = _handler(connector, secret_provider, timeout, command_retry, logger)
    config = WorkerConfig(
        job_type=job_type or metadata.type,
        job_timeout_milliseconds=timeout // timedelta(milliseconds=1),
        request_timeout_milliseconds=request_timeout_ms,
        max_concurrent_jobs=max_concurrent_jobs,
        fetch_variables=list(metadata.input_variables) or None,
        worker_name=worker_name,
    )
    return client.create_job_worker(config, handler, auto_start=auto_start, execution_strategy="thread")


def _handler(
    connector: OutboundConnectorFunction,
    secret_provider: SecretProvider | None,
    timeout: timedelta,
    policy: CommandRetryPolicy,
    logger: logging.Logger,
) -> Callable[[SyncJobContext], None]:
    def handle(job: SyncJobContext) -> None:
        job_started(str(job.type_))
        started = time.perf_counter()
        headers = {str(k): str(v) for k, v in job.custom_headers.to_dict().items()}
        keeper = _DeadlineKeeper(job, effective_job_timeout(headers, timeout), logger)
        try:
            outcome = run_job(
                connector,
                variables=job.variables.to_dict(),
                custom_headers=headers,
                retries=job.retries,
                secret_provider=secret_provider,
                job=_job_info(job),
                extend_timeout=_timeout_extender(job),
            )
        finally:
            keeper.stop()
        log_job(
            job.job_key,
            job.type_,
            outcome,
            time.perf_counter() - started,
            logger,
            process_instance_key=job.process_instance_key,
        )
        _send(outcome, job, policy, logger)

    return handle


def _send(outcome: JobOutcome, job: SyncJobContext, policy: CommandRetryPolicy, logger: logging.Logger) -> None:
    """Send the outcome's command through the job-scoped client, retrying transient errors."""
    from camunda_orchestration_sdk.models.job_completion_request import JobCompletionRequest
    from camunda_orchestration_sdk.models.job_completion_request_variables import JobCompletionRequestVariables
    from camunda_orchestration_sdk.models.job_error_request import JobErrorRequest
    from camunda_orchestration_sdk.models.job_error_request_variables import JobErrorRequestVariables
    from camunda_orchestration_sdk.models.job_fail_request import JobFailRequest
    from camunda_orchestration_sdk.models.job_fail_request_variables import JobFailRequestVariables

    send: Callable[[], object]
    if isinstance(outcome, Complete):
        completion = JobCompletionRequest(variables=JobCompletionRequestVariables.from_dict(outcome.variables))
        command, send = "complete", lambda: job.client.complete_job(job.job_key, data=completion)
    elif isinstance(outcome, ThrowError):
        thrown = JobErrorRequest(
            error_code=outcome.error_code,
            error_message=outcome.message,
            variables=JobErrorRequestVariables.from_dict(outcome.variables),
        )
        command, send = "throw error", lambda: job.client.throw_job_error(job.job_key, data=thrown)
    else:
        failure = JobFailRequest(
            error_message=outcome.message,
            retries=outcome.retries,
            retry_back_off=outcome.backoff_ms,
            variables=JobFailRequestVariables.from_dict(outcome.variables),
        )
        command, send = "fail", lambda: job.client.fail_job(job.job_key, data=failure)
    if not _with_retries(send, job, command, policy, logger):
        # Tell the SDK the job was handled, or it would send its own (unretried) completion or, failing that, a
        # failure with retries - 1, and the connector would run again. The job-scoped client keeps that flag
        # privately; without it the SDK's own command goes out (logged).
        ack = getattr(job.client, "_ack", None)
        if ack is not None and hasattr(ack, "value"):
            ack.value = True
        else:
            logger.warning("job %s: cannot stop the SDK from sending its own command", job.job_key)


def _with_retries(
    send: Callable[[], object], job: SyncJobContext, command: str, policy: CommandRetryPolicy, logger: logging.Logger
) -> bool:
    """``True`` once the gateway accepted the command; ``False`` when the job is gone or the retries ran out."""
    delays = policy.delays()
    while True:
        try:
            send()
            return True
        except Exception as error:
            verdict = _command_error(error)
            if verdict == "gone":
                logger.warning("job %s: %s not accepted, the job is gone (%s)", job.job_key, command, _name(error))
                return False
            if verdict == "final":
                logger.error("job %s: %s refused (%s)", job.job_key, command, _name(error))
                return False
            delay = next(delays, None)
            if delay is None:
                logger.error(
                    "job %s: %s failed (%s); giving up after the retry budget, the job comes back after its timeout",
                    job.job_key,
                    command,
                    _name(error),
                )
                return False
            logger.warning("job %s: %s failed (%s); retrying in %.2fs", job.job_key, command, _name(error), delay)
            time.sleep(delay)


def _command_error(error: Exception) -> str:
    """``transient`` (5xx, 429, connection or timeout, an unreadable error answer), ``gone`` (404: the job no longer
    exists) or ``final``."""
    import httpx
    from camunda_orchestration_sdk.errors import ApiError, MissingRequiredFieldError

    # MissingRequiredFieldError: an error answer whose body is not Camunda's problem detail (a proxy's page, a
    # gateway cut off); its status is lost, so it is treated as transient (the retries are bounded).
    if isinstance(error, (httpx.TransportError, MissingRequiredFieldError)):
        return "transient"
    status = error.status_code if isinstance(error, ApiError) else None
    if status == 404:
        return "gone"
    if status is not None and (status >= 500 or status == 429):
        return "transient"
    return "final"


def _name(error: Exception) -> str:
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__} {status}" if status is not None else type(error).__name__


class _DeadlineKeeper:
    """A thread that extends the job's deadline every third of its timeout until :meth:`stop`."""

    def __init__(self, job: SyncJobContext, timeout: timedelta, logger: logging.Logger):
        self._job = job
        self._timeout = timeout
        self._logger = logger
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"deadline-{job.job_key}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        extend = _timeout_extender(self._job)
        while not self._stopped.wait(extension_period(self._timeout)):
            try:
                extend(self._timeout)
            except Exception as error:
                if _command_error(error) == "gone":
                    self._logger.warning(
                        "job %s: gone while its connector runs; its outcome will not be accepted", self._job.job_key
                    )
                    return
                self._logger.warning("job %s: extending its deadline failed (%s)", self._job.job_key, _name(error))


def _timeout_extender(job: SyncJobContext) -> Callable[[timedelta], None]:
    def extend(timeout: timedelta) -> None:
        from camunda_orchestration_sdk.models.job_changeset import JobChangeset
        from camunda_orchestration_sdk.models.job_update_request import JobUpdateRequest

        milliseconds = timeout // timedelta(milliseconds=1)
        job.client.update_job(job.job_key, data=JobUpdateRequest(changeset=JobChangeset(timeout=milliseconds)))

    return extend


def _job_info(job: SyncJobContext) -> JobInfo:
    return JobInfo(
        key=_int(job.job_key),
        type=str(job.type_),
        retries=job.retries,
        process_instance_key=_int(job.process_instance_key),
        bpmn_process_id=str(job.process_definition_id),
        process_definition_version=job.process_definition_version,
        process_definition_key=_int(job.process_definition_key),
        element_id=str(job.element_id),
        element_instance_key=_int(job.element_instance_key),
        tenant_id=str(job.tenant_id),
    )


def _int(value: object) -> int:
    # REST keys are decimal strings (int64 does not fit a JSON number everywhere).
    try:
        return int(str(value))
    except ValueError:
        return 0


async def run_camunda_worker(
    connector: OutboundConnectorFunction,
    *,
    stop: asyncio.Event,
    configuration: Mapping[str, Any] | None = None,
    drain_timeout: float = 30.0,
    secret_provider: SecretProvider | None = None,
    job_timeout_ms: int | None = None,
    max_concurrent_jobs: int | None = None,
    request_timeout_ms: int | None = None,
    worker_name: str | None = None,
    command_retry: CommandRetryPolicy = DEFAULT_COMMAND_RETRY,
    logger: logging.Logger = LOGGER,
    sdk_logger: logging.Logger | None = None,
) -> None:
    """Work jobs over the REST API until ``stop`` is set, then stop polling and drain (bounded).

    ``configuration`` takes the SDK's ``CAMUNDA_*`` keys; anything unset comes from the environment.
    The SDK's own ``stop()`` cancels jobs in flight, so the drain is done here: polling stops, jobs already
    activated run to their outcome for up to ``drain_timeout`` seconds, and only then is the worker closed.

    In a coroutine, with the ``CAMUNDA_*`` environment variables set::

        await run_camunda_worker(UiPathConnector(), stop=asyncio.Event())
    """
    from camunda_orchestration_sdk import CamundaAsyncClient

    await asyncio.to_thread(warm_up, connector, logger)
    async with CamundaAsyncClient(
        configuration=dict(configuration) if configuration else None,  # type: ignore[arg-type]
        logger=sdk_logger if sdk_logger is not None else logging.getLogger("uipath_connector.runtime.camunda_sdk"),
    ) as client:
        worker = create_camunda_job_worker(
            client,
            connector,
            secret_provider=secret_provider,
            job_timeout_ms=job_timeout_ms,
            max_concurrent_jobs=max_concurrent_jobs,
            request_timeout_ms=request_timeout_ms,
            worker_name=worker_name,
            command_retry=command_retry,
            logger=logger,
        )
        # The SDK declares polling_task without a type; it is the asyncio task of the poll loop.
        polling = cast("asyncio.Task[None] | None", worker.polling_task)
        stopping = asyncio.create_task(stop.wait())
        try:
            watched: set[asyncio.Future[Any]] = {stopping}
            if polling is not None:
                watched.add(polling)
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            if polling is not None and polling.done() and not stopping.done():
                polling.result()  # a terminal worker error (e.g. server/SDK version skew): surface it
                return
            logger.info("stopping: no new jobs; waiting up to %gs for jobs in flight", drain_timeout)
            worker.running = False
            if polling is not None:
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
            deadline = time.monotonic() + drain_timeout
            while worker.active_jobs > 0 and time.monotonic() < deadline:
                await asyncio.sleep(_DRAIN_POLL_SECONDS)
            if worker.active_jobs > 0:
                logger.warning(
                    "jobs still running after %gs are not waited for: each sends its outcome if its call returns "
                    "before the process exits, else Zeebe re-activates it after its timeout",
                    drain_timeout,
                )
        finally:
            stopping.cancel()
            await worker.aclose()
