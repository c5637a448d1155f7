"""``uipath-connector emulator``: serve the Orchestrator emulator on loopback (see ``docs/testing.md``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._arguments import host, non_negative_int, port_or_zero, positive_int

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
    emulator.add_argument(
        "--config",
        metavar="FILE",
        help="a .toml or .json file declaring tenants, folders, queues, robots, clients, tokens, items, webhooks",
    )
    emulator.add_argument(
        "--max-items",
        type=non_negative_int,
        default=100_000,
        metavar="N",
        help="retention: purge the oldest finished items above N items (default 100000; 0 keeps every item)",
    )
    emulator.add_argument(
        "--max-page-size",
        type=positive_int,
        default=None,
        metavar="N",
        help="page served without $top and the largest $top (default 100, as Automation Cloud)",
    )
    emulator.set_defaults(run=_emulator)


def _emulator(args: argparse.Namespace) -> int:
    from ..testing import run_emulator_server
    from ..testing.emulator._config import EmulatorConfigError

    try:
        return run_emulator_server(
            args.host,
            args.port,
            seed_demo_data=not args.empty,
            config=args.config,
            max_items=args.max_items or None,
            max_page_size=args.max_page_size,
        )
    except (EmulatorConfigError, ValueError) as exc:
        print(f"uipath-connector emulator: {exc}", file=sys.stderr)
        return 2
