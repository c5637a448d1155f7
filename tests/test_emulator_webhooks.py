"""The emulator's webhooks: the Webhooks API, signed deliveries on item state changes, delivery faults."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from uipath_connector.testing import DEMO, ManualClock, OrchestratorEmulator
from uipath_connector.testing.emulator._webhooks import EVENT_TYPES, sign

SECRET = "whsec-emulator-test"


class Receiver:
    """A loopback HTTP endpoint that records each POST; ``status`` is what it answers."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.arrived:
                    receiver.received.append((dict(self.headers.items()), body))
                    receiver.arrived.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/uipath/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _headers, body in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    target = Receiver()
    yield target
    target.close()


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[OrchestratorEmulator]:
    emulator = OrchestratorEmulator.demo(clock=clock)
    yield emulator
    emulator.webhooks.stop()


def _headers(**extra: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {DEMO.personal_access_token}",
        "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
        **extra,
    }


def _add(base: str, **fields: Any) -> dict[str, Any]:
    response = requests.post(
        f"{base}/odata/Queues/UiPathODataSvc.AddQueueItem",
        json={"itemData": {"Name": DEMO.queue_name, **fields}},
        headers=_headers(),
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_webhooks_api_register_list_get_delete(emulator: OrchestratorEmulator, receiver: Receiver) -> None:
    with emulator.serve() as url:
        base = emulator.base_url(url)
        created = requests.post(
            f"{base}/odata/Webhooks",
            json={
                "Url": receiver.url,
                "Enabled": True,
                "Secret": SECRET,
                "SubscribeToAllEvents": False,
                "Events": [{"EventType": "queueItem.transactionCompleted"}],
            },
            headers=_headers(),
            timeout=5,
        )
        hook_id = created.json()["Id"]
        listed = requests.get(f"{base}/odata/Webhooks", headers=_headers(), timeout=5).json()
        one = requests.get(f"{base}/odata/Webhooks({hook_id})", headers=_headers(), timeout=5).json()
        types = requests.get(
            f"{base}/odata/Webhooks/UiPath.Server.Configuration.OData.GetEventTypes", headers=_headers(), timeout=5
        ).json()
        deleted = requests.delete(f"{base}/odata/Webhooks({hook_id})", headers=_headers(), timeout=5)
        gone = requests.get(f"{base}/odata/Webhooks({hook_id})", headers=_headers(), timeout=5)

    assert created.status_code == 201
    assert created.headers["Location"].endswith(f"/odata/Webhooks({hook_id})")
    assert [h["Url"] for h in listed["value"]] == [receiver.url]
    assert one["Events"] == [{"EventType": "queueItem.transactionCompleted"}]
    # The secret is write-only: no listing shows it.
    assert SECRET not in json.dumps([created.json(), listed, one])
    assert [t["Name"] for t in types["value"]] == list(EVENT_TYPES)
    assert deleted.status_code == 204
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"Url": "ftp://example.com/x", "SubscribeToAllEvents": True},
            "Url: an absolute http or https URL is required.",
        ),
        ({"Url": "http://127.0.0.1/x"}, "Events: subscribe to at least one event type, or set SubscribeToAllEvents."),
        (
            {"Url": "http://127.0.0.1/x", "Events": [{"EventType": "queueItem.exploded"}]},
            "Events[0].EventType: unknown event type 'queueItem.exploded'.",
        ),
        ({"Url": "http://127.0.0.1/x", "SubscribeToAllEvents": "yes"}, "SubscribeToAllEvents: a boolean is required."),
    ],
)
def test_webhook_registration_is_validated(emulator: OrchestratorEmulator, body: dict[str, Any], message: str) -> None:
    with emulator.serve() as url:
        response = requests.post(f"{emulator.base_url(url)}/odata/Webhooks", json=body, headers=_headers(), timeout=5)

    assert response.status_code == 400
    assert response.json()["message"] == message


def test_webhooks_need_the_webhooks_scope(emulator: OrchestratorEmulator) -> None:
    emulator.add_token("queues-only", ["OR.Queues"])
    with emulator.serve() as url:
        response = requests.get(
            f"{emulator.base_url(url)}/odata/Webhooks",
            headers={"Authorization": "Bearer queues-only"},
            timeout=5,
        )

    assert response.status_code == 403


def test_signed_deliveries_for_each_state_change(emulator: OrchestratorEmulator, receiver: Receiver) -> None:
    emulator.webhooks.register(receiver.url, secret=SECRET)
    with emulator.serve() as url:
        base = emulator.base_url(url)
        created = _add(base, Reference="INV-1", SpecificContent={"Amount": 5})
        started = requests.post(
            f"{base}/odata/Queues/UiPathODataSvc.StartTransaction",
            json={"transactionData": {"Name": DEMO.queue_name, "RobotIdentifier": DEMO.robot_key}},
            headers=_headers(),
            timeout=5,
        )
        requests.post(
            f"{base}/odata/Queues({created['Id']})/UiPathODataSvc.SetTransactionResult",
            json={"transactionResult": {"IsSuccessful": True, "Output": {"Paid": True}}},
            headers=_headers(),
            timeout=5,
        )
        assert emulator.webhooks.wait_until_idle(10)

    assert started.status_code == 200
    for headers, body in receiver.received:
        expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
        assert headers["X-UiPath-Signature"] == expected
        assert headers["Content-Type"] == "application/json; charset=utf-8"
    added, start, completed = receiver.bodies()
    assert [e["Type"] for e in (added, start, completed)] == list(EVENT_TYPES[:3])
    assert set(added) == {
        "Type",
        "EventId",
        "Timestamp",
        "Queue",
        "QueueItems",
        "TenantId",
        "OrganizationUnitId",
        "UserId",
    }
    assert len(added["EventId"]) == 32
    assert int(added["EventId"], 16) >= 0
    assert added["Timestamp"] == "2024-05-02T10:11:12.3456780Z"
    assert (added["TenantId"], added["OrganizationUnitId"]) == (1, DEMO.folder_id)
    assert added["Queue"] == {
        "Id": DEMO.queue_id,
        "Name": DEMO.queue_name,
        "Description": None,
        "MaxNumberOfRetries": 0,
        "AcceptAutomaticallyRetry": False,
        "EnforceUniqueReference": False,
    }
    assert added["QueueItems"][0] == {
        "Id": created["Id"],
        "Key": created["Key"],
        "QueueDefinitionId": DEMO.queue_id,
        "Status": "New",
        "ReviewStatus": "None",
        "Reference": "INV-1",
        "Priority": "Normal",
        "CreationTime": "2024-05-02T10:11:12.345Z",
        "SecondsInPreviousAttempts": 0,
        "RetryNumber": 0,
        "SpecificContent": {"Amount": 5},
    }
    # A robot's changes name no user (UiPath's "Webhooks" page: UserId is absent for robot-triggered events).
    assert "UserId" not in start
    assert "UserId" not in completed
    assert start["QueueItem"]["Status"] == "InProgress"
    assert start["QueueItem"]["Robot"]["Name"] == DEMO.robot_name
    assert (completed["QueueItem"]["Status"], completed["QueueItem"]["Output"]) == ("Successful", {"Paid": True})


def test_failures_and_abandons_are_announced(emulator: OrchestratorEmulator, receiver: Receiver) -> None:
    emulator.webhooks.register(receiver.url, events=["queueItem.transactionFailed", "queueItem.transactionAbandoned"])
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    first = emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    second = emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    emulator.fail(first.id, "Vendor not found", kind="business", details="no such vendor")
    emulator.start(second.id)
    emulator.abandon(second.id)
    assert emulator.webhooks.wait_until_idle(10)

    failed, abandoned = receiver.bodies()
    assert failed["Type"] == "queueItem.transactionFailed"
    assert failed["QueueItem"]["ProcessingException"] == {
        "Reason": "Vendor not found",
        "Details": "no such vendor",
        "Type": "BusinessException",
    }
    assert abandoned["Type"] == "queueItem.transactionAbandoned"
    assert abandoned["QueueItems"][0]["Status"] == "Abandoned"
    assert all("X-UiPath-Signature" not in headers for headers, _body in receiver.received)  # no secret, no signature


def test_drop_and_duplicate_faults(emulator: OrchestratorEmulator, receiver: Receiver) -> None:
    hook = emulator.webhooks.register(receiver.url, secret=SECRET, events=["queueItem.added"])
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    emulator.webhooks.drop_next(2)
    emulator.webhooks.duplicate_next(1)
    for _ in range(4):
        emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    assert emulator.webhooks.wait_until_idle(10)

    ids = [body["QueueItems"][0]["Id"] for body in receiver.bodies()]
    assert ids == [3, 3, 4]
    assert receiver.bodies()[0]["EventId"] == receiver.bodies()[1]["EventId"]
    outcomes = [(d.webhook_id, d.outcome) for d in emulator.webhooks.deliveries]
    assert outcomes == [
        (hook.id, "dropped"),
        (hook.id, "dropped"),
        (hook.id, "delivered"),
        (hook.id, "delivered"),
        (hook.id, "delivered"),
    ]
    assert emulator.webhooks.deliveries[2].signature == sign(SECRET, emulator.webhooks.deliveries[2].body)


def test_a_failed_delivery_switches_the_webhook_off_for_an_hour(
    emulator: OrchestratorEmulator, receiver: Receiver, clock: ManualClock
) -> None:
    emulator.webhooks.register(receiver.url, events=["queueItem.added"])
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    def add() -> None:
        emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
        assert emulator.webhooks.wait_until_idle(10)

    receiver.status = 500
    add()  # fails: the circuit breaker opens
    receiver.status = 200
    add()  # skipped, not queued
    clock.advance(3599)
    add()  # still skipped
    clock.advance(1)
    add()  # delivered again

    assert [d.outcome for d in emulator.webhooks.deliveries] == ["failed", "skipped", "skipped", "delivered"]
    assert [body["QueueItems"][0]["Id"] for body in receiver.bodies()] == [1, 4]


def test_switch_off_and_unreachable_receivers(
    emulator: OrchestratorEmulator, receiver: Receiver, clock: ManualClock
) -> None:
    hook = emulator.webhooks.register(receiver.url, events=["queueItem.added"])
    dead = emulator.webhooks.register("http://127.0.0.1:9/closed", events=["queueItem.added"])
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    emulator.webhooks.switch_off(hook.id)
    emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    assert emulator.webhooks.wait_until_idle(10)

    outcomes = {d.webhook_id: (d.outcome, d.status) for d in emulator.webhooks.deliveries}
    assert outcomes[hook.id] == ("skipped", None)
    assert outcomes[dead.id][0] == "failed"
    assert emulator.webhooks.get(dead.id).disabled_until is not None
    assert receiver.received == []


def test_the_api_answers_while_a_receiver_is_slow(emulator: OrchestratorEmulator) -> None:
    # A receiver that never answers: the Add returns at once, the delivery thread waits out its timeout.
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    emulator.webhooks.delivery_timeout_seconds = 0.5
    emulator.webhooks.register(f"http://127.0.0.1:{listener.getsockname()[1]}/slow", events=["queueItem.added"])
    try:
        with emulator.serve() as url:
            _add(emulator.base_url(url))
            assert emulator.webhooks.deliveries == []  # still in flight
            assert emulator.webhooks.wait_until_idle(10)
        assert emulator.webhooks.deliveries[0].outcome == "failed"
        assert "timed out" in (emulator.webhooks.deliveries[0].error or "")
    finally:
        listener.close()


def test_the_delivery_thread_ends_when_quiet_and_comes_back(
    emulator: OrchestratorEmulator, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from uipath_connector.testing.emulator import _webhooks

    monkeypatch.setattr(_webhooks, "IDLE_THREAD_SECONDS", 0.0)
    emulator.webhooks.register(receiver.url, events=["queueItem.added"])
    queue = emulator.queue(DEMO.queue_name)
    from uipath_connector.testing.emulator._model import parse_item_data

    emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    assert emulator.webhooks.wait_until_idle(10)
    first = emulator.webhooks._thread
    assert first is not None
    first.join(5)  # quiet: it leaves on its own
    assert emulator.webhooks._thread is None
    emulator.seed_item(queue, parse_item_data({"Name": queue.name}))
    assert emulator.webhooks.wait_until_idle(10)

    assert [body["QueueItems"][0]["Id"] for body in receiver.bodies()] == [1, 2]
