"""The robot side and the other queue routes over HTTP: statuses, bodies, transitions, schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from conftest import Orchestrator
from openapi_schemas import declared_success_status, schema_errors

from uipath_connector.testing import DEMO, EmulatorRequest, Endpoint, ManualClock, OrchestratorEmulator

START = "/odata/Queues/UiPathODataSvc.StartTransaction"


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    body.pop("traceId")
    body.pop("resourceIds", None)
    return dict(body)


def _start(orchestrator: Orchestrator, **data: Any) -> Any:
    return orchestrator.post(START, {"transactionData": {"Name": DEMO.queue_name, **data}})


def _result(orchestrator: Orchestrator, item_id: int, result: dict[str, Any]) -> Any:
    return orchestrator.post(
        f"/odata/Queues({item_id})/UiPathODataSvc.SetTransactionResult", {"transactionResult": result}
    )


def test_robot_lifecycle_start_progress_complete(orchestrator: Orchestrator) -> None:
    low = orchestrator.add(Priority="Low").json()["Id"]
    high = orchestrator.add(Priority="High", Reference="H-1").json()["Id"]

    started = _start(orchestrator, RobotIdentifier=DEMO.robot_key)
    progress = orchestrator.post(
        f"/odata/QueueItems({high})/UiPathODataSvc.SetTransactionProgress", {"progress": "Step 2"}
    )
    done = _result(orchestrator, high, {"IsSuccessful": True, "Output": {"Code": "OK"}})
    final = orchestrator.get(f"/odata/QueueItems({high})?$expand=Robot").json()

    assert started.status_code == 200
    assert declared_success_status("/odata/Queues/UiPathODataSvc.StartTransaction", "post") == {200, 204}
    assert schema_errors("QueueItemDto", started.json()) == []
    assert (started.json()["Id"], started.json()["Status"]) == (high, "InProgress")
    assert (progress.status_code, progress.content) == (200, b"")
    assert (done.status_code, done.content) == (200, b"")
    assert (final["Status"], final["Progress"], final["Output"]) == ("Successful", "Step 2", {"Code": "OK"})
    assert final["Robot"]["Name"] == DEMO.robot_name
    assert orchestrator.emulator.item(low).status.value == "New"


def test_start_with_specific_content_adds_and_starts(orchestrator: Orchestrator) -> None:
    response = _start(orchestrator, RobotIdentifier=DEMO.robot_key, SpecificContent={"A": 1}, Reference="R-1")

    body = response.json()
    assert (response.status_code, body["Status"], body["SpecificContent"], body["Reference"]) == (
        200,
        "InProgress",
        {"A": 1},
        "R-1",
    )


def test_start_filters_by_reference(orchestrator: Orchestrator) -> None:
    orchestrator.add(Reference="OTHER-1")
    wanted = orchestrator.add(Reference="INV-7").json()["Id"]

    equals = _start(orchestrator, RobotIdentifier=DEMO.robot_key, Reference="inv-7")
    none_left = _start(
        orchestrator, RobotIdentifier=DEMO.robot_key, Reference="INV-", ReferenceFilterOption="StartsWith"
    )

    assert equals.json()["Id"] == wanted
    assert none_left.status_code == 204


def test_start_skips_postponed_items(orchestrator: Orchestrator) -> None:
    orchestrator.add(DeferDate="2999-01-01T00:00:00Z")

    assert _start(orchestrator, RobotIdentifier=DEMO.robot_key).status_code == 204


def test_users_and_apps_get_no_transaction(orchestrator: Orchestrator) -> None:
    orchestrator.add()

    response = _start(orchestrator)

    assert (response.status_code, response.content) == (204, b"")
    assert orchestrator.emulator.item(1).status.value == "New"


def test_a_robot_token_identifies_the_robot(orchestrator: Orchestrator) -> None:
    robot = orchestrator.emulator.add_robot("bot-2")
    orchestrator.emulator.add_client("robot-app", "robot-secret", ["OR.Queues"], robot=robot)
    token = orchestrator.session.post(
        orchestrator.token_url,
        data={"grant_type": "client_credentials", "client_id": "robot-app", "client_secret": "robot-secret"},
        timeout=5,
    ).json()["access_token"]
    orchestrator.add()

    response = orchestrator.post(START, {"transactionData": {"Name": DEMO.queue_name}}, orchestrator.headers(token))

    assert response.status_code == 200
    assert orchestrator.emulator.item(1).robot_id == robot.id


def test_unknown_robot_is_404(orchestrator: Orchestrator) -> None:
    response = _start(orchestrator, RobotIdentifier="00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert _error(response) == {"message": "Robot does not exist.", "errorCode": 1002}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"Name": DEMO.queue_name, "RobotIdentifier": "not-a-guid"},
            "transactionData.RobotIdentifier: a GUID is required.",
        ),
        (
            {"Name": DEMO.queue_name, "ReferenceFilterOption": "Contains"},
            "transactionData.ReferenceFilterOption: must be Equals or StartsWith.",
        ),
        (
            {"Name": DEMO.queue_name, "Colour": "red"},
            "transactionData: the property 'Colour' does not exist on type 'TransactionDataDto'.",
        ),
        ({"RobotIdentifier": DEMO.robot_key}, "transactionData.Name: the queue name is required."),
    ],
)
def test_start_transaction_bad_bodies(orchestrator: Orchestrator, data: dict[str, Any], message: str) -> None:
    response = orchestrator.post(START, {"transactionData": data})

    assert response.status_code == 400
    assert _error(response) == {"message": message, "errorCode": 0}


def test_result_needs_a_started_transaction(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add().json()["Id"]

    refused = _result(orchestrator, item_id, {"IsSuccessful": True})
    progress = orchestrator.post(
        f"/odata/QueueItems({item_id})/UiPathODataSvc.SetTransactionProgress", {"progress": "x"}
    )

    assert (refused.status_code, _error(refused)) == (409, {"message": "Conflict", "errorCode": 0})
    assert progress.status_code == 409
    assert orchestrator.emulator.item(item_id).status.value == "New"


def test_failure_with_application_exception_retries(orchestrator: Orchestrator) -> None:
    first = orchestrator.add(DEMO.unique_queue_name, Reference="INV-9").json()
    started = orchestrator.post(
        START, {"transactionData": {"Name": DEMO.unique_queue_name, "RobotIdentifier": DEMO.robot_key}}
    ).json()
    failed = _result(
        orchestrator,
        started["Id"],
        {"IsSuccessful": False, "ProcessingException": {"Reason": "Timeout", "Type": "ApplicationException"}},
    )

    last_retry = orchestrator.get(
        f"/odata/QueueItems({first['Id']})/UiPath.Server.Configuration.OData.GetItemLastRetry"
    )
    by_key = orchestrator.get(f"/odata/QueueItems/UiPathODataSvc.GetItemLastRetryByKey(key={first['Key']})")

    assert failed.status_code == 200
    assert last_retry.status_code == 200
    assert (last_retry.json()["AncestorId"], last_retry.json()["RetryNumber"], last_retry.json()["Status"]) == (
        first["Id"],
        1,
        "New",
    )
    assert by_key.json()["Id"] == last_retry.json()["Id"]
    assert schema_errors("QueueItemDto", by_key.json()) == []
    missing = orchestrator.get(
        "/odata/QueueItems/UiPathODataSvc.GetItemLastRetryByKey(key=00000000-0000-4000-8000-000000000000)"
    )
    assert missing.status_code == 404


def test_item_events_history(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add().json()["Id"]
    _start(orchestrator, RobotIdentifier=DEMO.robot_key)
    _result(orchestrator, item_id, {"IsSuccessful": True})

    history = orchestrator.get(
        f"/odata/QueueItemEvents/UiPath.Server.Configuration.OData.GetQueueItemEventsHistory(queueItemId={item_id})"
    ).json()
    listed = orchestrator.get(f"/odata/QueueItemEvents?$filter=QueueItemId eq {item_id} and Action eq 'Status'").json()

    assert [(e["Action"], e["Status"]) for e in history["value"]] == [
        ("Create", "New"),
        ("Status", "InProgress"),
        ("Status", "Successful"),
    ]
    assert [e["Status"] for e in listed["value"]] == ["InProgress", "Successful"]
    assert schema_errors("ODataValueOfIEnumerableOfQueueItemEventDto", history) == []
    one = orchestrator.get(f"/odata/QueueItemEvents({history['value'][0]['Id']})")
    assert schema_errors("QueueItemEventDto", one.json()) == []


def test_put_updates_only_the_documented_fields(orchestrator: Orchestrator) -> None:
    created = orchestrator.add(Reference="R", Priority="Low").json()
    url = orchestrator.base + f"/odata/QueueItems({created['Id']})"
    body = {
        "Name": DEMO.queue_name,
        "Priority": "High",
        "Progress": "edited",
        "SpecificContent": {"B": 2},
        "DueDate": "2030-01-01T00:00:00Z",
        "RowVersion": created["RowVersion"],
    }

    updated = orchestrator.session.put(url, json=body, headers=orchestrator.headers(), timeout=5)
    stale = orchestrator.session.put(url, json=body, headers=orchestrator.headers(), timeout=5)
    after = orchestrator.get(f"/odata/QueueItems({created['Id']})").json()

    assert updated.status_code == 200
    assert (after["Priority"], after["Progress"], after["SpecificContent"], after["DueDate"], after["Reference"]) == (
        "High",
        "edited",
        {"B": 2},
        "2030-01-01T00:00:00Z",
        "R",
    )
    assert (stale.status_code, _error(stale)) == (
        409,
        {"message": "Conflict with Queue Item being updated.", "errorCode": 0},
    )
    missing = orchestrator.session.put(
        orchestrator.base + "/odata/QueueItems(999)", json=body, headers=orchestrator.headers(), timeout=5
    )
    assert (missing.status_code, _error(missing)["message"]) == (404, "Queue Item does not exist.")


def test_delete_bulk(orchestrator: Orchestrator) -> None:
    first = orchestrator.add().json()
    second = orchestrator.add().json()
    orchestrator.emulator.start(second["Id"])

    response = orchestrator.post(
        "/odata/QueueItems/UiPathODataSvc.DeleteBulk",
        {"queueItems": [{"Id": first["Id"], "RowVersion": first["RowVersion"]}, {"Id": second["Id"]}, {"Id": 77}]},
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["Success"], body["FailedItems"]) == (False, [second["Id"], 77])
    assert schema_errors("BulkOperationResponseDtoOfInt64", body) == []
    assert orchestrator.emulator.item(first["Id"]).status.value == "Deleted"


def test_queue_definitions_list_get_create(orchestrator: Orchestrator) -> None:
    created = orchestrator.post(
        "/odata/QueueDefinitions", {"Name": "NewQueue", "EnforceUniqueReference": True, "MaxNumberOfRetries": 2}
    )
    found = orchestrator.get("/odata/QueueDefinitions?$filter=Name eq 'newqueue'").json()
    one = orchestrator.get(f"/odata/QueueDefinitions({created.json()['Id']})")
    twice = orchestrator.post("/odata/QueueDefinitions", {"Name": "NEWQUEUE"})

    assert created.status_code == 201
    assert schema_errors("QueueDefinitionDto", created.json()) == []
    assert [q["Name"] for q in found["value"]] == ["NewQueue"]
    assert schema_errors("ODataValueOfIEnumerableOfQueueDefinitionDto", found) == []
    assert (one.json()["EnforceUniqueReference"], one.json()["MaxNumberOfRetries"]) == (True, 2)
    assert twice.status_code == 409
    assert orchestrator.get("/odata/QueueDefinitions(424242)").status_code == 404
    assert orchestrator.add("NewQueue", Reference="X").status_code == 201


def test_references_are_case_insensitive_on_unique_queues(orchestrator: Orchestrator) -> None:
    assert orchestrator.add(DEMO.unique_queue_name, Reference="INV-1").status_code == 201

    duplicate = orchestrator.add(DEMO.unique_queue_name, Reference="inv-1")

    assert (duplicate.status_code, _error(duplicate)) == (
        409,
        {"message": "Error creating Transaction. Duplicate Reference.", "errorCode": 1016},
    )
    assert orchestrator.add(DEMO.queue_name, Reference="inv-1").status_code == 201  # not unique there


def test_deeply_nested_body_is_a_400(orchestrator: Orchestrator) -> None:
    depth = 100_000
    body = '{"itemData":' + "[" * depth + "]" * depth + "}"

    response = orchestrator.session.post(
        orchestrator.base + "/odata/Queues/UiPathODataSvc.AddQueueItem",
        data=body,
        headers={**orchestrator.headers(), "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 400
    assert _error(response) == {"message": "The request body is nested too deeply.", "errorCode": 0}


def test_retention_purges_oldest_finished_items_and_keeps_references(clock: ManualClock) -> None:
    emulator = OrchestratorEmulator.demo(clock=clock, max_items=3)
    from uipath_connector.testing.emulator._model import parse_item_data

    queue = emulator.queue(DEMO.unique_queue_name)
    for n in range(3):
        emulator.seed_item(queue, parse_item_data({"Name": queue.name, "Reference": f"R{n}"}))
    emulator.complete(1)
    emulator.seed_item(queue, parse_item_data({"Name": queue.name, "Reference": "R3"}))

    assert [i.id for i in emulator.items()] == [2, 3, 4]
    with pytest.raises(Exception, match="Duplicate Reference"):
        emulator.seed_item(queue, parse_item_data({"Name": queue.name, "Reference": "r0"}))
    # New and InProgress items are never purged, even above the limit.
    emulator.seed_item(queue, parse_item_data({"Name": queue.name, "Reference": "R5"}))
    assert [i.id for i in emulator.items()] == [2, 3, 4, 5]


def test_request_log_is_bounded_by_default() -> None:
    emulator = OrchestratorEmulator.demo(max_recorded_requests=5)
    url = f"https://cloud.uipath.com/{DEMO.org}/{DEMO.tenant}/orchestrator_/odata/QueueItems"
    for _ in range(8):
        emulator.handle(EmulatorRequest("GET", url, {"Authorization": f"Bearer {DEMO.personal_access_token}"}))

    assert len(emulator.requests) == 5
    assert len(OrchestratorEmulator().requests) == 0
    assert OrchestratorEmulator()._processor.requests.maxlen == 10_000


def test_an_emulator_bug_is_a_500_json_body_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = OrchestratorEmulator.demo()

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("boom")

    handlers: Any = type(emulator._processor)._handlers
    monkeypatch.setitem(handlers, Endpoint.LIST_QUEUE_ITEMS, broken)
    url = f"https://cloud.uipath.com/{DEMO.org}/{DEMO.tenant}/orchestrator_/odata/QueueItems"
    response = emulator.handle(EmulatorRequest("GET", url, {"Authorization": f"Bearer {DEMO.personal_access_token}"}))

    assert response.status == 500
    assert json.loads(response.body)["message"] == "An unexpected error occurred."


def test_concurrent_request_bodies_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    from uipath_connector.testing.emulator import _server

    monkeypatch.setattr(_server, "MAX_CONCURRENT_BODY_BYTES", 1000)
    emulator = OrchestratorEmulator.demo()
    with emulator.server() as server:
        url = emulator.base_url(server.url) + "/odata/Queues/UiPathODataSvc.AddQueueItem"
        headers = {"Authorization": f"Bearer {DEMO.personal_access_token}", "X-UIPATH-OrganizationUnitId": "1964413"}
        small = {"itemData": {"Name": DEMO.queue_name}}
        big = {"itemData": {"Name": DEMO.queue_name, "Progress": "x" * 2000}}
        accepted = requests.post(url, json=small, headers=headers, timeout=5)
        refused = requests.post(url, json=big, headers=headers, timeout=5)
        again = requests.post(url, json=small, headers=headers, timeout=5)  # the budget was given back

    assert (accepted.status_code, refused.status_code, again.status_code) == (201, 503, 201)
    assert refused.headers["Retry-After"] == "1"
    assert [item.id for item in emulator.items()] == [1, 2]


class _NoScan(dict):  # type: ignore[type-arg]
    """The model's item store, refusing to be walked: an Add or a StartTransaction must use the indexes."""

    def __iter__(self) -> Any:
        raise AssertionError("the item store was scanned")

    def values(self) -> Any:
        raise AssertionError("the item store was scanned")

    def items(self) -> Any:
        raise AssertionError("the item store was scanned")


def test_adds_duplicate_checks_and_starts_never_scan_the_items() -> None:
    from uipath_connector.testing.emulator._model import parse_item_data

    emulator = OrchestratorEmulator.demo()
    queue = emulator.queue(DEMO.unique_queue_name)
    for n in range(2000):
        emulator.seed_item(queue, parse_item_data({"Name": queue.name, "Reference": f"R{n}"}))
    model = emulator._model
    model._items = _NoScan(model._items)  # type: ignore[assignment]
    base = f"https://cloud.uipath.com/{DEMO.org}/{DEMO.tenant}/orchestrator_/odata"
    headers = {"Authorization": f"Bearer {DEMO.personal_access_token}", "X-UIPATH-OrganizationUnitId": "1964413"}

    def post(path: str, body: dict[str, Any]) -> int:
        return emulator.handle(EmulatorRequest("POST", base + path, headers, json.dumps(body).encode())).status

    assert post("/Queues/UiPathODataSvc.AddQueueItem", {"itemData": {"Name": queue.name, "Reference": "NEW"}}) == 201
    assert post("/Queues/UiPathODataSvc.AddQueueItem", {"itemData": {"Name": queue.name, "Reference": "r5"}}) == 409
    started = emulator.handle(
        EmulatorRequest(
            "POST",
            base + "/Queues/UiPathODataSvc.StartTransaction",
            headers,
            json.dumps({"transactionData": {"Name": queue.name, "RobotIdentifier": DEMO.robot_key}}).encode(),
        )
    )
    assert (started.status, started.json()["Reference"]) == (200, "R0")
    item_id = started.json()["Id"]
    assert (
        post(f"/Queues({item_id})/UiPathODataSvc.SetTransactionResult", {"transactionResult": {"IsSuccessful": True}})
        == 200
    )
    assert emulator.item(item_id).status.value == "Successful"
