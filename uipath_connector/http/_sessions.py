"""One kept-alive ``requests.Session`` per thread: a ``Session`` is not thread-safe, its connection pool is."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._deadlines import deadline_session

if TYPE_CHECKING:
    import requests

    from ._transport import SessionTransport

__all__ = ["ThreadSessions"]


class ThreadSessions:
    """Hands each thread its own session, made by ``factory`` on the thread's first request.

    The default factory makes sessions whose answers keep the request's wall-clock deadline, headers included
    (``_deadlines``); a session from another factory keeps only the per-read timeout until the body.

    >>> sessions = ThreadSessions()
    >>> sessions.get() is sessions.get()
    True
    """

    def __init__(self, factory: Callable[[], requests.Session] = deadline_session):
        self._factory = factory
        self._local = threading.local()

    def __repr__(self) -> str:
        return "ThreadSessions()"

    def get(self) -> requests.Session:
        """This thread's session."""
        return self.transport().session

    def transport(self) -> SessionTransport:
        """This thread's session, wrapped with its settings worked out once (:class:`~._transport.SessionTransport`)."""
        transport: SessionTransport | None = getattr(self._local, "transport", None)
        if transport is None:
            from ._transport import SessionTransport  # loads requests: this thread is about to send

            transport = SessionTransport(self._factory())
            self._local.transport = transport
        return transport
