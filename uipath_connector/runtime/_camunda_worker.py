"""Run a connector as a Camunda 8 REST job worker (extra ``[camunda]``: ``camunda-orchestration-sdk`` 10.x).

How outcomes map (camunda-orchestration-sdk README): :class:`Complete` → the handler returns the variables
(``POST /v2/jobs/{key}/completion``); :class:`ThrowError` → ``raise JobError`` (``/error``); :class:`Fail` →
``raise JobFailure`` with explicit retries and backoff in ms (``/failure``). The SDK is imported only when used.

The handler is synchronous, so the SDK runs it in its thread pool ("thread" strategy) and a blocking connector
never stalls polling. ``jobTimeout`` becomes ``PATCH /v2/jobs/{key}`` (``changeset.timeout``) from that thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from ..sdk import JobInfo, OutboundConnectorFunction, SecretProvider, connector_metadata
from ._job import run_job
from ._job_log import LOGGER, log_job
from ._outcome import Complete, ThrowError

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
    job_timeout_ms: int = 30_000,
    max_concurrent_jobs: int | None = None,
    request_timeout_ms: int | None = None,
    worker_name: str | None = None,
    auto_start: bool = True,
    logger: logging.Logger = LOGGER,
) -> JobWorker:
    """Create (and by default start) a REST job worker for ``connector`` on a running ``CamundaAsyncClient``.

    Only the connector's ``input_variables`` are fetched (all variables when it declares none). Unset limits fall
    back to the SDK's ``CAMUNDA_WORKER_*`` settings.

    >>> async with CamundaAsyncClient() as client:  # doctest: +SKIP
    ...     create_camunda_job_worker(client, UiPathConnector(), secret_provider=EnvironmentSecretProvider())
    ...     await client.run_workers()
    """
    from camunda_orchestration_sdk.runtime.job_worker import WorkerConfig

    metadata = connector_metadata(connector)
    handler = _handler(connector, secret_provider, logger)
    config = WorkerConfig(
        job_type=job_type or metadata.type,
        job_timeout_milliseconds=job_timeout_ms,
        request_timeout_milliseconds=request_timeout_ms,
        max_concurrent_jobs=max_concurrent_jobs,
        fetch_variables=list(metadata.input_variables) or None,
        worker_name=worker_name,
    )
    return client.create_job_worker(config, handler, auto_start=auto_start, execution_strategy="thread")


def _handler(
    connector: OutboundConnectorFunction, secret_provider: SecretProvider | None, logger: logging.Logger
) -> Callable[[SyncJobContext], dict[str, Any]]:
    from camunda_orchestration_sdk.runtime.job_worker import JobError, JobFailure

    def handle(job: SyncJobContext) -> dict[str, Any]:
        started = time.perf_counter()
        outcome = run_job(
            connector,
            variables=job.variables.to_dict(),
            custom_headers={str(k): str(v) for k, v in job.custom_headers.to_dict().items()},
            retries=job.retries,
            secret_provider=secret_provider,
            job=_job_info(job),
            extend_timeout=_timeout_extender(job),
        )
        log_job(job.job_key, job.type_, outcome, time.perf_counter() - started, logger)
        if isinstance(outcome, Complete):
            return outcome.variables
        if isinstance(outcome, ThrowError):
            raise JobError(outcome.error_code, outcome.message, outcome.variables)
        raise JobFailure(
            outcome.message, retries=outcome.retries, retry_back_off=outcome.backoff_ms, variables=outcome.variables
        )

    return handle


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
    job_timeout_ms: int = 30_000,
    max_concurrent_jobs: int | None = None,
    request_timeout_ms: int | None = None,
    worker_name: str | None = None,
    logger: logging.Logger = LOGGER,
    sdk_logger: logging.Logger | None = None,
) -> None:
    """Work jobs over the REST API until ``stop`` is set, then stop polling and drain (bounded).

    ``configuration`` takes the SDK's ``CAMUNDA_*`` keys; anything unset comes from the environment.
    The SDK's own ``stop()`` cancels jobs in flight, so the drain is done here: polling stops, jobs already
    activated run to their outcome for up to ``drain_timeout`` seconds, and only then is the worker closed.

    >>> await run_camunda_worker(UiPathConnector(), stop=asyncio.Event())  # doctest: +SKIP
    """
    from camunda_orchestration_sdk import CamundaAsyncClient

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
                    "jobs still running after %gs are not reported (Zeebe re-activates them after their timeout); "
                    "exiting once their connector calls return",
                    drain_timeout,
                )
        finally:
            stopping.cancel()
            await worker.aclose()
