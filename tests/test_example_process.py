"""The getting-started process (examples/invoice-to-uipath.bpmn) end to end, against the emulator on loopback.

No Zeebe is available to a test, so a small walker plays the engine for this diagram's elements, the way Zeebe
does (Camunda docs: "Variable mappings", "Exclusive gateways", "Service tasks"): a service task's ``zeebe:input``
mappings are evaluated (FEEL after ``=``, else a static text; a dotted target builds a nested object) into the
job's variables, its ``zeebe:taskHeaders`` become the job's custom headers, and the job runs through
:func:`~uipath_connector.runtime.run_job` exactly as a worker runs it; a completed job's variables go through the
``zeebe:output`` mappings (only the mapped ones reach the process); a failed job is retried while retries remain; an
exclusive gateway takes the first outgoing flow whose condition is true, else its default flow; a timer lets the
emulated robot act. Everything the process does is read from the BPMN file.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from uipath_connector.feel import evaluate
from uipath_connector.runtime import Complete, Fail, run_job
from uipath_connector.sdk import MapSecretProvider
from uipath_connector.testing import DEMO, Endpoint, FailItem, OrchestratorEmulator
from uipath_connector.uipath import JOB_TYPE, TokenCache, UiPathConnector

ROOT = Path(__file__).resolve().parent.parent
GETTING_STARTED = ROOT / "docs" / "getting-started.md"
BPMN_FILE = ROOT / "examples" / "invoice-to-uipath.bpmn"
TEMPLATE = ROOT / "element-templates" / "uipath-connector.json"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "zeebe": "http://camunda.org/schema/zeebe/1.0"}
#: The walker refuses to go on forever: 20 polls take about 85 steps.
MAX_STEPS = 200
INVOICE = {"InvoiceId": "INV-1001", "Vendor": "ACME Corp", "Amount": 1250.5, "Currency": "EUR"}


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


@attrs.frozen
class Flow:
    id: str
    source: str
    target: str
    condition: str | None


@attrs.define
class Run:
    """What one process instance did."""

    end: str
    variables: dict[str, Any]
    path: list[str]
    jobs: list[tuple[str, dict[str, Any], dict[str, str]]]


class ProcessWalker:
    """Plays Zeebe for the elements this process uses; anything else is an error, not silently skipped."""

    def __init__(self, bpmn: Path) -> None:
        root = ElementTree.parse(bpmn).getroot()
        (self.process,) = root.findall("bpmn:process", NS)
        self.elements = {element.get("id"): element for element in self.process if element.get("id")}
        self.flows = [
            Flow(
                element.get("id", ""),
                element.get("sourceRef", ""),
                element.get("targetRef", ""),
                (element.findtext("bpmn:conditionExpression", namespaces=NS) or None),
            )
            for element in self.process.findall("bpmn:sequenceFlow", NS)
        ]

    def outgoing(self, element_id: str) -> list[Flow]:
        return [flow for flow in self.flows if flow.source == element_id]

    def run(
        self,
        variables: dict[str, Any],
        *,
        connector: UiPathConnector,
        secrets: MapSecretProvider,
        on_timer: Callable[[int], None],
    ) -> Run:
        (start,) = self.process.findall("bpmn:startEvent", NS)
        current = start.get("id", "")
        state = Run(end="", variables=dict(variables), path=[], jobs=[])
        timers = 0
        for _ in range(MAX_STEPS):
            element = self.elements[current]
            state.path.append(current)
            kind = element.tag
            if kind == _q("bpmn:endEvent"):
                state.end = current
                return state
            if kind == _q("bpmn:serviceTask"):
                self._service_task(element, state, connector, secrets)
            elif kind == _q("bpmn:intermediateCatchEvent"):
                assert element.find("bpmn:timerEventDefinition", NS) is not None, current
                timers += 1
                on_timer(timers)
            elif kind == _q("bpmn:exclusiveGateway"):
                current = self._choose(element, state.variables)
                continue
            elif kind != _q("bpmn:startEvent"):
                raise AssertionError(f"the walker does not know {kind} ({current})")
            (flow,) = self.outgoing(current)
            current = flow.target
        raise AssertionError(f"more than {MAX_STEPS} steps: {state.path[-10:]}")

    def _choose(self, gateway: ElementTree.Element, variables: dict[str, Any]) -> str:
        default = gateway.get("default")
        for flow in self.outgoing(gateway.get("id", "")):
            if flow.id != default and flow.condition is not None and evaluate(flow.condition, variables) is True:
                return flow.target
        assert default is not None, f"no condition of {gateway.get('id')} holds and it has no default flow"
        return next(flow.target for flow in self.flows if flow.id == default)

    def _service_task(
        self, task: ElementTree.Element, state: Run, connector: UiPathConnector, secrets: MapSecretProvider
    ) -> None:
        extensions = task.find("bpmn:extensionElements", NS)
        assert extensions is not None
        definition = extensions.find("zeebe:taskDefinition", NS)
        assert definition is not None
        assert definition.get("type") == JOB_TYPE
        job_variables: dict[str, Any] = {}
        for mapping in extensions.findall("zeebe:ioMapping/zeebe:input", NS):
            _assign(job_variables, mapping.get("target", ""), _value(mapping.get("source", ""), state.variables))
        headers = {
            h.get("key", ""): h.get("value", "") for h in extensions.findall("zeebe:taskHeaders/zeebe:header", NS)
        }
        retries = int(definition.get("retries", "3"))
        while True:
            outcome = run_job(
                connector, variables=job_variables, custom_headers=headers, retries=retries, secret_provider=secrets
            )
            state.jobs.append((task.get("id", ""), job_variables, headers))
            if isinstance(outcome, Complete):
                break
            assert isinstance(outcome, Fail), f"{task.get('id')}: incident: {outcome}"
            assert outcome.retries > 0, f"{task.get('id')}: incident: {outcome}"
            retries = outcome.retries
        outputs = extensions.findall("zeebe:ioMapping/zeebe:output", NS)
        if not outputs:
            state.variables.update(outcome.variables)
            return
        # With output mappings only the mapped variables reach the process scope (Camunda docs, "Output mappings").
        scope = {**state.variables, **outcome.variables}
        updates: dict[str, Any] = {}
        for mapping in outputs:
            _assign(updates, mapping.get("target", ""), _value(mapping.get("source", ""), scope))
        state.variables.update(updates)


def _value(source: str, variables: dict[str, Any]) -> Any:
    return evaluate(source, variables) if source.startswith("=") else source


def _assign(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for name in parents:
        target = target.setdefault(name, {})
    target[leaf] = value


# -- the runs ---------------------------------------------------------------------------------------------------


@pytest.fixture
def emulator() -> OrchestratorEmulator:
    return OrchestratorEmulator.demo()


def documented_start_variables() -> tuple[dict[str, Any], dict[str, Any]]:
    """The two start-variable documents of docs/getting-started.md: (against UiPath, against the emulator)."""
    text = GETTING_STARTED.read_text(encoding="utf-8")
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    real, emulated = (block for block in blocks if "uipathCloudUrl" in block)
    return real, emulated


def _run(emulator: OrchestratorEmulator, robot: Callable[[int], None]) -> Run:
    with emulator.server() as server:
        # The emulator variant exactly as docs/getting-started.md prints it, on the port this test got.
        start = documented_start_variables()[1]
        start["uipathCloudUrl"] = start["uipathCloudUrl"].replace("http://127.0.0.1:8765", server.url)
        return ProcessWalker(BPMN_FILE).run(
            start,
            connector=UiPathConnector(allow_insecure_http=True, token_cache=TokenCache()),
            secrets=MapSecretProvider({"UIPATH_CLIENT_ID": DEMO.client_id, "UIPATH_CLIENT_SECRET": DEMO.client_secret}),
            on_timer=robot,
        )


def test_the_robot_completes_the_item_and_the_process_ends_processed(emulator: OrchestratorEmulator) -> None:
    def robot(poll: int) -> None:
        if poll == 2:  # the robot gets to it after the first poll
            emulator.process_new(lambda item: {"Approved": True, "PaymentReference": "PAY-" + item.reference})

    run = _run(emulator, robot)

    assert run.end == "InvoiceProcessed"
    assert run.path == [
        "InvoiceReceived", "AddQueueItem", "WaitForRobot", "GetQueueItem", "RobotDone",
        "WaitForRobot", "GetQueueItem", "RobotDone", "InvoiceProcessed",
    ]  # fmt: skip
    (item,) = emulator.items()
    assert run.variables["itemId"] == item.id
    assert run.variables["itemStatus"] == "Successful"
    assert run.variables["itemOutput"] == {"Approved": True, "PaymentReference": "PAY-INV-1001"}
    assert run.variables["pollCount"] == 2
    assert (item.reference, item.specific_content) == ("INV-1001", INVOICE)
    # Only the mapped outputs reached the process: no raw envelopes, no secrets.
    assert "response" not in run.variables
    assert DEMO.client_secret not in json.dumps(run.variables)
    add = [request for request in emulator.requests if request.endpoint == Endpoint.ADD_QUEUE_ITEM]
    gets = [request for request in emulator.requests if request.endpoint == Endpoint.LIST_QUEUE_ITEMS]
    assert (len(add), len(gets)) == (1, 2)


def test_a_business_failure_ends_in_robot_failed_with_the_reason(emulator: OrchestratorEmulator) -> None:
    def robot(poll: int) -> None:
        emulator.process_new(lambda item: FailItem("Vendor ACME Corp is not in the ERP", kind="business"))

    run = _run(emulator, robot)

    assert run.end == "RobotFailed"
    assert run.variables["itemStatus"] == "Failed"
    assert run.variables["itemFailure"] == "Vendor ACME Corp is not in the ERP"
    assert run.variables["itemOutput"] is None
    assert run.variables["pollCount"] == 1


def test_a_robot_that_never_comes_ends_the_wait_after_20_polls(emulator: OrchestratorEmulator) -> None:
    run = _run(emulator, lambda poll: None)

    assert run.end == "RobotTooSlow"
    assert (run.variables["itemStatus"], run.variables["pollCount"]) == ("New", 20)
    assert run.path.count("GetQueueItem") == 20


def test_the_same_invoice_again_carries_on_with_the_existing_item(emulator: OrchestratorEmulator) -> None:
    """As a retried Add job does: 409/1016 on the unique reference, and the error expression continues."""
    first = _run(emulator, lambda poll: None if poll < 2 else emulator.process_new(lambda item: {"Approved": True}))
    second = _run(emulator, lambda poll: None)

    (item,) = emulator.items()
    assert first.variables["itemId"] == second.variables["itemId"] == item.id
    assert (first.end, second.end) == ("InvoiceProcessed", "InvoiceProcessed")
    assert second.variables["pollCount"] == 1


def test_the_documented_start_variables_fit_the_emulator_and_a_real_tenant() -> None:
    real, emulated = documented_start_variables()
    assert real.keys() == emulated.keys()
    assert real["uipathCloudUrl"] == "cloud.uipath.com"
    assert emulated == {
        "uipathCloudUrl": f"http://127.0.0.1:8765/{DEMO.org}/{DEMO.tenant}/orchestrator_",
        "uipathOrg": DEMO.org,
        "uipathTenant": DEMO.tenant,
        "uipathFolderId": str(DEMO.folder_id),
        "uipathQueue": DEMO.unique_queue_name,
        "invoice": INVOICE,
    }
    text = GETTING_STARTED.read_text(encoding="utf-8")
    assert f"UIPATH_CLIENT_ID={DEMO.client_id} UIPATH_CLIENT_SECRET={DEMO.client_secret}" in text


def test_the_process_uses_the_templates_fields_and_the_connectors_job_type() -> None:
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    inputs = {p["binding"]["name"] for p in template["properties"] if p["binding"]["type"] == "zeebe:input"}
    headers = {p["binding"]["key"] for p in template["properties"] if p["binding"]["type"] == "zeebe:taskHeader"}
    walker = ProcessWalker(BPMN_FILE)
    tasks = walker.process.findall("bpmn:serviceTask", NS)
    assert [task.get("id") for task in tasks] == ["AddQueueItem", "GetQueueItem"]
    for task in tasks:
        assert task.get(_q("zeebe:modelerTemplate")) == template["id"]
        targets = {m.get("target") for m in task.iterfind(".//zeebe:input", NS)}
        assert targets <= inputs, targets - inputs
        keys = {h.get("key") for h in task.iterfind(".//zeebe:header", NS)}
        assert keys <= headers, keys - headers
        definition = task.find(".//zeebe:taskDefinition", NS)
        assert definition is not None
        assert definition.get("type") == JOB_TYPE
