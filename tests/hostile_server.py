"""A scripted raw-socket HTTP server on loopback that answers anything a hostile or broken server might.

Each accepted connection reads one request (request line, headers, ``Content-Length`` body), records it, and runs
the next *answer* of the script on the raw socket: no HTTP library between the script and the wire, so a test can
send what no well-behaved server sends (a body that trickles one byte at a time, a gzip bomb, a body far longer
than memory should hold, a connection dropped mid-answer, the request echoed back).

>>> with HostileServer() as server:
...     server.script(answer(204))
...     server.url.startswith("http://127.0.0.1:")
True

Answers are plain functions ``(socket, request) -> None``; the helpers below build the common ones. When the script
runs out, the last answer repeats. Every socket operation has a timeout and the server thread stops on ``close``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from types import TracebackType

import attrs

__all__ = [
    "Answer",
    "HostileServer",
    "RecordedRequest",
    "answer",
    "dropped",
    "echo",
    "gzip_bomb",
    "huge_body",
    "redirect",
    "trickle",
    "trickle_head",
]

_SOCKET_TIMEOUT = 5.0
_MAX_REQUEST_BYTES = 1 << 20


@attrs.frozen
class RecordedRequest:
    """One request as it arrived: method, target (path and query), headers (as sent) and body bytes."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    @property
    def raw(self) -> bytes:
        lines = [f"{self.method} {self.target} HTTP/1.1", *(f"{k}: {v}" for k, v in self.headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


Answer = Callable[[socket.socket, RecordedRequest], None]


def _head(status: int, reason: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(
    status: int,
    body: bytes | str | object = b"",
    *,
    content_type: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    reason: str = "Whatever",
) -> Answer:
    """A complete answer; ``body`` as bytes, text, or anything JSON (then ``application/json``)."""
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        data = json.dumps(body).encode("utf-8")
        content_type = content_type or "application/json; charset=utf-8"
    head = list(headers)
    if content_type:
        head.append(("Content-Type", content_type))
    head += [("Content-Length", str(len(data))), ("Connection", "close")]

    def send(connection: socket.socket, _request: RecordedRequest) -> None:
        connection.sendall(_head(status, reason, head) + data)

    return send


def redirect(status: int, location: str) -> Answer:
    """A redirect, as a login proxy or SSO answers: ``Location`` and a little HTML."""
    return answer(status, "<html>moved</html>", content_type="text/html", headers=[("Location", location)])


def echo(status: int = 400, content_type: str = "text/plain") -> Answer:
    """The request, headers and body included, echoed back as the body (a debugging proxy, a hostile endpoint)."""

    def send(connection: socket.socket, request: RecordedRequest) -> None:
        answer(status, request.raw, content_type=content_type)(connection, request)

    return send


def trickle(body: bytes, *, status: int = 200, interval: float = 0.1, content_type: str = "application/json") -> Answer:
    """Headers at once, then the body one byte per ``interval`` seconds: every socket read succeeds in time."""

    def send(connection: socket.socket, _request: RecordedRequest) -> None:
        head = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Connection", "close")]
        connection.sendall(_head(status, "OK", head))
        for index in range(len(body)):
            time.sleep(interval)
            connection.sendall(body[index : index + 1])

    return send


def trickle_head(
    body: bytes, *, status: int = 200, interval: float = 0.1, padding_headers: int = 40, sent: list[int] | None = None
) -> Answer:
    """The status line and headers one byte per ``interval`` seconds (a proxy that stalls before the answer):
    every socket read succeeds in time. ``sent`` (if given) receives the count of bytes that went out."""

    def send(connection: socket.socket, _request: RecordedRequest) -> None:
        head = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close")]
        head += [(f"X-Padding-{index}", "x") for index in range(padding_headers)]
        data = _head(status, "OK", head) + body
        count = 0
        try:
            for index in range(len(data)):
                time.sleep(interval)
                connection.sendall(data[index : index + 1])
                count += 1
        finally:
            if sent is not None:
                sent.append(count)

    return send


def gzip_bomb(expanded_bytes: int, *, status: int = 200, content_type: str = "application/json") -> Answer:
    """``Content-Encoding: gzip`` whose body expands to ``expanded_bytes`` of spaces (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip container
    chunk = b" " * (1 << 20)
    pieces = [compressor.compress(chunk) for _ in range(expanded_bytes // len(chunk))]
    pieces.append(compressor.compress(b" " * (expanded_bytes % len(chunk))))
    pieces.append(compressor.flush())
    data = b"".join(pieces)
    return answer(status, data, content_type=content_type, headers=[("Content-Encoding", "gzip")])


def huge_body(size: int, *, status: int = 200, content_type: str = "application/json") -> Answer:
    """``size`` bytes of JSON-ish text sent in 64 KiB chunks, with a correct ``Content-Length``."""

    def send(connection: socket.socket, _request: RecordedRequest) -> None:
        head = [("Content-Type", content_type), ("Content-Length", str(size)), ("Connection", "close")]
        connection.sendall(_head(status, "OK", head))
        chunk = b" " * 65536
        sent = 0
        try:
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                connection.sendall(piece)
                sent += len(piece)
        except OSError:
            pass  # the client stopped reading: what a capped client does

    return send


def dropped(*, after_headers: bool = False) -> Answer:
    """Close the connection without an answer, or after the status line and headers only."""

    def send(connection: socket.socket, _request: RecordedRequest) -> None:
        if after_headers:
            connection.sendall(_head(200, "OK", [("Content-Type", "application/json"), ("Content-Length", "100")]))
        connection.shutdown(socket.SHUT_RDWR)

    return send


class HostileServer:
    """The server: ``script(*answers)``, ``url``, ``requests`` (everything that arrived), ``close()``."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        host, port = self._listener.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self.requests: list[RecordedRequest] = []
        self._answers: list[Answer] = [answer(500, "no script")]
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._workers: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._serve, name="hostile-server", daemon=True)
        self._thread.start()

    def script(self, *answers: Answer) -> None:
        """The answers to the next connections, in order; the last repeats."""
        with self._lock:
            self._answers = list(answers)

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for worker in self._workers:
            worker.join(timeout=5)

    def _next_answer(self) -> Answer:
        with self._lock:
            return self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            self._workers.append(worker)
            worker.start()

    def _handle(self, connection: socket.socket) -> None:
        connection.settimeout(_SOCKET_TIMEOUT)
        with connection:
            try:
                request = _read_request(connection)
            except (OSError, ValueError):
                return
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            with contextlib.suppress(OSError):  # the client hung up: that is its right
                self._next_answer()(connection, request)


def _read_request(connection: socket.socket) -> RecordedRequest | None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = connection.recv(65536)
        if not piece:
            return None
        data += piece
        if len(data) > _MAX_REQUEST_BYTES:
            raise ValueError("request head too large")
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = tuple((name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines[1:]))
    length = int(next((value for name, value in headers if name.lower() == "content-length"), "0"))
    if length > _MAX_REQUEST_BYTES:
        raise ValueError("request body too large")
    while len(rest) < length:
        piece = connection.recv(65536)
        if not piece:
            break
        rest += piece
    return RecordedRequest(method, target, headers, rest[:length])
