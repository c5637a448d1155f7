"""The webhook receiver: signed deliveries in, one message per fact out; everything else refused, with no effect."""

from __future__ import annotations

import base64
import json
import logging
import threading
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from webhooks_support import SECRET, call, delivery, item_dto, signed_headers

from uipath_connector.webhooks import (
    SIGNATURE_HEADER,
    MessageDispatcher,
    MessageRules,
    PublishOutcome,
    QueueItemMessage,
    RecordingPublisher,
    WebhookReceiver,
    sign,
    signature_matches,
)


def make_app(rules: MessageRules | None = None, **options: object) -> tuple[WebhookReceiver, RecordingPublisher]:
    publisher = RecordingPublisher()
    dispatcher = MessageDispatcher(publisher)
    return WebhookReceiver(secrets=[SECRET], dispatcher=dispatcher, rules=rules, **options), publisher  # type: ignore[arg-type]


def settle(app: WebhookReceiver) -> None:
    assert app.dispatcher.wait_idle(5)


def test_a_signed_completed_event_becomes_exactly_this_message() -> None:
    app, publisher = make_app()
    body = delivery("queueItem.transactionCompleted", item_dto(1001, output={"Paid": True, "Total": 24}))

    status, answer, _ = call(app, body, signed_headers(body))
    settle(app)

    assert (status, answer) == (202, {"messages": 1})
    assert publisher.messages == [
        QueueItemMessage(
            name="uipath-queue-item-final",
            correlation_key="INV-1",
            message_id="uipath-queue-item:1001:Successful",
            variables={
                "uipathQueueItem": {
                    "id": 1001,
                    "key": "00000000-0000-0000-0000-000000001001",
                    "reference": "INV-1",
                    "queueDefinitionId": 7,
                    "status": "Successful",
                    "output": {"Paid": True, "Total": 24},
                    "processingException": None,
                    "eventType": "queueItem.transactionCompleted",
                }
            },
            time_to_live_ms=3_600_000,
        )
    ]


def test_a_failed_event_carries_the_processing_exception() -> None:
    app, publisher = make_app()
    exception = {"Reason": "Vendor not found", "Details": None, "Type": "BusinessException"}
    body = delivery("queueItem.transactionFailed", item_dto(5, "Failed", exception=exception))

    assert call(app, body, signed_headers(body))[0] == 202
    settle(app)

    (message,) = publisher.messages
    assert message.message_id == "uipath-queue-item:5:Failed"
    assert message.variables["uipathQueueItem"]["processingException"] == exception


def test_the_same_event_delivered_twice_is_published_once() -> None:
    app, publisher = make_app()
    first = delivery("queueItem.transactionCompleted", item_dto(7), event_id="a")
    again = delivery("queueItem.transactionCompleted", item_dto(7), event_id="b")  # a new delivery of the same fact

    assert call(app, first, signed_headers(first))[0] == 202
    settle(app)
    assert call(app, again, signed_headers(again))[0] == 202
    settle(app)

    assert [m.message_id for m in publisher.messages] == ["uipath-queue-item:7:Successful"]
    assert publisher.attempts == 1  # the second was not even sent: the dispatcher remembers the id
    assert app.dispatcher.stats.skipped_duplicates == 1


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ([], "no signature"),
        ([(SIGNATURE_HEADER.encode(), sign(b"{}", SECRET).encode())], "signature of another body"),
        ([(b"x-uipath-signature", b"not base64 at all!")], "not base64"),
        ([(b"x-uipath-signature", b"")], "empty"),
        ([(b"x-uipath-signature", base64.b64encode(b"\0" * 32))], "zero bytes"),
    ],
)
def test_unsigned_or_mis_signed_requests_get_401_and_publish_nothing(
    headers: list[tuple[bytes, bytes]], why: str
) -> None:
    app, publisher = make_app()
    body = delivery("queueItem.transactionCompleted", item_dto(1))

    status, answer, _ = call(app, body, headers)
    settle(app)

    assert (status, answer) == (401, {"error": "missing or wrong X-UiPath-Signature"}), why
    assert publisher.attempts == 0


def test_a_signature_made_with_another_secret_is_refused() -> None:
    app, publisher = make_app()
    body = delivery("queueItem.transactionCompleted", item_dto(1))

    assert call(app, body, signed_headers(body, secret="someone-elses-secret"))[0] == 401
    assert publisher.attempts == 0


def test_rotated_secrets_both_verify() -> None:
    publisher = RecordingPublisher()
    app = WebhookReceiver(secrets=["old-secret", "new-secret"], dispatcher=MessageDispatcher(publisher))
    body = delivery("queueItem.transactionCompleted", item_dto(1))

    assert call(app, body, signed_headers(body, "old-secret"))[0] == 202
    assert call(app, body, signed_headers(body, "new-secret"))[0] == 202


def test_a_declared_oversized_body_gets_413_without_being_read() -> None:
    app, publisher = make_app(max_body_bytes=1000)
    headers = [(b"content-length", b"1001"), (b"x-uipath-signature", b"AAAA")]

    status, answer, asked = call(app, b"x" * 1001, headers)

    assert (status, answer) == (413, {"error": "the body is larger than 1000 bytes"})
    assert asked == []
    assert publisher.attempts == 0


def test_a_streamed_body_that_grows_past_the_cap_gets_413() -> None:
    app, publisher = make_app(max_body_bytes=1000)
    body = delivery("queueItem.transactionCompleted", item_dto(1, output={"Blob": "x" * 2000}))
    headers = [(SIGNATURE_HEADER.encode(), sign(body, SECRET).encode())]  # signed, but no Content-Length

    status, _, asked = call(app, headers=headers, chunks=[body[:600], body[600:1200], body[1200:]])

    assert status == 413
    assert len(asked) == 2  # stopped reading at the chunk that crossed the cap
    assert publisher.attempts == 0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "the body is not UTF-8 JSON"),
        (b"\xff\xfe", "the body is not UTF-8 JSON"),
        (b"[1, 2]", "the body must be a JSON object"),
        (b'{"EventId": "x"}', "Type: must be the event type (a non-empty string)"),
        (b'{"Type": "queueItem.transactionCompleted"}', "QueueItem: missing in a queueItem.transactionCompleted event"),
        (
            b'{"Type": "queueItem.transactionCompleted", "QueueItem": {"Id": "7"}}',
            "QueueItem.Id: must be a positive integer",
        ),
        (
            b'{"Type": "queueItem.transactionCompleted", "QueueItem": {"Id": 7, "Status": "Done"}}',
            "QueueItem.Status: must be a queue item status (New, InProgress, Failed, Successful, Abandoned, Retried, "
            "Deleted)",
        ),
        (
            b'{"Type": "queueItem.transactionCompleted", "QueueItem": {"Id": 7, "Status": 3, "Reference": 5}}',
            "QueueItem.Reference: must be a string of at most 1024 characters",
        ),
        (b"[" * 100_000, "the body is not UTF-8 JSON"),
    ],
)
def test_signed_but_malformed_bodies_get_400_naming_the_property(body: bytes, error: str) -> None:
    app, publisher = make_app(max_body_bytes=200_000)

    status, answer, _ = call(app, body, signed_headers(body))

    assert (status, answer) == (400, {"error": error})
    assert publisher.attempts == 0


def test_a_numeric_status_is_read_as_orchestrators_enumeration() -> None:
    app, publisher = make_app()
    body = b'{"Type": "queueItem.transactionCompleted", "QueueItem": {"Id": 7, "Status": 3, "Reference": "R"}}'

    assert call(app, body, signed_headers(body))[0] == 202
    settle(app)
    assert publisher.messages[0].message_id == "uipath-queue-item:7:Successful"


def test_other_event_types_are_acknowledged_without_messages() -> None:
    app, publisher = make_app()
    for event_type in ("job.created", "ping", "queueItem.added", "queueItem.transactionStarted"):
        body = delivery(event_type, item_dto(3, "New"))
        assert call(app, body, signed_headers(body))[:2] == (202, {"messages": 0}), event_type
    settle(app)
    assert publisher.attempts == 0


def test_any_event_type_can_be_published_under_its_own_name() -> None:
    rules = MessageRules(
        message_names={"queueItem.transactionStarted": "robot-started", "queueItem.transactionCompleted": "robot-done"},
        correlate_by="Id",
        time_to_live=timedelta(minutes=10),
        variable_name="robot",
        tenant_id="tenant-a",
    )
    app, publisher = make_app(rules)
    started = delivery("queueItem.transactionStarted", item_dto(9, "InProgress", reference=None))
    completed = delivery("queueItem.transactionCompleted", item_dto(9, reference=None))

    assert call(app, started, signed_headers(started))[0] == 202
    assert call(app, completed, signed_headers(completed))[0] == 202
    settle(app)

    assert [(m.name, m.correlation_key, m.message_id, m.time_to_live_ms, m.tenant_id) for m in publisher.messages] == [
        ("robot-started", "9", "uipath-queue-item:9:InProgress", 600_000, "tenant-a"),
        ("robot-done", "9", "uipath-queue-item:9:Successful", 600_000, "tenant-a"),
    ]
    assert set(publisher.messages[0].variables) == {"robot"}


def test_an_item_without_a_reference_cannot_correlate_by_reference() -> None:
    app, _publisher = make_app()
    body = delivery("queueItem.transactionCompleted", item_dto(4, reference=None))

    assert call(app, body, signed_headers(body))[:2] == (202, {"messages": 0})


def test_a_retried_item_is_not_final_and_publishes_nothing_by_default() -> None:
    """An application exception with retries left: the item becomes Retried and a clone carries on."""
    app, publisher = make_app()
    body = delivery("queueItem.transactionFailed", item_dto(4, "Retried"))

    assert call(app, body, signed_headers(body))[:2] == (202, {"messages": 0})
    clone = delivery("queueItem.transactionCompleted", item_dto(5))  # the clone: new Id, same Reference
    assert call(app, clone, signed_headers(clone))[:2] == (202, {"messages": 1})
    settle(app)
    assert [m.message_id for m in publisher.messages] == ["uipath-queue-item:5:Successful"]


def test_health_and_other_methods() -> None:
    app, _ = make_app()
    status, answer, _ = call(app, method="GET", path="/uipath/webhooks/health")
    assert status == 200
    assert answer["status"] == "UP"
    assert answer["published"] == 0
    assert call(app, method="PUT")[:2] == (405, {"error": "only POST is accepted"})


class BlockingPublisher:
    def __init__(self) -> None:
        self.release = threading.Event()
        self.count = 0

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        self.release.wait(5)
        self.count += 1
        return PublishOutcome.PUBLISHED


def test_a_full_queue_answers_503_and_queues_nothing() -> None:
    publisher = BlockingPublisher()
    dispatcher = MessageDispatcher(publisher, max_queued=1, workers=1)
    app = WebhookReceiver(secrets=[SECRET], dispatcher=dispatcher)
    bodies = [delivery("queueItem.transactionCompleted", item_dto(n, reference=f"R{n}")) for n in (1, 2, 3)]
    try:
        assert call(app, bodies[0], signed_headers(bodies[0]))[0] == 202  # taken by the publisher thread
        for _ in range(200):
            if dispatcher._queue.qsize() == 0:  # the thread took item 1 and blocks on it
                break
            threading.Event().wait(0.01)
        assert call(app, bodies[1], signed_headers(bodies[1]))[0] == 202  # fills the queue of one
        status, answer, _ = call(app, bodies[2], signed_headers(bodies[2]))
        assert (status, answer) == (503, {"error": "busy: the message queue is full"})
    finally:
        publisher.release.set()
        dispatcher.close()
    assert publisher.count == 2
    assert dispatcher.stats.rejected_full == 1


def test_the_secret_never_reaches_logs_reprs_or_answers(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app, _ = make_app()
    body = delivery("queueItem.transactionCompleted", item_dto(1))
    answers = [
        call(app, body, signed_headers(body)),
        call(app, body, signed_headers(body, "wrong")),
        call(app, b"{", signed_headers(b"{")),
    ]
    settle(app)
    seen = repr(app) + repr(answers) + caplog.text
    for form in (SECRET, SECRET.encode().hex(), base64.b64encode(SECRET.encode()).decode(), json.dumps(SECRET)[1:-1]):
        assert form not in seen


def test_no_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secrets: at least one non-empty webhook secret"):
        WebhookReceiver(secrets=[""], dispatcher=MessageDispatcher(RecordingPublisher()))
    with pytest.raises(TypeError, match="secrets: a list of webhook secrets, not one string"):
        WebhookReceiver(secrets="abc", dispatcher=MessageDispatcher(RecordingPublisher()))


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=300), header=st.one_of(st.none(), st.text(max_size=60)))
def test_no_body_is_accepted_without_its_own_signature(body: bytes, header: str | None) -> None:
    if header is not None and signature_matches(body, header, [SECRET]):
        return  # hypothesis cannot forge HMAC-SHA256; this keeps the property honest if it ever did
    assert not signature_matches(body, header, [SECRET])
    assert signature_matches(body, sign(body, SECRET), [SECRET])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
ITEM_KEYS = st.sampled_from(["Id", "Status", "Reference", "Key", "QueueDefinitionId", "Output", "EndProcessing"])


@settings(max_examples=150, deadline=None)
@given(
    event_type=st.sampled_from(["queueItem.transactionCompleted", "queueItem.transactionFailed", "job.created", ""]),
    item=st.one_of(JSON_VALUES, st.dictionaries(ITEM_KEYS, JSON_VALUES, max_size=7)),
)
def test_any_signed_body_is_answered_202_or_400_and_never_crashes(event_type: str, item: object) -> None:
    app, publisher = make_app()
    body = json.dumps({"Type": event_type, "EventId": "e", "QueueItem": item}).encode()

    status, answer, _ = call(app, body, signed_headers(body))
    settle(app)
    app.dispatcher.close()

    assert status in (202, 400), answer
    if status == 400:
        assert publisher.attempts == 0
        assert isinstance(answer["error"], str)
        assert answer["error"]
