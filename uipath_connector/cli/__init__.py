"""``uipath-connector``: the command line. Nothing in the package imports it.

Each command lives in its own module and adds its sub-parser; the heavy imports happen inside the commands::

    uipath-connector demo                      # the emulator, a queue item, a robot, the result
    uipath-connector add-queue-item ...        # one operation against Orchestrator or --emulator
    uipath-connector get-queue-item ...
    uipath-connector emulator --port 8765      # the Orchestrator emulator on loopback
    uipath-connector template --out FILE       # the element template for Camunda Modeler
    uipath-connector worker --client rest      # a Zeebe job worker
    uipath-connector webhooks --queue Invoices # webhooks and reconciler -> Zeebe messages

What every command gets from :func:`main` (shared helpers in ``_arguments.py``): ``--version``; ``-v``/``-vv``
(the client's attempts, retries and waits as they happen, on stderr); a line on stderr for every wait longer than a
second even without ``-v``; usage errors and user errors (a busy port, a host that does not resolve) as one line
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence

from .. import __version__
from ._arguments import EXIT_USAGE, OneLineArgumentParser, describe_user_error
from ._demo_command import add_demo_command
from ._emulator_command import add_emulator_command
from ._operation_commands import add_operation_commands
from ._template_command import add_template_command
from ._webhooks_command import add_webhooks_command
from ._worker_command import add_worker_command, load_connector

__all__ = ["build_parser", "load_connector", "main"]

PROG = "uipath-connector"
#: Exit status after Ctrl+C, as shells report a process ended by SIGINT.
EXIT_INTERRUPTED = 130
#: A wait at least this long is reported even without -v, so a command never sits silent for long.
PROGRESS_AFTER_SECONDS = 1.0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-parser per command."""
    parser = OneLineArgumentParser(prog=PROG, description="Drive UiPath robots from Camunda 8.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_verbose(parser, default=0)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_demo_command(commands)
    add_operation_commands(commands)
    add_emulator_command(commands)
    add_template_command(commands)
    add_worker_command(commands)
    add_webhooks_command(commands)
    for command in commands.choices.values():
        # Also after the command name (`uipath-connector demo -v`), where people type it.
        _add_verbose(command, default=argparse.SUPPRESS)
    return parser


def _add_verbose(parser: argparse.ArgumentParser, *, default: object) -> None:
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default,
        help="show attempts, retries and waits as they happen (-vv: every request and answer, without secrets)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    prog = f"{PROG} {args.command}"
    if hasattr(args, "log_level"):
        # A long-running command with its own --log-level (the worker) configures logging itself; -vv means DEBUG.
        if args.verbose >= 2:
            args.log_level = "DEBUG"
        logs: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    else:
        logs = _client_logging(args.verbose)
    with logs:
        try:
            status: int = args.run(args)
        except KeyboardInterrupt:
            print(f"{prog}: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except (OSError, ValueError) as error:
            line = describe_user_error(error, args)
            if line is None or args.verbose >= 2:
                raise
            print(f"{prog}: {line}", file=sys.stderr)
            return EXIT_USAGE
    return status


class _ProgressOnly(logging.Filter):
    """Without -v: warnings, and the waits long enough that a silent terminal would look stuck."""

    def filter(self, record: logging.LogRecord) -> bool:
        wait = getattr(record, "wait_seconds", None)
        return record.levelno >= logging.WARNING or (isinstance(wait, (int, float)) and wait >= PROGRESS_AFTER_SECONDS)


@contextlib.contextmanager
def _client_logging(verbosity: int) -> Iterator[None]:
    """Route the library's log records (``uipath_connector.*``) to stderr for the command's duration."""
    logger = logging.getLogger("uipath_connector")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
    if verbosity <= 0:
        handler.addFilter(_ProgressOnly())
    previous = (logger.level, logger.propagate)
    logger.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    logger.propagate = False  # one line per record, whatever the root logger does (the worker configures it)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous[0])
        logger.propagate = previous[1]
