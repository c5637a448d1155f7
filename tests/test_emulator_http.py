"""Every emulator endpoint and error case, in-process (responses) and over loopback (real HTTP)."""

from __future__ import annotations

import base64
import re

import pytest
import requests
from conftest import TIMEOUT, Orchestrator

from uipath_connector.testing import DEMO, Endpoint, QueueItemConflictError, QueueItemStatus

TRACE_ID = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-00$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ADD = "/odata/Queues/UiPathODataSvc.AddQueueItem"
BULK = "/odata/Queues/UiPathODataSvc.BulkAddQueueItems"


def error_body(response: requests.Response) -> dict[str, object]:
    body: dict[str, object] = response.json()
    assert TRACE_ID.match(str(body.pop("traceId")))
    return body


def token_form(**overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": DEMO.client_id,
        "client_secret": DEMO.client_secret,
        "scope": "OR.Queues",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v != ""}


# -- identity -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/identity_/connect/token", f"/{DEMO.org}/identity_/connect/token"])
def test_token_with_credentials_in_body(orchestrator: Orchestrator, path: str) -> None:
    response = requests.post(orchestrator.host + path, data=token_form(), timeout=TIMEOUT)

    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "OR.Queues"
    added = orchestrator.add(headers=orchestrator.headers(body["access_token"]))
    assert added.status_code == 201


def test_token_with_basic_header_and_configured_lifetime(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.token_lifetime_seconds = 120
    response = requests.post(
        orchestrator.token_url,
        data={"grant_type": "client_credentials", "scope": "OR.Queues.Read OR.Queues.Write"},
        auth=(DEMO.client_id, DEMO.client_secret),
        timeout=TIMEOUT,
    )

    assert response.status_code == 200
    assert response.json()["expires_in"] == 120
    assert response.json()["scope"] == "OR.Queues.Read OR.Queues.Write"


def test_token_expires_with_the_clock(orchestrator: Orchestrator) -> None:
    token = requests.post(orchestrator.token_url, data=token_form(), timeout=TIMEOUT).json()["access_token"]
    orchestrator.clock.advance(3599)
    assert orchestrator.add(headers=orchestrator.headers(token)).status_code == 201

    orchestrator.clock.advance(1)
    expired = orchestrator.add(headers=orchestrator.headers(token))

    assert expired.status_code == 401
    assert expired.headers["WWW-Authenticate"] == "Bearer"
    assert error_body(expired) == {"message": "You are not authenticated!", "errorCode": 0}


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (token_form(client_secret="wrong"), "invalid_client"),
        (token_form(client_id="nobody"), "invalid_client"),
        (token_form(client_secret=""), "invalid_client"),
        (token_form(scope="OR.Queues offline_access"), "invalid_scope"),
        (token_form(grant_type="password"), "unsupported_grant_type"),
        (token_form(grant_type=""), "invalid_request"),
    ],
)
def test_token_errors(orchestrator: Orchestrator, form: dict[str, str], error: str) -> None:
    response = requests.post(orchestrator.token_url, data=form, timeout=TIMEOUT)

    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_token_scope_not_granted_to_client(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.add_client("reader", "r-secret", ["OR.Queues.Read"])

    response = requests.post(
        orchestrator.token_url,
        data=token_form(client_id="reader", client_secret="r-secret", scope="OR.Queues"),
        timeout=TIMEOUT,
    )

    assert (response.status_code, response.json()) == (400, {"error": "invalid_scope"})


def test_token_secret_never_recorded(orchestrator: Orchestrator) -> None:
    requests.post(orchestrator.token_url, data=token_form(), auth=("x", "y"), timeout=TIMEOUT)

    recorded = orchestrator.emulator.requests[-1]
    assert DEMO.client_secret not in recorded.body
    assert "client_secret=***" in recorded.body
    assert recorded.headers["Authorization"] == "Basic ***"


# -- authentication and authorisation -------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "Bearer unknown-token", "Basic abc", "Bearer "])
def test_missing_or_unknown_token_is_401(orchestrator: Orchestrator, authorization: str | None) -> None:
    headers = {"X-UIPATH-OrganizationUnitId": str(DEMO.folder_id)}
    if authorization is not None:
        headers["Authorization"] = authorization

    response = orchestrator.add(headers=headers)

    assert response.status_code == 401
    assert error_body(response) == {"message": "You are not authenticated!", "errorCode": 0}
    assert orchestrator.emulator.items() == []


def test_read_scope_cannot_add_and_write_scope_cannot_read(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.add_token("reader", ["OR.Queues.Read"])
    orchestrator.emulator.add_token("writer", ["OR.Queues.Write"])

    denied_add = orchestrator.add(headers=orchestrator.headers("reader"))
    denied_read = orchestrator.get("/odata/QueueItems", headers=orchestrator.headers("writer"))

    for response in (denied_add, denied_read):
        assert response.status_code == 403
        assert error_body(response) == {"message": "You are not authorized!", "errorCode": 0}
    assert orchestrator.get("/odata/QueueItems", headers=orchestrator.headers("reader")).status_code == 200


def test_static_token_expiry(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.add_token("short", expires_in=10)
    orchestrator.clock.advance(10)

    assert orchestrator.add(headers=orchestrator.headers("short")).status_code == 401


def test_unknown_org_or_tenant_is_an_html_404(orchestrator: Orchestrator) -> None:
    response = orchestrator.session.get(
        f"{orchestrator.host}/other-org/DefaultTenant/orchestrator_/odata/QueueItems", timeout=TIMEOUT
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


# -- AddQueueItem ---------------------------------------------------------------------------------------


def test_add_queue_item_201_body_and_headers(orchestrator: Orchestrator) -> None:
    response = orchestrator.add(
        DeferDate="2021-03-11T14:19:56.4407392Z",
        DueDate="2021-03-11T17:19:56.4407392+02:00",
        Priority="High",
        Reference="Petstore",
        SpecificContent={"Name@odata.type": "#String", "Name": "Testymonika2000", "Age": 43, "Status": False},
    )

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json; odata.metadata=minimal; odata.streaming=true"
    body = response.json()
    assert response.headers["Location"] == f"{orchestrator.base}/odata/QueueItems({body['Id']})"
    assert body["@odata.context"] == f"{orchestrator.base}/odata/$metadata#QueueItems/$entity"
    assert GUID.match(body["Key"])
    assert base64.b64decode(body["RowVersion"])
    assert {k: body[k] for k in body if k not in ("Key", "RowVersion", "@odata.context")} == {
        "QueueDefinitionId": DEMO.queue_id,
        "OutputData": None,
        "AnalyticsData": None,
        "Status": "New",
        "ReviewStatus": "None",
        "ReviewerUserId": None,
        "Reference": "Petstore",
        "ProcessingExceptionType": None,
        "DueDate": "2021-03-11T15:19:56.4407392Z",
        "RiskSlaDate": None,
        "Priority": "High",
        "DeferDate": "2021-03-11T14:19:56.4407392Z",
        "StartProcessing": None,
        "EndProcessing": None,
        "SecondsInPreviousAttempts": 0,
        "AncestorId": None,
        "RetryNumber": 0,
        "SpecificData": '{"DynamicProperties":{"Name@odata.type":"#String","Name":"Testymonika2000",'
        '"Age":43,"Status":false}}',
        "CreationTime": "2024-05-02T10:11:12.3456780Z",
        "Progress": None,
        "OrganizationUnitId": DEMO.folder_id,
        "OrganizationUnitFullyQualifiedName": None,
        "Id": 1,
        "ProcessingException": None,
        "SpecificContent": {
            "Name@odata.type": "#String",
            "Name": "Testymonika2000",
            "Age": 43,
            "Status": False,
        },
        "Output": None,
        "Analytics": None,
        "Encrypted": False,
        "Error": None,
        "UniqueKey": None,
        "AncestorUniqueKey": None,
        "ManualAncestorId": None,
        "ManualAncestorUniqueKey": None,
        "ManualRetryNumber": 0,
        "RobotId": None,
        "CreatorJobKey": None,
        "ExecutorJobKey": None,
        "ParentOperationId": None,
        "OperationId": None,
        "HasVideoRecorded": False,
    }
    later = orchestrator.get(f"/odata/QueueItems({body['Id']})").json()
    assert later["DeferDate"] == "2021-03-11T14:19:56.44Z"
    assert later["DueDate"] == "2021-03-11T15:19:56.44Z"
    assert later["CreationTime"] == "2024-05-02T10:11:12.345Z"


def test_add_defaults_and_date_only(orchestrator: Orchestrator) -> None:
    body = orchestrator.add("demoqueue", DeferDate="2023-01-12", DueDate=None).json()

    assert body["Priority"] == "Normal"
    assert body["DeferDate"] == "2023-01-12T00:00:00Z"
    assert body["DueDate"] is None
    assert body["SpecificContent"] is None
    assert body["SpecificData"] == '{"DynamicProperties":{}}'


def test_ids_increase_across_queues(orchestrator: Orchestrator) -> None:
    ids = [orchestrator.add(queue).json()["Id"] for queue in (DEMO.queue_name, DEMO.unique_queue_name) * 2]

    assert ids == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("item_data", "message"),
    [
        (
            {"SpecificContent": {"Address": {"City": "Lisbon"}}},
            "Property values must be simple (like numbers or text)",
        ),
        ({"SpecificContent": {"Lines": [1, 2]}}, "Property values must be simple (like numbers or text)"),
        (
            {"SpecificContent": {"a.b": 1}},
            "itemData.SpecificContent: the key 'a.b' must not be empty or contain : . , @ \"",
        ),
        ({"Reference": "x" * 129}, "itemData.Reference: the field must be at most 128 characters long."),
        ({"Priority": "Urgent"}, "itemData.Priority: 'Urgent' is not one of High, Normal, Low."),
        ({"DueDate": "tomorrow"}, "itemData.DueDate: 'tomorrow' is not a valid date-time."),
        ({"DueDate": "2023-02-30"}, "itemData.DueDate: '2023-02-30' is not a valid date-time."),
        ({"Colour": "red"}, "itemData: the property 'Colour' does not exist on type 'QueueItemDataDto'."),
    ],
)
def test_add_rejects_invalid_item_data(orchestrator: Orchestrator, item_data: dict[str, object], message: str) -> None:
    response = orchestrator.add(**item_data)

    assert response.status_code == 400
    assert error_body(response) == {"message": message, "errorCode": 0}
    assert orchestrator.emulator.items() == []


@pytest.mark.parametrize("body", [{}, {"itemData": {"Name": "DemoQueue"}, "extra": 1}, [1]])
def test_add_rejects_malformed_envelopes(orchestrator: Orchestrator, body: object) -> None:
    assert orchestrator.post(ADD, body).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        # Python's json module reads these; no other JSON parser does, and echoing them broke the 201 body.
        b'{"itemData":{"Name":"DemoQueue","SpecificContent":{"x":NaN}}}',
        b'{"itemData":{"Name":"DemoQueue","SpecificContent":{"x":-Infinity}}}',
        b'{"itemData":{"Name":"DemoQueue","SpecificContent":{"x":1e400}}}',
    ],
)
def test_add_rejects_non_json(orchestrator: Orchestrator, body: bytes) -> None:
    response = orchestrator.post(ADD, data=body, headers={**orchestrator.headers(), "Content-Type": "application/json"})

    assert response.status_code == 400
    assert error_body(response) == {"message": "The request body is not valid JSON.", "errorCode": 0}
    assert orchestrator.emulator.items() == []


def test_unknown_queue_is_404_1002(orchestrator: Orchestrator) -> None:
    response = orchestrator.add("NoSuchQueue")

    assert response.status_code == 404
    assert error_body(response) == {
        "message": "NoSuchQueue does not exist.",
        "errorCode": 1002,
        "resourceIds": None,
    }


def test_duplicate_reference_is_409_1016_only_where_enforced(orchestrator: Orchestrator) -> None:
    assert orchestrator.add(DEMO.unique_queue_name, Reference="INV-1").status_code == 201
    duplicate = orchestrator.add(DEMO.unique_queue_name, Reference="INV-1")

    assert duplicate.status_code == 409
    assert error_body(duplicate) == {
        "message": "Error creating Transaction. Duplicate Reference.",
        "errorCode": 1016,
    }
    assert orchestrator.add(DEMO.queue_name, Reference="INV-1").status_code == 201
    assert orchestrator.add(DEMO.queue_name, Reference="INV-1").status_code == 201


def test_deleted_item_releases_its_reference(orchestrator: Orchestrator) -> None:
    first = orchestrator.add(DEMO.unique_queue_name, Reference="INV-2").json()["Id"]
    orchestrator.emulator.delete(first)

    assert orchestrator.add(DEMO.unique_queue_name, Reference="INV-2").status_code == 201


def test_purged_item_is_gone_but_keeps_its_reference(orchestrator: Orchestrator) -> None:
    first = orchestrator.add(DEMO.unique_queue_name, Reference="INV-3").json()["Id"]
    with pytest.raises(QueueItemConflictError):
        orchestrator.emulator.purge(first)  # only final items are purged
    orchestrator.emulator.start(first)
    orchestrator.emulator.complete(first)
    orchestrator.emulator.purge(first)

    assert orchestrator.emulator.items() == []
    assert orchestrator.get("/odata/QueueItems", params={"$filter": "Reference eq 'INV-3'"}).json()["value"] == []
    duplicate = orchestrator.add(DEMO.unique_queue_name, Reference="INV-3")
    assert (duplicate.status_code, error_body(duplicate)["errorCode"]) == (409, 1016)


# -- folders --------------------------------------------------------------------------------------------


def _folder_headers(orchestrator: Orchestrator, **folder: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {DEMO.personal_access_token}", **folder}


def test_folder_headers_each_select_the_folder(orchestrator: Orchestrator) -> None:
    finance = orchestrator.emulator.add_folder(
        "Finanças/Contas", folder_id=515128, key="0d4e9c3a-5b8a-4c1e-9f7e-2b3c4d5e6f70"
    )
    orchestrator.emulator.add_queue("FinanceQueue", folder=finance)
    variants = [
        {"X-UIPATH-OrganizationUnitId": "515128"},
        {"X-UIPATH-FolderKey": finance.key.upper()},
        {"X-UIPATH-FolderPath-Encoded": "RgBpAG4AYQBuAOcAYQBzAC8AQwBvAG4AdABhAHMA"},
        {"X-UIPATH-FolderPath-Encoded": base64.b64encode("/Shared/../Finanças/./Contas".encode("utf-16-le")).decode()},
    ]
    for folder in variants:
        response = orchestrator.add("FinanceQueue", headers=_folder_headers(orchestrator, **folder))
        assert response.status_code == 201, folder
        assert response.json()["OrganizationUnitId"] == 515128


def test_plain_folder_path(orchestrator: Orchestrator) -> None:
    response = orchestrator.add(headers=_folder_headers(orchestrator, **{"X-UIPATH-FolderPath": "Shared"}))

    assert response.status_code == 201


def test_folder_precedence_is_path_then_key_then_id(orchestrator: Orchestrator) -> None:
    other = orchestrator.emulator.add_folder("Other", folder_id=42)
    orchestrator.emulator.add_queue(DEMO.queue_name, folder=other)

    by_path = orchestrator.add(
        headers=_folder_headers(orchestrator, **{"X-UIPATH-FolderPath": "Other", "X-UIPATH-FolderKey": DEMO.folder_key})
    )
    by_key = orchestrator.add(
        headers=_folder_headers(
            orchestrator,
            **{"X-UIPATH-FolderKey": other.key, "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id)},
        )
    )
    by_path_over_bad_id = orchestrator.add(
        headers=_folder_headers(orchestrator, **{"X-UIPATH-FolderPath": "Shared", "X-UIPATH-OrganizationUnitId": "999"})
    )

    assert by_path.json()["OrganizationUnitId"] == 42
    assert by_key.json()["OrganizationUnitId"] == 42
    assert by_path_over_bad_id.json()["OrganizationUnitId"] == DEMO.folder_id


@pytest.mark.parametrize(
    "folder",
    [
        {},
        {"X-UIPATH-OrganizationUnitId": "999"},
        {"X-UIPATH-OrganizationUnitId": "abc"},
        {"X-UIPATH-FolderPath": "Nowhere"},
        {"X-UIPATH-FolderPath-Encoded": "not base64!"},
        {"X-UIPATH-FolderPath-Encoded": base64.b64encode("/../Shared".encode("utf-16-le")).decode()},
        {"X-UIPATH-FolderKey": "00000000-0000-4000-8000-000000000000"},
        # UiPath: Building API Requests, folder headers: only the encoded header takes relative paths; the plain one
        # names the folder as it is.
        {"X-UIPATH-FolderPath": "/Shared"},
        {"X-UIPATH-FolderPath": "Shared/"},
        {"X-UIPATH-FolderPath": "Other/../Shared"},
    ],
)
def test_unknown_or_missing_folder_is_400_1100(orchestrator: Orchestrator, folder: dict[str, str]) -> None:
    response = orchestrator.add(headers=_folder_headers(orchestrator, **folder))

    assert response.status_code == 400
    assert error_body(response) == {
        "message": "Folder does not exist or the user does not have access to the folder.",
        "errorCode": 1100,
    }


def test_client_not_assigned_to_folder_gets_1100(orchestrator: Orchestrator) -> None:
    other = orchestrator.emulator.add_folder("Other", folder_id=42)
    orchestrator.emulator.add_token("scoped", folders=[other])

    response = orchestrator.add(headers=orchestrator.headers("scoped"))

    assert response.status_code == 400
    assert error_body(response)["errorCode"] == 1100


# -- QueueItems -----------------------------------------------------------------------------------------


def _seed_items(orchestrator: Orchestrator) -> list[int]:
    ids = [
        orchestrator.add(DEMO.queue_name, Reference="A").json()["Id"],
        orchestrator.add(DEMO.queue_name, Reference="O'Brien").json()["Id"],
        orchestrator.add(DEMO.unique_queue_name, Reference="A").json()["Id"],
    ]
    orchestrator.emulator.complete(ids[1], output={"Total": 12.5})
    return ids


def _ids(response: requests.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["Id"] for item in response.json()["value"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("$filter=Id eq 2", [2]),
        ("$Filter=Id eq 2", [2]),
        ("$filter=Reference eq 'O''Brien'", [2]),
        ("$filter=Reference eq 'A'", [1, 3]),
        ("$filter=Status eq 'Successful'", [2]),
        ("$filter=Status eq '3'", [2]),
        ("$filter=Status eq '0'", [1, 3]),
        (f"$filter=QueueDefinitionId eq {DEMO.unique_queue_id}", [3]),
        ("$filter=QueueDefinitionName eq 'demoqueue'", [1, 2]),
        ("$filter=Reference eq 'A' and (Status eq 'New') and QueueDefinitionId eq 165001", [1]),
        ("$filter=Priority eq 'Normal'", [1, 2, 3]),
        ("$top=2", [1, 2]),
        ("$skip=1&$top=1", [2]),
        ("$orderby=Id desc", [3, 2, 1]),
        ("", [1, 2, 3]),
    ],
)
def test_list_filters(orchestrator: Orchestrator, query: str, expected: list[int]) -> None:
    _seed_items(orchestrator)

    assert _ids(orchestrator.get(f"/odata/QueueItems?{query}")) == expected


def test_list_by_key_and_camunda_spelling(orchestrator: Orchestrator) -> None:
    ids = _seed_items(orchestrator)
    key = orchestrator.emulator.item(ids[2]).key

    assert _ids(orchestrator.get(f"/odata/QueueItems?$filter=Key eq {key}")) == [3]
    response = orchestrator.get("/odata/QueueItems()", params={"$Filter": "Id eq 2"})
    assert _ids(response) == [2]
    body = response.json()
    assert body["@odata.context"] == f"{orchestrator.base}/odata/$metadata#QueueItems"
    assert "@odata.count" not in body
    assert body["value"][0]["Output"] == {"Total": 12.5}
    assert body["value"][0]["OutputData"] == '{"Total":12.5}'
    assert body["value"][0]["OrganizationUnitFullyQualifiedName"] == DEMO.folder_path


def test_list_count(orchestrator: Orchestrator) -> None:
    _seed_items(orchestrator)

    body = orchestrator.get("/odata/QueueItems?$count=true&$top=1").json()

    assert list(body) == ["@odata.context", "@odata.count", "value"]
    assert body["@odata.count"] == 3
    assert len(body["value"]) == 1


def test_list_without_folder_header_spans_the_tenant_and_header_narrows(orchestrator: Orchestrator) -> None:
    other = orchestrator.emulator.add_folder("Other", folder_id=42)
    orchestrator.emulator.add_queue("OtherQueue", folder=other)
    orchestrator.add()
    orchestrator.add("OtherQueue", headers=_folder_headers(orchestrator, **{"X-UIPATH-OrganizationUnitId": "42"}))

    assert _ids(orchestrator.get("/odata/QueueItems", headers=_folder_headers(orchestrator))) == [1, 2]
    assert _ids(orchestrator.get("/odata/QueueItems")) == [1]


@pytest.mark.parametrize(
    "query",
    [
        "$top=101",
        "$top=-1",
        "$skip=x",
        "$count=yes",
        "$select=Nope",
        "$select=Id,",
        "$expand=Queue",
        "$expand=Robot($select=Name)",
        "$orderby=Reference sideways",
        "$orderby=Nope",
        "$orderby=Id,Reference,Status,Priority,CreationTime,DueDate",
        "$search=x",
        "$apply=groupby((Status))",
        "$filter=Id gt null",
        "$filter=Key gt 'x'",
        "$filter=Encrypted gt true",
        "$filter=startswith(Id,'1')",
        "$filter=nosuchfunction(Reference)",
        "$filter=Reference eq 5L",
        "$filter=Id eq 5.5L",
        "$filter=CreationTime gt 'yesterday'",
        "$filter=Priority eq 'Urgent'",
        "$filter=not",
        "$filter=Id eq 1 or",
        "$filter=Id eq '1'",
        "$filter=Reference eq 1",
        "$filter=Reference eq 'unterminated",
        "$filter=Status eq 'Done'",
        "$filter=Robot eq 'x'",
        "$filter=(Id eq 1",
        "$filter=Id eq 1 Id",
        "$filter=",
        "$filter=Id eq 1&$Filter=Id eq 2",
        # Out of Edm.Int64 / Edm.Int32 range, or not ASCII: parse errors, not an empty page or a match.
        "$filter=Id eq 9223372036854775808",
        "$filter=QueueDefinitionId eq -9223372036854775809",
        "$filter=Id eq \u0661",
        "$filter=Id\u00a0eq 1",
        "$top=\u0663",
        "$skip=2147483648",
    ],
)
def test_unsupported_odata_is_400_1000(orchestrator: Orchestrator, query: str) -> None:
    response = orchestrator.get(f"/odata/QueueItems?{query}")

    assert response.status_code == 400
    assert error_body(response) == {"message": "Invalid OData query options.", "errorCode": 1000}


def test_int64_bounds_of_ids(orchestrator: Orchestrator) -> None:
    orchestrator.add()

    largest = orchestrator.get("/odata/QueueItems?$filter=Id eq 9223372036854775807")
    too_large = orchestrator.get("/odata/QueueItems(9223372036854775808)")

    assert (largest.status_code, largest.json()["value"]) == (200, [])
    assert too_large.status_code == 400
    assert error_body(too_large) == {"message": "'9223372036854775808' is not a valid queue item id.", "errorCode": 0}


def test_get_item_by_id(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add(Reference="R").json()["Id"]

    response = orchestrator.get(f"/odata/QueueItems({item_id})")

    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == f"{orchestrator.base}/odata/$metadata#QueueItems/$entity"
    assert (body["Id"], body["Reference"], body["Status"]) == (item_id, "R", "New")


def test_get_unknown_item_is_404_1002(orchestrator: Orchestrator) -> None:
    response = orchestrator.get("/odata/QueueItems(999)")

    assert response.status_code == 404
    assert error_body(response) == {
        "message": "Queue Item does not exist.",
        "errorCode": 1002,
        "resourceIds": None,
    }


def test_get_item_of_another_folder_is_404(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.add_folder("Other", folder_id=42)
    item_id = orchestrator.add().json()["Id"]

    response = orchestrator.get(
        f"/odata/QueueItems({item_id})",
        headers=_folder_headers(orchestrator, **{"X-UIPATH-OrganizationUnitId": "42"}),
    )

    assert response.status_code == 404


def test_set_transaction_progress(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add().json()["Id"]
    path = f"/odata/QueueItems({item_id})/UiPathODataSvc.SetTransactionProgress"

    not_started = orchestrator.post(path, {"progress": "Step 1"})
    orchestrator.emulator.start(item_id)
    started = orchestrator.post(path, {"progress": "Step 2"})

    assert not_started.status_code == 409
    assert error_body(not_started) == {"message": "Conflict", "errorCode": 0}
    assert (started.status_code, started.content) == (200, b"")
    assert orchestrator.get(f"/odata/QueueItems({item_id})").json()["Progress"] == "Step 2"


def test_set_transaction_result_and_final_conflict(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add().json()["Id"]
    path = f"/odata/Queues({item_id})/UiPathODataSvc.SetTransactionResult"
    orchestrator.emulator.start(item_id)

    ok = orchestrator.post(path, {"transactionResult": {"IsSuccessful": True, "Output": {"Result_Code": "OK"}}})
    again = orchestrator.post(path, {"transactionResult": {"IsSuccessful": True}})

    assert (ok.status_code, ok.content) == (200, b"")
    assert again.status_code == 409
    body = orchestrator.get(f"/odata/QueueItems({item_id})").json()
    assert (body["Status"], body["Output"]) == ("Successful", {"Result_Code": "OK"})


def test_set_transaction_result_failure(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add().json()["Id"]
    orchestrator.emulator.start(item_id)

    response = orchestrator.post(
        f"/odata/Queues({item_id})/UiPathODataSvc.SetTransactionResult",
        {
            "transactionResult": {
                "IsSuccessful": False,
                "ProcessingException": {
                    "Reason": "Vendor not found",
                    "Details": "d",
                    "Type": "BusinessException",
                },
            }
        },
    )

    assert response.status_code == 200
    body = orchestrator.get(f"/odata/QueueItems({item_id})").json()
    assert body["Status"] == "Failed"
    assert body["ProcessingExceptionType"] == "BusinessException"
    assert body["ProcessingException"] == {
        "Reason": "Vendor not found",
        "Details": "d",
        "Type": "BusinessException",
        "AssociatedImageFilePath": None,
        "CreationTime": "2024-05-02T10:11:12.345Z",
    }


def test_delete_item(orchestrator: Orchestrator) -> None:
    item_id = orchestrator.add().json()["Id"]

    deleted = orchestrator.session.delete(
        f"{orchestrator.base}/odata/QueueItems({item_id})", headers=orchestrator.headers(), timeout=TIMEOUT
    )
    again = orchestrator.session.delete(
        f"{orchestrator.base}/odata/QueueItems({item_id})", headers=orchestrator.headers(), timeout=TIMEOUT
    )

    assert deleted.status_code == 204
    assert again.status_code == 409
    assert orchestrator.emulator.item(item_id).status is QueueItemStatus.DELETED


def test_wrong_method_and_unknown_path(orchestrator: Orchestrator) -> None:
    assert orchestrator.get(ADD).status_code == 405
    unknown = orchestrator.get("/odata/Robots")
    assert unknown.status_code == 404
    assert unknown.headers["Content-Type"].startswith("text/html")


# -- BulkAddQueueItems ----------------------------------------------------------------------------------


def _bulk(orchestrator: Orchestrator, commit_type: str, references: list[str]) -> requests.Response:
    return orchestrator.post(
        BULK,
        {
            "queueName": DEMO.unique_queue_name,
            "commitType": commit_type,
            "queueItems": [
                {"Name": DEMO.unique_queue_name, "Reference": r, "SpecificContent": {"R": r}} for r in references
            ],
        },
    )


def test_bulk_all_or_nothing(orchestrator: Orchestrator) -> None:
    orchestrator.add(DEMO.unique_queue_name, Reference="B")

    failed = _bulk(orchestrator, "AllOrNothing", ["A", "B", "C", "C"])
    succeeded = _bulk(orchestrator, "AllOrNothing", ["X", "Y"])

    assert failed.status_code == 200
    body = failed.json()
    assert body["Success"] is False
    assert body["FailedItems"] == [
        {
            "Ordinal": 1,
            "ErrorCode": "DuplicateReference",
            "ErrorMessage": "Error creating Transaction. Duplicate Reference.",
        },
        {
            "Ordinal": 3,
            "ErrorCode": "DuplicateReference",
            "ErrorMessage": "Error creating Transaction. Duplicate Reference.",
        },
    ]
    assert succeeded.json()["Success"] is True
    assert succeeded.json()["FailedItems"] == []
    assert [i.reference for i in orchestrator.emulator.items()] == ["B", "X", "Y"]


def test_bulk_process_all_independently(orchestrator: Orchestrator) -> None:
    orchestrator.add(DEMO.unique_queue_name, Reference="B")

    body = _bulk(orchestrator, "ProcessAllIndependently", ["A", "B", "C"]).json()

    assert [f["Ordinal"] for f in body["FailedItems"]] == [1]
    assert [i.reference for i in orchestrator.emulator.items()] == ["B", "A", "C"]


def test_bulk_stop_on_first_failure(orchestrator: Orchestrator) -> None:
    orchestrator.add(DEMO.unique_queue_name, Reference="B")

    body = _bulk(orchestrator, "StopOnFirstFailure", ["A", "B", "C"]).json()

    assert body["Success"] is False
    assert [f["Ordinal"] for f in body["FailedItems"]] == [1]
    assert [i.reference for i in orchestrator.emulator.items()] == ["B", "A"]


def test_bulk_invalid_item_and_request(orchestrator: Orchestrator) -> None:
    invalid_item = orchestrator.post(
        BULK,
        {
            "QueueName": DEMO.queue_name,
            "CommitType": "ProcessAllIndependently",
            "QueueItems": [{"SpecificContent": {"a": [1]}}, {}],
        },
    ).json()
    unknown_queue = orchestrator.post(BULK, {"queueName": "Nope", "commitType": "AllOrNothing", "queueItems": []})
    bad_commit = orchestrator.post(BULK, {"queueName": DEMO.queue_name, "commitType": "Some", "queueItems": []})

    assert invalid_item["FailedItems"] == [
        {
            "Ordinal": 0,
            "ErrorCode": "InvalidArgument",
            "ErrorMessage": "Property values must be simple (like numbers or text)",
        }
    ]
    assert len(orchestrator.emulator.items()) == 1
    assert unknown_queue.status_code == 404
    assert bad_commit.status_code == 400


# -- rate limit -----------------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after_until_the_window_ends(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.set_rate_limit(2, window_seconds=60)

    statuses = [orchestrator.get("/odata/QueueItems").status_code for _ in range(3)]
    limited = orchestrator.get("/odata/QueueItems")
    add_is_not_limited = orchestrator.add()
    orchestrator.clock.advance(59.5)
    still = orchestrator.get("/odata/QueueItems")
    orchestrator.clock.advance(0.5)
    again = orchestrator.get("/odata/QueueItems")

    assert statuses == [200, 200, 429]
    assert limited.headers["Retry-After"] == "60"
    assert limited.text == "Too Many Requests\r\n"
    assert add_is_not_limited.status_code == 201
    assert (still.status_code, still.headers["Retry-After"]) == (429, "1")
    assert again.status_code == 200


def test_rate_limit_on_every_endpoint_and_off(orchestrator: Orchestrator) -> None:
    orchestrator.emulator.set_rate_limit(1, window_seconds=10, endpoints=None)

    assert orchestrator.add().status_code == 201
    assert orchestrator.get("/odata/QueueItems(1)").status_code == 429
    orchestrator.emulator.set_rate_limit(None)
    assert orchestrator.get("/odata/QueueItems(1)").status_code == 200


def test_request_log(orchestrator: Orchestrator) -> None:
    orchestrator.add()

    [recorded] = orchestrator.emulator.requests
    assert recorded.method == "POST"
    assert recorded.endpoint is Endpoint.ADD_QUEUE_ITEM
    assert recorded.status == 201
    assert recorded.headers["Authorization"] == "Bearer ***"
    assert recorded.json() == {"itemData": {"Name": DEMO.queue_name}}
