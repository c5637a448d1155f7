"""Emulator responses validate against UiPath's OpenAPI schemas; routes answer with the declared statuses."""

from __future__ import annotations

import pytest
from conftest import Orchestrator
from openapi_schemas import declared_success_status, schema_errors

from uipath_connector.testing import DEMO

BULK = "/odata/Queues/UiPathODataSvc.BulkAddQueueItems"


def _full_item(orchestrator: Orchestrator) -> int:
    """An item with every optional field set: dates, output, analytics, processing exception, a retry."""
    item_id = orchestrator.add(
        DEMO.unique_queue_name,
        Reference="INV-1",
        Priority="Low",
        DeferDate="2023-01-12",
        DueDate="2023-01-13T10:00:00.1234567+01:00",
        RiskSlaDate="2023-01-13T09:00:00Z",
        Progress="queued",
        Source="Apps",
        ParentOperationId="op-1",
        SpecificContent={"Name@odata.type": "#String", "Name": "x", "Age": 43, "Ok": True, "None": None},
    ).json()["Id"]
    retry = orchestrator.emulator.fail(item_id, "Timeout", kind="application", details="stack")
    orchestrator.emulator.complete(retry.id, output={"Code": "OK", "Amount": 1.5}, analytics={"Seconds": 3})
    return item_id


def test_add_queue_item_201_validates(orchestrator: Orchestrator) -> None:
    response = orchestrator.add(Reference="R", DeferDate="2023-01-12", SpecificContent={"A": 1, "B": "b"})

    assert response.status_code in declared_success_status("/odata/Queues/UiPathODataSvc.AddQueueItem", "post")
    assert schema_errors("QueueItemDto", response.json()) == []


def test_collection_page_validates(orchestrator: Orchestrator) -> None:
    _full_item(orchestrator)

    response = orchestrator.get("/odata/QueueItems?$count=true")

    assert response.status_code in declared_success_status("/odata/QueueItems", "get")
    assert len(response.json()["value"]) == 2
    assert schema_errors("ODataValueOfIEnumerableOfQueueItemDto", response.json()) == []


def test_item_by_id_validates_in_every_status(orchestrator: Orchestrator) -> None:
    first = _full_item(orchestrator)
    for item in orchestrator.emulator.items():
        response = orchestrator.get(f"/odata/QueueItems({item.id})")
        assert response.status_code in declared_success_status("/odata/QueueItems({key})", "get")
        assert schema_errors("QueueItemDto", response.json()) == [], item.status
    assert orchestrator.emulator.item(first).processing_exception is not None


def test_bulk_result_validates(orchestrator: Orchestrator) -> None:
    orchestrator.add(DEMO.unique_queue_name, Reference="B")
    response = orchestrator.post(
        BULK,
        {
            "queueName": DEMO.unique_queue_name,
            "commitType": "ProcessAllIndependently",
            "queueItems": [{"Reference": "A"}, {"Reference": "B"}, {"SpecificContent": {"x": {}}}],
        },
    )

    assert response.status_code in declared_success_status(BULK, "post")
    assert schema_errors("BulkOperationResponseDtoOfFailedQueueItemDto", response.json()) == []


@pytest.mark.parametrize("commit_type", ["AllOrNothing", "StopOnFirstFailure", "ProcessAllIndependently"])
def test_bulk_failures_validate_for_every_commit_type(orchestrator: Orchestrator, commit_type: str) -> None:
    # The error path that has a schema: FailedItems with an Ordinal and an ErrorCode from the spec's enum.
    orchestrator.add(DEMO.unique_queue_name, Reference="B")
    response = orchestrator.post(
        BULK,
        {
            "queueName": DEMO.unique_queue_name,
            "commitType": commit_type,
            "queueItems": [{"Reference": "B"}, {"Priority": "Urgent"}, {"Reference": "C"}],
        },
    )

    body = response.json()
    assert response.status_code == 200
    assert body["Success"] is False
    assert [(f["Ordinal"], f["ErrorCode"]) for f in body["FailedItems"]] == (
        [(0, "DuplicateReference")]
        if commit_type == "StopOnFirstFailure"
        else [(0, "DuplicateReference"), (1, "InvalidArgument")]
    )
    assert schema_errors("BulkOperationResponseDtoOfFailedQueueItemDto", body) == []


def test_empty_collection_page_validates(orchestrator: Orchestrator) -> None:
    response = orchestrator.get("/odata/QueueItems?$filter=Reference eq 'none'")

    assert response.json()["value"] == []
    assert "@odata.count" not in response.json()
    assert schema_errors("ODataValueOfIEnumerableOfQueueItemDto", response.json()) == []


def test_request_bodies_the_tests_send_validate(orchestrator: Orchestrator) -> None:
    # The emulator accepts what the spec accepts: the body of the AddQueueItem sample is valid on both sides.
    body = {
        "itemData": {
            "DeferDate": "2021-03-11T14:19:56.4407392Z",
            "DueDate": "2021-03-11T15:19:56.4407392Z",
            "Priority": "Normal",
            "Name": "DemoQueue",
            "Reference": "Petstore",
            "SpecificContent": {
                "Name@odata.type": "#String",
                "Name": "Testymonika2000",
                "Age": 43,
                "Status": False,
            },
        }
    }

    assert schema_errors("AddQueueItemRequest", body) == []
    assert orchestrator.post("/odata/Queues/UiPathODataSvc.AddQueueItem", body).status_code == 201


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/odata/QueueItems({key})/UiPathODataSvc.SetTransactionProgress", "post", 200),
        ("/odata/Queues({key})/UiPathODataSvc.SetTransactionResult", "post", 200),
        ("/odata/QueueItems({key})", "delete", 204),
    ],
)
def test_action_routes_use_declared_status(orchestrator: Orchestrator, path: str, method: str, status: int) -> None:
    item_id = orchestrator.add().json()["Id"]
    if "Set" in path:
        orchestrator.emulator.start(item_id)
    body = {"progress": "p"} if "Progress" in path else {"transactionResult": {"IsSuccessful": True}}
    url = orchestrator.base + path.replace("{key}", str(item_id))

    response = orchestrator.session.request(
        method.upper(),
        url,
        json=None if method == "delete" else body,
        headers=orchestrator.headers(),
        timeout=5,
    )

    assert response.status_code == status
    assert status in declared_success_status(path, method)


def test_relaxed_validator_still_rejects_bad_bodies() -> None:
    assert schema_errors("QueueItemDataDto", {"Name": "Q", "Priority": "Urgent"})
    assert schema_errors("QueueItemDataDto", {"Name": "Q", "Reference": "x" * 129})
    assert schema_errors("QueueItemDto", {"Id": "1"})
    assert schema_errors("QueueItemDto", {"CreationTime": "2024-05-02T10:11:12"})
    assert schema_errors("QueueItemDto", {"Key": "not-a-guid"})
