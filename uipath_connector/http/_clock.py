"""One clock for the HTTP layer: the monotonic time, the wall time, the sleep and the jitter's random numbers.

Every requester, retrier and Add settling reads time through a :class:`Clock`. Production code never passes one:
it gets :data:`SYSTEM_CLOCK`, or the clock a test installed with :func:`use_clock` (hynek/stamina's lesson: one
switch for tests, instead of clocks and sleepers threaded through every constructor).

>>> slept = []
>>> fake = Clock(monotonic=lambda: 5.0, sleep=slept.append)
>>> with use_clock(fake):
...     current_clock().sleep(2.0)
>>> slept, current_clock() is SYSTEM_CLOCK
([2.0], True)
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import attrs

__all__ = ["SYSTEM_CLOCK", "Clock", "current_clock", "use_clock"]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@attrs.frozen(kw_only=True)
class Clock:
    """Where time comes from: ``monotonic`` (budgets), ``wall`` (``Retry-After`` dates, creation times),
    ``sleep`` (backoff) and ``rng`` (jitter, in ``[0, 1)``)."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], datetime] = _utc_now
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random


#: Real time: what every component uses unless a test installed another clock.
SYSTEM_CLOCK = Clock()

_installed: list[Clock] = []
_installed_lock = threading.Lock()


def current_clock() -> Clock:
    """The clock installed by the innermost :func:`use_clock`, else :data:`SYSTEM_CLOCK`."""
    return _installed[-1] if _installed else SYSTEM_CLOCK


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the clock of every component that was not given its own, for the ``with`` block (tests)."""
    with _installed_lock:
        _installed.append(clock)
    try:
        yield clock
    finally:
        with _installed_lock:
            _installed.remove(clock)
