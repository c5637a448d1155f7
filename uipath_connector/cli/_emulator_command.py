"""``uipath-connector emulator``: serve the Orchestrator emulator on loopback (see ``docs/testing.md``)."""

from __future__ import annotations

import argparse
from typing import Any

from ._arguments import host, port_or_zero

__all__ = ["add_emulator_command"]


def add_emulator_command(commands: Any) -> None:
    emulator = commands.add_parser(
        "emulator",
        help="serve the UiPath Orchestrator emulator on loopback",
        description="Serve the Orchestrator queue API emulator until Ctrl+C or SIGTERM.",
    )
    emulator.add_argument("--host", type=host, default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emulator.add_argument(
        "--port", type=port_or_zero, default=8765, help="port to bind, 0 for a free one (default 8765)"
    )
    emulator.add_argument("--empty", action="store_true", help="start without the demo org, folder, queues, client")
    emulator.set_defaults(run=_emulator)


def _emulator(args: argparse.Namespace) -> int:
    from ..testing import run_emulator_server

    return run_emulator_server(args.host, args.port, seed_demo_data=not args.empty)
