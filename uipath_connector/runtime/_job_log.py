"""One log line per job: key, type, outcome, duration and the queue item id — never a variable value, message or
secret."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ._metrics import job_finished
from ._outcome import Complete, JobOutcome, ThrowError

__all__ = ["describe_outcome", "log_job", "queue_item_id"]

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


def queue_item_id(outcome: JobOutcome) -> int | None:
    """The queue item a job worked on: the ``Id`` in the body of the connector's response envelope.

    ``run_job`` keeps it on the outcome (``response_id``, whatever the result expression maps and whether the job
    completes or an error expression turns the answer into an error); both operations answer with the queue item,
    whose key is ``Id`` ("QueueItems" in UiPath's Orchestrator API reference). An outcome built elsewhere is
    searched for an envelope among its variables (what ``resultVariable`` stores: ``{status, headers, body}``).

    >>> queue_item_id(Complete({"itemId": 7}, response_id=7))
    7
    >>> queue_item_id(Complete({"r": {"status": 201, "headers": {}, "body": {"Id": 7}}}))
    7
    >>> queue_item_id(Complete({"itemId": 7})) is None
    True
    """
    if outcome.response_id is not None:
        return outcome.response_id
    if not isinstance(outcome, Complete):
        return None
    for value in outcome.variables.values():
        if isinstance(value, Mapping) and "status" in value and isinstance(value.get("body"), Mapping):
            item_id = value["body"].get("Id")
            if type(item_id) is int:
                return item_id
    return None


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

    The record carries ``job_key``, ``process_instance_key`` and ``queue_item_id`` (when known, see
    :func:`queue_item_id`) as attributes (logging ``extra``), which ``--log-format json`` writes as fields; the
    text line ends with ``item=<id>``.
    """
    job_finished(str(job_type), outcome, seconds)
    item_id = queue_item_id(outcome)
    level = logging.INFO if isinstance(outcome, Complete) else logging.WARNING
    logger.log(
        level,
        "job %s type=%s outcome=%s duration=%.1fms%s",
        key,
        job_type,
        describe_outcome(outcome),
        seconds * 1000,
        "" if item_id is None else f" item={item_id}",
        extra={
            "job_key": str(key),
            "process_instance_key": None if process_instance_key is None else str(process_instance_key),
            "queue_item_id": item_id,
        },
    )
