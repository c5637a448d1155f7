"""Request observers: how the requester tells metrics (or anything else) what it did, without importing them.

The same shape as the runtime's job observers: :func:`add_request_observer` adds an object with the three methods
of :class:`RequestObserver`; the requester reports to whatever observers are added, and with none added a report
costs one loop over an empty tuple. ``uipath-connector worker --health-port`` adds a Prometheus observer; this
package never imports ``prometheus_client``.

Labels stay few (a Prometheus label value per item id would grow without bound): an operation is the request's
method and its path with every key replaced by a placeholder (:func:`operation_label`), a status is the HTTP status
or the name of the transport failure.
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

__all__ = [
    "RequestObserver",
    "add_request_observer",
    "operation_label",
    "remove_request_observer",
]


class RequestObserver(Protocol):
    def request_finished(self, operation: str, status: str, seconds: float) -> None:
        """One attempt answered (``status`` ``"201"``) or failed in transport (``status`` ``"ConnectTimeout"``)."""

    def request_retried(self, operation: str) -> None:
        """One attempt sent again (a retry, or the re-send with a fresh token after a 401)."""

    def token_fetched(self, outcome: str) -> None:
        """One request to a token endpoint: ``outcome`` ``"ok"`` or ``"failed"`` (cache hits are not fetches)."""


_observers: tuple[RequestObserver, ...] = ()
_lock = threading.Lock()


def add_request_observer(observer: RequestObserver) -> None:
    global _observers
    with _lock:
        _observers = (*_observers, observer)


def remove_request_observer(observer: RequestObserver) -> None:
    global _observers
    with _lock:
        _observers = tuple(known for known in _observers if known is not observer)


def observing() -> bool:
    """Whether any observer listens (so that callers skip building labels when none does)."""
    return bool(_observers)


def request_finished(operation: str, status: str, seconds: float) -> None:
    for observer in _observers:
        observer.request_finished(operation, status, seconds)


def request_retried(operation: str) -> None:
    for observer in _observers:
        observer.request_retried(operation)


def token_fetched(outcome: str) -> None:
    for observer in _observers:
        observer.token_fetched(outcome)


# OData keys in parentheses (`QueueItems(42)`, `Folders('abc')`, `Queues(key=1)`) and path segments made of digits,
# or a GUID: the parts of a path that name one record.
_KEYS = re.compile(r"\([^()/]{0,200}\)")
_RECORD_SEGMENT = re.compile(r"(?<=/)(\d+|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})(?=/|$)")
_MAX_LABEL = 120


def operation_label(method: str, path: str) -> str:
    """A low-cardinality name for a request: its method and path, keys replaced, query left out.

    >>> operation_label("GET", "/odata/QueueItems(42)?$expand=x")
    'GET /odata/QueueItems({id})'
    >>> operation_label("POST", "/odata/Queues/UiPathODataSvc.AddQueueItem")
    'POST /odata/Queues/UiPathODataSvc.AddQueueItem'
    """
    path = path.partition("?")[0]
    path = _RECORD_SEGMENT.sub("{id}", _KEYS.sub("({id})", path))
    return f"{method} {path}"[:_MAX_LABEL]
