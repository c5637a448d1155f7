"""A wall-clock deadline for the whole answer, status line and headers included.

A socket timeout bounds each read, not the answer: a server (or a proxy) that sends its status line and headers
one byte per second never trips a 20 s read timeout, and ``http.client`` accepts up to 100 header lines of 64 KiB
each, so it could hold a request for days. ``read_body`` bounds the body; this module bounds what comes before it.

The requester announces the deadline of the request the current thread is about to send (:func:`request_deadline`).
The sessions it makes (:func:`deadline_session`) open connections whose ``getresponse`` reads through a socket
reader that, before each ``recv``, shortens the socket timeout to the time left and raises ``socket.timeout`` once
the deadline has passed. urllib3 turns that into ``ReadTimeoutError``, ``requests`` into ``ReadTimeout``: Camunda's
"408", the same outcome as a read timeout, and for an Add the same "fate unknown" settling.

The connection, pool and adapter classes subclass ``urllib3``'s and ``requests``' and live in ``_deadline_adapter``,
imported by the first :func:`deadline_session` (a worker's first request), not when the connector is imported.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

__all__ = ["deadline_session", "request_deadline"]

_current = threading.local()


@contextmanager
def request_deadline(deadline: float, monotonic: Callable[[], float]) -> Iterator[None]:
    """Within the block, answers on this thread must arrive by ``deadline`` (on the ``monotonic`` clock)."""
    previous = getattr(_current, "deadline", None)
    _current.deadline = (deadline, monotonic)
    try:
        yield
    finally:
        _current.deadline = previous


class _DeadlineReader(io.RawIOBase):
    """The socket's own reader (``SocketIO``), never reading past the deadline; the socket's timeout still bounds
    each read."""

    def __init__(self, sock: socket.socket, deadline: float, monotonic: Callable[[], float]):
        super().__init__()
        # The socket's own reader keeps the socket open while the response reads, as ``http.client`` expects when
        # it closes the connection of a ``Connection: close`` answer before its body.
        self._raw = sock.makefile("rb", buffering=0)
        self._sock = sock
        self._deadline = deadline
        self._monotonic = monotonic

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        remaining = self._deadline - self._monotonic()
        if remaining <= 0:
            raise TimeoutError("the answer did not arrive within the request's deadline")
        timeout = self._sock.gettimeout()
        self._sock.settimeout(remaining if timeout is None else min(timeout, remaining))
        try:
            return self._raw.readinto(buffer)
        finally:
            if self._sock.fileno() != -1:
                self._sock.settimeout(timeout)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """Stands in for the connection's socket while ``http.client`` builds the response: its ``makefile`` gives the
    bounded reader, everything else is the real socket's."""

    def __init__(self, sock: socket.socket, deadline: float, monotonic: Callable[[], float]):
        self._sock = sock
        self._deadline = deadline
        self._monotonic = monotonic

    def makefile(self, mode: str = "rb", *_args: object, **_kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline, self._monotonic))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineMixin:
    sock: Any

    def getresponse(self) -> Any:
        announced = getattr(_current, "deadline", None)
        if announced is None or self.sock is None:
            return super().getresponse()  # type: ignore[misc]
        real = self.sock
        stand_in = _DeadlineSocket(real, *announced)
        self.sock = stand_in
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            # http.client drops (None) the socket of a "Connection: close" answer: keep that.
            if self.sock is stand_in:
                self.sock = real


def deadline_session() -> requests.Session:
    """A ``requests.Session`` whose answers keep the deadline announced by :func:`request_deadline`.

    >>> type(deadline_session().get_adapter("https://cloud.uipath.com")).__name__
    '_DeadlineAdapter'
    """
    from ._deadline_adapter import new_deadline_session  # loads requests: the first session is for a request

    return new_deadline_session()
