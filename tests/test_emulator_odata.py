"""OData on queue items: what Orchestrator accepts is answered, the rest is 400/1000, parsing is bounded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from conftest import Orchestrator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schemas import schema_errors

from uipath_connector.testing import DEMO, EmulatorRequest, ManualClock, OrchestratorEmulator, QueueItemStatus
from uipath_connector.testing.emulator._odata import MAX_NESTING_DEPTH, parse_filter

INVALID = {"message": "Invalid OData query options.", "errorCode": 1000}


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["Id"] for item in response.json()["value"]]


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    body.pop("traceId")
    body.pop("resourceIds", None)
    return dict(body)


@pytest.fixture
def items(orchestrator: Orchestrator) -> Orchestrator:
    """Five items: 1 INV-1 High, 2 inv-2 Low (started), 3 no reference (completed), 4 O'Brien, 5 deferred."""
    emulator = orchestrator.emulator
    orchestrator.add(Reference="INV-1", Priority="High", SpecificContent={"Amount": 10, "Vendor": "Acme"})
    orchestrator.add(Reference="inv-2", Priority="Low", SpecificContent={"Vendor": "Globex"})
    orchestrator.add(Progress="step 1")
    orchestrator.add(Reference="O'Brien", DueDate="2024-05-03T00:00:00Z")
    orchestrator.add(Reference="INV-5", DeferDate="0140-10-01T00:00:00Z")
    emulator.start(2)
    emulator.complete(3, output={"Paid": True})
    return orchestrator


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("$filter=Id eq 2", [2]),
        ("$filter=Id ne 2", [1, 3, 4, 5]),
        ("$filter=Id gt 3", [4, 5]),
        ("$filter=Id ge 3", [3, 4, 5]),
        ("$filter=Id lt 2", [1]),
        ("$filter=Id le 2", [1, 2]),
        ("$filter=Id eq 1 or Id eq 4", [1, 4]),
        ("$filter=not (Id le 3)", [4, 5]),
        ("$filter=(Id eq 1 or Id eq 2) and Priority eq 'Low'", [2]),
        ("$filter=Id eq 5L", [5]),
        ("$filter=Reference eq null", [3]),
        ("$filter=Reference ne null and Id lt 3", [1, 2]),
        ("$filter=Reference eq 'inv-1'", [1]),  # case-insensitive, as SQL Server's default collation
        ("$filter=startswith(Reference,'INV')", [1, 2, 5]),
        ("$filter=endswith(Reference,'brien')", [4]),
        ("$filter=contains(Reference,'nv-')", [1, 2, 5]),
        ("$filter=contains(SpecificData,'Globex')", [2]),
        ("$filter=contains(OutputData,'Paid')", [3]),
        ("$filter=startswith(Reference,'INV') eq false", [3, 4]),
        ("$filter=tolower(Reference) eq 'inv-5'", [5]),
        ("$filter=length(Progress) eq 6", [3]),
        ("$filter=Reference eq 'O''Brien'", [4]),
        ("$filter=Status eq 'InProgress'", [2]),
        ("$filter=Status eq '3'", [3]),
        ("$filter=Status eq 0", [1, 4, 5]),
        ("$filter=Status ne 'New'", [2, 3]),
        ("$filter=Priority eq 'high'", [1]),
        ("$filter=DueDate ge 2024-05-02T00:00:00Z", [4]),
        ("$filter=DeferDate lt datetime'1000-01-01T00:00:00Z'", [5]),
        ("$filter=CreationTime le 2024-05-02T10:11:12.346Z and DeferDate eq null", [1, 2, 3, 4]),
        ("$filter=StartProcessing ne null", [2, 3]),
        ("$filter=QueueDefinitionName eq 'demoqueue' and Id eq 1", [1]),
        ("$filter=Encrypted eq false and Id eq 1", [1]),
        # UiPath's TypeScript SDK: camelCase property names and parentheses.
        (f"$filter=(reference eq 'INV-1') and queueDefinitionId eq {DEMO.queue_id}", [1]),
        ("$orderby=Priority desc,Id desc", [2, 5, 4, 3, 1]),
        ("$orderby=Reference", [3, 1, 2, 5, 4]),
        ("$orderby=Reference desc&$top=2", [4, 5]),
        ("$orderby=StartProcessing desc,Id", [2, 3, 1, 4, 5]),
        ("$skip=3", [4, 5]),
        ("$top=0", []),
        ("$Filter=Id eq 1&unknownParameter=x&api-version=2", [1]),
    ],
)
def test_accepted_queries(items: Orchestrator, query: str, expected: list[int]) -> None:
    response = items.get(f"/odata/QueueItems?{query}")

    assert _ids(response) == expected
    assert schema_errors("ODataValueOfIEnumerableOfQueueItemDto", response.json()) == []


def test_select_and_expand_on_the_collection(items: Orchestrator) -> None:
    robot = items.emulator.robots()[0]
    response = items.get("/odata/QueueItems?$select=Id,reference,Robot&$expand=robot,QueueDefinition&$filter=Id le 2")

    assert response.json()["value"] == [
        {"Reference": "INV-1", "Robot": None, "Id": 1},
        {"Reference": "inv-2", "Robot": None, "Id": 2},
    ]
    items.emulator.complete(2)
    started = items.post(
        "/odata/Queues/UiPathODataSvc.StartTransaction",
        {"transactionData": {"Name": DEMO.queue_name, "RobotIdentifier": robot.key}},
    )
    assert started.status_code == 200
    expanded = items.get(f"/odata/QueueItems({started.json()['Id']})?$expand=Robot,ReviewerUser,QueueDefinition")
    body = expanded.json()
    assert body["Robot"]["Name"] == DEMO.robot_name
    assert body["ReviewerUser"] is None
    assert body["QueueDefinition"]["Name"] == DEMO.queue_name
    assert schema_errors("QueueItemDto", body) == []


def test_select_on_one_item(items: Orchestrator) -> None:
    response = items.get("/odata/QueueItems(1)?$select=Key,Status")

    body = response.json()
    assert set(body) == {"@odata.context", "Key", "Status"}
    assert body["Status"] == "New"
    assert _error(items.get("/odata/QueueItems(1)?$select=Nope")) == INVALID
    assert _error(items.get("/odata/QueueItems(1)?$filter=Id eq 1")) == INVALID


def test_dates_before_year_1000_are_rfc3339(items: Orchestrator) -> None:
    item = items.get("/odata/QueueItems(5)").json()

    assert item["DeferDate"] == "0140-10-01T00:00:00Z"
    assert schema_errors("QueueItemDto", item) == []


def test_page_is_capped_at_100_without_top(orchestrator: Orchestrator) -> None:
    body = {"queueName": DEMO.queue_name, "commitType": "AllOrNothing", "queueItems": [{}] * 150}
    assert orchestrator.post("/odata/Queues/UiPathODataSvc.BulkAddQueueItems", body).json()["Success"] is True

    page = orchestrator.get("/odata/QueueItems?$count=true").json()
    second = orchestrator.get("/odata/QueueItems?$skip=100&$top=100").json()

    assert (len(page["value"]), page["@odata.count"]) == (100, 150)
    assert [i["Id"] for i in second["value"]] == list(range(101, 151))
    assert _error(orchestrator.get("/odata/QueueItems?$top=101")) == INVALID


def test_page_size_is_configurable_for_older_servers(clock: ManualClock) -> None:
    emulator = OrchestratorEmulator.demo(clock=clock, max_page_size=1000)
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    for _ in range(1001):
        emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    with emulator.serve() as url:
        import requests

        headers = {"Authorization": f"Bearer {DEMO.personal_access_token}"}
        response = requests.get(f"{emulator.base_url(url)}/odata/QueueItems", headers=headers, timeout=10)
        too_many = requests.get(f"{emulator.base_url(url)}/odata/QueueItems?$top=1001", headers=headers, timeout=10)
    assert len(response.json()["value"]) == 1000
    assert too_many.status_code == 400


@pytest.mark.parametrize("depth", [MAX_NESTING_DEPTH + 1, 30_000])
def test_deep_nesting_is_a_400_not_a_recursion_error(depth: int) -> None:
    emulator = OrchestratorEmulator.demo()
    text = "(" * depth + "Id eq 1" + ")" * depth
    query = urlencode({"$filter": text})
    url = f"https://cloud.uipath.com/{DEMO.org}/{DEMO.tenant}/orchestrator_/odata/QueueItems?{query}"
    headers = {"Authorization": f"Bearer {DEMO.personal_access_token}"}

    response = emulator.handle(EmulatorRequest("GET", url, headers))

    assert response.status == 400
    assert response.json()["errorCode"] == 1000


def test_nesting_within_the_limit_is_answered(items: Orchestrator) -> None:
    depth = MAX_NESTING_DEPTH - 1
    nested = "(" * depth + "Id eq 1" + ")" * depth
    nots = "not " * (MAX_NESTING_DEPTH - 2) + "Id eq 1"  # an even number of nots

    assert _ids(items.get(f"/odata/QueueItems?$filter={quote(nested)}")) == [1]
    assert _ids(items.get(f"/odata/QueueItems?$filter={quote(nots)}")) == [1]
    assert _error(items.get("/odata/QueueItems?$filter=" + quote("not " * 40 + "Id eq 1"))) == INVALID


def test_more_than_100_expressions_is_400(items: Orchestrator) -> None:
    allowed = " or ".join(f"Id eq {n}" for n in range(100))
    refused = " or ".join(f"Id eq {n}" for n in range(101))

    assert _ids(items.get(f"/odata/QueueItems?$filter={quote(allowed)}")) == [1, 2, 3, 4, 5]
    assert _error(items.get(f"/odata/QueueItems?$filter={quote(refused)}")) == INVALID


# -- the evaluator against a straightforward Python filter ---------------------------------------------------

_REFERENCES = [None, "A", "a", "AB", "b", "O'Brien", "ab-1"]
_BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)


@st.composite
def _comparison(draw: st.DrawFn) -> tuple[str, Any]:
    """An OData comparison and the Python predicate that means the same."""
    kind = draw(st.sampled_from(["id", "reference", "status", "priority", "due", "function"]))
    op = draw(st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le"]))
    python_op = {
        "eq": lambda a, b: a == b,
        "ne": lambda a, b: a != b,
        "gt": lambda a, b: a is not None and b is not None and a > b,
        "ge": lambda a, b: a is not None and b is not None and a >= b,
        "lt": lambda a, b: a is not None and b is not None and a < b,
        "le": lambda a, b: a is not None and b is not None and a <= b,
    }[op]
    if kind == "id":
        number = draw(st.integers(0, 12))
        suffix = draw(st.sampled_from(["", "L"]))
        return f"Id {op} {number}{suffix}", lambda item: python_op(item["id"], number)
    if kind == "reference":
        if op in ("eq", "ne") and draw(st.booleans()):
            return f"Reference {op} null", lambda item: python_op(item["reference"], None)
        value = draw(st.sampled_from(["a", "AB", "o'brien", "b", "zz"]))
        literal = value.replace("'", "''")
        return (
            f"Reference {op} '{literal}'",
            lambda item: python_op(item["reference"].lower() if item["reference"] is not None else None, value.lower()),
        )
    if kind == "status":
        status = draw(st.sampled_from(list(QueueItemStatus)))
        op = draw(st.sampled_from(["eq", "ne"]))
        text = draw(st.sampled_from([status.value, str(status.number)]))
        return f"Status {op} '{text}'", lambda item: (item["status"] is status) == (op == "eq")
    if kind == "priority":
        priority = draw(st.sampled_from(["High", "Normal", "Low"]))
        op = draw(st.sampled_from(["eq", "ne"]))
        return f"Priority {op} '{priority}'", lambda item: (item["priority"] == priority) == (op == "eq")
    if kind == "due":
        days = draw(st.integers(0, 6))
        instant = _BASE + timedelta(days=days)
        return (
            f"DueDate {op} {instant.strftime('%Y-%m-%dT%H:%M:%SZ')}",
            lambda item: python_op(item["due"], instant),
        )
    function = draw(st.sampled_from(["startswith", "endswith", "contains"]))
    part = draw(st.sampled_from(["a", "B", "-1", "'"]))
    literal = part.replace("'", "''")
    test = {"startswith": str.startswith, "endswith": str.endswith, "contains": lambda t, p: p in t}[function]
    return (
        f"{function}(Reference,'{literal}')",
        lambda item: item["reference"] is not None and test(item["reference"].lower(), part.lower()),
    )


def _expression(depth: int = 0) -> st.SearchStrategy[tuple[str, Any]]:
    if depth >= 3:
        return _comparison()
    inner = _expression(depth + 1)
    return st.one_of(
        _comparison(),
        st.tuples(inner, inner, st.sampled_from(["and", "or"])).map(
            lambda parts: (
                f"({parts[0][0]}) {parts[2]} ({parts[1][0]})",
                (
                    lambda a, b, c: (
                        (lambda item: a(item) and b(item)) if c == "and" else (lambda item: a(item) or b(item))
                    )
                )(parts[0][1], parts[1][1], parts[2]),
            )
        ),
        inner.map(lambda part: (f"not ({part[0]})", (lambda p: lambda item: not p(item))(part[1]))),
    )


_ITEM = st.fixed_dictionaries(
    {
        "reference": st.sampled_from(_REFERENCES),
        "priority": st.sampled_from(["High", "Normal", "Low"]),
        "due": st.one_of(st.none(), st.integers(0, 6).map(lambda d: _BASE + timedelta(days=d))),
        "action": st.sampled_from(["none", "start", "complete", "fail"]),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ITEM, min_size=1, max_size=8), _expression())
def test_evaluator_matches_a_python_filter(raw_items: list[dict[str, Any]], expression: tuple[str, Any]) -> None:
    emulator = OrchestratorEmulator.demo(clock=ManualClock(_BASE))
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    expected_rows = []
    for raw in raw_items:
        fields: dict[str, Any] = {"Name": queue.name, "Priority": raw["priority"]}
        if raw["reference"] is not None:
            fields["Reference"] = raw["reference"]
        if raw["due"] is not None:
            fields["DueDate"] = raw["due"].strftime("%Y-%m-%dT%H:%M:%SZ")
        item = emulator.seed_item(queue, parse_item_data(fields))
        if raw["action"] in ("start", "complete", "fail"):
            emulator.start(item.id)
        if raw["action"] == "complete":
            emulator.complete(item.id)
        if raw["action"] == "fail":
            emulator.fail(item.id, "no")
        stored = emulator.item(item.id)
        expected_rows.append(
            {
                "id": stored.id,
                "reference": stored.reference,
                "status": stored.status,
                "priority": stored.priority.value,
                "due": stored.due_date,
            }
        )
    text, oracle = expression
    predicate = parse_filter(text)

    found = [item.id for item in emulator.items() if predicate((item, queue))]

    assert found == [row["id"] for row in expected_rows if oracle(row)], text
