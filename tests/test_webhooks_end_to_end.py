"""End to end on loopback: the emulator's robot finishes items, its webhooks deliver signed events to the receiver
(served by uvicorn), the reconciler reads Orchestrator's OData, and messages reach a real-wire fake Camunda REST API
through camunda-orchestration-sdk. Exactly one message per finished item, whatever is lost or doubled on the way."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from webhooks_support import FakeZeebeRest, serving_rest

from uipath_connector.testing import DEMO, OrchestratorEmulator
from uipath_connector.uipath import (
    AddQueueItemInput,
    Configuration,
    OAuthClientCredentialsAuthentication,
    OrchestratorClient,
    TokenCache,
)
from uipath_connector.webhooks import (
    FileWatermarkStore,
    MessageDispatcher,
    OrchestratorItemSource,
    Reconciler,
    WebhookReceiver,
)

uvicorn = pytest.importorskip("uvicorn", reason="pip install 'uipath-connector[webhooks]'")
pytest.importorskip("camunda_orchestration_sdk", reason="pip install 'uipath-connector[camunda]'")

if not hasattr(OrchestratorEmulator, "webhooks"):  # pragma: no cover - until the emulator's webhooks land
    pytest.skip("the emulator has no webhooks API yet", allow_module_level=True)

SECRET = "e2e-webhook-secret"
FINAL_EVENTS = ["queueItem.transactionCompleted", "queueItem.transactionFailed", "queueItem.transactionAbandoned"]


@attrs.define
class Rig:
    emulator: OrchestratorEmulator
    gateway: FakeZeebeRest
    publisher: Any
    dispatcher: MessageDispatcher
    client: OrchestratorClient
    receiver_url: str

    def add(self, reference: str) -> int:
        envelope = self.client.add_queue_item(AddQueueItemInput(queue_name=DEMO.queue_name, reference=reference))
        return int(envelope.body["Id"])  # type: ignore[index]

    def reconciler(self, store: Any = None) -> Reconciler:
        return Reconciler(OrchestratorItemSource(self.client), self.dispatcher, queues=[DEMO.queue_name], store=store)

    def settle(self) -> None:
        assert self.emulator.webhooks.wait_until_idle(10)
        assert self.dispatcher.wait_idle(10)

    def published(self) -> list[tuple[str, str]]:
        return [(body["messageId"], body["correlationKey"]) for body in self.gateway.published]

    def publication_requests(self) -> int:
        return sum(1 for _, path, _ in self.gateway.requests if path == "/v2/messages/publication")


@pytest.fixture
def rig() -> Iterator[Rig]:
    from camunda_orchestration_sdk import CamundaClient

    from uipath_connector.webhooks import CamundaRestPublisher

    emulator = OrchestratorEmulator.demo()
    gateway = FakeZeebeRest()
    with serving_rest(gateway) as gateway_address, emulator.server() as orchestrator:
        camunda = CamundaClient(
            configuration={"CAMUNDA_REST_ADDRESS": gateway_address, "CAMUNDA_AUTH_STRATEGY": "NONE"}
        )
        publisher = CamundaRestPublisher(camunda)
        dispatcher = MessageDispatcher(publisher)
        app = WebhookReceiver(secrets=[SECRET], dispatcher=dispatcher)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        client = OrchestratorClient(
            Configuration(cloud_url=orchestrator.base_url, organization_unit_id=DEMO.folder_id),
            OAuthClientCredentialsAuthentication(client_id=DEMO.client_id, client_secret=DEMO.client_secret),
            allow_insecure_http=True,
            token_cache=TokenCache(),
        )
        try:
            yield Rig(emulator, gateway, publisher, dispatcher, client, f"http://127.0.0.1:{port}/uipath/webhooks")
        finally:
            server.should_exit = True
            thread.join(10)
            camunda.close()
            emulator.webhooks.stop()


def test_a_completed_item_gives_one_message_despite_a_doubled_delivery_and_the_reconciler(rig: Rig) -> None:
    rig.emulator.webhooks.register(rig.receiver_url, secret=SECRET, events=FINAL_EVENTS)
    item_id = rig.add("INV-1")
    rig.emulator.webhooks.duplicate_next()
    rig.emulator.complete(item_id, output={"Paid": True})
    rig.settle()
    (report,) = rig.reconciler().run_once()
    rig.settle()

    assert rig.published() == [(f"uipath-queue-item:{item_id}:Successful", "INV-1")]
    assert [d.status for d in rig.emulator.webhooks.deliveries] == [202, 202]
    assert rig.publication_requests() == 1  # the second delivery and the reconciler never reached Zeebe
    assert (report.published, report.already_published) == (0, 1)
    variables = rig.gateway.published[0]["variables"]["uipathQueueItem"]
    assert (variables["status"], variables["output"], variables["reference"]) == ("Successful", {"Paid": True}, "INV-1")


def test_failed_and_abandoned_items_carry_their_outcome(rig: Rig) -> None:
    rig.emulator.webhooks.register(rig.receiver_url, secret=SECRET, events=FINAL_EVENTS)
    failed, abandoned = rig.add("INV-F"), rig.add("INV-A")
    rig.emulator.fail(failed, "Vendor not found", kind="business")
    rig.emulator.start(abandoned)
    rig.emulator.abandon(abandoned)
    rig.settle()

    assert sorted(rig.published()) == sorted(
        [(f"uipath-queue-item:{failed}:Failed", "INV-F"), (f"uipath-queue-item:{abandoned}:Abandoned", "INV-A")]
    )
    by_status = {b["variables"]["uipathQueueItem"]["status"]: b for b in rig.gateway.published}
    assert by_status["Failed"]["variables"]["uipathQueueItem"]["processingException"]["Reason"] == "Vendor not found"


def test_dropped_deliveries_are_published_by_the_reconciler(rig: Rig) -> None:
    rig.emulator.webhooks.register(rig.receiver_url, secret=SECRET, events=FINAL_EVENTS)
    items = [rig.add(f"INV-{n}") for n in range(3)]
    rig.emulator.webhooks.drop_next(3)
    for item_id in items:
        rig.emulator.complete(item_id)
    rig.settle()
    assert rig.published() == []

    (report,) = rig.reconciler().run_once()
    rig.settle()

    assert sorted(rig.published()) == sorted(
        (f"uipath-queue-item:{i}:Successful", f"INV-{n}") for n, i in enumerate(items)
    )
    assert report.published == 3


def test_a_switched_off_webhook_is_covered_by_the_reconciler_loop(rig: Rig) -> None:
    hook = rig.emulator.webhooks.register(rig.receiver_url, secret=SECRET, events=FINAL_EVENTS)
    rig.emulator.webhooks.switch_off(hook.id)
    item_id = rig.add("INV-OFF")
    rig.emulator.complete(item_id)
    rig.settle()
    assert [d.outcome for d in rig.emulator.webhooks.deliveries] == ["skipped"]

    reconciler = Reconciler(
        OrchestratorItemSource(rig.client), rig.dispatcher, queues=[DEMO.queue_name], interval_seconds=0.1
    )
    stop = threading.Event()
    loop = threading.Thread(target=reconciler.run, args=(stop,))
    began = time.monotonic()
    loop.start()
    try:
        while not rig.published() and time.monotonic() - began < 10:
            time.sleep(0.01)
    finally:
        stop.set()
        loop.join(10)

    assert rig.published() == [(f"uipath-queue-item:{item_id}:Successful", "INV-OFF")]


def test_a_bad_signature_gets_401_and_publishes_nothing(rig: Rig) -> None:
    rig.emulator.webhooks.register(rig.receiver_url, secret="not-the-receivers-secret", events=FINAL_EVENTS)
    item_id = rig.add("INV-BAD")
    rig.emulator.complete(item_id)
    rig.settle()

    assert [d.status for d in rig.emulator.webhooks.deliveries] == [401]
    assert rig.published() == []


def test_a_reconciler_restart_neither_skips_nor_repeats(rig: Rig, tmp_path: Path) -> None:
    store = tmp_path / "watermarks.json"
    first = [rig.add(f"INV-R{n}") for n in range(2)]
    for item_id in first:
        rig.emulator.complete(item_id)
    rig.reconciler(FileWatermarkStore(store)).run_once()
    rig.settle()
    assert rig.publication_requests() == 2

    # A new process: a new dispatcher (empty memory), the same watermark file, one more finished item.
    later = rig.add("INV-R2")
    rig.emulator.complete(later)
    rig.dispatcher = MessageDispatcher(rig.publisher)
    rig.reconciler(FileWatermarkStore(store)).run_once()

    assert rig.publication_requests() == 3  # only the new item went to Zeebe
    assert sorted(rig.published()) == sorted(
        (f"uipath-queue-item:{i}:Successful", ref)
        for i, ref in zip([*first, later], ["INV-R0", "INV-R1", "INV-R2"], strict=True)
    )
