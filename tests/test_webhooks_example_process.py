"""The waiting sample process (examples/invoice-wait-for-robot.bpmn) end to end, on loopback: the Add job runs as a
worker runs it, the process waits at the message catch event of the "Wait for UiPath queue item" template, the
emulated robot finishes the item, the emulator's signed webhook reaches the receiver (uvicorn), and the published
message is correlated by name and correlation key as Zeebe does (Camunda docs, "Messages": a subscription opens when
the catch event is entered; a message with the same name and correlation key ends the wait and its variables are
merged into the process). No polling: Orchestrator sees one Add and nothing else from the process."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from uipath_connector.feel import evaluate
from uipath_connector.runtime import Complete, run_job
from uipath_connector.sdk import MapSecretProvider
from uipath_connector.testing import DEMO, OrchestratorEmulator
from uipath_connector.uipath import JOB_TYPE, TokenCache, UiPathConnector
from uipath_connector.webhooks import (
    FINAL_EVENT_TYPES,
    MessageDispatcher,
    PublishOutcome,
    QueueItemMessage,
    WebhookReceiver,
)

uvicorn = pytest.importorskip("uvicorn", reason="pip install 'uipath-connector[webhooks]'")
if not hasattr(OrchestratorEmulator, "webhooks"):  # pragma: no cover - until the emulator's webhooks land
    pytest.skip("the emulator has no webhooks API yet", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
BPMN_FILE = ROOT / "examples" / "invoice-wait-for-robot.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "zeebe": "http://camunda.org/schema/zeebe/1.0"}
SECRET = "example-process-webhook-secret"
INVOICE = {"InvoiceId": "INV-2001", "Vendor": "ACME Corp", "Amount": 99.5}


class Engine:
    """Zeebe's message correlation for one waiting instance: a publisher that ends the open subscription."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.subscription: tuple[str, str] | None = None
        self.delivered: dict[str, Any] | None = None
        self.correlated = threading.Event()
        self.messages: list[QueueItemMessage] = []

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        with self.lock:
            if any(known.message_id == message.message_id for known in self.messages):
                return PublishOutcome.ALREADY_PUBLISHED
            self.messages.append(message)
            if self.subscription == (message.name, message.correlation_key):
                self.subscription = None
                self.delivered = dict(message.variables)
                self.correlated.set()
        return PublishOutcome.PUBLISHED


def walk(emulator: OrchestratorEmulator, base_url: str, engine: Engine, robot: Any) -> tuple[str, dict[str, Any]]:
    root = ElementTree.parse(BPMN_FILE).getroot()
    (process,) = root.findall("bpmn:process", NS)
    messages = {m.get("id"): m for m in root.findall("bpmn:message", NS)}
    elements = {element.get("id"): element for element in process if element.get("id")}
    flows = process.findall("bpmn:sequenceFlow", NS)

    def outgoing(element_id: str) -> list[ElementTree.Element]:
        return [flow for flow in flows if flow.get("sourceRef") == element_id]

    variables: dict[str, Any] = {
        "uipathCloudUrl": base_url,
        "uipathOrg": None,
        "uipathTenant": None,
        "uipathFolderId": DEMO.folder_id,
        "uipathQueue": DEMO.queue_name,
        "invoice": INVOICE,
    }
    connector = UiPathConnector(allow_insecure_http=True, token_cache=TokenCache())
    secrets = MapSecretProvider({"UIPATH_CLIENT_ID": DEMO.client_id, "UIPATH_CLIENT_SECRET": DEMO.client_secret})
    (start,) = process.findall("bpmn:startEvent", NS)
    current = start.get("id", "")
    for _ in range(20):
        element = elements[current]
        tag = element.tag.split("}")[1]
        if tag == "endEvent":
            return current, variables
        if tag == "serviceTask":
            extensions = element.find("bpmn:extensionElements", NS)
            assert extensions is not None
            definition = extensions.find("zeebe:taskDefinition", NS)
            assert definition is not None
            assert definition.get("type") == JOB_TYPE
            job: dict[str, Any] = {}
            for mapping in extensions.findall("zeebe:ioMapping/zeebe:input", NS):
                source = mapping.get("source", "")
                value = evaluate(source, variables) if source.startswith("=") else source
                *parents, leaf = mapping.get("target", "").split(".")
                target = job
                for name in parents:
                    target = target.setdefault(name, {})
                target[leaf] = value
            headers = {h.get("key", ""): h.get("value", "") for h in extensions.iter(f"{{{NS['zeebe']}}}header")}
            outcome = run_job(connector, variables=job, custom_headers=headers, retries=3, secret_provider=secrets)
            assert isinstance(outcome, Complete), outcome
            scope = {**variables, **outcome.variables}
            for mapping in extensions.findall("zeebe:ioMapping/zeebe:output", NS):
                variables[mapping.get("target", "")] = evaluate(mapping.get("source", ""), scope)
        elif tag == "eventBasedGateway":
            # The first event wins: open the message subscription, let the robot act, and wait (bounded).
            message_event = next(
                elements[f.get("targetRef", "")]
                for f in outgoing(current)
                if elements[f.get("targetRef", "")].find("bpmn:messageEventDefinition", NS) is not None
            )
            definition = message_event.find("bpmn:messageEventDefinition", NS)
            assert definition is not None
            message = messages[definition.get("messageRef")]
            subscription = message.find("bpmn:extensionElements/zeebe:subscription", NS)
            assert subscription is not None
            key = evaluate(subscription.get("correlationKey", ""), variables)
            with engine.lock:
                engine.subscription = (message.get("name", ""), str(key))
            robot(variables["itemId"])
            assert engine.correlated.wait(10), "no message correlated"
            assert engine.delivered is not None
            variables.update(engine.delivered)
            current = message_event.get("id", "")
            (flow,) = outgoing(current)
            current = flow.get("targetRef", "")
            continue
        elif tag == "exclusiveGateway":
            default = element.get("default")
            chosen = next(
                (
                    f
                    for f in outgoing(current)
                    if f.get("id") != default
                    and evaluate(f.findtext("bpmn:conditionExpression", namespaces=NS) or "", variables) is True
                ),
                None,
            )
            current = (chosen if chosen is not None else next(f for f in flows if f.get("id") == default)).get(
                "targetRef", ""
            )
            continue
        elif tag != "startEvent":
            raise AssertionError(f"the walker does not know {tag} ({current})")
        (flow,) = outgoing(current)
        current = flow.get("targetRef", "")
    raise AssertionError("too many steps")


@pytest.fixture
def loopback() -> Iterator[tuple[OrchestratorEmulator, str, Engine]]:
    emulator = OrchestratorEmulator.demo()
    engine = Engine()
    dispatcher = MessageDispatcher(engine)
    app = WebhookReceiver(secrets=[SECRET], dispatcher=dispatcher)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    emulator.webhooks.register(f"http://127.0.0.1:{port}/uipath/webhooks", secret=SECRET, events=FINAL_EVENT_TYPES)
    try:
        with emulator.server() as orchestrator:
            yield emulator, orchestrator.base_url, engine
    finally:
        server.should_exit = True
        thread.join(10)
        emulator.webhooks.stop()


def test_the_robots_result_ends_the_wait_without_polling(loopback: tuple[OrchestratorEmulator, str, Engine]) -> None:
    emulator, base_url, engine = loopback

    end, variables = walk(emulator, base_url, engine, lambda item_id: emulator.complete(item_id, output={"Paid": True}))

    assert end == "InvoiceProcessed"
    assert variables["uipathQueueItem"]["output"] == {"Paid": True}
    assert variables["uipathQueueItem"]["reference"] == INVOICE["InvoiceId"]
    orchestrator_calls = [request.endpoint.name for request in emulator.requests if request.endpoint is not None]
    assert "LIST_QUEUE_ITEMS" not in orchestrator_calls  # nobody polled
    assert [m.message_id for m in engine.messages] == [f"uipath-queue-item:{variables['itemId']}:Successful"]


def test_a_business_failure_ends_in_robot_failed_with_the_reason(
    loopback: tuple[OrchestratorEmulator, str, Engine],
) -> None:
    emulator, base_url, engine = loopback

    end, variables = walk(
        emulator, base_url, engine, lambda item_id: emulator.fail(item_id, "Vendor not found", kind="business")
    )

    assert end == "RobotFailed"
    assert variables["uipathQueueItem"]["status"] == "Failed"
    assert variables["uipathQueueItem"]["processingException"]["Reason"] == "Vendor not found"
