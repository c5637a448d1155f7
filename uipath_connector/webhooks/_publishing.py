"""Publishing messages: the publisher protocol, bounded retries, and a dispatcher off the request path.

Decision table for one publication attempt:

======================================  ==============================================
the publisher ...                       then
======================================  ==============================================
returns ``PUBLISHED``                   done; the id is remembered
returns ``ALREADY_PUBLISHED``           done (Zeebe holds that id: the fact arrived)
raises ``PublishError(transient=True)`` retry after a capped exponential backoff
raises ``PublishError(transient=False)``give up at once (e.g. 400: bad name or tenant)
attempts or time budget used up        give up; the reconciler publishes it later
======================================  ==============================================
"""

from __future__ import annotations

import enum
import logging
import queue
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Protocol

import attrs

from ._messages import QueueItemMessage

__all__ = [
    "MessageDispatcher",
    "MessagePublisher",
    "PublishError",
    "PublishOutcome",
    "PublishRetryPolicy",
    "publish_with_retry",
]

_LOG = logging.getLogger("uipath_connector.webhooks")


class PublishOutcome(enum.Enum):
    """What became of one message."""

    PUBLISHED = "published"
    ALREADY_PUBLISHED = "already-published"
    FAILED = "failed"


class PublishError(Exception):
    """A publication attempt failed; ``transient`` says whether trying again may help."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class MessagePublisher(Protocol):
    """Publishes one message to Zeebe; raises :class:`PublishError` when it cannot."""

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        """``PUBLISHED``, or ``ALREADY_PUBLISHED`` when Zeebe already holds a message with this id."""
        ...  # pragma: no cover


@attrs.frozen(kw_only=True)
class PublishRetryPolicy:
    """Bounds on retrying one message: attempts, total seconds, and a capped exponential backoff with jitter."""

    max_attempts: int = attrs.field(default=5, validator=attrs.validators.in_(range(1, 101)))
    max_total_seconds: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))
    initial_backoff_seconds: float = attrs.field(default=0.2, validator=attrs.validators.ge(0))
    max_backoff_seconds: float = attrs.field(default=5.0, validator=attrs.validators.ge(0))

    def backoff(self, retry_number: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based): full jitter over the capped exponential."""
        ceiling = min(self.max_backoff_seconds, self.initial_backoff_seconds * 2 ** (retry_number - 1))
        return float(ceiling * (0.5 + rng() / 2))


def publish_with_retry(
    publisher: MessagePublisher,
    message: QueueItemMessage,
    policy: PublishRetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> PublishOutcome:
    """Publish ``message``, retrying transient failures within ``policy``; ``FAILED`` when it could not."""
    started = clock()
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return publisher.publish(message)
        except PublishError as error:
            if not error.transient:
                _LOG.error("message %s not published: %s", message.message_id, error)
                return PublishOutcome.FAILED
            pause = policy.backoff(attempt)
            if attempt == policy.max_attempts or clock() - started + pause > policy.max_total_seconds:
                _LOG.error("message %s not published after %d attempts: %s", message.message_id, attempt, error)
                return PublishOutcome.FAILED
            _LOG.info("message %s: %s; retrying in %.2f s", message.message_id, error, pause)
            sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


@attrs.define
class DispatcherStats:
    """Counts since the dispatcher started (read them for metrics and tests)."""

    published: int = 0
    already_published: int = 0
    skipped_duplicates: int = 0
    failed: int = 0
    rejected_full: int = 0


class MessageDispatcher:
    """Publishes messages from a bounded queue on background threads (``workers``), and remembers recent message ids.

    The webhook receiver hands messages over with :meth:`submit` and answers at once; the reconciler calls
    :meth:`publish_now`, which waits, because it may only move its watermark past what was published. Both share
    the memory of the last ``remember`` ids, so a fact seen by both is sent to Zeebe once (Zeebe's own message-id
    check covers what this memory has forgotten or another process sent).

    >>> from uipath_connector.webhooks import RecordingPublisher
    >>> dispatcher = MessageDispatcher(RecordingPublisher())
    >>> dispatcher.start(); dispatcher.close()
    """

    def __init__(
        self,
        publisher: MessagePublisher,
        *,
        retry_policy: PublishRetryPolicy | None = None,
        max_queued: int = 10_000,
        remember: int = 100_000,
        workers: int = 4,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if max_queued < 1 or remember < 0 or not 1 <= workers <= 64:
            raise ValueError("max_queued is at least 1, remember at least 0, workers 1 to 64")
        self._publisher = publisher
        self._policy = retry_policy if retry_policy is not None else PublishRetryPolicy()
        self._queue: queue.Queue[QueueItemMessage | None] = queue.Queue(maxsize=max_queued)
        self._remember = remember
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._in_flight: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._sleep = sleep
        self._workers = workers
        self._threads: list[threading.Thread] = []
        self.stats = DispatcherStats()

    def start(self) -> None:
        """Start the publishing threads (idempotent)."""
        with self._lock:
            if self._threads:
                return
            for number in range(self._workers):
                thread = threading.Thread(target=self._run, name=f"uipath-webhook-publisher-{number}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def close(self, timeout: float = 10.0) -> None:
        """Publish what is queued (for at most ``timeout`` seconds), then stop the threads."""
        with self._lock:
            threads = list(self._threads)
        if not threads:
            return
        if not self.wait_idle(timeout):
            _LOG.warning("messages still queued after %gs; they are left to the reconciler", timeout)
        for _ in threads:
            try:
                self._queue.put_nowait(None)
            except queue.Full:
                return
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def submit(self, messages: Iterable[QueueItemMessage]) -> bool:
        """Queue ``messages`` for publication; False (nothing queued) when the queue has no room for all of them."""
        batch = list(messages)
        with self._lock:
            if self._queue.maxsize - self._queue.qsize() < len(batch):
                self.stats.rejected_full += 1
                return False
            self._pending += len(batch)
        for message in batch:
            self._queue.put_nowait(message)
        return True

    def publish_now(self, message: QueueItemMessage) -> PublishOutcome:
        """Publish on the calling thread (with retries); an id published recently is not sent again.

        A message whose id another thread is publishing right now waits for that attempt (a doubled delivery
        arrives within milliseconds): when it succeeded, this one is not sent.
        """
        while True:
            with self._lock:
                if message.message_id in self._recent:
                    self._recent.move_to_end(message.message_id)
                    self.stats.skipped_duplicates += 1
                    return PublishOutcome.ALREADY_PUBLISHED
                running = self._in_flight.get(message.message_id)
                if running is None:
                    running = self._in_flight[message.message_id] = threading.Event()
                    break
            running.wait(self._policy.max_total_seconds + 60)
        try:
            outcome = publish_with_retry(self._publisher, message, self._policy, sleep=self._sleep)
        except BaseException:
            with self._lock:
                self._in_flight.pop(message.message_id).set()
            raise
        with self._lock:
            if outcome is PublishOutcome.PUBLISHED:
                self.stats.published += 1
            elif outcome is PublishOutcome.ALREADY_PUBLISHED:
                self.stats.already_published += 1
            else:
                self.stats.failed += 1
            if outcome is not PublishOutcome.FAILED and self._remember:
                self._recent[message.message_id] = None
                while len(self._recent) > self._remember:
                    self._recent.popitem(last=False)
            self._in_flight.pop(message.message_id).set()
        return outcome

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every submitted message has been handled; False when ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            if message is None:
                return
            try:
                self.publish_now(message)
            except Exception:  # a publisher bug must not kill the thread that every later delivery needs
                _LOG.exception("publishing message %s failed unexpectedly", message.message_id)
                with self._lock:
                    self.stats.failed += 1
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
