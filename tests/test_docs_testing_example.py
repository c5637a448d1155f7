"""The downstream example of docs/testing.md, run as written (worker functions inlined)."""

from __future__ import annotations

from typing import Any

import requests

from uipath_connector.testing import DEMO, EmulatorServer, OrchestratorEmulator

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
