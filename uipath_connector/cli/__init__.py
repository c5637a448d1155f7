"""``uipath-connector``: the command line. Nothing in the package imports it.

Each command lives in its own module and adds its sub-parser; the heavy imports happen inside the commands::

    uipath-connector demo                      # the emulator, a queue item, a robot, the result
    uipath-connector add-queue-item ...        # one operation against Orchestrator or --emulator
    uipath-connector get-queue-item ...
    uipath-connector emulator --port 8765      # the Orchestrator emulator on loopback
    uipath-connector template [--check]        # the element template from the records
    uipath-connector worker --client rest      # a Zeebe job worker
    uipath-connector webhooks --queue Invoices # webhooks and reconciler -> Zeebe messages
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._demo_command import add_demo_command
from ._emulator_command import add_emulator_command
from ._operation_commands import add_operation_commands
from ._template_command import add_template_command
from ._webhooks_command import add_webhooks_command
from ._worker_command import add_worker_command, load_connector

__all__ = ["build_parser", "load_connector", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command."""
    parser = argparse.ArgumentParser(prog="uipath-connector", description="Drive UiPath robots from Camunda 8.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_demo_command(commands)
    add_operation_commands(commands)
    add_emulator_command(commands)
    add_template_command(commands)
    add_worker_command(commands)
    add_webhooks_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return 2
    status: int = args.run(args)
    return status
