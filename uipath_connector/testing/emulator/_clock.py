"""Clocks the emulator reads time from, so tests can move time without sleeping."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now()`` returning an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock (UTC).

    >>> SystemClock().now().tzinfo is timezone.utc
    True
    """

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that only moves when told to; thread-safe.

    >>> clock = ManualClock(datetime(2024, 5, 2, 10, 0, tzinfo=timezone.utc))
    >>> clock.advance(3600)
    >>> clock.now().hour
    11
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2024, 5, 2, 10, 11, 12, 345678, tzinfo=timezone.utc)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            raise ValueError("a clock never goes backwards")
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (aware, not earlier than now)."""
        when = when.astimezone(timezone.utc)
        with self._lock:
            if when < self._now:
                raise ValueError("a clock never goes backwards")
            self._now = when
