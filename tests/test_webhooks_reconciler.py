"""The reconciler: what webhooks lost is published within one interval, once, and a restart neither skips nor
repeats. Orchestrator is a scripted source here (the OData contract it answers is covered against the emulator in
test_webhooks_end_to_end.py)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from webhooks_support import item_dto

from uipath_connector.webhooks import (
    FileWatermarkStore,
    MemoryWatermarkStore,
    MessageDispatcher,
    MessageRules,
    PublishError,
    PublishOutcome,
    QueueItemEvent,
    QueueItemMessage,
    QueueItemState,
    Reconciler,
    RecordingPublisher,
    Watermark,
    parse_timestamp,
)

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=timezone.utc)


def ended(minutes: float) -> str:
    """An Orchestrator EndProcessing ``minutes`` after NOW, with 7 fractional digits as Orchestrator writes them."""
    moment = NOW + timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "1Z"


class ScriptedOrchestrator:
    """Answers the reconciler's page requests from a list of item DTOs, as Orchestrator's OData would."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.requests: list[tuple[str, datetime, int, int]] = []
        self.fail_next = 0

    def final_items(self, queue: str, ended_since: datetime, *, skip: int, top: int) -> Sequence[Mapping[str, Any]]:
        self.requests.append((queue, ended_since, skip, top))
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("Orchestrator unreachable")
        matching = [
            item
            for item in self.items
            if item["EndProcessing"] is not None and parse_timestamp(item["EndProcessing"]) >= ended_since  # type: ignore[operator]
        ]
        matching.sort(key=lambda item: (parse_timestamp(item["EndProcessing"]), item["Id"]))
        return matching[skip : skip + top]


def reconciler(
    source: ScriptedOrchestrator, publisher: Any, store: Any = None, **options: Any
) -> tuple[Reconciler, MessageDispatcher]:
    dispatcher = MessageDispatcher(publisher, sleep=lambda _: None)
    options.setdefault("wall_clock", lambda: NOW)
    return Reconciler(source, dispatcher, queues=["Invoices"], store=store, **options), dispatcher


def test_final_items_become_the_webhooks_messages_with_the_same_ids() -> None:
    source = ScriptedOrchestrator()
    source.items = [
        item_dto(1, "Successful", reference="R1", output={"Paid": True}, ended=ended(1)),
        item_dto(2, "Failed", reference="R2", exception={"Reason": "No vendor"}, ended=ended(2)),
        item_dto(3, "Retried", reference="R3", ended=ended(3)),  # a clone carries on: not final
        item_dto(4, "Abandoned", reference="R4", ended=ended(4)),
    ]
    publisher = RecordingPublisher()
    run, _ = reconciler(source, publisher)

    (report,) = run.run_once()

    assert [m.message_id for m in publisher.messages] == [
        "uipath-queue-item:1:Successful",
        "uipath-queue-item:2:Failed",
        "uipath-queue-item:4:Abandoned",
    ]
    webhook_message = MessageRules().message_for(
        QueueItemEvent("queueItem.transactionCompleted", QueueItemState.from_dto(source.items[0]))
    )
    assert publisher.messages[0] == webhook_message
    assert (report.items_read, report.published, report.complete) == (4, 3, True)
    assert report.watermark == parse_timestamp(ended(4))
    # First run: from now minus the look-back (1 h) minus the overlap (5 min); one short page.
    assert source.requests == [("Invoices", NOW - timedelta(hours=1, minutes=5), 0, 100)]


def test_what_the_webhook_published_is_not_sent_again() -> None:
    source = ScriptedOrchestrator()
    source.items = [item_dto(1, reference="R1", ended=ended(1))]
    publisher = RecordingPublisher()
    run, dispatcher = reconciler(source, publisher)
    webhook_message = MessageRules().message_for(
        QueueItemEvent("queueItem.transactionCompleted", QueueItemState.from_dto(source.items[0]))
    )
    assert webhook_message is not None
    assert dispatcher.publish_now(webhook_message) is PublishOutcome.PUBLISHED  # the webhook came first

    (report,) = run.run_once()

    assert (publisher.attempts, len(publisher.messages)) == (1, 1)
    assert (report.published, report.already_published) == (0, 1)


def test_a_restart_neither_skips_nor_repeats(tmp_path: Path) -> None:
    source = ScriptedOrchestrator()
    publisher = RecordingPublisher()  # the engine: survives the reconciler's restart
    store_path = tmp_path / "state" / "watermarks.json"
    source.items = [item_dto(n, reference=f"R{n}", ended=ended(n)) for n in (1, 2, 3)]
    first, _ = reconciler(source, publisher, FileWatermarkStore(store_path))
    first.run_once()
    assert publisher.attempts == 3

    # Restarted: a new process with an empty memory. Meanwhile item 4 ended, and item 5 ended *before* the
    # watermark but became visible only now (within the overlap window).
    source.items += [
        item_dto(4, reference="R4", ended=ended(4)),
        item_dto(5, reference="R5", ended=ended(2.5)),
    ]
    second, _ = reconciler(source, publisher, FileWatermarkStore(store_path))
    (report,) = second.run_once()

    assert [m.message_id.split(":")[1] for m in publisher.messages] == ["1", "2", "3", "5", "4"]
    assert publisher.attempts == 5  # 1-3 were not sent again: their ids were saved with the watermark
    assert report.published == 2
    # The second run read from the saved watermark (item 3's end) minus the overlap.
    assert source.requests[-1][1] == parse_timestamp(ended(3)) - timedelta(minutes=5)


def test_the_watermark_file_is_replaced_atomically_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "watermarks.json"
    store = FileWatermarkStore(path)
    store.save("Invoices", Watermark(NOW, {"uipath-queue-item:1:Successful": NOW}))
    store.save("Orders", Watermark(NOW + timedelta(seconds=1)))

    assert FileWatermarkStore(path).load("Invoices") == Watermark(NOW, {"uipath-queue-item:1:Successful": NOW})
    assert FileWatermarkStore(path).load("Orders") == Watermark(NOW + timedelta(seconds=1))
    assert FileWatermarkStore(path).load("Unknown") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["watermarks.json"]  # no temporary file left behind

    path.write_text("{half a file", encoding="utf-8")
    with pytest.raises(ValueError, match=r"watermarks\.json: not JSON; fix or delete the file"):
        FileWatermarkStore(path).load("Invoices")


class FlakyPublisher(RecordingPublisher):
    def __init__(self, fail_ids: set[str]) -> None:
        super().__init__()
        self.fail_ids = fail_ids

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        if message.message_id in self.fail_ids:
            raise PublishError("Zeebe unavailable", transient=False)
        return super().publish(message)


def test_a_message_that_cannot_be_published_holds_the_watermark_before_it() -> None:
    source = ScriptedOrchestrator()
    source.items = [item_dto(n, reference=f"R{n}", ended=ended(n)) for n in (1, 2, 3)]
    publisher = FlakyPublisher({"uipath-queue-item:2:Successful"})
    store = MemoryWatermarkStore()
    run, _ = reconciler(source, publisher, store)

    (report,) = run.run_once()

    assert not report.complete
    assert report.watermark == parse_timestamp(ended(1))
    assert [m.message_id for m in publisher.messages] == ["uipath-queue-item:1:Successful"]

    publisher.fail_ids.clear()  # Zeebe is back
    (report,) = run.run_once()

    assert report.complete
    assert [m.message_id.split(":")[1] for m in publisher.messages] == ["1", "2", "3"]
    assert publisher.attempts == 3


def test_pages_are_bounded_and_the_next_run_continues() -> None:
    source = ScriptedOrchestrator()
    source.items = [item_dto(n, reference=f"R{n}", ended=ended(n / 100)) for n in range(1, 251)]
    publisher = RecordingPublisher()
    run, _ = reconciler(source, publisher, page_size=100, max_pages=2, overlap=timedelta(0))

    (first,) = run.run_once()
    assert (first.items_read, first.published, first.complete) == (200, 200, False)
    assert [request[2:] for request in source.requests] == [(0, 100), (100, 100)]

    (second,) = run.run_once()
    assert second.complete
    assert len(publisher.messages) == 250
    assert publisher.attempts == 250


def test_the_loop_backs_off_on_failures_and_stops_when_told() -> None:
    source = ScriptedOrchestrator()
    source.fail_next = 2
    source.items = [item_dto(1, reference="R1", ended=ended(1))]
    publisher = RecordingPublisher()
    run, _ = reconciler(source, publisher, interval_seconds=0.01, max_backoff_seconds=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=run.run, args=(stop,))
    thread.start()
    for _ in range(500):
        if publisher.messages:
            break
        threading.Event().wait(0.01)
    stop.set()
    thread.join(5)

    assert not thread.is_alive()
    assert [m.message_id for m in publisher.messages] == ["uipath-queue-item:1:Successful"]
    assert len(source.requests) >= 3  # two failures, then the run that published


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"queues": []}, "queues: a list of one or more queue names"),
        ({"queues": "Invoices"}, "queues: a list of one or more queue names"),
        ({"page_size": 101}, "page_size: 1 to 100"),
        ({"overlap": timedelta(seconds=-1)}, "overlap and initial_lookback must not be negative"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(options: dict[str, Any], error: str) -> None:
    arguments: dict[str, Any] = {"queues": ["Invoices"], **options}
    with pytest.raises(ValueError, match=error):
        Reconciler(ScriptedOrchestrator(), MessageDispatcher(RecordingPublisher()), **arguments)
