"""``uipath-connector template``: generate a connector's element template (see ``docs/element-template.md``).

The connector is chosen like ``worker`` chooses it (``--connector MODULE:ATTR``, default the UiPath connector);
its ``@outbound_connector`` declares the template factory and the file name under ``element-templates/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_template_command"]

DEFAULT_CONNECTOR = "uipath_connector.uipath:UiPathConnector"


def add_template_command(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "template",
        help="write the element template for Camunda Modeler",
        description="Generate the UiPath connector's element template from its records and write it to "
        "element-templates/uipath-connector.json (freezing the previous version under versioned/ when the version "
        "goes up).",
    )
    parser.add_argument(
        "--connector",
        metavar="MODULE:ATTR",
        default=DEFAULT_CONNECTOR,
        help=f"the connector class, instance or factory whose template to write (default: {DEFAULT_CONNECTOR})",
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
    parser.set_defaults(run=_run_template)


def _run_template(arguments: argparse.Namespace) -> int:
    from ..sdk import connector_metadata
    from ..templates import ElementTemplate, TemplateFileError, render_template
    from ..templates import write_template_files as write_files
    from ._worker_command import load_connector

    try:
        metadata = connector_metadata(load_connector(arguments.connector))
    except (ImportError, AttributeError, ValueError, TypeError) as error:
        print(f"uipath-connector template: cannot load the connector {arguments.connector!r}: {error}", file=sys.stderr)
        return 2
    template = metadata.element_template() if metadata.element_template is not None else None
    if not isinstance(template, ElementTemplate) or metadata.template_file is None:
        print(
            f"uipath-connector template: the connector {arguments.connector!r} declares no element template "
            "(element_template= and template_file= on its @outbound_connector)",
            file=sys.stderr,
        )
        return 2
    generated = render_template(template)
    if arguments.stdout:
        sys.stdout.write(generated)
        return 0
    target: Path = arguments.output or Path("element-templates") / metadata.template_file
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
