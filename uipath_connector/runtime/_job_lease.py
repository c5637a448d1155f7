"""Keeping a job while its connector runs, and getting its outcome to the engine: what both worker adapters share.

Zeebe hands an activated job to another worker once its timeout passes, whatever the first worker is doing; if the
connector was adding a queue item, the second worker adds it again. And a Complete that fails on a transient gateway
error leaves the job to time out, with the same effect. So (see ``docs/workers.md``):

* the default job timeout is derived from the connector's worst-case duration, and a shorter one is warned about;
* while the connector runs, the adapter extends the job's deadline every third of its timeout (gRPC
  ``UpdateJobTimeout``, REST ``PATCH /v2/jobs/{jobKey}`` with ``changeset.timeout``), so a slow call never loses
  the job, while a worker that dies stops extending and the job comes back after one timeout;
* Complete / Fail / ThrowError are retried with capped exponential backoff on transient errors only:

======================================================  ==================================================
answer to a job command                                 what the adapter does
======================================================  ==================================================
gRPC UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED  retry (bounded by :class:`CommandRetryPolicy`)
REST 5xx, 429, a connection error or timeout            retry
gRPC NOT_FOUND, REST 404 (the job is gone)              log, do not retry
anything else (rejected, invalid)                       log, do not retry
======================================================  ==================================================
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta

import attrs

from ._job import InvalidHeaderError, read_headers

__all__ = [
    "DEFAULT_COMMAND_RETRY",
    "FALLBACK_JOB_TIMEOUT",
    "CommandRetryPolicy",
    "connector_worst_case",
    "default_job_timeout",
    "effective_job_timeout",
    "extension_period",
    "warn_if_short",
]

_LOG = logging.getLogger("uipath_connector.runtime")

#: The job timeout for a connector that does not say how long it may take.
FALLBACK_JOB_TIMEOUT = timedelta(minutes=5)
#: Added to a connector's worst case, on top of a quarter of it: the worker's own latency, the gateway's clock.
_TIMEOUT_MARGIN = timedelta(seconds=30)
#: Extensions are sent at least this far apart, however short the timeout.
_MIN_EXTENSION_PERIOD_SECONDS = 0.2


@attrs.frozen(kw_only=True)
class CommandRetryPolicy:
    """How long to keep re-sending a job command on transient gateway errors.

    The wait before retry *n* is ``min(max_delay, base_delay * 2**(n-1))`` plus up to ``jitter`` of it; no retry is
    made after ``attempts`` sends or once ``max_total_seconds`` of waiting would be exceeded.

    >>> list(CommandRetryPolicy(attempts=4, base_delay=0.5, max_delay=1.0, jitter=0).delays())
    [0.5, 1.0, 1.0]
    """

    attempts: int = 10
    base_delay: float = 0.2
    max_delay: float = 5.0
    max_total_seconds: float = 60.0
    jitter: float = 0.2

    def delays(self, rng: Callable[[], float] = random.random) -> Iterator[float]:
        """The waits between sends: one fewer than ``attempts``, their sum within ``max_total_seconds``."""
        total = 0.0
        for retry in range(1, self.attempts):
            delay = min(self.max_delay, self.base_delay * 2 ** min(retry - 1, 30))
            delay += delay * self.jitter * rng()
            if total + delay > self.max_total_seconds:
                return
            total += delay
            yield delay


DEFAULT_COMMAND_RETRY = CommandRetryPolicy()


def connector_worst_case(connector: object) -> timedelta | None:
    """What the connector says one call may take at most (its ``worst_case_duration()``), if it says.

    >>> class Quick:
    ...     def worst_case_duration(self):
    ...         return timedelta(seconds=3)
    >>> connector_worst_case(Quick()), connector_worst_case(object())
    (datetime.timedelta(seconds=3), None)
    """
    method = getattr(connector, "worst_case_duration", None)
    if not callable(method):
        return None
    value = method()
    return value if isinstance(value, timedelta) and value > timedelta(0) else None


def default_job_timeout(connector: object) -> timedelta:
    """The connector's worst case plus a quarter and 30 s, or 5 minutes for a connector that does not say.

    >>> class Quick:
    ...     def worst_case_duration(self):
    ...         return timedelta(seconds=40)
    >>> default_job_timeout(Quick())
    datetime.timedelta(seconds=80)
    """
    worst = connector_worst_case(connector)
    if worst is None:
        return FALLBACK_JOB_TIMEOUT
    return worst + worst / 4 + _TIMEOUT_MARGIN


def warn_if_short(connector: object, timeout: timedelta, logger: logging.Logger = _LOG) -> bool:
    """Log a warning when ``timeout`` is below the connector's worst case; ``True`` when it did."""
    worst = connector_worst_case(connector)
    if worst is None or timeout >= worst:
        return False
    logger.warning(
        "the job timeout (%gs) is shorter than the connector's worst case (%gs): the worker extends each job's "
        "deadline while its call runs, but if the gateway cannot be reached to extend it, Zeebe may give the job "
        "to another worker while the call is still running; the default (%gs) avoids that",
        timeout.total_seconds(),
        worst.total_seconds(),
        default_job_timeout(connector).total_seconds(),
    )
    return True


def effective_job_timeout(custom_headers: Mapping[str, str], configured: timedelta) -> timedelta:
    """The job's timeout: its ``jobTimeout`` header when valid (the runtime applies it), else the worker's."""
    try:
        from_header = read_headers(custom_headers).job_timeout
    except InvalidHeaderError:
        return configured  # run_job refuses the job before the connector runs
    return from_header if from_header is not None else configured


def extension_period(timeout: timedelta) -> float:
    """Seconds between deadline extensions: a third of the timeout, so two may fail before the job is lost."""
    return max(_MIN_EXTENSION_PERIOD_SECONDS, timeout.total_seconds() / 3)
