"""``uipath-connector`` command line. Nothing in the package imports this module."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def _emulator(args: argparse.Namespace) -> int:
    from uipath_connector.testing import run_emulator_server

    return run_emulator_server(args.host, args.port, seed_demo_data=not args.empty)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command (more commands are added here)."""
    parser = argparse.ArgumentParser(prog="uipath-connector", description="Drive UiPath robots from Camunda 8.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    emulator = commands.add_parser(
        "emulator",
        help="serve the UiPath Orchestrator emulator on loopback",
        description="Serve the Orchestrator queue API emulator until Ctrl+C or SIGTERM.",
    )
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emulator.add_argument("--port", type=int, default=8765, help="port to bind, 0 for a free one (default 8765)")
    emulator.add_argument("--empty", action="store_true", help="start without the demo org, folder, queues, client")
    emulator.set_defaults(run=_emulator)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``uipath-connector emulator --port 8765``; returns the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
