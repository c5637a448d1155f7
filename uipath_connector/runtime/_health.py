"""Liveness, readiness and metrics over HTTP for ``uipath-connector worker --health-port``.

A stdlib ``ThreadingHTTPServer`` on its own thread, so a busy event loop or a full job pool never delays a probe:

* ``GET /livez``  — 200 while the gateway monitor's loop turns, else 503;
* ``GET /readyz`` — 200 while the gateway answered its last probe recently (connected), else 503; the body is a
  small JSON status (gateway address, client, version, seconds since the last contact);
* ``GET /metrics`` — Prometheus text when the ``[metrics]`` extra is installed, else 404 saying so.

Everything is bounded: requests other than ``GET`` get 405, a client has 5 s to send its request line and headers,
and answers are small.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._gateway import GatewayMonitor

__all__ = ["HealthServer"]

LOGGER = logging.getLogger("uipath_connector.runtime.health")

# A client that opens a connection and sends nothing is dropped after this long.
_CLIENT_TIMEOUT_SECONDS = 5.0


class HealthServer:
    """Serve ``/livez``, ``/readyz`` and (when ``metrics`` is given) ``/metrics`` on ``host:port`` until closed.

    ``metrics`` returns the exposition text and its content type. ``port=0`` picks a free port (:attr:`port`).
    """

    def __init__(
        self,
        monitor: GatewayMonitor,
        *,
        host: str,
        port: int,
        metrics: Callable[[], tuple[bytes, str]] | None = None,
    ) -> None:
        self._monitor = monitor
        self._metrics = metrics
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, name="health", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, path: str) -> tuple[int, bytes, str]:
        if path == "/livez":
            live = self._monitor.live
            return (200 if live else 503), (b"ok\n" if live else b"stalled\n"), "text/plain; charset=utf-8"
        if path == "/readyz":
            status = self._monitor.status()
            status["ready"] = self._monitor.ready
            body = json.dumps(status).encode() + b"\n"
            return (200 if status["ready"] else 503), body, "application/json"
        if path == "/metrics":
            if self._metrics is None:
                return 404, b"metrics are off: install the [metrics] extra (prometheus-client)\n", "text/plain"
            data, content_type = self._metrics()
            return 200, data, content_type
        return 404, b"not found: try /livez, /readyz or /metrics\n", "text/plain"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        answer = self._answer

        class Handler(BaseHTTPRequestHandler):
            timeout = _CLIENT_TIMEOUT_SECONDS

            def do_GET(self) -> None:
                try:
                    status, body, content_type = answer(self.path.split("?", 1)[0])
                except Exception as error:  # a probe never sees a traceback
                    LOGGER.error("health endpoint %s failed: %s", self.path[:100], type(error).__name__)
                    status, body, content_type = 500, b"internal error\n", "text/plain"
                self._send(status, body, content_type)

            def _refuse(self) -> None:
                self._send(405, b"method not allowed\n", "text/plain")

            do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the prober gave up

            def log_message(self, format: str, *args: Any) -> None:
                pass  # probes every few seconds would drown the job lines

        return Handler
