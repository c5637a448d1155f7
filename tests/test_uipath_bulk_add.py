"""Bulk add queue items against the emulator: each commit type, duplicates, dropped connections, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from uipath_connector.http import Clock, use_clock
from uipath_connector.sdk import ConnectorInputError, HttpResponse, OutboundConnectorContext
from uipath_connector.testing import DEMO, OrchestratorEmulator
from uipath_connector.testing.emulator import DropConnection, Endpoint, ManualClock
from uipath_connector.uipath import (
    RECOVERED_HEADER,
    BulkAddQueueItemsInput,
    BulkQueueItem,
    CommitType,
    Configuration,
    OAuthClientCredentialsAuthentication,
    OrchestratorClient,
    QueueItemMayExistError,
    RetryPolicy,
    TokenCache,
    UiPathConnector,
)

CLOUD = "https://cloud.uipath.com"
UNIQUE = DEMO.unique_queue_name  # enforces unique references


@pytest.fixture
def emulator() -> Iterator[OrchestratorEmulator]:
    emulator = OrchestratorEmulator.demo(clock=ManualClock())
    slept: list[float] = []
    # The connector's wall clock is the emulator's: "created since the call began" compares the two.
    with emulator.mock(base_host=CLOUD), use_clock(Clock(wall=emulator.clock.now, sleep=slept.append, rng=lambda: 0.0)):
        yield emulator


def _bulk(commit_type: str, items: Any, queue: str = UNIQUE, **extra: Any) -> HttpResponse:
    variables = {
        "operationType": "bulkAddQueueItems",
        "authentication": {
            "type": "oauth-client-credentials-flow",
            "clientId": DEMO.client_id,
            "clientSecret": DEMO.client_secret,
        },
        "cloudOrg": DEMO.org,
        "cloudTenant": DEMO.tenant,
        "organizationUnitId": str(DEMO.folder_id),
        "queueName": queue,
        "commitType": commit_type,
        "queueItems": items,
        **extra,
    }
    # Each test's emulator issues its own tokens: a fresh cache, so no token of another test's emulator is sent.
    connector = UiPathConnector(retry_policy=RetryPolicy(attempts=3, jitter_seconds=0.0), token_cache=TokenCache())
    return connector.execute(OutboundConnectorContext(variables))


def _references(emulator: OrchestratorEmulator, queue: str = UNIQUE) -> list[str | None]:
    return [item.reference for item in emulator.items(queue)]


def _statuses(envelope: HttpResponse) -> list[str]:
    return [entry["Status"] for entry in envelope.body["Items"]]


def _bulk_requests(emulator: OrchestratorEmulator) -> list[Any]:
    return [request for request in emulator.requests if request.endpoint is Endpoint.BULK_ADD_QUEUE_ITEMS]


def test_all_or_nothing_adds_every_item_and_sends_orchestrators_body(emulator: OrchestratorEmulator) -> None:
    items = [
        {"reference": "INV-1", "specificContent": {"InvoiceId": "INV-1", "Amount": 3}},
        {"reference": "INV-2", "priority": "High", "deferDate": "2026-01-15"},
    ]
    envelope = _bulk("AllOrNothing", items)
    assert envelope.status == 200
    assert envelope.body["Success"] is True
    assert envelope.body["FailedItems"] == []
    assert envelope.body["Items"] == [
        {"Ordinal": 0, "Reference": "INV-1", "Status": "Added"},
        {"Ordinal": 1, "Reference": "INV-2", "Status": "Added"},
    ]
    (sent,) = _bulk_requests(emulator)
    assert sent.json() == {
        "queueName": UNIQUE,
        "commitType": "AllOrNothing",
        "queueItems": [
            {
                "Priority": "Low",
                "Name": UNIQUE,
                "SpecificContent": {"InvoiceId": "INV-1", "Amount": 3},
                "Reference": "INV-1",
            },
            {"DeferDate": "2026-01-15T00:00:00Z", "Priority": "High", "Name": UNIQUE, "Reference": "INV-2"},
        ],
    }  # fmt: skip
    assert _references(emulator) == ["INV-1", "INV-2"]


def test_all_or_nothing_with_a_taken_reference_adds_none(emulator: OrchestratorEmulator) -> None:
    _bulk("AllOrNothing", [{"reference": "INV-2"}])
    envelope = _bulk("AllOrNothing", [{"reference": "INV-1"}, {"reference": "INV-2"}, {"reference": "INV-3"}])
    assert envelope.body["Success"] is False
    assert _statuses(envelope) == ["NotAdded", "Failed", "NotAdded"]
    assert envelope.body["Items"][1]["ErrorCode"] == "DuplicateReference"
    assert [entry["Ordinal"] for entry in envelope.body["FailedItems"]] == [1]
    assert _references(emulator) == ["INV-2"]


def test_stop_on_first_failure_keeps_the_items_before_it(emulator: OrchestratorEmulator) -> None:
    _bulk("AllOrNothing", [{"reference": "INV-2"}])
    envelope = _bulk("StopOnFirstFailure", [{"reference": "INV-1"}, {"reference": "INV-2"}, {"reference": "INV-3"}])
    assert _statuses(envelope) == ["Added", "Failed", "NotProcessed"]
    assert envelope.body["Message"] == "2 of 3 queue items were not added."
    assert _references(emulator) == ["INV-2", "INV-1"]


def test_process_all_independently_adds_every_valid_item(emulator: OrchestratorEmulator) -> None:
    _bulk("AllOrNothing", [{"reference": "INV-2"}])
    envelope = _bulk(
        "ProcessAllIndependently", '[{"reference": "INV-1"}, {"reference": "INV-2"}, {"reference": "INV-3"}]'
    )
    assert _statuses(envelope) == ["Added", "Failed", "Added"]
    assert _references(emulator) == ["INV-2", "INV-1", "INV-3"]


@pytest.mark.parametrize("commit_type", ["AllOrNothing", "StopOnFirstFailure", "ProcessAllIndependently"])
def test_a_connection_dropped_after_commit_is_settled_by_reference(
    emulator: OrchestratorEmulator, commit_type: str
) -> None:
    emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    envelope = _bulk(commit_type, [{"reference": "INV-1"}, {"reference": "INV-2"}])
    assert len(_bulk_requests(emulator)) == 1  # never re-sent: the look-up found both
    assert _references(emulator) == ["INV-1", "INV-2"]
    ids = [item.id for item in emulator.items(UNIQUE)]
    assert envelope.body["Items"] == [
        {"Ordinal": 0, "Reference": "INV-1", "Status": "Added", "Id": ids[0]},
        {"Ordinal": 1, "Reference": "INV-2", "Status": "Added", "Id": ids[1]},
    ]
    assert envelope.body["Success"] is True
    assert envelope.headers[RECOVERED_HEADER] == "reference-lookup"


def test_a_connection_dropped_before_commit_is_sent_again_once(emulator: OrchestratorEmulator) -> None:
    emulator.inject(DropConnection(after_commit=False), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    envelope = _bulk("ProcessAllIndependently", [{"reference": "INV-1"}, {"reference": "INV-2"}], queue="DemoQueue")
    assert len(_bulk_requests(emulator)) == 2
    assert _references(emulator, "DemoQueue") == ["INV-1", "INV-2"]
    assert _statuses(envelope) == ["Added", "Added"]


def test_a_lost_answer_without_references_is_never_sent_again(emulator: OrchestratorEmulator) -> None:
    emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    with pytest.raises(QueueItemMayExistError) as caught:
        _bulk("AllOrNothing", [{"reference": "INV-1"}, {"specificContent": {"A": 1}}], queue="DemoQueue")
    assert str(caught.value).startswith(
        "Bulk Add Queue Items to queue 'DemoQueue' was sent but the connection was lost, so items may have been "
        "created. It was not sent again, because items [1] have no reference"
    )
    assert len(_bulk_requests(emulator)) == 1
    assert len(emulator.items("DemoQueue")) == 2


def test_a_partly_committed_lost_call_resends_only_the_missing_items(emulator: OrchestratorEmulator) -> None:
    # Stop on first failure: INV-1 committed, INV-2 failed (taken), INV-3 not processed; then the answer is lost.
    _bulk("AllOrNothing", [{"reference": "INV-2"}])
    emulator.clock.advance(3600)  # INV-2 is an hour old: not this call's item
    emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    envelope = _bulk("StopOnFirstFailure", [{"reference": "INV-1"}, {"reference": "INV-2"}, {"reference": "INV-3"}])
    resent = _bulk_requests(emulator)[-1].json()
    assert [item["Reference"] for item in resent["queueItems"]] == ["INV-2", "INV-3"]
    assert _statuses(envelope) == ["Added", "Failed", "NotProcessed"]
    assert envelope.body["FailedItems"][0]["Ordinal"] == 1  # the original ordinal, not the re-sent call's
    assert _references(emulator) == ["INV-2", "INV-1"]


def test_python_callers_run_a_bulk_add_with_records(emulator: OrchestratorEmulator) -> None:
    client = OrchestratorClient(
        Configuration(cloud_org=DEMO.org, cloud_tenant=DEMO.tenant, organization_unit_id=DEMO.folder_id),
        OAuthClientCredentialsAuthentication(client_id=DEMO.client_id, client_secret=DEMO.client_secret),
        token_cache=TokenCache(),
    )
    items = (BulkQueueItem(reference="A"), BulkQueueItem(reference="B"))
    envelope = client.run(
        BulkAddQueueItemsInput(queue_name="DemoQueue", commit_type=CommitType.ALL_OR_NOTHING, queue_items=items)
    )
    assert _statuses(envelope) == ["Added", "Added"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ("[{", "queueItems: is not valid JSON: Expecting property name enclosed in double quotes: "
         "line 1 column 3 (char 2)"),
        ('{"reference": "A"}', "queueItems: must be a list of queue items (or its JSON text), "
         "got JSON that is not a list"),
        ([], "queueItems: must not be empty"),
        ([{"reference": "A"}, {"priority": "Urgent"}],
         "queueItems[1].priority: 'Urgent' is not one of Low, Normal, High"),
        ([{"reference": "A"}, {"reference": "A"}],
         "queueItems: [1].reference 'A' is given twice; references in one call must differ"),
        ([{"referenc": "A"}], "queueItems[0].referenc: unknown field; did you mean 'reference'?"),
        ([{}] * 1001, "queueItems: must hold at most 1000 items, got 1001"),
    ],
)  # fmt: skip
def test_bad_items_are_input_errors_naming_the_path(emulator: OrchestratorEmulator, items: Any, message: str) -> None:
    with pytest.raises(ConnectorInputError) as caught:
        _bulk("AllOrNothing", items)
    assert str(caught.value) == f"Invalid input: {message}"
    assert _bulk_requests(emulator) == []


def test_a_bad_commit_type_is_an_input_error(emulator: OrchestratorEmulator) -> None:
    with pytest.raises(ConnectorInputError) as caught:
        _bulk("Sometimes", [{"reference": "A"}])
    assert str(caught.value) == (
        "Invalid input: commitType: 'Sometimes' is not one of AllOrNothing, StopOnFirstFailure, ProcessAllIndependently"
    )
    assert json.dumps(str(caught.value))  # plain text, no traceback
