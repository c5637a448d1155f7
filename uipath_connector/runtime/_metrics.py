"""Job metrics: a small observer protocol in the runtime, and a Prometheus observer for the ``[metrics]`` extra.

The runtime never imports ``prometheus_client``: adapters report to :func:`job_started` / :func:`job_finished`,
which tell whatever observers were added. ``uipath-connector worker --health-port`` adds a
:class:`PrometheusJobMetrics` when the extra is installed and serves it on ``/metrics``.

The same object also observes the HTTP requester (``request_finished``, ``request_retried``, ``token_fetched``:
the request-observer protocol of ``uipath_connector.http``); the command line adds it there, since the runtime
does not import the HTTP layer.
"""

from __future__ import annotations

import threading
from typing import Protocol

from ._outcome import Complete, JobOutcome, ThrowError

__all__ = ["JobObserver", "PrometheusJobMetrics", "add_job_observer", "prometheus_job_metrics", "remove_job_observer"]


class JobObserver(Protocol):
    def job_started(self, job_type: str) -> None: ...

    def job_finished(self, job_type: str, outcome: JobOutcome, seconds: float) -> None: ...


_observers: tuple[JobObserver, ...] = ()
_lock = threading.Lock()


def add_job_observer(observer: JobObserver) -> None:
    global _observers
    with _lock:
        _observers = (*_observers, observer)


def remove_job_observer(observer: JobObserver) -> None:
    global _observers
    with _lock:
        _observers = tuple(known for known in _observers if known is not observer)


def job_started(job_type: str) -> None:
    for observer in _observers:
        observer.job_started(job_type)


def job_finished(job_type: str, outcome: JobOutcome, seconds: float) -> None:
    for observer in _observers:
        observer.job_finished(job_type, outcome, seconds)


def outcome_labels(outcome: JobOutcome) -> tuple[str, str]:
    """``(outcome, error_code)``: ``complete``/``throw_error``/``fail``; the BPMN error code or ``""``.

    >>> outcome_labels(ThrowError("UIPATH_404", "gone", {}))
    ('throw_error', 'UIPATH_404')
    """
    if isinstance(outcome, Complete):
        return "complete", ""
    if isinstance(outcome, ThrowError):
        # Error codes come from the connector or the modeller's error expression: a small set in practice; cut
        # to 64 characters so a runaway expression cannot grow a label without bound.
        return "throw_error", outcome.error_code[:64]
    return "fail", ""


class PrometheusJobMetrics:
    """Counters and gauges on a registry of their own (``prometheus_client`` imported here only)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self._jobs = Counter(
            "uipath_connector_jobs",
            "Jobs worked, by job type, outcome (complete, throw_error, fail) and BPMN error code",
            ["job_type", "outcome", "error_code"],
            registry=self.registry,
        )
        self._in_flight = Gauge(
            "uipath_connector_jobs_in_flight",
            "Jobs whose connector call runs now",
            ["job_type"],
            registry=self.registry,
        )
        self._duration = Histogram(
            "uipath_connector_job_duration_seconds",
            "Time from activation handling to outcome, by job type",
            ["job_type"],
            registry=self.registry,
        )

        self._request_seconds = Histogram(
            "uipath_connector_orchestrator_request_seconds",
            "Orchestrator (and token endpoint) requests, each attempt, by operation (method and path template) "
            "and status (HTTP status, or the transport failure)",
            ["operation", "status"],
            registry=self.registry,
        )
        self._retries = Counter(
            "uipath_connector_orchestrator_retries",
            "Requests sent again (retries and the re-send after a 401), by operation",
            ["operation"],
            registry=self.registry,
        )
        self._token_fetches = Counter(
            "uipath_connector_orchestrator_token_fetches",
            "Requests for an OAuth access token (cache hits are not counted), by outcome (ok, failed)",
            ["outcome"],
            registry=self.registry,
        )

    def job_started(self, job_type: str) -> None:
        self._in_flight.labels(job_type).inc()

    def job_finished(self, job_type: str, outcome: JobOutcome, seconds: float) -> None:
        outcome_name, error_code = outcome_labels(outcome)
        self._in_flight.labels(job_type).dec()
        self._jobs.labels(job_type, outcome_name, error_code).inc()
        self._duration.labels(job_type).observe(seconds)

    def request_finished(self, operation: str, status: str, seconds: float) -> None:
        self._request_seconds.labels(operation, status).observe(seconds)

    def request_retried(self, operation: str) -> None:
        self._retries.labels(operation).inc()

    def token_fetched(self, outcome: str) -> None:
        self._token_fetches.labels(outcome).inc()

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def prometheus_job_metrics() -> PrometheusJobMetrics | None:
    """A :class:`PrometheusJobMetrics`, or ``None`` when the ``[metrics]`` extra is not installed."""
    try:
        return PrometheusJobMetrics()
    except ImportError:
        return None
