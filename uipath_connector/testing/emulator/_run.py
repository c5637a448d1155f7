"""Run the emulator as a foreground process (``uipath-connector emulator``)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from ._clock import Clock
from ._config import build_emulator, load_config
from ._emulator import DEMO, OrchestratorEmulator
from ._server import EmulatorServer

#: How many requests ``run_emulator_server`` keeps in ``OrchestratorEmulator.requests`` (the newest).
MAX_RECORDED_REQUESTS = 10_000
#: The CLI server's retention limit: above it the oldest finished items are purged, so a server that runs for
#: days stays bounded (a test emulator keeps everything unless told otherwise).
DEFAULT_MAX_ITEMS = 100_000


def run_emulator_server(
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    seed_demo_data: bool = True,
    config: str | Path | Mapping[str, Any] | None = None,
    max_items: int | None = DEFAULT_MAX_ITEMS,
    max_page_size: int | None = None,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
    on_ready: Callable[[EmulatorServer, OrchestratorEmulator], None] | None = None,
    out: TextIO | None = None,
) -> int:
    """Serve the emulator on ``host:port`` until SIGINT/SIGTERM (or ``stop`` is set); returns 0.

    ``run_emulator_server("127.0.0.1", 0)`` prints the URLs and the demo credentials. Those are the emulator's
    own demo application, valid nowhere else, so printing them leaks nothing. ``config`` is a TOML/JSON file (or
    its parsed mapping) that declares tenants, folders, queues, robots, clients, tokens, seed items and webhooks;
    with it the demo data is seeded only when its ``[emulator]`` table says ``demo = true``. ``on_ready`` is
    called once the server listens (tests use it with ``stop`` instead of signals).
    """
    out = out or sys.stdout
    # A server that runs for hours must not keep every request it ever saw.
    options: dict[str, Any] = {"clock": clock, "max_recorded_requests": MAX_RECORDED_REQUESTS, "max_items": max_items}
    if max_page_size is not None:
        options["max_page_size"] = max_page_size
    if config is not None:
        loaded = load_config(config) if isinstance(config, (str, Path)) else config
        emulator = build_emulator(loaded, **options)
        seeded = bool(loaded.get("emulator", {}).get("demo", False))
    elif seed_demo_data:
        emulator = OrchestratorEmulator.demo(**options)
        seeded = True
    else:
        emulator = OrchestratorEmulator(**options)
        seeded = False
    stop = stop or threading.Event()
    previous: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | None] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda _signum, _frame: stop.set())
    try:
        with emulator.server(host, port) as server:
            _print_banner(out, server, emulator, seeded)
            if on_ready is not None:
                on_ready(server, emulator)
            while not stop.wait(0.2):
                pass
            print("Emulator stopped.", file=out, flush=True)
    finally:
        emulator.webhooks.stop()
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
            f"  Robot:                 {DEMO.robot_name} (RobotIdentifier {DEMO.robot_key})",
            "  Demo credentials (valid only in this emulator, not secrets):",
            f"    client id:     {DEMO.client_id}",
            f"    client secret: {DEMO.client_secret}",
            f"    scopes:        {' '.join(DEMO.scopes)}",
            f"    bearer token:  {DEMO.personal_access_token}",
        ]
    else:
        folders = ", ".join(f"{f.path} (id {f.id})" for f in emulator.folders()) or "none"
        queues = ", ".join(q.name for q in emulator.queues()) or "none"
        lines += [f"  Folders:               {folders}", f"  Queues:                {queues}"]
    lines.append("Press Ctrl+C to stop.")
    print("\n".join(lines), file=out, flush=True)
