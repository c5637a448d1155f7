"""Publishing through the project's Zeebe clients against real-wire fake gateways, and the bounded retries."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import pytest
from webhooks_support import FakeZeebeRest, serving_rest

from uipath_connector.webhooks import (
    MessageDispatcher,
    PublishError,
    PublishOutcome,
    PublishRetryPolicy,
    QueueItemMessage,
    publish_with_retry,
)

MESSAGE = QueueItemMessage(
    name="uipath-queue-item-final",
    correlation_key="INV-1",
    message_id="uipath-queue-item:1001:Successful",
    variables={"uipathQueueItem": {"id": 1001, "status": "Successful", "output": {"Paid": True}}},
    time_to_live_ms=3_600_000,
)


class ScriptedPublisher:
    def __init__(self, *script: PublishOutcome | PublishError) -> None:
        self.script = list(script)
        self.calls = 0

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, PublishError):
            raise step
        return step


def test_transient_failures_are_retried_with_capped_backoff() -> None:
    publisher = ScriptedPublisher(
        PublishError("503", transient=True), PublishError("503", transient=True), PublishOutcome.PUBLISHED
    )
    sleeps: list[float] = []
    policy = PublishRetryPolicy(initial_backoff_seconds=1, max_backoff_seconds=1.5)

    assert publish_with_retry(publisher, MESSAGE, policy, sleep=sleeps.append) is PublishOutcome.PUBLISHED
    assert publisher.calls == 3
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1
    assert 0.75 <= sleeps[1] <= 1.5


def test_a_permanent_failure_is_not_retried() -> None:
    publisher = ScriptedPublisher(PublishError("400 bad tenant", transient=False))
    sleeps: list[float] = []

    assert publish_with_retry(publisher, MESSAGE, PublishRetryPolicy(), sleep=sleeps.append) is PublishOutcome.FAILED
    assert (publisher.calls, sleeps) == (1, [])


def test_attempts_and_total_time_bound_the_retries() -> None:
    publisher = ScriptedPublisher(*[PublishError("503", transient=True)] * 10)
    assert (
        publish_with_retry(publisher, MESSAGE, PublishRetryPolicy(max_attempts=3), sleep=lambda _: None)
        is PublishOutcome.FAILED
    )
    assert publisher.calls == 3

    slow = ScriptedPublisher(*[PublishError("503", transient=True)] * 10)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    policy = PublishRetryPolicy(max_attempts=10, max_total_seconds=2, initial_backoff_seconds=1, max_backoff_seconds=1)
    assert publish_with_retry(slow, MESSAGE, policy, sleep=sleep, clock=lambda: now[0]) is PublishOutcome.FAILED
    assert now[0] <= 2
    assert slow.calls <= 4


def test_a_failed_message_is_not_remembered_so_the_reconciler_can_publish_it() -> None:
    publisher = ScriptedPublisher(PublishError("400", transient=False), PublishOutcome.PUBLISHED)
    dispatcher = MessageDispatcher(publisher)

    assert dispatcher.publish_now(MESSAGE) is PublishOutcome.FAILED
    assert dispatcher.publish_now(MESSAGE) is PublishOutcome.PUBLISHED
    assert dispatcher.publish_now(MESSAGE) is PublishOutcome.ALREADY_PUBLISHED  # remembered, not sent
    assert publisher.calls == 2


# -- Camunda REST (camunda-orchestration-sdk) ------------------------------------------------------------------


@pytest.fixture
def rest() -> Iterator[tuple[FakeZeebeRest, Any]]:
    pytest.importorskip("camunda_orchestration_sdk", reason="pip install 'uipath-connector[camunda]'")
    from camunda_orchestration_sdk import CamundaClient

    from uipath_connector.webhooks import CamundaRestPublisher

    fake = FakeZeebeRest()
    with serving_rest(fake) as address:
        client = CamundaClient(configuration={"CAMUNDA_REST_ADDRESS": address, "CAMUNDA_AUTH_STRATEGY": "NONE"})
        try:
            yield fake, CamundaRestPublisher(client)
        finally:
            client.close()


def test_rest_publication_sends_exactly_this_body(rest: tuple[FakeZeebeRest, Any]) -> None:
    fake, publisher = rest

    assert publisher.publish(MESSAGE) is PublishOutcome.PUBLISHED

    assert fake.published == [
        {
            "name": "uipath-queue-item-final",
            "correlationKey": "INV-1",
            "timeToLive": 3_600_000,
            "messageId": "uipath-queue-item:1001:Successful",
            "variables": {"uipathQueueItem": {"id": 1001, "status": "Successful", "output": {"Paid": True}}},
        }
    ]


def test_rest_duplicate_message_id_is_already_published(rest: tuple[FakeZeebeRest, Any]) -> None:
    fake, publisher = rest

    assert publisher.publish(MESSAGE) is PublishOutcome.PUBLISHED
    assert publisher.publish(MESSAGE) is PublishOutcome.ALREADY_PUBLISHED
    assert len(fake.published) == 1


@pytest.mark.parametrize(("status", "transient"), [(503, True), (500, True), (400, False), (403, False)])
def test_rest_errors_map_to_transient_or_permanent(
    rest: tuple[FakeZeebeRest, Any], status: int, transient: bool
) -> None:
    fake, publisher = rest
    fake.script = [status] * 10  # the SDK may retry back-pressure itself; every attempt gets the status

    with pytest.raises(PublishError) as caught:
        publisher.publish(MESSAGE)

    assert caught.value.transient is transient
    assert str(caught.value) == f"Camunda REST API answered {status} to POST /v2/messages/publication"
    assert fake.published == []


def test_rest_unreachable_gateway_is_transient() -> None:
    pytest.importorskip("camunda_orchestration_sdk", reason="pip install 'uipath-connector[camunda]'")
    from camunda_orchestration_sdk import CamundaClient

    from uipath_connector.webhooks import CamundaRestPublisher

    fake = FakeZeebeRest()
    with serving_rest(fake) as address:
        pass  # the port is closed again
    client = CamundaClient(configuration={"CAMUNDA_REST_ADDRESS": address, "CAMUNDA_AUTH_STRATEGY": "NONE"})
    try:
        with pytest.raises(PublishError, match="Camunda REST API unreachable") as caught:
            CamundaRestPublisher(client).publish(MESSAGE)
        assert caught.value.transient
    finally:
        client.close()


# -- gRPC (pyzeebe) ----------------------------------------------------------------------------------------------


@pytest.fixture
def grpc_gateway() -> Iterator[tuple[Any, str]]:
    pytest.importorskip("pyzeebe", reason="pip install 'uipath-connector[pyzeebe]'")
    grpc = pytest.importorskip("grpc")
    from pyzeebe.proto import gateway_pb2, gateway_pb2_grpc

    class FakeGateway(gateway_pb2_grpc.GatewayServicer):  # type: ignore[misc]
        def __init__(self) -> None:
            self.lock = threading.Lock()
            self.published: list[dict[str, Any]] = []
            self.ids: set[str] = set()
            self.script: list[Any] = []

        def PublishMessage(self, request: Any, context: Any) -> Any:
            with self.lock:
                if self.script:
                    context.abort(self.script.pop(0), "scripted")
                if request.messageId and request.messageId in self.ids:
                    context.abort(grpc.StatusCode.ALREADY_EXISTS, f"message {request.messageId} already published")
                self.ids.add(request.messageId)
                self.published.append(
                    {
                        "name": request.name,
                        "correlationKey": request.correlationKey,
                        "timeToLive": request.timeToLive,
                        "messageId": request.messageId,
                        "variables": json.loads(request.variables or "{}"),
                        "tenantId": request.tenantId,
                    }
                )
            return gateway_pb2.PublishMessageResponse(key=1, tenantId=request.tenantId)

    gateway = FakeGateway()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    gateway_pb2_grpc.add_GatewayServicer_to_server(gateway, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield gateway, f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)


def test_grpc_publication_and_duplicate_id(grpc_gateway: tuple[Any, str]) -> None:
    from pyzeebe import create_insecure_channel

    from uipath_connector.webhooks import PyzeebePublisher

    gateway, address = grpc_gateway
    publisher = PyzeebePublisher(lambda: create_insecure_channel(address), request_timeout_seconds=5)
    try:
        assert publisher.publish(MESSAGE) is PublishOutcome.PUBLISHED
        assert publisher.publish(MESSAGE) is PublishOutcome.ALREADY_PUBLISHED
    finally:
        publisher.close()
    assert gateway.published == [
        {
            "name": "uipath-queue-item-final",
            "correlationKey": "INV-1",
            "timeToLive": 3_600_000,
            "messageId": "uipath-queue-item:1001:Successful",
            "variables": {"uipathQueueItem": {"id": 1001, "status": "Successful", "output": {"Paid": True}}},
            "tenantId": "",
        }
    ]


def test_grpc_back_pressure_is_transient_and_invalid_argument_is_not(grpc_gateway: tuple[Any, str]) -> None:
    import grpc
    from pyzeebe import create_insecure_channel

    from uipath_connector.webhooks import PyzeebePublisher

    gateway, address = grpc_gateway
    publisher = PyzeebePublisher(lambda: create_insecure_channel(address), request_timeout_seconds=5)
    try:
        gateway.script = [grpc.StatusCode.RESOURCE_EXHAUSTED]
        with pytest.raises(PublishError) as transient:
            publisher.publish(MESSAGE)
        gateway.script = [grpc.StatusCode.INVALID_ARGUMENT]
        with pytest.raises(PublishError) as permanent:
            publisher.publish(MESSAGE)
    finally:
        publisher.close()
    assert transient.value.transient
    assert not permanent.value.transient
    assert gateway.published == []


def test_two_threads_with_the_same_id_send_it_once() -> None:
    """A doubled delivery arrives while the first copy is still being published."""
    release = threading.Event()
    calls: list[str] = []

    class SlowPublisher:
        def publish(self, message: QueueItemMessage) -> PublishOutcome:
            calls.append(message.message_id)
            release.wait(5)
            return PublishOutcome.PUBLISHED

    dispatcher = MessageDispatcher(SlowPublisher())
    outcomes: list[PublishOutcome] = []
    threads = [threading.Thread(target=lambda: outcomes.append(dispatcher.publish_now(MESSAGE))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for _ in range(500):
        if calls:
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(5)

    assert calls == [MESSAGE.message_id]
    assert sorted(outcome.value for outcome in outcomes) == ["already-published", "published"]


def test_when_the_first_attempt_fails_the_waiting_copy_publishes() -> None:
    publisher = ScriptedPublisher(PublishError("400", transient=False), PublishOutcome.PUBLISHED)
    dispatcher = MessageDispatcher(publisher)
    assert dispatcher.publish_now(MESSAGE) is PublishOutcome.FAILED
    assert dispatcher.publish_now(MESSAGE) is PublishOutcome.PUBLISHED
