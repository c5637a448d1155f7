"""The process-wide cache of OAuth 2.0 access tokens.

It improves on Camunda's connectors, which fetch a token per job, and follows UiPath's advice to reuse a token
for its lifetime ("Accessing UiPath resources using external applications", UiPath Automation Cloud docs):

* one token per (token endpoint, client id, SHA-256 of the secret, scopes, client-authentication mode) for the
  whole process; keys are themselves hashed, so neither the client id nor the secret is kept in the key;
* single-flight: while one thread fetches a token for a key, the others wait for it instead of fetching too,
  each for at most ``wait_seconds`` (a fetch that hangs cannot hang its waiters);
* refreshed :data:`REFRESH_SKEW_SECONDS` (60 s) before ``expires_in`` runs out (half the lifetime for tokens
  living under two minutes), so a token is never used in its last minute;
* a token response without ``expires_in`` is cached for :data:`LIFETIME_WITHOUT_EXPIRES_IN` (5 min; UiPath's
  tokens live 3600 s) rather than not at all, so a missing field cannot multiply token requests;
* after a 401 the requester invalidates the token it used (only if it is still the cached one) and fetches a
  new one once; a second 401 is an error, never a loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import attrs

__all__ = [
    "LIFETIME_WITHOUT_EXPIRES_IN",
    "PROCESS_TOKEN_CACHE",
    "REFRESH_SKEW_SECONDS",
    "IssuedToken",
    "TokenCache",
    "TokenWaitTimeout",
]

REFRESH_SKEW_SECONDS = 60.0
LIFETIME_WITHOUT_EXPIRES_IN = 300.0
_MAX_ENTRIES = 1000
#: How long :meth:`TokenCache.get` waits for another thread's fetch unless told otherwise.
DEFAULT_WAIT_SECONDS = 120.0


class TokenWaitTimeout(TimeoutError):
    """Another thread's fetch of the same token did not finish within the wait bound."""


@attrs.frozen
class IssuedToken:
    """An access token and its lifetime in seconds (``None`` when the server did not say)."""

    access_token: str = attrs.field(repr=lambda _value: "'***'")
    expires_in: float | None = None


@attrs.frozen
class _Entry:
    token: str = attrs.field(repr=False)
    refresh_at: float


def _refresh_after(expires_in: float | None) -> float:
    lifetime = LIFETIME_WITHOUT_EXPIRES_IN if expires_in is None else max(0.0, expires_in)
    return lifetime - min(REFRESH_SKEW_SECONDS, lifetime / 2)


class TokenCache:
    """Thread-safe, single-flight cache of OAuth access tokens (see the module docstring).

    >>> cache = TokenCache(clock=lambda: 0.0)
    >>> cache.get("key", lambda: IssuedToken("t1", 3600)), cache.get("key", lambda: IssuedToken("t2", 3600))
    ('t1', 't1')
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._key_locks: dict[str, tuple[threading.Lock, int]] = {}

    def __repr__(self) -> str:
        return f"TokenCache(entries={len(self._entries)})"

    def __len__(self) -> int:
        return len(self._entries)

    def _fresh(self, key: str) -> str | None:
        entry = self._entries.get(key)
        if entry is not None and self._clock() < entry.refresh_at:
            return entry.token
        return None

    def get(self, key: str, fetch: Callable[[], IssuedToken], *, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> str:
        """The cached token for ``key``, or the one ``fetch`` returns (fetched by one thread at a time per key).

        A thread that finds another one fetching waits up to ``wait_seconds`` for it, then raises
        :class:`TokenWaitTimeout` (a ``TimeoutError``) rather than wait for ever.
        """
        with self._lock:
            token = self._fresh(key)
            if token is not None:
                return token
            # A lock per key lives only while threads use it: a process that meets many distinct failing
            # credentials (each fetch raising) must not keep a lock for each of them for ever.
            key_lock, users = self._key_locks.get(key, (None, 0))
            if key_lock is None:
                key_lock = threading.Lock()
            self._key_locks[key] = (key_lock, users + 1)
        try:
            if not key_lock.acquire(timeout=max(0.0, wait_seconds)):
                raise TokenWaitTimeout(f"no token within {wait_seconds:g} s: another thread's fetch has not finished")
            try:
                with self._lock:
                    token = self._fresh(key)  # another thread may have fetched it while this one waited
                    if token is not None:
                        return token
                issued = fetch()
                with self._lock:
                    self._entries[key] = _Entry(issued.access_token, self._clock() + _refresh_after(issued.expires_in))
                    self._evict()
                return issued.access_token
            finally:
                key_lock.release()
        finally:
            with self._lock:
                held, users = self._key_locks[key]
                if users <= 1:
                    del self._key_locks[key]
                else:
                    self._key_locks[key] = (held, users - 1)

    def invalidate(self, key: str, token: str) -> None:
        """Forget ``token`` for ``key`` if it is still the cached one (a fresher token is kept)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.token == token:
                del self._entries[key]

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._entries.clear()

    def _evict(self) -> None:
        if len(self._entries) <= _MAX_ENTRIES:
            return
        now = self._clock()
        for key in [key for key, entry in self._entries.items() if entry.refresh_at <= now]:
            del self._entries[key]
        while len(self._entries) > _MAX_ENTRIES:
            del self._entries[min(self._entries, key=lambda k: self._entries[k].refresh_at)]


#: The cache every requester in the process shares unless given another.
PROCESS_TOKEN_CACHE = TokenCache()
