"""``uipath-connector demo --wait``: the waiting process instance gets exactly one message, and no secret shows."""

from __future__ import annotations

import io
import json

import pytest

from uipath_connector.cli import main
from uipath_connector.testing import OrchestratorEmulator

pytest.importorskip("uvicorn", reason="pip install 'uipath-connector[webhooks]'")
pytest.importorskip("camunda_orchestration_sdk", reason="pip install 'uipath-connector[camunda]'")
if not hasattr(OrchestratorEmulator, "webhooks"):  # pragma: no cover - until the emulator's webhooks land
    pytest.skip("the emulator has no webhooks API yet", allow_module_level=True)


def test_the_wait_demo_ends_the_wait_with_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--wait", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)

    assert facts["correlated"] is True
    assert facts["deliveries"] == [202, 202]
    assert facts["publicationRequests"] == 1
    (message,) = facts["messages"]
    assert message["messageId"] == f"uipath-queue-item:{facts['itemId']}:Successful"
    assert message["correlationKey"] == "INV-1001"
    assert message["variables"]["uipathQueueItem"]["output"] == {"Approved": True, "PaymentReference": "PAY-INV-1001"}
    assert facts["reconciler"] == {"read": 1, "published": 0}


def test_the_wait_demo_text_names_each_step_and_no_secret() -> None:
    from uipath_connector.cli._wait_demo import _WEBHOOK_SECRET, run_wait_demo
    from uipath_connector.testing import DEMO

    out = io.StringIO()
    assert run_wait_demo(out) == 0
    text = out.getvalue()

    for step in ("1. Add queue item", "2. the process instance waits", "3. the robot completes", "5. a reconciler run"):
        assert step in text
    assert "Zeebe got 1 message for 1 finished item" in text
    assert _WEBHOOK_SECRET not in text
    assert DEMO.client_secret not in text
