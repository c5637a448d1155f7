"""The downstream examples of docs/testing.md, run as written (worker functions inlined)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from uipath_connector.runtime import Complete, Fail, JobOutcome, run_job
from uipath_connector.sdk import SecretProvider
from uipath_connector.testing import DEMO, EmulatorServer, FailItem, MapSecretProvider, OrchestratorEmulator
from uipath_connector.uipath import UiPathConnector

HOST = "https://cloud.uipath.com"


def submit_invoice(host: str, invoice_id: str, amount: float) -> int:
    token = requests.post(
        f"{host}/identity_/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-secret-emulator-only",
            "scope": "OR.Queues",
        },
        timeout=10,
    ).json()["access_token"]
    response = requests.post(
        f"{host}/demo-org/DefaultTenant/orchestrator_/odata/Queues/UiPathODataSvc.AddQueueItem",
        json={
            "itemData": {
                "Name": "InvoiceQueue",
                "Reference": invoice_id,
                "SpecificContent": {"InvoiceId": invoice_id, "Amount": amount},
            }
        },
        headers={"Authorization": f"Bearer {token}", "X-UIPATH-OrganizationUnitId": "1964413"},
        timeout=10,
    )
    response.raise_for_status()
    item_id: int = response.json()["Id"]
    return item_id


def invoice_result(host: str, token: str, item_id: int) -> dict[str, Any]:
    response = requests.get(
        f"{host}/demo-org/DefaultTenant/orchestrator_/odata/QueueItems()",
        params={"$Filter": f"Id eq {item_id}"},
        headers={"Authorization": f"Bearer {token}", "X-UIPATH-OrganizationUnitId": "1964413"},
        timeout=10,
    )
    item = response.json()["value"][0]
    return {"status": item["Status"], "output": item["Output"]}


def test_robot_pays_the_invoice(uipath_orchestrator: OrchestratorEmulator) -> None:
    item_id = submit_invoice(HOST, "INV-1", 12.5)

    uipath_orchestrator.process_new(lambda item: {"Paid": (item.specific_content or {})["Amount"]})

    assert invoice_result(HOST, DEMO.personal_access_token, item_id) == {
        "status": "Successful",
        "output": {"Paid": 12.5},
    }


def test_business_failure(uipath_orchestrator: OrchestratorEmulator) -> None:
    item_id = submit_invoice(HOST, "INV-2", 0)

    uipath_orchestrator.fail(item_id, "Amount is zero", kind="business")

    assert invoice_result(HOST, DEMO.personal_access_token, item_id)["status"] == "Failed"


def test_against_the_loopback_server(uipath_orchestrator_server: EmulatorServer) -> None:
    assert uipath_orchestrator_server.emulator is not None
    item_id = submit_invoice(uipath_orchestrator_server.url, "INV-3", 7.0)
    uipath_orchestrator_server.emulator.complete(item_id, output={"Paid": 7.0})

    result = invoice_result(uipath_orchestrator_server.url, DEMO.personal_access_token, item_id)
    assert result["output"] == {"Paid": 7.0}


# -- the connector-based example: invoice_jobs.py and test_invoice_jobs.py, as written in docs/testing.md ----------

CONNECTOR = UiPathConnector()

CONNECTION = {
    "authentication": {
        "type": "oauth-client-credentials-flow",
        "clientId": "{{secrets.UIPATH_CLIENT_ID}}",
        "clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
    },
    "cloudOrg": "demo-org",
    "cloudTenant": "DefaultTenant",
    "organizationUnitId": "1964413",
}


def submit_invoice_job(invoice_id: str, amount: float, secrets: SecretProvider) -> JobOutcome:
    return run_job(
        CONNECTOR,
        variables={
            **CONNECTION,
            "operationType": "addQueueItem",
            "queueName": "InvoiceQueue",
            "reference": invoice_id,
            "specificContent": {"InvoiceId": invoice_id, "Amount": amount},
        },
        custom_headers={"resultExpression": "={itemId: response.body.Id}"},
        retries=3,
        secret_provider=secrets,
    )


def invoice_result_job(item_id: int, secrets: SecretProvider) -> JobOutcome:
    return run_job(
        CONNECTOR,
        variables={**CONNECTION, "operationType": "getItemById", "itemId": item_id},
        custom_headers={
            "resultExpression": "={itemStatus: response.body.value[1].Status, output: response.body.value[1].Output}",
            "errorExpression": '=if error.code = "404" then bpmnError("NOT_FOUND", error.message) else null',
        },
        retries=3,
        secret_provider=secrets,
    )


SECRETS = MapSecretProvider({"UIPATH_CLIENT_ID": DEMO.client_id, "UIPATH_CLIENT_SECRET": DEMO.client_secret})


def test_connector_robot_pays_the_invoice(uipath_orchestrator: OrchestratorEmulator) -> None:
    assert submit_invoice_job("INV-1", 12.5, SECRETS) == Complete({"itemId": 1})

    uipath_orchestrator.process_new(lambda item: {"Paid": (item.specific_content or {})["Amount"]})

    assert invoice_result_job(1, SECRETS) == Complete({"itemStatus": "Successful", "output": {"Paid": 12.5}})


def test_connector_business_failure(uipath_orchestrator: OrchestratorEmulator) -> None:
    submit_invoice_job("INV-2", 0, SECRETS)

    uipath_orchestrator.process_new(lambda item: FailItem("Amount is zero", kind="business"))

    assert invoice_result_job(1, SECRETS) == Complete({"itemStatus": "Failed", "output": None})


def test_connector_the_same_invoice_twice_is_refused(uipath_orchestrator: OrchestratorEmulator) -> None:
    submit_invoice_job("INV-3", 7.0, SECRETS)

    outcome = submit_invoice_job("INV-3", 7.0, SECRETS)

    assert isinstance(outcome, Fail)
    assert outcome.retries == 2
    assert outcome.variables["error"]["code"] == "409"  # type: ignore[index]
    assert len(uipath_orchestrator.items()) == 1


def test_connector_unknown_item_reads_as_nothing(uipath_orchestrator: OrchestratorEmulator) -> None:
    assert invoice_result_job(99, SECRETS) == Complete({"itemStatus": None, "output": None})


def test_docs_show_this_example() -> None:
    text = (Path(__file__).parent.parent / "docs" / "testing.md").read_text(encoding="utf-8")
    for line in (
        '"resultExpression": "={itemStatus: response.body.value[1].Status, "',
        'assert submit_invoice("INV-1", 12.5, SECRETS) == Complete({"itemId": 1})',
        'assert invoice_result(1, SECRETS) == Complete({"itemStatus": "Successful", "output": {"Paid": 12.5}})',
        'assert invoice_result(1, SECRETS) == Complete({"itemStatus": "Failed", "output": None})',
        'assert outcome.variables["error"]["code"] == "409"',
        'assert invoice_result(99, SECRETS) == Complete({"itemStatus": None, "output": None})',
    ):
        assert line in text, line
