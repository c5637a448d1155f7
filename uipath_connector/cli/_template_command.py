"""``uipath-connector template``: generate the element template from the records (see ``docs/element-template.md``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_template_command"]


def add_template_command(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "template",
        help="write the element template for Camunda Modeler",
        description="Generate the UiPath connector's element template from its records and write it to "
        "element-templates/uipath-connector.json (freezing the previous version under versioned/ when the version "
        "goes up).",
    )
    parser.add_argument(
        "--output", type=Path, help="where to write it (default: element-templates/uipath-connector.json)", default=None
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 when the file differs")
    mode.add_argument(
        "--same-version",
        action="store_true",
        help="allow changing the file without bumping its version (only while that version is unreleased)",
    )
    mode.add_argument("--stdout", action="store_true", help="print the template instead of writing it")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="the 'Wait for UiPath queue item' templates (catch event, receive task) instead, to their default paths",
    )
    parser.set_defaults(run=_run_template)


def _run_template(arguments: argparse.Namespace) -> int:
    if arguments.wait:
        return _run_wait_templates(arguments)
    from ..templates import TemplateFileError, render_template, uipath_template, uipath_template_path
    from ..templates import write_template_files as write_files

    generated = render_template(uipath_template())
    if arguments.stdout:
        sys.stdout.write(generated)
        return 0
    target: Path = arguments.output or uipath_template_path()
    if arguments.output is None and not target.parent.is_dir():
        # Run elsewhere, the default path would silently create a stray element-templates/ in the current folder.
        print(
            f"uipath-connector template: no {target.parent}/ here; run it from the repository root or pass --output",
            file=sys.stderr,
        )
        return 2
    if arguments.check:
        committed = target.read_text(encoding="utf-8") if target.exists() else None
        if committed == generated:
            print(f"{target} is up to date")
            return 0
        state = "is missing" if committed is None else "differs from what the records generate"
        print(f"{target} {state}; run `uipath-connector template` to regenerate it", file=sys.stderr)
        return 1
    try:
        result = write_files(target, generated, same_version=arguments.same_version)
    except TemplateFileError as error:
        print(f"uipath-connector template: {error}", file=sys.stderr)
        return 1
    for path in result.frozen:
        print(f"froze the previous version as {path}")
    print(f"wrote {target}" if result.written else f"{target} is up to date")
    return 0


def _run_wait_templates(arguments: argparse.Namespace) -> int:
    """``--wait``: check, print or write both "Wait for UiPath queue item" templates (see ``docs/waiting.md``)."""
    from ..templates import TemplateFileError, render_template, wait_template, wait_template_path
    from ..templates import write_template_files as write_files

    if arguments.output is not None:
        print("uipath-connector template: --wait writes to the default paths; --output does not apply", file=sys.stderr)
        return 2
    status = 0
    for element in ("catch-event", "receive-task"):
        generated = render_template(wait_template(element))
        target = wait_template_path(element)
        if arguments.stdout:
            sys.stdout.write(generated)
            continue
        if not target.parent.is_dir():
            print(
                f"uipath-connector template: no {target.parent}/ here; run it from the repository root", file=sys.stderr
            )
            return 2
        if arguments.check:
            if target.exists() and target.read_text(encoding="utf-8") == generated:
                print(f"{target} is up to date")
            else:
                print(f"{target} differs; run `uipath-connector template --wait` to regenerate it", file=sys.stderr)
                status = 1
            continue
        try:
            result = write_files(target, generated, same_version=arguments.same_version)
        except TemplateFileError as error:
            print(f"uipath-connector template: {error}", file=sys.stderr)
            return 1
        for path in result.frozen:
            print(f"froze the previous version as {path}")
        print(f"wrote {target}" if result.written else f"{target} is up to date")
    return status
