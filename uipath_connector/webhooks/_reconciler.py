"""The reconciler: reads items that reached a final state from Orchestrator and publishes their messages.

Orchestrator's webhooks are fire-and-forget: an event whose delivery fails is lost and never retried, and the
webhook is then switched off for an hour, its events in that hour skipped (UiPath's Orchestrator user guide,
"Webhooks"). The reconciler closes both gaps, and is the whole mechanism where no endpoint can be exposed
(poll-only mode). Per queue and run:

1. ``since`` = the stored watermark minus ``overlap`` (first run: now minus ``initial_lookback``);
2. ``GET /odata/QueueItems?$filter=QueueDefinitionName eq '<queue>' and EndProcessing ge <since>
   &$orderby=EndProcessing asc,Id asc&$top=<page_size>&$skip=<n>``, at most ``max_pages`` pages;
3. each final item becomes the same message the webhook would have made (same name, same id); ids already
   published (kept with the watermark) are not sent again;
4. after each page the watermark moves to the newest ``EndProcessing`` published, and is saved; a message that
   cannot be published stops the run there, so the next run starts from it (nothing skipped).

The overlap re-reads a window before the watermark, for items whose ``EndProcessing`` becomes visible late. It must
hold fewer items than ``page_size * max_pages``, or the reconciler cannot get past it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

import attrs

from ._events import QueueItemEvent, QueueItemState, WebhookPayloadError, event_type_for_status, parse_timestamp
from ._messages import MessageRules
from ._publishing import MessageDispatcher, PublishOutcome
from ._watermarks import MAX_REMEMBERED_IDS, MemoryWatermarkStore, Watermark, WatermarkStore

__all__ = ["OrchestratorItemSource", "QueueItemSource", "ReconcileReport", "Reconciler"]

_LOG = logging.getLogger("uipath_connector.webhooks.reconciler")


class QueueItemSource(Protocol):
    """Reads one page of a queue's items whose ``EndProcessing`` is at or after ``ended_since``, oldest first."""

    def final_items(self, queue: str, ended_since: datetime, *, skip: int, top: int) -> Sequence[Mapping[str, Any]]:
        """The page (``QueueItemDto`` objects); an exception when Orchestrator cannot be read."""
        ...  # pragma: no cover


def odata_datetime(moment: datetime) -> str:
    """An OData ``DateTimeOffset`` literal in UTC with microseconds.

    >>> odata_datetime(datetime(2026, 11, 28, 15, 0, 1, 5, tzinfo=timezone.utc))
    '2026-11-28T15:00:01.000005Z'
    """
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class OrchestratorItemSource:
    """:class:`QueueItemSource` over an :class:`~uipath_connector.uipath.OrchestratorClient` (its retries, token
    cache and masking), in the client's folder.

    >>> from uipath_connector.uipath import BearerAuthentication, Configuration, OrchestratorClient
    >>> client = OrchestratorClient(Configuration(cloud_org="acme", cloud_tenant="DefaultTenant",
    ...                             organization_unit_id=1), BearerAuthentication(token="eyJ..."))
    >>> source = OrchestratorItemSource(client)
    """

    def __init__(self, client: Any):
        self._client = client

    def final_items(self, queue: str, ended_since: datetime, *, skip: int, top: int) -> Sequence[Mapping[str, Any]]:
        """One page of ``GET /odata/QueueItems`` ordered by ``EndProcessing``."""
        quoted = "'" + queue.replace("'", "''") + "'"
        params = {
            "$filter": f"QueueDefinitionName eq {quoted} and EndProcessing ge {odata_datetime(ended_since)}",
            "$orderby": "EndProcessing asc,Id asc",
            "$top": str(top),
            "$skip": str(skip),
        }
        body = self._client.query_queue_items(params).body
        values = body.get("value") if isinstance(body, Mapping) else None
        if not isinstance(values, list):
            raise ValueError("GET /odata/QueueItems answered without a value list")
        return [value for value in values if isinstance(value, Mapping)]


@attrs.frozen
class ReconcileReport:
    """What one run did for one queue."""

    queue: str
    items_read: int
    published: int
    already_published: int
    complete: bool
    watermark: datetime


class Reconciler:
    """Publishes, per queue, what Orchestrator's webhooks should have delivered.

    >>> from uipath_connector.webhooks import MessageDispatcher, RecordingPublisher
    >>> class NoItems:
    ...     def final_items(self, queue, ended_since, *, skip, top):
    ...         return []
    >>> reconciler = Reconciler(NoItems(), MessageDispatcher(RecordingPublisher()), queues=["Invoices"])
    >>> [report.published for report in reconciler.run_once()]
    [0]
    """

    def __init__(
        self,
        source: QueueItemSource,
        dispatcher: MessageDispatcher,
        *,
        queues: Sequence[str],
        rules: MessageRules | None = None,
        store: WatermarkStore | None = None,
        interval_seconds: float = 30.0,
        overlap: timedelta = timedelta(minutes=5),
        initial_lookback: timedelta = timedelta(hours=1),
        page_size: int = 100,
        max_pages: int = 50,
        max_backoff_seconds: float = 300.0,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        if isinstance(queues, str) or not queues or not all(isinstance(q, str) and q.strip() for q in queues):
            raise ValueError("queues: a list of one or more queue names")
        if not 1 <= page_size <= 100:
            raise ValueError("page_size: 1 to 100 (Orchestrator's largest $top on queue items is 100)")
        if max_pages < 1 or interval_seconds <= 0 or max_backoff_seconds < interval_seconds:
            raise ValueError("max_pages >= 1, interval_seconds > 0 and max_backoff_seconds >= interval_seconds")
        if overlap < timedelta(0) or initial_lookback < timedelta(0):
            raise ValueError("overlap and initial_lookback must not be negative")
        self._source = source
        self._dispatcher = dispatcher
        self._queues = tuple(queues)
        self._rules = rules if rules is not None else MessageRules()
        self._store: WatermarkStore = store if store is not None else MemoryWatermarkStore()
        self.interval_seconds = interval_seconds
        self._overlap = overlap
        self._initial_lookback = initial_lookback
        self._page_size = page_size
        self._max_pages = max_pages
        self._max_backoff_seconds = max_backoff_seconds
        self._wall_clock = wall_clock

    def run_once(self) -> list[ReconcileReport]:
        """One pass over every queue; raises what reading Orchestrator raised (the next run starts from the
        last saved watermark)."""
        return [self._reconcile(queue) for queue in self._queues]

    def run(self, stop: threading.Event) -> None:
        """Run every ``interval_seconds`` until ``stop`` is set; failures back off exponentially (bounded)."""
        failures = 0
        while not stop.is_set():
            try:
                self.run_once()
                failures = 0
            except Exception as error:  # any failure to read Orchestrator: log, back off, try again
                failures += 1
                _LOG.warning("reconciler run failed (%d in a row): %s", failures, error)
            wait = min(self.interval_seconds * 2 ** min(failures, 16), self._max_backoff_seconds)
            stop.wait(wait if failures else self.interval_seconds)

    def _reconcile(self, queue: str) -> ReconcileReport:
        mark = self._store.load(queue) or Watermark(self._wall_clock() - self._initial_lookback)
        since = mark.ended_at - self._overlap
        newest = mark.ended_at
        published = dict(mark.published)
        read = sent = already = 0
        for page in range(self._max_pages):
            items = self._source.final_items(queue, since, skip=page * self._page_size, top=self._page_size)
            read += len(items)
            for index, raw in enumerate(items):
                try:
                    item = QueueItemState.from_dto(raw, f"value[{index}]")
                except WebhookPayloadError as error:
                    _LOG.warning("queue %r: skipping an unreadable item: %s", queue, error)
                    continue
                ended_at = parse_timestamp(item.end_processing) if item.end_processing else None
                event_type = event_type_for_status(item.status)
                if ended_at is None or event_type is None:
                    continue
                message = self._rules.message_for(QueueItemEvent(event_type, item))
                if message is not None and message.message_id not in published:
                    outcome = self._dispatcher.publish_now(message)
                    if outcome is PublishOutcome.FAILED:
                        self._save(queue, newest, published)
                        _LOG.warning("queue %r: item %d not published; the next run retries it", queue, item.id)
                        return ReconcileReport(queue, read, sent, already, False, newest)
                    sent += outcome is PublishOutcome.PUBLISHED
                    already += outcome is PublishOutcome.ALREADY_PUBLISHED
                    published[message.message_id] = ended_at
                newest = max(newest, ended_at)
            self._save(queue, newest, published)
            if len(items) < self._page_size:
                return ReconcileReport(queue, read, sent, already, True, newest)
        _LOG.warning("queue %r: %d pages read, more remain; the next run continues", queue, self._max_pages)
        return ReconcileReport(queue, read, sent, already, False, newest)

    def _save(self, queue: str, newest: datetime, published: dict[str, datetime]) -> None:
        horizon = newest - self._overlap
        kept = sorted(((ended, key) for key, ended in published.items() if ended >= horizon), reverse=True)
        self._store.save(queue, Watermark(newest, {key: ended for ended, key in kept[:MAX_REMEMBERED_IDS]}))
