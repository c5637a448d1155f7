"""The emulator as a real HTTP/1.1 server on loopback (stdlib ``ThreadingHTTPServer`` in a thread)."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING

from ._http import EmulatorRequest, RequestProcessor

if TYPE_CHECKING:
    from ._emulator import OrchestratorEmulator

# Bounded waits (DESIGN.md): request bodies, socket reads and shutdown never hang a test.
MAX_BODY_BYTES = 16 * 1024 * 1024
SOCKET_TIMEOUT_SECONDS = 30.0
SHUTDOWN_TIMEOUT_SECONDS = 5.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so benchmarks and clients reuse connections
    server: _EmulatorHTTPServer
    timeout = SOCKET_TIMEOUT_SECONDS

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus the client's delayed ACK adds
        # ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request stderr line; :attr:`OrchestratorEmulator.requests` records requests."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
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


class _EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], processor: RequestProcessor) -> None:
        self.processor = processor
        self.stopping = threading.Event()
        super().__init__(address, _Handler)


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
        """Stop accepting, wake held (delayed) responses, close the socket; bounded by 5 s."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        self._httpd = self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start() if self._httpd is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
