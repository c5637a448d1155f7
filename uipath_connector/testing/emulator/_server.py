"""The emulator as a real HTTP/1.1 server on loopback (stdlib ``ThreadingHTTPServer`` in a thread)."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING

from ._http import EmulatorRequest, RequestProcessor

if TYPE_CHECKING:
    from ._emulator import OrchestratorEmulator

# Bounded waits (every wait has a limit): request bodies, socket reads and shutdown never hang a test.
MAX_BODY_BYTES = 16 * 1024 * 1024
#: What all request bodies being read or handled at one time may hold together; a request that would pass it is
#: answered 503 with Retry-After, so many concurrent large bodies cannot exhaust memory.
MAX_CONCURRENT_BODY_BYTES = 64 * 1024 * 1024
SOCKET_TIMEOUT_SECONDS = 30.0
SHUTDOWN_TIMEOUT_SECONDS = 5.0
_MAX_LINE = 65537
_MAX_TRAILERS = 100


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so benchmarks and clients reuse connections
    server: _EmulatorHTTPServer
    timeout = SOCKET_TIMEOUT_SECONDS
    _reserved = 0

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr line; :attr:`OrchestratorEmulator.requests` records requests."""

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus the client's delayed ACK adds
        # ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 400/413/503 for a body the server cannot take."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            # Streaming clients (requests with a generator, Node and Java streams) send chunked bodies; left
            # unread, the chunks would be parsed as the next request on the kept-alive connection.
            return self._read_chunked()
        text = (self.headers.get("Content-Length") or "0").strip()
        if not (text.isascii() and text.isdigit()):
            self.send_error(400, "Bad Content-Length")
            return None
        length = int(text)
        if length > MAX_BODY_BYTES:
            self.send_error(413)
            return None
        if not self._reserve(length):
            return None
        return self.rfile.read(length) if length else b""

    def _reserve(self, size: int) -> bool:
        if self.server.body_budget.take(size):
            self._reserved += size
            return True
        self.send_response(503)
        self.send_header("Retry-After", "1")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def _read_chunked(self) -> bytes | None:
        body = bytearray()
        while True:
            size_line = self.rfile.readline(_MAX_LINE).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                self.send_error(400, "Bad chunk size")
                return None
            if size < 0 or len(body) + size > MAX_BODY_BYTES:
                self.send_error(413)
                return None
            if size == 0:
                break
            if not self._reserve(size):
                return None
            body += self.rfile.read(size)
            self.rfile.readline(_MAX_LINE)  # the CRLF after the chunk
        # Trailer fields, up to the blank line that ends the message (bounded like the header block).
        for _ in range(_MAX_TRAILERS):
            if self.rfile.readline(_MAX_LINE) in (b"\r\n", b"\n", b""):
                return bytes(body)
        self.send_error(400, "Too many trailer fields")
        return None

    def _serve(self) -> None:
        self._reserved = 0
        try:
            self._serve_reserved()
        finally:
            self.server.body_budget.give_back(self._reserved)
            self._reserved = 0

    def _serve_reserved(self) -> None:
        body = self._read_body()
        if body is None:
            self.close_connection = True
            return
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = EmulatorRequest(
            method=self.command,
            url=f"http://{host}{self.path}",
            headers=dict(self.headers.items()),
            body=body,
        )
        response = self.server.processor.handle(request)
        if response.delay_seconds and self.server.stopping.wait(response.delay_seconds):
            self.close_connection = True
            return
        if response.drop_connection:
            # "Commit then drop": close the socket without a byte of response.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _BodyBudget:
    """Bytes of request bodies the server holds at once, capped at :data:`MAX_CONCURRENT_BODY_BYTES`."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._used = 0
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        with self._lock:
            if self._used + size > self._capacity:
                return False
            self._used += size
            return True

    def give_back(self, size: int) -> None:
        with self._lock:
            self._used -= size

    @property
    def used(self) -> int:
        with self._lock:
            return self._used


class _EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], processor: RequestProcessor) -> None:
        self.processor = processor
        self.body_budget = _BodyBudget(MAX_CONCURRENT_BODY_BYTES)
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)
        if self.stopping.is_set():
            self.close_connections()

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        """Shut down every open connection: kept-alive clients get no more answers once the server stopped."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up, an idle keep-alive timeout or a connection closed by stop() is not an emulator
        # failure: no traceback on stderr for those.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class EmulatorServer:
    """The emulator on ``http://host:port`` until :meth:`stop` (or the end of the ``with`` block).

    >>> from uipath_connector.testing import OrchestratorEmulator
    >>> with OrchestratorEmulator.demo().server() as server:
    ...     server.url.startswith("http://127.0.0.1:")
    True
    """

    def __init__(
        self,
        processor: RequestProcessor,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        emulator: OrchestratorEmulator | None = None,
    ) -> None:
        self.emulator = emulator
        self._processor = processor
        self._host = host
        self._port = port
        self._httpd: _EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the port is the one bound, also when 0 was asked for)."""
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """The Orchestrator base URL of the emulator's default tenant on this server."""
        if self.emulator is None:
            raise RuntimeError("the server was not started from an OrchestratorEmulator")
        return self.emulator.base_url(self.url)

    @property
    def token_url(self) -> str:
        """``{url}/identity_/connect/token``."""
        return f"{self.url}/identity_/connect/token"

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return int(self._httpd.server_address[1])

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            raise RuntimeError("the server is already running")
        self._httpd = _EmulatorHTTPServer((self._host, self._port), self._processor)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="uipath-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, wake held (delayed) responses, close the listening and every open connection.

        Bounded by 5 s; a kept-alive client's next request after ``stop`` is a connection error.
        """
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        self._httpd = self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start() if self._httpd is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
