"""Shared by the webhook tests: UiPath-format deliveries, an ASGI driver, and fake Zeebe gateways that record
published messages and answer duplicate message ids as Zeebe does."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from uipath_connector.webhooks import SIGNATURE_HEADER, WebhookReceiver, sign

SECRET = "whsec-5pR1ng-0f-T3sts"


def item_dto(
    item_id: int,
    status: str = "Successful",
    *,
    reference: str | None = "INV-1",
    output: Mapping[str, Any] | None = None,
    exception: Mapping[str, Any] | None = None,
    ended: str | None = "2026-11-28T15:00:00.1234567Z",
    queue_id: int = 7,
) -> dict[str, Any]:
    """A ``QueueItemDto`` as Orchestrator's webhook payload and OData answer carry it."""
    return {
        "QueueDefinitionId": queue_id,
        "Id": item_id,
        "Key": f"00000000-0000-0000-0000-{item_id:012d}",
        "Status": status,
        "ReviewStatus": "None",
        "Reference": reference,
        "Priority": "Normal",
        "SpecificContent": {"Amount": 12},
        "Output": output,
        "ProcessingException": exception,
        "EndProcessing": ended,
        "RetryNumber": 0,
    }


def delivery(event_type: str, item: Mapping[str, Any], *, event_id: str = "3e5af0113e674ae597c579cb35ed8630") -> bytes:
    """A webhook request body in UiPath's documented format (common properties, then the item)."""
    payload = {
        "Type": event_type,
        "EventId": event_id,
        "Timestamp": "2026-11-28T15:00:00.5790797Z",
        "TenantId": 1,
        "FolderId": 26,
        "QueueItem": dict(item),
    }
    return json.dumps(payload).encode("utf-8")


def signed_headers(body: bytes, secret: str = SECRET) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (SIGNATURE_HEADER.encode(), sign(body, secret).encode()),
    ]


def call(
    app: WebhookReceiver,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    method: str = "POST",
    path: str = "/uipath/webhooks",
    chunks: list[bytes] | None = None,
) -> tuple[int, dict[str, Any], list[str]]:
    """Drive the ASGI app once; (status, JSON answer, the receive events it asked for)."""
    parts = chunks if chunks is not None else [body]
    asked: list[str] = []
    sent: list[Mapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        index = len(asked)
        asked.append("http.request")
        if index >= len(parts):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": parts[index], "more_body": index < len(parts) - 1}

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": headers if headers is not None else []}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start"
    return sent[0]["status"], json.loads(sent[1]["body"]), asked


def problem(status: int, title: str, detail: str, instance: str) -> dict[str, Any]:
    """An RFC 9457 problem detail as Camunda's REST API answers errors."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance}


class FakeZeebeRest:
    """``POST /v2/messages/publication`` as the engine answers it: 200 once per message id (per name and
    tenant), 409 for an id it already holds; ``script`` forces statuses for the next requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.published: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str, Any]] = []
        self.script: list[int] = []
        self._ids: set[tuple[str, str, str | None]] = set()

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((method, path, body))
            if path != "/v2/messages/publication" or method != "POST":
                return 404, {"title": "NOT_FOUND", "detail": path}
            if self.script:
                status = self.script.pop(0)
                return status, problem(status, "SCRIPTED", "scripted", path)
            identity = (body["name"], body.get("messageId", ""), body.get("tenantId"))
            if body.get("messageId") and identity in self._ids:
                detail = f"message with id '{body['messageId']}' was already published"
                return 409, problem(409, "ALREADY_EXISTS", detail, path)
            self._ids.add(identity)
            self.published.append(body)
            return 200, {"messageKey": str(2251799813685249 + len(self.published)), "tenantId": "<default>"}


@contextmanager
def serving_rest(fake: FakeZeebeRest) -> Iterator[str]:
    """Serve ``fake`` on 127.0.0.1 and yield its address."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, payload = fake.handle(self.command, self.path, json.loads(raw) if raw else None)
            data = json.dumps(payload).encode()
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
        thread.join(timeout=2)
