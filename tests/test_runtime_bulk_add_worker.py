"""Bulk Add through a real worker: the REST and gRPC adapters against a fake engine with a job lifecycle, and the
Orchestrator emulator on loopback. What the engine receives is checked exactly, and a worker killed between the Bulk
Add and its Complete leaves each item once: the next worker's attempt adopts them by reference and job key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyzeebe", reason="pyzeebe is not installed: pip install -e '.[pyzeebe]'")
pytest.importorskip("camunda_orchestration_sdk", reason="camunda-orchestration-sdk is not installed")

from fake_engine import FakeEngine
from test_runtime_job_safety import CLIENTS, kill_after_the_call_then_rerun, work

from uipath_connector.sdk import OutboundConnectorContext
from uipath_connector.testing import DEMO, Endpoint, OrchestratorEmulator
from uipath_connector.uipath import JOB_TYPE, RECOVERED_HEADER, UiPathConnector

# The template's preset for Bulk Add, and a `for` over the per-item results (FEEL from Camunda's docs' patterns).
PRESET = "={bulkSuccess: response.body.Success, failedItems: response.body.FailedItems}"
PER_ITEM = '={added: for item in response.body.Items[Status = "Added"] return item.Reference}'


@pytest.fixture
def emulator() -> Iterator[tuple[OrchestratorEmulator, str]]:
    orchestrator = OrchestratorEmulator.demo()
    with orchestrator.server() as server:
        yield orchestrator, server.base_url


def bulk_variables(base_url: str, queue: str, items: list[dict[str, Any]], commit_type: str) -> dict[str, Any]:
    return {
        "operationType": "bulkAddQueueItems",
        "authentication": {"type": "bearer", "token": DEMO.personal_access_token},
        "cloudUrl": base_url,
        "organizationUnitId": str(DEMO.folder_id),
        "queueName": queue,
        "commitType": commit_type,
        "queueItems": items,
    }


def bulk_calls(orchestrator: OrchestratorEmulator) -> int:
    return sum(1 for request in orchestrator.requests if request.endpoint is Endpoint.BULK_ADD_QUEUE_ITEMS)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_bulk_add_job_completes_with_the_presets_variables_and_per_item_results(
    client: str, emulator: tuple[OrchestratorEmulator, str]
) -> None:
    orchestrator, base_url = emulator
    queue = DEMO.unique_queue_name  # Orchestrator refuses a second item with a taken reference
    taken = bulk_variables(base_url, queue, [{"reference": "INV-2"}], "AllOrNothing")
    UiPathConnector(allow_insecure_http=True).execute(OutboundConnectorContext(taken))  # INV-2 exists already
    items = [
        {"reference": "INV-1", "specificContent": {"Amount": 10}},
        {"reference": "INV-2", "specificContent": {"Amount": 11}},
        {"reference": "INV-3", "priority": "High"},
    ]
    engine = FakeEngine()
    variables = bulk_variables(base_url, queue, items, "ProcessAllIndependently")
    engine.add_job(1, JOB_TYPE, variables, {"resultExpression": PRESET})
    engine.add_job(
        2,
        JOB_TYPE,
        bulk_variables(base_url, queue, [{"reference": "INV-4"}], "AllOrNothing"),
        {"resultExpression": PER_ITEM},
    )

    work(client, engine, lambda: {engine.job(1).state, engine.job(2).state} == {"completed"})

    first, second = engine.job(1), engine.job(2)
    assert (first.state, first.activations, second.state, second.activations) == ("completed", 1, "completed", 1)
    assert first.result == {
        "bulkSuccess": False,
        "failedItems": [
            {
                "Ordinal": 1,
                "ErrorCode": "DuplicateReference",
                "ErrorMessage": "Error creating Transaction. Duplicate Reference.",
            }
        ],
    }
    assert second.result == {"added": ["INV-4"]}
    # The connector's default priority is Low, as in Camunda's UiPath template.
    # The two jobs run concurrently, so the items are compared in reference order.
    assert sorted((item.reference, item.priority.value) for item in orchestrator.items(queue)) == [
        ("INV-1", "Low"),
        ("INV-2", "Low"),
        ("INV-3", "High"),
        ("INV-4", "Low"),
    ]
    assert bulk_calls(orchestrator) == 3


def test_a_worker_killed_between_the_bulk_add_and_the_complete_leaves_each_item_once(
    emulator: tuple[OrchestratorEmulator, str], tmp_path: Path
) -> None:
    log = tmp_path / "workers.log"
    orchestrator, base_url = emulator
    queue = DEMO.queue_name  # references are not unique here: only the connector can prevent a second copy
    items = [{"reference": f"ORDER-{n}", "specificContent": {"order": n}} for n in (1, 2, 3)]
    engine = FakeEngine()
    engine.add_job(
        1, JOB_TYPE, bulk_variables(base_url, queue, items, "ProcessAllIndependently"), {"resultVariable": "bulk"}
    )

    def three_items_added() -> None:
        assert len(orchestrator.items(queue)) == 3

    kill_after_the_call_then_rerun(engine, log, three_items_added)
    job = engine.job(1)
    assert job.state == "completed", log.read_text()
    assert job.activations == 2
    stored = orchestrator.items(queue)
    assert [item.reference for item in stored] == ["ORDER-1", "ORDER-2", "ORDER-3"]  # each once
    assert [item.specific_content for item in stored] == [{"order": n, "CamundaJobKey": "1"} for n in (1, 2, 3)]
    assert bulk_calls(orchestrator) == 1  # the second attempt sent nothing: it adopted the first attempt's items
    assert job.result is not None
    envelope = job.result["bulk"]
    assert envelope["body"]["Items"] == [
        {"Ordinal": n - 1, "Reference": f"ORDER-{n}", "Status": "Added", "Id": item.id}
        for n, item in zip((1, 2, 3), stored, strict=True)
    ]
    assert envelope["body"]["Success"] is True
    assert envelope["headers"][RECOVERED_HEADER] == "reference-lookup"
