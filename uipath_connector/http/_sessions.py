"""One kept-alive ``requests.Session`` per thread: a ``Session`` is not thread-safe, its connection pool is."""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests

__all__ = ["ThreadSessions"]


class ThreadSessions:
    """Hands each thread its own session, made by ``factory`` on the thread's first request.

    >>> sessions = ThreadSessions()
    >>> sessions.get() is sessions.get()
    True
    """

    def __init__(self, factory: Callable[[], requests.Session] = requests.Session):
        self._factory = factory
        self._local = threading.local()

    def __repr__(self) -> str:
        return "ThreadSessions()"

    def get(self) -> requests.Session:
        """This thread's session."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._factory()
            self._local.session = session
        return session
