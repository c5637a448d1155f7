"""The robot side driven from tests: lifecycle, retries, conflicts and the rule-based robot."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from uipath_connector.testing import (
    DEMO,
    AbandonItem,
    CompleteItem,
    EmulatorRequest,
    FailItem,
    ManualClock,
    OrchestratorEmulator,
    QueueItem,
    QueueItemConflictError,
    QueueItemNotFoundError,
    QueueItemStatus,
)

CLOUD = "https://cloud.uipath.com"


@pytest.fixture
def emulator() -> OrchestratorEmulator:
    return OrchestratorEmulator.demo(clock=ManualClock(datetime(2024, 1, 1, 9, tzinfo=timezone.utc)))


def add(emulator: OrchestratorEmulator, queue: str = DEMO.queue_name, **fields: object) -> int:
    response = emulator.handle(
        EmulatorRequest(
            "POST",
            emulator.base_url(CLOUD) + "/odata/Queues/UiPathODataSvc.AddQueueItem",
            {
                "Authorization": f"Bearer {DEMO.personal_access_token}",
                "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
            },
            json.dumps({"itemData": {"Name": queue, **fields}}).encode(),
        )
    )
    assert response.status == 201, response.body
    item_id: int = response.json()["Id"]
    return item_id


def test_start_complete(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator)
    started = emulator.start(item_id)
    emulator.clock.advance(2.5)  # type: ignore[attr-defined]

    done = emulator.complete(item_id, output={"Paid": True}, analytics={"Seconds": 2.5})

    assert started.status is QueueItemStatus.IN_PROGRESS
    assert started.start_processing == datetime(2024, 1, 1, 9, tzinfo=timezone.utc)
    assert done.status is QueueItemStatus.SUCCESSFUL
    assert done.end_processing == datetime(2024, 1, 1, 9, 0, 2, 500000, tzinfo=timezone.utc)
    assert (done.output, done.analytics) == ({"Paid": True}, {"Seconds": 2.5})
    assert done.row_version > started.row_version


@pytest.mark.parametrize("action", ["complete", "fail", "start", "abandon", "delete"])
def test_final_statuses_are_immutable(emulator: OrchestratorEmulator, action: str) -> None:
    item_id = add(emulator)
    emulator.complete(item_id)

    attempt = getattr(emulator, action)
    arguments = (item_id, "late") if action == "fail" else (item_id,)

    with pytest.raises(QueueItemConflictError) as caught:
        attempt(*arguments)

    assert (caught.value.status, caught.value.message) == (409, "Conflict")
    assert emulator.item(item_id).status is QueueItemStatus.SUCCESSFUL


def test_business_failure_is_final_even_on_a_retrying_queue(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator, DEMO.unique_queue_name, Reference="INV-1")

    failed = emulator.fail(item_id, "Vendor not found", kind="business", details="no vendor 42")

    assert failed.status is QueueItemStatus.FAILED
    assert failed.processing_exception is not None
    assert (failed.processing_exception.reason, failed.processing_exception.type) == (
        "Vendor not found",
        "BusinessException",
    )
    assert len(emulator.items()) == 1


def test_application_failure_retries_with_same_key_until_the_budget_is_spent(
    emulator: OrchestratorEmulator,
) -> None:
    item_id = add(emulator, DEMO.unique_queue_name, Reference="INV-1", SpecificContent={"A": 1})
    original = emulator.item(item_id)

    retry = emulator.fail(item_id, "Timeout", kind="application")
    final = emulator.fail(retry.id, "Timeout again", kind="application")

    assert emulator.item(item_id).status is QueueItemStatus.RETRIED
    assert retry.id > item_id
    assert (retry.key, retry.ancestor_id, retry.retry_number, retry.status) == (
        original.key,
        item_id,
        1,
        QueueItemStatus.NEW,
    )
    assert (retry.reference, retry.specific_content) == ("INV-1", {"A": 1})
    assert final.status is QueueItemStatus.FAILED  # MaxNumberOfRetries is 1 on the demo InvoiceQueue
    assert final.processing_exception is not None
    assert final.processing_exception.type == "ApplicationException"


def test_application_failure_without_retries_is_failed(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator)

    assert emulator.fail(item_id, "Crash", kind="application").status is QueueItemStatus.FAILED


def test_abandon_and_manual_retry(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator)
    emulator.start(item_id)

    abandoned = emulator.abandon(item_id)
    retry = emulator.retry(item_id)

    assert abandoned.status is QueueItemStatus.ABANDONED
    assert emulator.item(item_id).status is QueueItemStatus.RETRIED
    assert (retry.key, retry.manual_ancestor_id, retry.manual_retry_number, retry.retry_number) == (
        abandoned.key,
        item_id,
        1,
        0,
    )


def test_abandon_on_a_retrying_queue_requeues(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator, DEMO.unique_queue_name)
    emulator.start(item_id)

    clone = emulator.abandon(item_id)

    assert emulator.item(item_id).status is QueueItemStatus.RETRIED
    assert (clone.ancestor_id, clone.retry_number) == (item_id, 1)


def test_manual_retry_of_failed_item_keeps_it_failed(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator)
    emulator.fail(item_id, "bad data")

    retry = emulator.retry(item_id)

    old = emulator.item(item_id)
    assert (old.status, old.review_status) == (QueueItemStatus.FAILED, "Retried")
    assert retry.status is QueueItemStatus.NEW
    with pytest.raises(QueueItemConflictError):
        emulator.retry(retry.id)


def test_delete_only_new(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator)
    emulator.start(item_id)

    with pytest.raises(QueueItemConflictError):
        emulator.delete(item_id)


def test_unknown_item(emulator: OrchestratorEmulator) -> None:
    with pytest.raises(QueueItemNotFoundError) as caught:
        emulator.complete(404)

    assert (caught.value.status, caught.value.error_code) == (404, 1002)


def test_process_new_by_rule(emulator: OrchestratorEmulator) -> None:
    low = add(emulator, Priority="Low", SpecificContent={"Amount": 1})
    high = add(emulator, Priority="High", SpecificContent={"Amount": 2})
    later = add(emulator, DeferDate="2024-01-02T00:00:00Z", SpecificContent={"Amount": 3})
    failing = add(emulator, SpecificContent={"Amount": 0})
    seen: list[int] = []

    def rule(item: QueueItem) -> CompleteItem | FailItem | dict[str, object]:
        seen.append(item.id)
        assert item.status is QueueItemStatus.IN_PROGRESS
        amount = item.specific_content["Amount"] if item.specific_content else 0
        if amount == 0:
            return FailItem("Amount is zero", kind="business")
        if amount == 2:
            return CompleteItem(output={"Doubled": 4})
        return {"Doubled": amount * 2}

    settled = emulator.process_new(rule)

    assert seen == [high, failing, low]  # High, then Normal, then Low
    assert [(i.id, i.status) for i in settled] == [
        (high, QueueItemStatus.SUCCESSFUL),
        (failing, QueueItemStatus.FAILED),
        (low, QueueItemStatus.SUCCESSFUL),
    ]
    assert emulator.item(low).output == {"Doubled": 2}
    assert emulator.item(later).status is QueueItemStatus.NEW


def test_process_new_limit_queue_abandon_and_raising_rule(emulator: OrchestratorEmulator) -> None:
    first = add(emulator)
    second = add(emulator)
    invoice = add(emulator, DEMO.unique_queue_name)

    abandoned = emulator.process_new(lambda item: AbandonItem(), queue=DEMO.queue_name, limit=1)

    def explode(item: QueueItem) -> None:
        raise RuntimeError("robot crashed")

    crashed = emulator.process_new(explode, queue=DEMO.unique_queue_name)
    completed = emulator.process_new(lambda item: None, queue=DEMO.queue_name)

    assert [(i.id, i.status) for i in abandoned] == [(first, QueueItemStatus.ABANDONED)]
    assert emulator.item(invoice).status is QueueItemStatus.RETRIED
    assert crashed[0].ancestor_id == invoice
    assert [(i.id, i.status) for i in completed] == [(second, QueueItemStatus.SUCCESSFUL)]


def test_items_filter_and_copies(emulator: OrchestratorEmulator) -> None:
    item_id = add(emulator)
    add(emulator, DEMO.unique_queue_name)
    copy = emulator.item(item_id)
    copy.status = QueueItemStatus.DELETED

    assert emulator.item(item_id).status is QueueItemStatus.NEW
    assert [i.id for i in emulator.items("demoqueue", status="New")] == [item_id]
    assert emulator.queue("INVOICEQUEUE").enforce_unique_reference is True


def test_setup_validation(emulator: OrchestratorEmulator) -> None:
    with pytest.raises(ValueError, match="1 to 50"):
        emulator.add_queue("Q" * 51)
    with pytest.raises(ValueError, match="exists"):
        emulator.add_queue("demoqueue")
    with pytest.raises(ValueError, match="folder id 1964413 is taken"):
        emulator.add_folder("Again", folder_id=DEMO.folder_id)
    with pytest.raises(KeyError):
        emulator.add_queue("Q", folder="Nowhere")


def test_other_tenant(emulator: OrchestratorEmulator) -> None:
    emulator.add_tenant("acme", "Prod")
    folder = emulator.add_folder("Ops", org="acme", tenant="Prod")
    emulator.add_queue("OpsQueue", folder=folder)

    response = emulator.handle(
        EmulatorRequest(
            "POST",
            emulator.base_url(CLOUD, org="ACME", tenant="prod") + "/odata/Queues/UiPathODataSvc.AddQueueItem",
            {"Authorization": f"Bearer {DEMO.personal_access_token}", "X-UIPATH-FolderPath": "Ops"},
            b'{"itemData":{"Name":"OpsQueue"}}',
        )
    )

    assert response.status == 201
    assert response.json()["OrganizationUnitId"] == folder.id


def test_manual_retry_of_a_failed_item_passes_its_reference_on(emulator: OrchestratorEmulator) -> None:
    # Found by the state machine: the Failed original keeps its status; the clone alone holds the Reference.
    item_id = add(emulator, DEMO.unique_queue_name, Reference="A")
    emulator.fail(item_id, "bad data")
    emulator.retry(item_id)

    response = emulator.handle(
        EmulatorRequest(
            "POST",
            emulator.base_url(CLOUD) + "/odata/Queues/UiPathODataSvc.AddQueueItem",
            {
                "Authorization": f"Bearer {DEMO.personal_access_token}",
                "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
            },
            json.dumps({"itemData": {"Name": DEMO.unique_queue_name, "Reference": "A"}}).encode(),
        )
    )

    assert response.status == 409


def test_a_failed_item_is_retried_manually_once(emulator: OrchestratorEmulator) -> None:
    # Found by the state machine: a second manual retry of the same Failed item made a second live item with the
    # same Key and Reference on a unique-reference queue.
    item_id = add(emulator, DEMO.unique_queue_name, Reference="A")
    emulator.fail(item_id, "bad data")
    emulator.retry(item_id)

    with pytest.raises(QueueItemConflictError, match=f"cannot retry queue item {item_id} in status Failed"):
        emulator.retry(item_id)

    assert [(i.id, i.reference, i.status.value) for i in emulator.items()] == [
        (item_id, "A", "Failed"),
        (item_id + 1, "A", "New"),
    ]
