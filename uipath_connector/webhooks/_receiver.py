"""The webhook receiver: a plain ASGI application (no framework) that turns signed deliveries into messages.

Each ``POST`` (any path, so it can be mounted under a prefix) goes through these steps; the first that fails
answers and nothing else happens (no message, no side effect):

1. a ``Content-Length`` above ``max_body_bytes``, or a body that grows past it while read: ``413``;
2. no ``X-UiPath-Signature``, or one that is not the HMAC-SHA256 of the raw body under a configured secret: ``401``
   (UiPath's "Webhooks" page: a receiver must not process a request whose signature does not match);
3. a body that is not a JSON event, or a queue item event without a readable item: ``400`` naming the property;
4. the messages the rules make are queued for the dispatcher, which publishes them off the request path: ``202``;
   a full queue is ``503`` (the reconciler publishes those later). Other event types are acknowledged: ``202``.

``GET <any path>/health`` answers ``200`` with the dispatcher's counts. Other methods: ``405``. The ASGI lifespan
starts and stops the dispatcher; without a lifespan it starts on the first request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

import attrs

from ._events import WebhookPayloadError, parse_delivery
from ._messages import MessageRules
from ._publishing import MessageDispatcher
from ._signature import SIGNATURE_HEADER, signature_matches

__all__ = ["DEFAULT_MAX_BODY_BYTES", "WebhookReceiver"]

_LOG = logging.getLogger("uipath_connector.webhooks")

#: Orchestrator's queue item events are a few kilobytes; 1 MiB leaves room for a large ``Output``.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_SIGNATURE_HEADER_BYTES = SIGNATURE_HEADER.lower().encode("latin-1")


class _TooLarge(Exception):
    pass


class WebhookReceiver:
    """An ASGI application receiving Orchestrator webhooks.

    >>> from uipath_connector.webhooks import MessageDispatcher, RecordingPublisher
    >>> app = WebhookReceiver(secrets=["webhook-secret"], dispatcher=MessageDispatcher(RecordingPublisher()))
    >>> app
    WebhookReceiver(secrets=<1 hidden>, max_body_bytes=1048576)

    Serve it with any ASGI server (``uvicorn.run(app)``), or mount it in an ASGI framework under a path.
    """

    def __init__(
        self,
        *,
        secrets: Sequence[str],
        dispatcher: MessageDispatcher,
        rules: MessageRules | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ):
        if isinstance(secrets, str):
            raise TypeError("secrets: a list of webhook secrets, not one string")
        self._secrets = tuple(secrets)
        if not self._secrets or not all(isinstance(s, str) and s for s in self._secrets):
            raise ValueError("secrets: at least one non-empty webhook secret (the one set in Orchestrator)")
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes: at least 1")
        self._dispatcher = dispatcher
        self._rules = rules if rules is not None else MessageRules()
        self._max_body_bytes = max_body_bytes

    def __repr__(self) -> str:
        return f"WebhookReceiver(secrets=<{len(self._secrets)} hidden>, max_body_bytes={self._max_body_bytes})"

    @property
    def dispatcher(self) -> MessageDispatcher:
        """The dispatcher that publishes this receiver's messages."""
        return self._dispatcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method = scope.get("method", "")
        path = scope.get("path", "")
        if method == "GET" and path.rstrip("/").endswith("/health"):
            await _answer(send, 200, {"status": "UP", **attrs.asdict(self._dispatcher.stats)})
            return
        if method != "POST":
            await _answer(send, 405, {"error": "only POST is accepted"}, [(b"allow", b"POST")])
            return
        self._dispatcher.start()
        status, payload = await self._delivery(scope, receive)
        await _answer(send, status, payload)

    async def _delivery(self, scope: Scope, receive: Receive) -> tuple[int, dict[str, Any]]:
        headers = scope.get("headers") or []
        declared = _header(headers, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self._max_body_bytes):
            _LOG.warning("webhook refused: Content-Length %s above %d bytes", declared[:20], self._max_body_bytes)
            return 413, {"error": f"the body is larger than {self._max_body_bytes} bytes"}
        try:
            body = await self._body(receive)
        except _TooLarge:
            _LOG.warning("webhook refused: body above %d bytes", self._max_body_bytes)
            return 413, {"error": f"the body is larger than {self._max_body_bytes} bytes"}
        if not signature_matches(body, _header(headers, _SIGNATURE_HEADER_BYTES), self._secrets):
            _LOG.warning("webhook refused: missing or wrong %s", SIGNATURE_HEADER)
            return 401, {"error": f"missing or wrong {SIGNATURE_HEADER}"}
        try:
            delivery = parse_delivery(body)
        except WebhookPayloadError as error:
            _LOG.warning("webhook refused: %s", error)
            return 400, {"error": str(error)}
        messages = [m for m in (self._rules.message_for(event) for event in delivery.events) if m is not None]
        if messages and not self._dispatcher.submit(messages):
            _LOG.error("webhook %s: publisher queue full; the reconciler will publish it", delivery.event_id)
            return 503, {"error": "busy: the message queue is full"}
        _LOG.info("webhook %s %s: %d message(s) queued", delivery.event_type, delivery.event_id, len(messages))
        return 202, {"messages": len(messages)}

    async def _body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await receive()
            if event["type"] == "http.disconnect":
                break
            chunk = event.get("body", b"")
            size += len(chunk)
            if size > self._max_body_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not event.get("more_body", False):
                break
        return b"".join(chunks)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                self._dispatcher.start()
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                self._dispatcher.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _header(headers: Sequence[Sequence[bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _answer(
    send: Send, status: int, payload: dict[str, Any], extra_headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps(payload).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("ascii"))]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *extra_headers]})
    await send({"type": "http.response.body", "body": body})
