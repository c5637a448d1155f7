"""Run the emulator as a foreground process (``uipath-connector emulator``)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TextIO

from ._clock import Clock
from ._emulator import DEMO, OrchestratorEmulator
from ._server import EmulatorServer

#: How many requests ``run_emulator_server`` keeps in ``OrchestratorEmulator.requests`` (the newest).
MAX_RECORDED_REQUESTS = 10_000


def run_emulator_server(
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    seed_demo_data: bool = True,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
    on_ready: Callable[[EmulatorServer, OrchestratorEmulator], None] | None = None,
    out: TextIO | None = None,
) -> int:
    """Serve the emulator on ``host:port`` until SIGINT/SIGTERM (or ``stop`` is set); returns 0.

    ``run_emulator_server("127.0.0.1", 0)`` prints the URLs and the demo credentials. Those are the emulator's
    own
    demo application, valid nowhere else, so printing them leaks nothing. ``on_ready`` is called once the
    server
    listens (tests use it with ``stop`` instead of signals).
    """
    out = out or sys.stdout
    # A server that runs for hours must not keep every request it ever saw.
    bound = MAX_RECORDED_REQUESTS
    emulator = (
        OrchestratorEmulator.demo(clock=clock, max_recorded_requests=bound)
        if seed_demo_data
        else OrchestratorEmulator(clock=clock, max_recorded_requests=bound)
    )
    stop = stop or threading.Event()
    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda _signum, _frame: stop.set())
    try:
        with emulator.server(host, port) as server:
            _print_banner(out, server, emulator, seed_demo_data)
            if on_ready is not None:
                on_ready(server, emulator)
            while not stop.wait(0.2):
                pass
            print("Emulator stopped.", file=out, flush=True)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _print_banner(out: TextIO, server: EmulatorServer, emulator: OrchestratorEmulator, seeded: bool) -> None:
    lines = [
        f"UiPath Orchestrator emulator listening on {server.url}",
        f"  Orchestrator base URL: {emulator.base_url(server.url)}",
        f"  Token endpoint:        {emulator.token_url(server.url)}",
    ]
    if seeded:
        lines += [
            f"  Folder:                {DEMO.folder_path} (X-UIPATH-OrganizationUnitId: {DEMO.folder_id})",
            f"  Queues:                {DEMO.queue_name}, {DEMO.unique_queue_name} (unique references)",
            "  Demo credentials (valid only in this emulator, not secrets):",
            f"    client id:     {DEMO.client_id}",
            f"    client secret: {DEMO.client_secret}",
            f"    scopes:        {' '.join(DEMO.scopes)}",
            f"    bearer token:  {DEMO.personal_access_token}",
        ]
    lines.append("Press Ctrl+C to stop.")
    print("\n".join(lines), file=out, flush=True)
