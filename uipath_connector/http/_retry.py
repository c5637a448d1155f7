"""Retries: the only module that uses tenacity.

The rest of the code asks one question per outcome, "retry this, and after how long?", through a *decision*
function returning ``False`` (do not retry), ``True`` (retry after the policy's capped exponential backoff with
jitter) or a number of seconds the server asked for (``Retry-After``). Only what the server cannot have processed
is retried (UiPath: Rate Limits):

=========================================  ======  ======================================================
outcome                                    GET     POST (Add Queue Item)
=========================================  ======  ======================================================
refused / connect timeout (never sent)     retry   retry
reset / read timeout (sent, fate unknown)  retry   never blindly (the UiPath Add settles it by reference)
429, 503                                   retry   retry (the server refused the request)
502, 504                                   retry   no (a proxy may have passed the request on)
anything else                              no      no
=========================================  ======  ======================================================

Attempts and total time are bounded by :class:`RetryPolicy`. Time comes from one :class:`~._clock.Clock` (a test
installs a fake one with :func:`~._clock.use_clock`, so tests never sleep). The first attempt runs without
tenacity: its retry machinery is entered only after an outcome worth retrying, so a request that succeeds at once
costs one decision and nothing more.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal, TypeVar

import attrs

from ._clock import Clock, current_clock
from ._lazy import LazyModule

if TYPE_CHECKING:
    import requests
    import tenacity
    import urllib3
else:
    # Read only once an attempt has failed, when sending has loaded them (``_lazy``).
    requests = LazyModule("requests")
    urllib3 = LazyModule("urllib3")

__all__ = [
    "Decision",
    "Retrier",
    "RetryPolicy",
    "decide_get",
    "decide_post",
    "decide_token",
    "retry_after_seconds",
    "transport_phase",
]

_T = TypeVar("_T")
_LOG = logging.getLogger("uipath_connector.http")

#: ``False``: stop; ``True``: retry after the backoff; a float: retry after that many seconds (server-given).
Decision = bool | float


def _non_negative(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ValueError(f"RetryPolicy.{attribute.name} must not be negative, got {value}")


def _at_least_one(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"RetryPolicy.{attribute.name} must be at least 1, got {value}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How hard to try: attempts (the first included), total time, backoff and the ``Retry-After`` cap.

    The wait before retry *n* (1-based) is ``min(max_backoff, base_backoff * 2**(n-1)) + uniform(0, jitter)``, or
    the server's ``Retry-After``. A retry whose wait would end after ``max_total_seconds`` (counted from the
    first attempt) is not made, nor one whose ``Retry-After`` exceeds ``max_retry_after_seconds``: the error then
    carries the server's delay so the job can be retried later instead.

    >>> RetryPolicy(attempts=3).attempts, RetryPolicy.disabled().attempts
    (3, 1)
    """

    attempts: int = attrs.field(default=4, validator=_at_least_one)
    max_total_seconds: float = attrs.field(default=60.0, validator=_non_negative)
    base_backoff_seconds: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff_seconds: float = attrs.field(default=8.0, validator=_non_negative)
    jitter_seconds: float = attrs.field(default=0.5, validator=_non_negative)
    max_retry_after_seconds: float = attrs.field(default=30.0, validator=_non_negative)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """One attempt, no retries: for tests and for callers that retry at another level."""
        return cls(attempts=1)

    def backoff(self, retry_number: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        exponential = self.base_backoff_seconds * 2 ** min(retry_number - 1, 30)
        return float(min(self.max_backoff_seconds, exponential) + self.jitter_seconds * rng())


Phase = Literal["before-send", "after-send", "tls"]


def transport_phase(error: BaseException) -> Phase:
    """Whether a transport failure happened before the request was sent, after, or in the TLS handshake.

    Before sending: a refused connection, a DNS failure, a connect timeout. A TLS failure is before sending too,
    but not worth retrying. Everything else (reset, read timeout, unknown) counts as "after": the server may
    have processed the request.
    """
    if isinstance(error, requests.exceptions.SSLError):
        return "tls"
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return "before-send"
    if isinstance(error, requests.exceptions.ReadTimeout):
        return "after-send"
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen or current is None:
            continue
        seen.add(id(current))
        if isinstance(current, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)):
            return "before-send"
        if isinstance(current, ConnectionRefusedError):
            return "before-send"
        if isinstance(current, BaseException):
            pending.extend([current.__cause__, current.__context__, *current.args])
            pending.append(getattr(current, "reason", None))
    return "after-send"


#: The longest ``Retry-After`` taken as given (one day); a longer one counts as this long.
MAX_RETRY_AFTER_SECONDS = 86400.0


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now``: delta-seconds or an HTTP-date; ``None`` when absent or invalid.

    >>> retry_after_seconds("7", datetime(2026, 1, 1, tzinfo=timezone.utc))
    7.0
    >>> retry_after_seconds("Thu, 01 Jan 2026 00:00:10 GMT", datetime(2026, 1, 1, tzinfo=timezone.utc))
    10.0
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        # A server may ask for any delay; beyond a day it is treated as a day, so that it still fits a job's
        # backoff (a timedelta) and the engine's retry, and never overflows.
        return min(float(text) if len(text) < 20 else MAX_RETRY_AFTER_SECONDS, MAX_RETRY_AFTER_SECONDS)
    import email.utils  # only for an HTTP-date: the email package is not loaded at import

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER_SECONDS)


def _status_decision(response: requests.Response, *, gateway: bool, now: datetime) -> Decision:
    status = response.status_code
    if status in (429, 503):
        delay = retry_after_seconds(response.headers.get("Retry-After"), now)
        return True if delay is None else delay
    return bool(gateway and status in (502, 504))


def decide_get(outcome: requests.Response | BaseException, now: datetime) -> Decision:
    """A GET changes nothing, so any transport failure, 429, 502, 503 and 504 are worth another try (not an answer
    over the body cap: it would be as large again)."""
    if isinstance(outcome, BaseException):
        from ._too_large import ResponseTooLargeError  # a failed attempt: requests is loaded

        return (
            isinstance(outcome, requests.exceptions.RequestException)
            and not isinstance(outcome, ResponseTooLargeError)
            and transport_phase(outcome) != "tls"
        )
    return _status_decision(outcome, gateway=True, now=now)


def decide_post(outcome: requests.Response | BaseException, now: datetime) -> Decision:
    """An Add Queue Item is retried only when the server cannot have processed it."""
    if isinstance(outcome, BaseException):
        return isinstance(outcome, requests.exceptions.RequestException) and transport_phase(outcome) == "before-send"
    return _status_decision(outcome, gateway=False, now=now)


def decide_token(outcome: requests.Response | BaseException, now: datetime) -> Decision:
    """Asking for a token twice is harmless (no state changes), so it is retried like a GET."""
    return decide_get(outcome, now)


class Retrier:
    """Runs one request under a :class:`RetryPolicy`, sleeping through its :class:`~._clock.Clock`.

    ``clock`` is fixed when given, else the one :func:`~._clock.current_clock` returns at each call.

    >>> calls = []
    >>> retrier = Retrier(RetryPolicy(attempts=3, jitter_seconds=0), clock=Clock(sleep=calls.append))
    >>> outcomes = iter([ConnectionRefusedError(), "done"])
    >>> def attempt(number):
    ...     outcome = next(outcomes)
    ...     if isinstance(outcome, Exception):
    ...         raise outcome
    ...     return outcome
    >>> retrier.call(attempt, lambda outcome, now: isinstance(outcome, Exception)), calls
    ('done', [0.5])
    """

    def __init__(self, policy: RetryPolicy, *, clock: Clock | None = None, logger: logging.Logger = _LOG):
        self.policy = policy
        self._fixed_clock = clock
        self._log = logger

    @property
    def clock(self) -> Clock:
        """The clock this retrier reads (its own, or the installed one)."""
        return self._fixed_clock if self._fixed_clock is not None else current_clock()

    def now(self) -> float:
        """The monotonic clock the budget is counted on (the start of an operation for :meth:`call`)."""
        return self.clock.monotonic()

    def pause(self, retry_number: int, started: float) -> bool:
        """Sleep the policy's backoff before retry ``retry_number`` of an operation begun at ``started``.

        Returns ``False`` without sleeping when the attempts or the total time of the policy are used up.
        """
        policy = self.policy
        clock = self.clock
        delay = policy.backoff(retry_number, clock.rng)
        if retry_number >= policy.attempts or clock.monotonic() - started + delay > policy.max_total_seconds:
            return False
        # `wait_seconds` lets the command line show a long wait as progress even when it is not verbose.
        self._log.info(
            "waiting %.2f s before retry %d of %d",
            delay,
            retry_number,
            policy.attempts - 1,
            extra={"wait_seconds": delay},
        )
        clock.sleep(delay)
        return True

    def call(
        self,
        attempt: Callable[[int], _T],
        decide: Callable[[_T | BaseException, datetime], Decision],
        *,
        what: str = "request",
        started: float | None = None,
    ) -> _T:
        """Call ``attempt(attempt_number)`` until ``decide`` says stop or the policy's bounds are reached.

        ``started`` (a :meth:`now` reading) is when the whole operation began, so that several calls made for one
        operation (a re-sent Add, the request after a 401) share one ``max_total_seconds``; by default the
        budget starts with this call. Returns the last result or raises the last exception, exactly as the final
        attempt produced it.
        """
        policy = self.policy
        clock = self.clock
        started = clock.monotonic() if started is None else started
        # The first attempt, without tenacity: most requests succeed (or fail for good) at once.
        first: tuple[bool, _T | BaseException]
        try:
            first_result = attempt(1)
        except Exception as error:
            if policy.attempts <= 1 or decide(error, clock.wall()) is False:
                raise
            first = (True, error)
        else:
            if policy.attempts <= 1 or decide(first_result, clock.wall()) is False:
                return first_result
            first = (False, first_result)
        import tenacity  # only now: a process whose requests succeed at once never loads the retry machinery

        planned: dict[int, tuple[float, bool]] = {}  # attempt number -> (wait, whether the server chose it)
        attempts_made = 0

        def outcome_of(state: tenacity.RetryCallState) -> _T | BaseException:
            outcome = state.outcome
            assert outcome is not None
            if outcome.failed:
                error = outcome.exception()
                assert error is not None
                return error
            result: _T = outcome.result()
            return result

        def plan(state: tenacity.RetryCallState) -> tuple[float, bool]:
            number = state.attempt_number
            if number not in planned:
                decision = decide(outcome_of(state), clock.wall())
                if decision is True:
                    planned[number] = (policy.backoff(number, clock.rng), False)
                else:
                    planned[number] = (float(decision), True)
            return planned[number]

        def should_retry(state: tenacity.RetryCallState) -> bool:
            return decide(outcome_of(state), clock.wall()) is not False

        def should_stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= policy.attempts:
                return True
            delay, server_chosen = plan(state)
            if server_chosen and delay > policy.max_retry_after_seconds:
                return True
            return clock.monotonic() - started + delay > policy.max_total_seconds

        def before_sleep(state: tenacity.RetryCallState) -> None:
            delay = plan(state)[0]
            self._log.info(
                "retrying %s in %.2f s (attempt %d of %d)",
                what,
                delay,
                state.attempt_number + 1,
                policy.attempts,
                extra={"wait_seconds": delay},
            )

        def give_back(state: tenacity.RetryCallState) -> _T:
            outcome = state.outcome
            assert outcome is not None
            result: _T = outcome.result()  # re-raises the last exception
            return result

        def numbered_attempt() -> _T:
            nonlocal attempts_made
            attempts_made += 1
            if attempts_made == 1:  # tenacity's first attempt is the one already made: replay its outcome
                failed, outcome = first
                if failed:
                    assert isinstance(outcome, BaseException)
                    raise outcome
                return outcome  # type: ignore[return-value]
            return attempt(attempts_made)

        retrying = tenacity.Retrying(
            retry=should_retry,
            stop=should_stop,
            wait=lambda state: plan(state)[0],
            sleep=clock.sleep,
            before_sleep=before_sleep,
            retry_error_callback=give_back,
            reraise=True,
        )
        result: _T = retrying(numbered_attempt)
        return result
