"""The connector against the emulator (the real thing, no `responses` stubs): both run modes, both auth types,
every folder header, and duplicate-safe retries with the emulator's faults. Nothing sleeps: the connector's sleep
and clocks are fakes, the emulator runs on a ManualClock."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from conftest import FakeTime

from uipath_connector.runtime import Complete, Fail, ThrowError, run_job
from uipath_connector.sdk import ConnectorError, HttpResponse, MapSecretProvider, OutboundConnectorContext
from uipath_connector.testing import (
    DEMO,
    DropConnection,
    Endpoint,
    HtmlErrorPage,
    MalformedJson,
    ManualClock,
    OrchestratorEmulator,
    QueueItemStatus,
    ServerError,
    TooManyRequests,
)
from uipath_connector.uipath import (
    RECOVERED_HEADER,
    DuplicateReferenceError,
    OrchestratorAuthenticationError,
    OrchestratorNotFoundError,
    OrchestratorServerError,
    QueueItemMayExistError,
    RetryPolicy,
    TokenCache,
    UiPathConnector,
)

CLOUD = "https://cloud.uipath.com"
TRACE_ID = r"00-[0-9a-f]{32}-[0-9a-f]{16}-00"
OAUTH = {"type": "oauth-client-credentials-flow", "clientId": DEMO.client_id, "clientSecret": DEMO.client_secret}
BEARER = {"type": "bearer", "token": DEMO.personal_access_token}


class Target:
    """The demo emulator reached in-process (``emulator.mock()``) or over loopback (``emulator.server()``)."""

    def __init__(self, emulator: OrchestratorEmulator, clock: ManualClock, mode: str, location: dict[str, str]):
        self.emulator = emulator
        self.clock = clock
        self.mode = mode
        self.location = location
        self.time = FakeTime()
        self.token_cache = TokenCache(clock=self.time.clock)
        self.connector = UiPathConnector(
            retry_policy=RetryPolicy(jitter_seconds=0.0),
            allow_insecure_http=mode == "loopback",
            token_cache=self.token_cache,
            clock=self.time.as_clock(wall=clock.now),
        )

    def variables(self, operation: str, authentication: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
        variables: dict[str, Any] = {"operationType": operation, "authentication": authentication or OAUTH}
        variables.update(self.location)
        if not {"folderPath", "folderKey", "organizationUnitId"} & extra.keys():
            variables["organizationUnitId"] = str(DEMO.folder_id)
        variables.update(extra)
        return variables

    def add(self, authentication: dict[str, str] | None = None, **extra: Any) -> HttpResponse:
        extra.setdefault("queueName", DEMO.queue_name)
        context = OutboundConnectorContext(self.variables("addQueueItem", authentication, **extra))
        return self.connector.execute(context)

    def get(self, item_id: object, authentication: dict[str, str] | None = None, **extra: Any) -> HttpResponse:
        context = OutboundConnectorContext(self.variables("getItemById", authentication, itemId=item_id, **extra))
        return self.connector.execute(context)

    def requests_to(self, endpoint: Endpoint) -> list[Any]:
        return [request for request in self.emulator.requests if request.endpoint == endpoint]


@pytest.fixture(params=["in-process", "loopback"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    clock = ManualClock(datetime(2024, 5, 2, 10, 11, 12, tzinfo=timezone.utc))
    emulator = OrchestratorEmulator.demo(clock=clock)
    if request.param == "in-process":
        with emulator.mock(base_host=CLOUD):
            # The host-name form of cloudUrl: https://cloud.uipath.com/{org}/{tenant}/orchestrator_.
            yield Target(emulator, clock, "in-process", {"cloudOrg": DEMO.org, "cloudTenant": DEMO.tenant})
    else:
        with emulator.server() as server:
            # The URL form (Automation Suite / on-premises): the Orchestrator base URL itself.
            yield Target(emulator, clock, "loopback", {"cloudUrl": server.base_url})


# -- both operations, both auth types, every folder header -------------------------------------------------------


@pytest.mark.parametrize("authentication", [OAUTH, BEARER], ids=["oauth", "bearer"])
def test_add_then_get_through_the_robots_lifecycle(target: Target, authentication: dict[str, str]) -> None:
    created = target.add(
        authentication,
        priority="High",
        reference="INV-1",
        deferDate="2024-05-01",
        dueDate="2024-05-09T17:00:00+02:00",
        specificContent={"InvoiceId": "INV-1", "Amount": 12.5, "Paid": False, "Note": None},
    )
    assert (created.status, created.reason) == (201, "Created")
    body = created.body
    assert (body["Id"], body["Status"], body["Priority"], body["Reference"]) == (1, "New", "High", "INV-1")
    assert (body["DeferDate"], body["DueDate"]) == ("2024-05-01T00:00:00Z", "2024-05-09T15:00:00Z")
    assert body["SpecificContent"] == {"InvoiceId": "INV-1", "Amount": 12.5, "Paid": False, "Note": None}
    assert (
        created.header("Location")
        == target.emulator.base_url(
            CLOUD if target.mode == "in-process" else target.location["cloudUrl"].rsplit("/demo-org", 1)[0]
        )
        + "/odata/QueueItems(1)"
    )

    new = target.get(1, authentication)
    assert new.status == 200
    assert new.body["@odata.count"] == 1
    assert [item["Status"] for item in new.body["value"]] == ["New"]

    target.emulator.complete(1, output={"Paid": True})
    done = target.get("1", authentication).body["value"][0]
    assert (done["Status"], done["Output"]) == ("Successful", {"Paid": True})
    assert target.get(99, authentication).body["value"] == []

    token_requests = target.requests_to(Endpoint.TOKEN)
    assert len(token_requests) == (1 if authentication is OAUTH else 0)  # one token for the four calls


@pytest.mark.parametrize(
    ("folder", "header", "value"),
    [
        ({"organizationUnitId": 1964413}, "X-UIPATH-OrganizationUnitId", "1964413"),
        ({"folderPath": "Shared"}, "X-UIPATH-FolderPath", "Shared"),
        ({"folderPath": "/Shared"}, "X-UIPATH-FolderPath-Encoded", base64.b64encode("/Shared".encode("utf-16-le"))),
        ({"folderKey": DEMO.folder_key}, "X-UIPATH-FolderKey", DEMO.folder_key),
    ],
    ids=["id", "path", "encoded-path", "key"],
)
def test_every_folder_header_reaches_the_folder(
    target: Target, folder: dict[str, Any], header: str, value: Any
) -> None:
    expected = value.decode("ascii") if isinstance(value, bytes) else value

    created = target.add(**folder)
    found = target.get(created.body["Id"], **folder)

    assert created.body["OrganizationUnitId"] == DEMO.folder_id
    assert found.body["value"][0]["OrganizationUnitFullyQualifiedName"] == DEMO.folder_path
    for request in target.requests_to(Endpoint.ADD_QUEUE_ITEM) + target.requests_to(Endpoint.LIST_QUEUE_ITEMS):
        folder_headers = {k: v for k, v in request.headers.items() if k.upper().startswith("X-UIPATH-")}
        assert folder_headers == {header: expected}


def test_non_ascii_folder_path_goes_encoded(target: Target) -> None:
    target.emulator.add_folder("Finanças/Contas", folder_id=515128)
    target.emulator.add_queue("Faturas", folder="Finanças/Contas")

    created = target.add(queueName="Faturas", folderPath="Finanças/Contas")

    assert created.body["OrganizationUnitId"] == 515128
    [request] = target.requests_to(Endpoint.ADD_QUEUE_ITEM)
    assert request.headers["X-UIPATH-FolderPath-Encoded"] == "RgBpAG4AYQBuAOcAYQBzAC8AQwBvAG4AdABhAHMA"


# -- duplicate-safe retries ----------------------------------------------------------------------------------


def test_commit_then_drop_with_reference_finds_the_committed_item(target: Target) -> None:
    target.emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.ADD_QUEUE_ITEM)

    recovered = target.add(queueName=DEMO.unique_queue_name, reference="INV-7", specificContent={"A": 1})

    items = target.emulator.items()
    assert [(item.id, item.reference) for item in items] == [(1, "INV-7")]
    assert recovered.status == 201
    assert recovered.header(RECOVERED_HEADER) == "reference-lookup"
    assert recovered.body["Id"] == 1
    assert recovered.body["@odata.context"].endswith("/odata/$metadata#QueueItems/$entity")
    assert len(target.requests_to(Endpoint.ADD_QUEUE_ITEM)) == 1  # never re-sent
    [lookup] = target.requests_to(Endpoint.LIST_QUEUE_ITEMS)
    assert "Reference eq 'INV-7' and QueueDefinitionName eq 'InvoiceQueue'" in _unquoted(lookup.url)
    assert lookup.status == 200


def test_commit_then_drop_without_reference_may_exist_and_is_not_resent(target: Target) -> None:
    target.emulator.inject(DropConnection(after_commit=True), endpoint=Endpoint.ADD_QUEUE_ITEM)

    with pytest.raises(QueueItemMayExistError) as raised:
        target.add(specificContent={"A": 1})

    assert raised.value.error_code == "408"
    assert str(raised.value).startswith(
        "Add Queue Item to queue 'DemoQueue' was sent but the connection was lost before an answer came back, so "
        "the item may have been created. It is not sent again"
    )
    assert raised.value.retries == 0  # an incident: no automatic retry may add it twice
    assert len(target.emulator.items()) == 1
    assert len(target.requests_to(Endpoint.ADD_QUEUE_ITEM)) == 1


def test_drop_before_commit_with_reference_looks_up_then_resends_once(target: Target) -> None:
    target.emulator.inject(DropConnection(after_commit=False), endpoint=Endpoint.ADD_QUEUE_ITEM)

    created = target.add(queueName=DEMO.unique_queue_name, reference="INV-8")

    assert created.status == 201
    assert created.header(RECOVERED_HEADER) is None
    assert [item.reference for item in target.emulator.items()] == ["INV-8"]
    assert [r.endpoint for r in target.emulator.requests if r.endpoint != Endpoint.TOKEN] == [
        Endpoint.ADD_QUEUE_ITEM,
        Endpoint.LIST_QUEUE_ITEMS,
        Endpoint.ADD_QUEUE_ITEM,
    ]


def test_429_storm_with_retry_after_is_waited_out(target: Target) -> None:
    storm = target.emulator.inject(TooManyRequests(retry_after=5), endpoint=Endpoint.ADD_QUEUE_ITEM, count=3)

    created = target.add(reference="R-429")

    assert created.status == 201
    assert storm.fired == 3
    assert target.time.sleeps == [5.0, 5.0, 5.0]
    assert len(target.emulator.items()) == 1


def test_429_longer_than_the_cap_is_handed_to_the_job(target: Target) -> None:
    target.emulator.inject(TooManyRequests(retry_after=120), endpoint=Endpoint.LIST_QUEUE_ITEMS)

    with pytest.raises(ConnectorError) as raised:
        target.get(1)

    assert raised.value.error_code == "429"
    assert target.time.sleeps == []
    assert str(raised.value.backoff) == "0:02:00"  # type: ignore[attr-defined]


def test_503_burst_is_looked_up_and_re_sent_with_backoff(target: Target) -> None:
    target.emulator.inject(ServerError(503), endpoint=Endpoint.ADD_QUEUE_ITEM, count=2)

    assert target.add(reference="R-503").status == 201

    assert target.time.sleeps == [0.5, 1.0]
    assert len(target.emulator.items()) == 1
    assert [r.status for r in target.requests_to(Endpoint.ADD_QUEUE_ITEM)] == [503, 503, 201]
    assert len(target.requests_to(Endpoint.LIST_QUEUE_ITEMS)) == 2  # a look-up before each re-send


def test_503_without_reference_is_not_re_sent(target: Target) -> None:
    target.emulator.inject(ServerError(503), endpoint=Endpoint.ADD_QUEUE_ITEM, count=2)

    with pytest.raises(QueueItemMayExistError) as raised:
        target.add()

    assert (raised.value.error_code, raised.value.retries) == ("503", 0)
    assert len(target.requests_to(Endpoint.ADD_QUEUE_ITEM)) == 1


def test_503_beyond_the_attempts_is_a_server_error(target: Target) -> None:
    target.emulator.inject(ServerError(503), endpoint=Endpoint.LIST_QUEUE_ITEMS, count=None)

    with pytest.raises(OrchestratorServerError) as raised:
        target.get(1)

    assert raised.value.error_code == "503"
    assert len(target.requests_to(Endpoint.LIST_QUEUE_ITEMS)) == 4
    assert target.time.sleeps == [0.5, 1.0, 2.0]


# -- tokens ----------------------------------------------------------------------------------------------------


def test_token_rejected_as_expired_is_fetched_again_once(target: Target) -> None:
    target.add()
    # The emulator's clock passes the token's expiry (3600 s) while the connector still thinks it fresh (its cache
    # refreshes 60 s early, at 3540 s): Orchestrator answers 401 and the connector refetches once.
    target.clock.advance(3601)
    target.time.now += 3000

    assert target.add().status == 201

    assert len(target.requests_to(Endpoint.TOKEN)) == 2
    assert [r.status for r in target.requests_to(Endpoint.ADD_QUEUE_ITEM)] == [201, 401, 201]


def test_token_near_expiry_is_refreshed_before_orchestrator_refuses_it(target: Target) -> None:
    target.add()
    target.clock.advance(3545)
    target.time.now += 3545

    assert target.add().status == 201

    assert len(target.requests_to(Endpoint.TOKEN)) == 2
    assert [r.status for r in target.requests_to(Endpoint.ADD_QUEUE_ITEM)] == [201, 201]


def test_bearer_token_refused_is_not_retried(target: Target) -> None:
    target.emulator.revoke_tokens()

    with pytest.raises(OrchestratorAuthenticationError) as raised:
        target.get(1, BEARER)

    assert raised.value.error_code == "401"
    assert str(raised.value).startswith(
        "Orchestrator answered 401 Unauthorized to GET /odata/QueueItems: You are not authenticated!"
    )
    assert len(target.requests_to(Endpoint.LIST_QUEUE_ITEMS)) == 1


# -- Orchestrator's errors, exactly --------------------------------------------------------------------------------


def test_unknown_queue_is_404_1002_with_the_exact_message(target: Target) -> None:
    with pytest.raises(OrchestratorNotFoundError) as raised:
        target.add(queueName="Invoices2")

    error = raised.value
    assert (error.error_code, error.uipath_error_code) == ("404", 1002)
    assert re.fullmatch(TRACE_ID, error.trace_id or "")
    assert str(error) == (
        "Orchestrator answered 404 Not Found to POST /odata/Queues/UiPathODataSvc.AddQueueItem: Invoices2 does not "
        f"exist. (errorCode 1002, traceId {error.trace_id})"
    )
    assert error.variables["response"]["body"]["message"] == "Invoices2 does not exist."


def _duplicate_message(error: DuplicateReferenceError) -> str:
    return (
        "Orchestrator answered 409 Conflict to POST /odata/Queues/UiPathODataSvc.AddQueueItem: Error creating "
        f"Transaction. Duplicate Reference. (errorCode 1016, traceId {error.trace_id})"
    )


def test_duplicate_reference_on_the_first_attempt_names_the_item_holding_it(target: Target) -> None:
    # As a retried job meets the item its earlier attempt added after all.
    target.add(queueName=DEMO.unique_queue_name, reference="INV-1", specificContent={"Iban": "DE89..."})
    target.emulator.start(1)

    with pytest.raises(DuplicateReferenceError) as raised:
        target.add(queueName=DEMO.unique_queue_name, reference="INV-1")

    error = raised.value
    holder = target.emulator.item(1)
    assert (error.error_code, error.uipath_error_code) == ("409", 1016)
    assert error.uipath_message == "Error creating Transaction. Duplicate Reference."
    assert re.fullmatch(TRACE_ID, error.trace_id or "")
    assert str(error) == f"{_duplicate_message(error)}; queue item 1 (InProgress) already has this reference"
    assert error.variables["existingItem"] == {
        "Id": 1,
        "Key": holder.key,
        "Status": "InProgress",
        "Reference": "INV-1",
        "CreationTime": "2024-05-02T10:11:12Z",
        "QueueDefinitionId": target.emulator.queue(DEMO.unique_queue_name).id,
    }
    assert error.variables["response"]["body"]["errorCode"] == 1016
    assert len(target.emulator.items()) == 1
    [lookup] = target.requests_to(Endpoint.LIST_QUEUE_ITEMS)
    assert "Reference eq 'INV-1' and QueueDefinitionName eq 'InvoiceQueue'" in _unquoted(lookup.url)


def test_duplicate_reference_when_the_look_up_fails_is_the_plain_duplicate(target: Target) -> None:
    target.add(queueName=DEMO.unique_queue_name, reference="INV-2")
    target.emulator.inject(ServerError(500), endpoint=Endpoint.LIST_QUEUE_ITEMS)

    with pytest.raises(DuplicateReferenceError) as raised:
        target.add(queueName=DEMO.unique_queue_name, reference="INV-2")

    assert str(raised.value) == _duplicate_message(raised.value)
    assert set(raised.value.variables) == {"response"}
    assert [r.status for r in target.requests_to(Endpoint.LIST_QUEUE_ITEMS)] == [500]


def test_duplicate_reference_of_a_purged_item_is_the_plain_duplicate(target: Target) -> None:
    # Purged items keep their reference but are listed no more (UiPath: API Response Codes): the look-up finds nothing.
    target.add(queueName=DEMO.unique_queue_name, reference="INV-3")
    target.emulator.start(1)
    target.emulator.complete(1)
    target.emulator.purge(1)

    with pytest.raises(DuplicateReferenceError) as raised:
        target.add(queueName=DEMO.unique_queue_name, reference="INV-3")

    assert str(raised.value) == _duplicate_message(raised.value)
    assert set(raised.value.variables) == {"response"}
    assert [r.status for r in target.requests_to(Endpoint.LIST_QUEUE_ITEMS)] == [200]


def test_html_error_page_on_add_is_a_described_error_and_not_resent(target: Target) -> None:
    target.emulator.inject(HtmlErrorPage(502), endpoint=Endpoint.ADD_QUEUE_ITEM)

    with pytest.raises(QueueItemMayExistError) as raised:
        target.add()

    message = str(raised.value)
    assert raised.value.error_code == "502"
    assert message.startswith(
        "Add Queue Item to queue 'DemoQueue' was sent but Orchestrator answered 502 Bad Gateway: Orchestrator "
        "answered 502 Bad Gateway to POST /odata/Queues/UiPathODataSvc.AddQueueItem"
    )
    assert "<html" not in message.lower()
    assert "HTML" in message
    assert len(target.requests_to(Endpoint.ADD_QUEUE_ITEM)) == 1
    assert target.emulator.items() == []


def test_html_error_page_on_get_is_retried(target: Target) -> None:
    target.emulator.inject(HtmlErrorPage(502), endpoint=Endpoint.LIST_QUEUE_ITEMS)

    assert target.get(1).status == 200
    assert target.time.sleeps == [0.5]


def test_malformed_json_on_add_without_reference_may_exist(target: Target) -> None:
    target.emulator.inject(MalformedJson(201), endpoint=Endpoint.ADD_QUEUE_ITEM)

    with pytest.raises(QueueItemMayExistError) as raised:
        target.add()

    assert str(raised.value).startswith(
        "Add Queue Item to queue 'DemoQueue' was sent but its answer (201 Created) was not valid JSON, so the item "
        "may have been created. It is not sent again"
    )
    assert len(target.requests_to(Endpoint.ADD_QUEUE_ITEM)) == 1


def test_malformed_json_on_add_with_reference_is_settled_by_reference(target: Target) -> None:
    # The emulator's malformed 201 created nothing: the look-up finds nothing, so the item is sent once more.
    target.emulator.inject(MalformedJson(201), endpoint=Endpoint.ADD_QUEUE_ITEM)

    created = target.add(queueName=DEMO.unique_queue_name, reference="INV-M")

    assert (created.status, created.body["Id"], created.body["Reference"]) == (201, 1, "INV-M")
    assert [item.reference for item in target.emulator.items()] == ["INV-M"]
    assert [r.endpoint for r in target.emulator.requests if r.endpoint != Endpoint.TOKEN] == [
        Endpoint.ADD_QUEUE_ITEM,
        Endpoint.LIST_QUEUE_ITEMS,
        Endpoint.ADD_QUEUE_ITEM,
    ]


def test_malformed_json_on_get_is_an_error(target: Target) -> None:
    target.emulator.inject(MalformedJson(200), endpoint=Endpoint.LIST_QUEUE_ITEMS)

    with pytest.raises(ConnectorError) as raised:
        target.get(1)

    assert raised.value.error_code == "MALFORMED_RESPONSE"
    assert str(raised.value).startswith("Orchestrator answered 200 OK to GET /odata/QueueItems with a body that is")


def test_items_settled_by_the_robot_read_back_as_the_robot_left_them(target: Target) -> None:
    target.add(reference="A")
    target.add(reference="B", queueName=DEMO.unique_queue_name)
    target.emulator.process_new(lambda item: {"Ref": item.reference} if item.reference == "A" else None)

    statuses = {target.get(i).body["value"][0]["Reference"]: target.get(i).body["value"][0] for i in (1, 2)}

    assert statuses["A"]["Output"] == {"Ref": "A"}
    assert {item["Status"] for item in statuses.values()} == {QueueItemStatus.SUCCESSFUL.value}


def _unquoted(url: str) -> str:
    from urllib.parse import unquote

    return unquote(url)


# -- end to end through the runtime ----------------------------------------------------------------------------------

SECRETS = MapSecretProvider({"UIPATH_CLIENT_ID": DEMO.client_id, "UIPATH_CLIENT_SECRET": DEMO.client_secret})
SECRET_OAUTH = {
    "type": "oauth-client-credentials-flow",
    "clientId": "{{secrets.UIPATH_CLIENT_ID}}",
    "clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
}


def test_run_job_with_the_seeds_result_expressions(target: Target) -> None:
    add = target.variables("addQueueItem", SECRET_OAUTH, queueName=DEMO.queue_name, specificContent={"A": 1})
    added = run_job(
        target.connector,
        variables=add,
        custom_headers={"resultExpression": "={itemId: response.body.Id}"},
        retries=3,
        secret_provider=SECRETS,
    )
    assert added == Complete({"itemId": 1})

    # The next task reads the variable the result expression wrote, as the process would.
    get = target.variables("getItemById", SECRET_OAUTH, itemId=added.variables["itemId"])
    headers = {"resultExpression": "={itemStatus: response.body.value[1].Status}"}
    assert run_job(target.connector, variables=get, custom_headers=headers, retries=3, secret_provider=SECRETS) == (
        Complete({"itemStatus": "New"})
    )
    target.emulator.complete(1, output={"Paid": True})
    assert run_job(target.connector, variables=get, custom_headers=headers, retries=3, secret_provider=SECRETS) == (
        Complete({"itemStatus": "Successful"})
    )


def test_run_job_error_expression_turns_an_unknown_queue_into_a_bpmn_error(target: Target) -> None:
    outcome = run_job(
        target.connector,
        variables=target.variables("addQueueItem", SECRET_OAUTH, queueName="Nope"),
        custom_headers={
            "resultExpression": "={itemId: response.body.Id}",
            "errorExpression": '=if error.code = "404" then bpmnError("QUEUE_NOT_FOUND", error.message) else null',
        },
        retries=3,
        secret_provider=SECRETS,
    )

    assert isinstance(outcome, ThrowError)
    assert outcome.error_code == "QUEUE_NOT_FOUND"
    assert re.fullmatch(
        r"Orchestrator answered 404 Not Found to POST /odata/Queues/UiPathODataSvc\.AddQueueItem: Nope does not "
        rf"exist\. \(errorCode 1002, traceId {TRACE_ID}\)",
        outcome.message,
    )
    assert outcome.variables == {}
    assert target.emulator.items() == []


def test_run_job_without_error_expression_fails_with_retries_left(target: Target) -> None:
    outcome = run_job(
        target.connector,
        variables=target.variables("addQueueItem", SECRET_OAUTH, queueName="Nope"),
        custom_headers={"retryBackoff": "PT30S"},
        retries=3,
        secret_provider=SECRETS,
    )

    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff_ms) == (2, 30_000)
    assert outcome.variables["error"]["code"] == "404"  # type: ignore[index]
    assert DEMO.client_secret not in outcome.message


def test_run_job_error_expression_makes_a_retried_add_idempotent(target: Target) -> None:
    # The job's earlier attempt added the item, but its answer was lost: the retried job meets 409/1016.
    add = target.variables("addQueueItem", SECRET_OAUTH, queueName=DEMO.unique_queue_name, reference="INV-9")
    headers = {
        "resultExpression": "={itemId: response.body.Id}",
        "errorExpression": (
            '=if error.code = "409" then ignoreError({itemId: error.variables.existingItem.Id}) else null'
        ),
    }
    first = run_job(target.connector, variables=add, custom_headers=headers, retries=3, secret_provider=SECRETS)
    retried = run_job(target.connector, variables=add, custom_headers=headers, retries=2, secret_provider=SECRETS)

    assert first == Complete({"itemId": 1})
    assert retried == Complete({"itemId": 1})
    assert [item.id for item in target.emulator.items()] == [1]
