"""One log line per job: key, type, outcome and duration — never a variable value, message or secret."""

from __future__ import annotations

import logging

from ._metrics import job_finished
from ._outcome import Complete, JobOutcome, ThrowError

__all__ = ["describe_outcome", "log_job"]

LOGGER = logging.getLogger("uipath_connector.runtime")


def describe_outcome(outcome: JobOutcome) -> str:
    """A short description for logs: ``complete``, ``throw error <code>``, ``fail retries=2 backoff=30000ms``.

    The error code is shown as Camunda shows it (it is never masked); messages and variables are not.

    >>> from uipath_connector.runtime import Fail
    >>> describe_outcome(Fail("x", 2, None, {}))
    'fail retries=2 backoff=0ms'
    """
    if isinstance(outcome, Complete):
        return "complete"
    if isinstance(outcome, ThrowError):
        return f"throw error {outcome.error_code!r}"
    return f"fail retries={outcome.retries} backoff={outcome.backoff_ms}ms"


def log_job(
    key: object,
    job_type: str,
    outcome: JobOutcome,
    seconds: float,
    logger: logging.Logger = LOGGER,
    *,
    process_instance_key: object = None,
) -> None:
    """Log one finished job at INFO (failures and errors at WARNING), and tell the job observers (metrics).

    The record carries ``job_key`` and ``process_instance_key`` as attributes (logging ``extra``), which
    ``--log-format json`` writes as fields.
    """
    job_finished(str(job_type), outcome, seconds)
    level = logging.INFO if isinstance(outcome, Complete) else logging.WARNING
    logger.log(
        level,
        "job %s type=%s outcome=%s duration=%.1fms",
        key,
        job_type,
        describe_outcome(outcome),
        seconds * 1000,
        extra={
            "job_key": str(key),
            "process_instance_key": None if process_instance_key is None else str(process_instance_key),
        },
    )
