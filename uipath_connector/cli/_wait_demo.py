"""``uipath-connector demo --wait``: a process-level wait that ends by a message, on loopback (``docs/waiting.md``).

Everything runs on 127.0.0.1 and needs no account: the Orchestrator emulator (its robot and its signed webhooks),
the webhook receiver served by uvicorn (extra ``[webhooks]``), and a fake Camunda REST API that holds one process
instance waiting at a message catch event (message name and correlation key, as the "Wait for UiPath queue item"
template sets them) and records every ``POST /v2/messages/publication``; messages are published through
camunda-orchestration-sdk (extra ``[camunda]``). The emulator delivers the completion twice and a reconciler run
reads the item back, to show that the waiting instance still gets one message.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

__all__ = ["WaitingEngine", "run_wait_demo"]

_REFERENCE = "INV-1001"
_OUTPUT = {"Approved": True, "PaymentReference": "PAY-INV-1001"}
# Generated for the demo and given to both sides; it exists only in this process.
_WEBHOOK_SECRET = "demo-webhook-secret-loopback-only"  # noqa: S105
_MAX_BODY = 1024 * 1024


class WaitingEngine:
    """The engine's side of ``POST /v2/messages/publication``: open subscriptions of waiting process instances,
    Zeebe's message-id check (``409`` for an id it holds), and every request recorded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: list[Mapping[str, Any]] = []
        self.messages: list[Mapping[str, Any]] = []
        self.subscriptions: dict[tuple[str, str], str] = {}
        self.completed: dict[str, Mapping[str, Any]] = {}
        self._ids: set[tuple[str, str]] = set()
        self.correlated = threading.Event()

    def wait(self, instance: str, message_name: str, correlation_key: str) -> None:
        """A process instance reaches its message catch event: a subscription opens."""
        with self._lock:
            self.subscriptions[(message_name, correlation_key)] = instance

    def publish(self, body: Mapping[str, Any]) -> tuple[int, Mapping[str, Any]]:
        with self._lock:
            self.requests.append(body)
            identity = (str(body.get("name")), str(body.get("messageId")))
            if body.get("messageId") and identity in self._ids:
                detail = f"a message with id '{identity[1]}' was already published"
                return 409, {
                    "type": "about:blank",
                    "title": "ALREADY_EXISTS",
                    "status": 409,
                    "detail": detail,
                    "instance": "/v2/messages/publication",
                }
            self._ids.add(identity)
            self.messages.append(body)
            instance = self.subscriptions.pop((identity[0], str(body.get("correlationKey"))), None)
            if instance is not None:
                self.completed[instance] = dict(body.get("variables") or {})
                self.correlated.set()
            return 200, {"messageKey": str(2251799813685249 + len(self.messages)), "tenantId": "<default>"}


@contextmanager
def _serving(engine: WaitingEngine) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(min(length, _MAX_BODY))
            answer: Mapping[str, Any]
            if self.path != "/v2/messages/publication":
                status, answer = 404, {"title": "NOT_FOUND", "status": 404, "detail": self.path}
            else:
                status, answer = engine.publish(json.loads(raw or b"{}"))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_wait_demo(out: TextIO, *, as_json: bool = False) -> int:
    """Run the wait demo, writing to ``out``; 0 when the waiting instance got exactly one message.

    ``run_wait_demo(sys.stdout)``; raises ``ImportError`` without the extras ``[webhooks]`` and ``[camunda]``.
    """
    import uvicorn
    from camunda_orchestration_sdk import CamundaClient

    from ..testing import DEMO, OrchestratorEmulator
    from ..uipath import (
        AddQueueItemInput,
        Configuration,
        OAuthClientCredentialsAuthentication,
        OrchestratorClient,
        TokenCache,
    )
    from ..webhooks import (
        DEFAULT_MESSAGE_NAME,
        FINAL_EVENT_TYPES,
        CamundaRestPublisher,
        MessageDispatcher,
        OrchestratorItemSource,
        Reconciler,
        WebhookReceiver,
    )

    started = time.perf_counter()
    lines: list[str] = []
    facts: dict[str, Any] = {}

    def say(text: str) -> None:
        lines.append(text)
        if not as_json:
            print(text, file=out)

    engine = WaitingEngine()
    emulator = OrchestratorEmulator.demo()
    with _serving(engine) as engine_url, emulator.server() as orchestrator:
        camunda = CamundaClient(configuration={"CAMUNDA_REST_ADDRESS": engine_url, "CAMUNDA_AUTH_STRATEGY": "NONE"})
        dispatcher = MessageDispatcher(CamundaRestPublisher(camunda))
        app = WebhookReceiver(secrets=[_WEBHOOK_SECRET], dispatcher=dispatcher)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, name="uipath-demo-receiver", daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            receiver_url = f"http://127.0.0.1:{port}/uipath/webhooks"
            client = OrchestratorClient(
                Configuration(cloud_url=orchestrator.base_url, organization_unit_id=DEMO.folder_id),
                OAuthClientCredentialsAuthentication(client_id=DEMO.client_id, client_secret=DEMO.client_secret),
                allow_insecure_http=True,
                token_cache=TokenCache(),
            )
            emulator.webhooks.register(receiver_url, secret=_WEBHOOK_SECRET, events=FINAL_EVENT_TYPES)
            say("uipath-connector demo --wait: a process waits for the robot by message, without polling")
            say(f"  Orchestrator (emulator)  {orchestrator.base_url}")
            say(f"  webhook receiver         {receiver_url}  (X-UiPath-Signature checked)")
            say(f"  Zeebe (fake REST API)    {engine_url}/v2/messages/publication")

            added = client.add_queue_item(AddQueueItemInput(queue_name=DEMO.queue_name, reference=_REFERENCE))
            body = added.body
            item_id = int(body["Id"]) if isinstance(body, Mapping) else 0
            say(f"1. Add queue item {item_id} to {DEMO.queue_name!r} with reference {_REFERENCE!r}: {added.status}")
            engine.wait("instance-1", DEFAULT_MESSAGE_NAME, _REFERENCE)
            say(f"2. the process instance waits at a message catch event: {DEFAULT_MESSAGE_NAME!r}, key {_REFERENCE!r}")

            emulator.webhooks.duplicate_next()
            robot_started = time.perf_counter()
            emulator.complete(item_id, output=_OUTPUT)
            correlated = engine.correlated.wait(10)
            latency_ms = (time.perf_counter() - robot_started) * 1000
            emulator.webhooks.wait_until_idle(10)
            dispatcher.wait_idle(10)
            deliveries = [d.status for d in emulator.webhooks.deliveries]
            say(
                f"3. the robot completes item {item_id}; Orchestrator sends queueItem.transactionCompleted, twice: "
                f"the receiver answers {', '.join(map(str, deliveries))}"
            )
            variables = engine.completed.get("instance-1", {})
            say(f"4. the instance got its message {latency_ms:.0f} ms after the robot finished and carries on with")
            say("   uipathQueueItem = " + json.dumps(variables.get("uipathQueueItem"), ensure_ascii=False))

            (report,) = Reconciler(OrchestratorItemSource(client), dispatcher, queues=[DEMO.queue_name]).run_once()
            say(
                f"5. a reconciler run reads {report.items_read} finished item(s) back from Orchestrator and publishes "
                f"{report.published} (the id was already published: {report.already_published})"
            )
            say(
                f"Zeebe got {len(engine.messages)} message for 1 finished item "
                f"({len(engine.requests)} publication request(s)) in {time.perf_counter() - started:.1f} s"
            )
            facts = {
                "itemId": item_id,
                "deliveries": deliveries,
                "messages": list(engine.messages),
                "publicationRequests": len(engine.requests),
                "correlated": correlated,
                "latencyMs": round(latency_ms, 1),
                "reconciler": {"read": report.items_read, "published": report.published},
            }
        finally:
            server.should_exit = True
            thread.join(10)
            dispatcher.close()
            camunda.close()
            emulator.webhooks.stop()
    if as_json:
        print(json.dumps(facts, indent=2, ensure_ascii=False), file=out)
    ok = facts.get("correlated") and len(engine.messages) == 1
    return 0 if ok else 1
