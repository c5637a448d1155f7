"""Bulk Add is safe across a Zeebe job's attempts, by the single Add's rules: the job key recorded on every item with
a reference scopes what a later attempt adopts; items without a reference whose fate is unknown are an incident.

Against the Orchestrator emulator, in process (a manual clock: nothing sleeps) and on loopback (real sockets)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest

from uipath_connector.http import Clock, use_clock
from uipath_connector.sdk import ConnectorError, HttpResponse, OutboundConnectorContext
from uipath_connector.testing import DEMO, OrchestratorEmulator
from uipath_connector.testing.emulator import DropConnection, Endpoint, ManualClock, ServerError
from uipath_connector.uipath import (
    RECOVERED_HEADER,
    AddQueueItemInput,
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
PLAIN = DEMO.queue_name  # does not: only the connector can prevent duplicates there
JOB_KEY = 2251799813685249


class Orchestrator:
    """The emulator, and a hook run the first time the connector waits (after a lost answer, before looking up)."""

    def __init__(self, emulator: OrchestratorEmulator):
        self.emulator = emulator
        self.on_first_wait: Callable[[], None] | None = None

    def sleep(self, seconds: float) -> None:
        hook, self.on_first_wait = self.on_first_wait, None
        if hook is not None:
            hook()

    def fail_lookups_after_the_lost_answer(self) -> None:
        """Orchestrator stays unreachable for look-ups once the Bulk Add's answer is lost: the attempt cannot settle
        its items and fails with retries - 1, so the engine runs the job again (as after a crashed worker)."""

        def unreachable() -> None:
            self.emulator.inject(ServerError(500), endpoint=Endpoint.LIST_QUEUE_ITEMS, count=None)

        self.on_first_wait = unreachable


@pytest.fixture
def orchestrator() -> Iterator[Orchestrator]:
    emulator = OrchestratorEmulator.demo(clock=ManualClock())
    state = Orchestrator(emulator)
    # The connector's wall clock is the emulator's: "created since the call began" compares the two.
    with emulator.mock(base_host=CLOUD), use_clock(Clock(wall=emulator.clock.now, sleep=state.sleep, rng=lambda: 0.0)):
        yield state


def attempt(queue: str, commit_type: str, items: Any, *, job_key: int = JOB_KEY, retries: int = 3) -> HttpResponse:
    """One attempt of the Zeebe job ``job_key`` (every attempt of one job has the same key)."""
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
    }
    context = OutboundConnectorContext(variables)
    context.job = attrs.evolve(context.job, key=job_key, retries=retries)
    connector = UiPathConnector(retry_policy=RetryPolicy(attempts=3, jitter_seconds=0.0), token_cache=TokenCache())
    return connector.execute(context)


def references(emulator: OrchestratorEmulator, queue: str) -> list[str | None]:
    return [item.reference for item in emulator.items(queue)]


def bulk_calls(emulator: OrchestratorEmulator) -> list[Any]:
    return [request for request in emulator.requests if request.endpoint is Endpoint.BULK_ADD_QUEUE_ITEMS]


def statuses(envelope: HttpResponse) -> list[str]:
    return [entry["Status"] for entry in envelope.body["Items"]]


ITEMS = [{"reference": "INV-1"}, {"reference": "INV-2"}, {"reference": "INV-3"}]


@pytest.mark.parametrize("queue", [UNIQUE, PLAIN])
@pytest.mark.parametrize("commit_type", ["AllOrNothing", "StopOnFirstFailure", "ProcessAllIndependently"])
def test_an_answer_dropped_after_commit_then_retried_by_the_engine_adds_no_duplicate(
    orchestrator: Orchestrator, queue: str, commit_type: str
) -> None:
    emulator = orchestrator.emulator
    emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    orchestrator.fail_lookups_after_the_lost_answer()
    with pytest.raises(QueueItemMayExistError) as caught:
        attempt(queue, commit_type, ITEMS)
    assert str(caught.value).startswith(
        f"Bulk Add Queue Items to queue {queue!r} was sent but the connection was lost, so items may have been "
        "created; looking their references up failed too: Orchestrator answered 500 Internal Server Error"
    )
    assert caught.value.retries is None  # the job fails with retries - 1: the engine runs it again
    assert references(emulator, queue) == ["INV-1", "INV-2", "INV-3"]  # committed; the answer was lost

    emulator.clear_faults()
    envelope = attempt(queue, commit_type, ITEMS, retries=2)
    ids = [item.id for item in emulator.items(queue)]
    assert references(emulator, queue) == ["INV-1", "INV-2", "INV-3"]  # 0 duplicates
    assert len(bulk_calls(emulator)) == 1  # the retry sent nothing: it adopted the earlier attempt's items
    assert envelope.body["Items"] == [
        {"Ordinal": 0, "Reference": "INV-1", "Status": "Added", "Id": ids[0]},
        {"Ordinal": 1, "Reference": "INV-2", "Status": "Added", "Id": ids[1]},
        {"Ordinal": 2, "Reference": "INV-3", "Status": "Added", "Id": ids[2]},
    ]
    assert (envelope.status, envelope.body["Success"], envelope.body["FailedItems"]) == (200, True, [])
    assert envelope.headers[RECOVERED_HEADER] == "reference-lookup"


def test_every_item_with_a_reference_records_the_job_key_and_a_repeated_attempt_sends_nothing(
    orchestrator: Orchestrator,
) -> None:
    emulator = orchestrator.emulator
    items = [{"reference": "INV-1", "specificContent": {"Amount": 3}}, {"specificContent": {"Amount": 4}}]
    first = attempt(PLAIN, "ProcessAllIndependently", items[:1])
    (sent,) = bulk_calls(emulator)
    assert sent.json()["queueItems"][0]["SpecificContent"] == {"Amount": 3, "CamundaJobKey": str(JOB_KEY)}
    assert RECOVERED_HEADER not in first.headers
    # The job completed in Orchestrator but its Complete command was lost: Zeebe hands the job out again.
    again = attempt(PLAIN, "ProcessAllIndependently", items[:1])
    assert again.body["Items"] == [
        {"Ordinal": 0, "Reference": "INV-1", "Status": "Added", "Id": emulator.items(PLAIN)[0].id}
    ]
    assert len(bulk_calls(emulator)) == 1
    # An item without a reference cannot be looked up: its content is sent as given, without the job key.
    attempt(PLAIN, "ProcessAllIndependently", items[1:], job_key=JOB_KEY + 1)
    assert bulk_calls(emulator)[-1].json()["queueItems"][0]["SpecificContent"] == {"Amount": 4}


def test_an_older_item_of_another_job_with_the_same_reference_is_not_adopted(orchestrator: Orchestrator) -> None:
    emulator = orchestrator.emulator
    attempt(PLAIN, "AllOrNothing", [{"reference": "INV-1"}], job_key=JOB_KEY + 7)
    envelope = attempt(PLAIN, "AllOrNothing", [{"reference": "INV-1"}, {"reference": "INV-2"}])
    assert len(bulk_calls(emulator)) == 2
    assert bulk_calls(emulator)[-1].json()["queueItems"] == [
        {"Priority": "Low", "Name": PLAIN, "SpecificContent": {"CamundaJobKey": str(JOB_KEY)}, "Reference": "INV-1"},
        {"Priority": "Low", "Name": PLAIN, "SpecificContent": {"CamundaJobKey": str(JOB_KEY)}, "Reference": "INV-2"},
    ]
    assert references(emulator, PLAIN) == ["INV-1", "INV-1", "INV-2"]  # the queue allows it; this job added one
    # A Bulk Add's answer names no ids (Orchestrator's BulkOperationResponseDto); only adopted items carry one.
    assert envelope.body["Items"] == [
        {"Ordinal": 0, "Reference": "INV-1", "Status": "Added"},
        {"Ordinal": 1, "Reference": "INV-2", "Status": "Added"},
    ]
    assert RECOVERED_HEADER not in envelope.headers


def test_a_partial_commit_with_stop_on_first_failure_then_a_retry_adopts_only_this_job_s_items(
    orchestrator: Orchestrator,
) -> None:
    emulator = orchestrator.emulator
    attempt(UNIQUE, "AllOrNothing", [{"reference": "INV-2"}], job_key=JOB_KEY + 7)  # another job holds INV-2
    emulator.clock.advance(3600)
    emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    orchestrator.fail_lookups_after_the_lost_answer()
    # INV-1 commits, INV-2 fails (taken), INV-3 is not processed; then the answer is lost and look-ups fail.
    with pytest.raises(QueueItemMayExistError):
        attempt(UNIQUE, "StopOnFirstFailure", ITEMS)
    assert references(emulator, UNIQUE) == ["INV-2", "INV-1"]

    emulator.clear_faults()
    envelope = attempt(UNIQUE, "StopOnFirstFailure", ITEMS, retries=2)
    resent = bulk_calls(emulator)[-1].json()
    assert [item["Reference"] for item in resent["queueItems"]] == ["INV-2", "INV-3"]  # INV-1 adopted, not re-sent
    assert statuses(envelope) == ["Added", "Failed", "NotProcessed"]
    assert envelope.body["Items"][0]["Id"] == emulator.items(UNIQUE)[1].id
    assert envelope.body["FailedItems"][0]["Ordinal"] == 1
    assert envelope.body["FailedItems"][0]["ErrorCode"] == "DuplicateReference"
    assert references(emulator, UNIQUE) == ["INV-2", "INV-1"]  # 0 duplicates


def test_items_without_a_reference_whose_fate_is_unknown_are_an_incident_naming_them(
    orchestrator: Orchestrator,
) -> None:
    emulator = orchestrator.emulator
    emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    items = [{"reference": "INV-1"}, {"specificContent": {"A": 1}}, {"specificContent": {"A": 2}}]
    with pytest.raises(QueueItemMayExistError) as caught:
        attempt(PLAIN, "ProcessAllIndependently", items)
    assert caught.value.retries == 0  # an incident: no automatic retry may send them again
    assert str(caught.value) == (
        "Bulk Add Queue Items to queue 'DemoQueue' was sent but the connection was lost, so items may have been "
        "created. It was not sent again, because items [1, 2] have no reference and cannot be looked up, and the "
        "job is not retried automatically: 3 items (queueItems ordinals [0, 1, 2]) may exist; check the queue, "
        "then resolve the incident; or give every item a reference"
    )
    assert len(bulk_calls(emulator)) == 1
    assert len(emulator.items(PLAIN)) == 3


@pytest.mark.parametrize("fault", [ServerError(503, after_commit=True), ServerError(502, after_commit=True)])
def test_a_5xx_after_commit_without_references_is_an_incident_too(orchestrator: Orchestrator, fault: Any) -> None:
    emulator = orchestrator.emulator
    emulator.inject(fault, endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
    with pytest.raises(QueueItemMayExistError) as caught:
        attempt(PLAIN, "AllOrNothing", [{"specificContent": {"A": 1}}])
    assert caught.value.retries == 0
    assert f"was sent but it was answered {fault.status}" in str(caught.value)
    assert len(bulk_calls(emulator)) == 1


def test_a_failed_look_up_before_sending_sends_nothing_and_may_be_retried(orchestrator: Orchestrator) -> None:
    emulator = orchestrator.emulator
    emulator.inject(ServerError(500), endpoint=Endpoint.LIST_QUEUE_ITEMS, count=None)
    with pytest.raises(ConnectorError) as caught:
        attempt(PLAIN, "AllOrNothing", ITEMS)
    assert caught.value.error_code == "REFERENCE_LOOKUP_FAILED"
    assert str(caught.value).startswith(
        "Bulk Add Queue Items was not sent: looking up whether an earlier attempt of this job already added items "
        "failed: Orchestrator answered 500 Internal Server Error to GET /odata/QueueItems (look-up by reference)"
    )
    assert bulk_calls(emulator) == []


def test_the_look_up_reads_further_pages_to_find_this_job_s_item_behind_newer_ones(orchestrator: Orchestrator) -> None:
    emulator = orchestrator.emulator
    attempt(PLAIN, "AllOrNothing", [{"reference": "R"}])
    mine = emulator.items(PLAIN)[0].id
    client = OrchestratorClient(
        Configuration(cloud_org=DEMO.org, cloud_tenant=DEMO.tenant, organization_unit_id=DEMO.folder_id),
        OAuthClientCredentialsAuthentication(client_id=DEMO.client_id, client_secret=DEMO.client_secret),
        token_cache=TokenCache(),
    )
    for _ in range(130):  # newer items of other processes reuse the reference: this job's item is on page 2
        client.run(AddQueueItemInput(queue_name=PLAIN, reference="R"))
    envelope = attempt(PLAIN, "AllOrNothing", [{"reference": "R"}])
    assert envelope.body["Items"] == [{"Ordinal": 0, "Reference": "R", "Status": "Added", "Id": mine}]
    assert len(bulk_calls(emulator)) == 1
    lookups = [r for r in emulator.requests if r.endpoint is Endpoint.LIST_QUEUE_ITEMS]
    assert len(lookups) == 3  # first attempt's look-up, then two pages


def test_on_loopback_a_dropped_answer_then_an_engine_retry_adds_no_duplicate() -> None:
    emulator = OrchestratorEmulator.demo()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        if not waits:
            emulator.inject(ServerError(500), endpoint=Endpoint.LIST_QUEUE_ITEMS, count=None)
        waits.append(seconds)

    with emulator.server() as server:
        variables = {
            "operationType": "bulkAddQueueItems",
            "authentication": {"type": "bearer", "token": DEMO.personal_access_token},
            "cloudUrl": server.base_url,
            "organizationUnitId": str(DEMO.folder_id),
            "queueName": PLAIN,
            "commitType": "ProcessAllIndependently",
            "queueItems": ITEMS,
        }
        policy = RetryPolicy(attempts=2, jitter_seconds=0.0)
        connector = UiPathConnector(allow_insecure_http=True, retry_policy=policy, clock=Clock(sleep=sleep))

        def run() -> HttpResponse:
            context = OutboundConnectorContext(variables)
            context.job = attrs.evolve(context.job, key=JOB_KEY, retries=3)
            return connector.execute(context)

        emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.BULK_ADD_QUEUE_ITEMS)
        with pytest.raises(QueueItemMayExistError) as caught:
            run()
        assert caught.value.retries is None
        emulator.clear_faults()
        envelope = run()
    ids = [item.id for item in emulator.items(PLAIN)]
    assert references(emulator, PLAIN) == ["INV-1", "INV-2", "INV-3"]
    assert [entry["Id"] for entry in envelope.body["Items"]] == ids
    assert statuses(envelope) == ["Added", "Added", "Added"]
    assert len(bulk_calls(emulator)) == 1


def test_look_ups_group_references_below_orchestrators_filter_expression_limit(orchestrator: Orchestrator) -> None:
    emulator = orchestrator.emulator
    items = [{"reference": f"INV-{number}"} for number in range(45)]
    envelope = attempt(PLAIN, "ProcessAllIndependently", items)
    assert statuses(envelope) == ["Added"] * 45
    lookups = [r for r in emulator.requests if r.endpoint is Endpoint.LIST_QUEUE_ITEMS]
    filters = [parse_qs(urlsplit(request.url).query)["$filter"][0] for request in lookups]
    assert len(filters) == 3  # 20 + 20 + 5 references, one page each
    assert [text.count(" eq ") for text in filters] == [21, 21, 6]  # the queue clause and the references: < 100
    assert filters[2] == (
        "QueueDefinitionName eq 'DemoQueue' and (Reference eq 'INV-40' or Reference eq 'INV-41' or "
        "Reference eq 'INV-42' or Reference eq 'INV-43' or Reference eq 'INV-44')"
    )
