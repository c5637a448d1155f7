"""The "Wait for UiPath queue item" templates: generated, committed, versioned, and in step with the receiver.

Camunda's validator checks the committed files with every other template (tests/test_template_validation.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uipath_connector.cli import main
from uipath_connector.templates import render_template, versioning_problems, wait_template, wait_template_path
from uipath_connector.webhooks import DEFAULT_MESSAGE_NAME, DEFAULT_VARIABLE_NAME

ROOT = Path(__file__).resolve().parent.parent
ELEMENTS = ("catch-event", "receive-task")


@pytest.mark.parametrize("element", ELEMENTS)
def test_the_committed_template_is_the_generated_one(element: str) -> None:
    path = wait_template_path(element, ROOT)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == render_template(wait_template(element)), (  # type: ignore[arg-type]
        "run `uipath-connector template --wait` and commit the result"
    )
    assert versioning_problems(path) == []


def test_the_catch_event_waits_for_the_receivers_message() -> None:
    data = json.loads(wait_template_path("catch-event", ROOT).read_text(encoding="utf-8"))

    assert data["elementType"] == {
        "value": "bpmn:IntermediateCatchEvent",
        "eventDefinition": "bpmn:MessageEventDefinition",
    }
    properties = {p["binding"]["type"]: p for p in data["properties"]}
    assert properties["bpmn:Message#property"]["binding"]["name"] == "name"
    assert properties["bpmn:Message#property"]["value"] == DEFAULT_MESSAGE_NAME
    correlation = properties["bpmn:Message#zeebe:subscription#property"]
    assert (correlation["binding"]["name"], correlation["value"], correlation["feel"]) == (
        "correlationKey",
        "=reference",
        "required",
    )
    assert DEFAULT_VARIABLE_NAME in correlation["tooltip"]


def test_the_receive_task_variant_has_its_own_id() -> None:
    data = json.loads(wait_template_path("receive-task", ROOT).read_text(encoding="utf-8"))
    assert data["id"] == "uipath-connector.WaitForQueueItem.ReceiveTask.v1"
    assert data["elementType"] == {"value": "bpmn:ReceiveTask"}


def test_the_command_checks_the_wait_templates(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["template", "--wait", "--check"]) == 0
    out = capsys.readouterr().out
    assert "element-templates/uipath-wait-for-queue-item.json is up to date" in out
    assert "element-templates/uipath-wait-for-queue-item-task.json is up to date" in out
