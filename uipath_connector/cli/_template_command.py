"""``uipath-connector template``: the element template for Camunda Modeler (see ``docs/element-template.md``).

Two audiences:

* a **user** with an installed wheel wants the file: ``uipath-connector template --out uipath-connector.json``
  writes it anywhere, and outside the repository plain ``uipath-connector template`` prints it to stdout. The
  template is generated from the connector's records, so it is the same file the wheel ships under
  ``uipath_connector/element-templates/`` (a test compares them). ``--list`` shows every shipped template (the
  other templates, and the frozen older versions under ``versioned/``, which diagrams built with them need);
  ``--name NAME`` and ``--template-version N`` pick one of them (``--name uipath-wait-for-queue-item``);
* a **maintainer** in a clone regenerates the committed file: ``uipath-connector template`` writes
  ``element-templates/uipath-connector.json`` (freezing the previous version under ``versioned/`` when the version
  goes up), ``--check`` compares, ``--output PATH`` does the same at another path.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._arguments import positive_int

if TYPE_CHECKING:  # importlib.resources.abc from Python 3.11 on; importlib.abc still has it
    from importlib.abc import Traversable

__all__ = ["add_template_command", "is_repository_root", "shipped_templates"]

#: The connector's own template, the one written when no --name is given.
DEFAULT_NAME = "uipath-connector"

DEFAULT_CONNECTOR = "uipath_connector.uipath:UiPathConnector"


def add_template_command(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "template",
        help="write the element template for Camunda Modeler",
        description="Write the UiPath connector's element template for Camunda Modeler. --out FILE writes it anywhere; "
        "without options it is printed to stdout, except in a clone of the repository, where the committed "
        "element-templates/uipath-connector.json is regenerated (freezing the previous version under versioned/ "
        "when the version goes up).",
    )
    parser.add_argument(
        "--connector",
        metavar="MODULE:ATTR",
        default=DEFAULT_CONNECTOR,
        help=f"the connector class, instance or factory whose template to write (default: {DEFAULT_CONNECTOR})",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "-o", "--out", metavar="FILE", help="write the template to FILE ('-' for stdout); works from any folder"
    )
    mode.add_argument("--stdout", action="store_true", help="print the template (same as --out -)")
    mode.add_argument("--list", action="store_true", help="list the templates this installation ships, then exit")
    mode.add_argument(
        "--check", action="store_true", help="in a clone: write nothing; exit 1 when the committed file differs"
    )
    mode.add_argument(
        "--same-version",
        action="store_true",
        help="in a clone: allow changing the file without bumping its version (only while that version is unreleased)",
    )
    parser.add_argument(
        "--name",
        default=DEFAULT_NAME,
        metavar="NAME",
        help=f"which shipped template to write, by file name without .json (default {DEFAULT_NAME}; see --list)",
    )
    parser.add_argument(
        "--template-version",
        type=positive_int,
        metavar="N",
        help="an older, frozen version of the template, for diagrams built with it (see --list)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        default=None,
        help="maintainers: regenerate the committed template at PATH instead of "
        "element-templates/uipath-connector.json (with its versioning rules)",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="the 'Wait for UiPath queue item' templates (catch event, receive task) instead; with --stdout, "
        "--check or --same-version as above, at their committed paths",
    )
    parser.set_defaults(run=_run_template)


def is_repository_root(folder: Path) -> bool:
    """Whether ``folder`` is the root of a uipath-connector clone (its pyproject.toml and element-templates/).

    >>> is_repository_root(Path("/"))
    False
    """
    pyproject = folder / "pyproject.toml"
    try:
        declares_us = 'name = "uipath-connector"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False
    return declares_us and (folder / "element-templates").is_dir()


def _templates_folder() -> Traversable | None:
    """The element templates this installation ships: inside the wheel, or a clone's element-templates/."""
    packaged = files("uipath_connector") / "element-templates"
    if packaged.is_dir():
        return packaged
    clone = Path(__file__).resolve().parents[2] / "element-templates"  # an editable install runs from a clone
    return clone if clone.is_dir() else None


def shipped_templates() -> dict[tuple[str, int], Traversable]:
    """Every shipped template file by (name, version): the latest files and the frozen ``versioned/<name>-<N>.json``.

    The name is the file name without ``.json`` (and without ``-<N>`` for a frozen one).
    """
    folder = _templates_folder()
    found: dict[tuple[str, int], Traversable] = {}
    if folder is None:
        return found
    frozen_folder = folder / "versioned"
    latest = [entry for entry in folder.iterdir() if entry.is_file()]
    frozen = [entry for entry in frozen_folder.iterdir() if entry.is_file()] if frozen_folder.is_dir() else []
    for entry, is_frozen in [*((e, False) for e in latest), *((e, True) for e in frozen)]:
        if not entry.name.endswith(".json"):
            continue
        version = json.loads(entry.read_text(encoding="utf-8")).get("version")
        if not isinstance(version, int):
            continue
        stem = entry.name.removesuffix(".json")
        name = stem.removesuffix(f"-{version}") if is_frozen else stem
        found.setdefault((name, version), entry)
    return found


def _list_templates() -> int:
    shipped = shipped_templates()
    if not shipped:
        print("uipath-connector template: this installation ships no template files", file=sys.stderr)
        return 1
    for (name, version), entry in sorted(shipped.items()):
        template = json.loads(entry.read_text(encoding="utf-8"))
        print(f"{name}  version {version}  {template.get('id')}  {template.get('name')}")
    return 0


def _shipped_text(name: str, version: int | None) -> str | None:
    """A shipped template's text, or None after saying on stderr which exist."""
    shipped = shipped_templates()
    versions = sorted(v for (n, v) in shipped if n == name)
    if not versions:
        names = ", ".join(sorted({n for (n, _) in shipped})) or "none"
        print(f"uipath-connector template: no template named {name!r}; shipped: {names}", file=sys.stderr)
        return None
    wanted = version if version is not None else versions[-1]
    if wanted not in versions:
        listed = ", ".join(str(v) for v in versions)
        print(f"uipath-connector template: {name} has no version {wanted}; shipped: {listed}", file=sys.stderr)
        return None
    return str(shipped[(name, wanted)].read_text(encoding="utf-8"))


def _run_shipped(arguments: argparse.Namespace) -> int:
    """``--name`` / ``--template-version``: hand over a shipped file as it is."""
    if arguments.output is not None or arguments.check or arguments.same_version or arguments.wait:
        print("uipath-connector template: --name and --template-version go with --out or --stdout", file=sys.stderr)
        return 2
    text = _shipped_text(arguments.name, arguments.template_version)
    if text is None:
        return 2
    if arguments.out is None or arguments.out == "-":
        sys.stdout.write(text)
        return 0
    return _write_anywhere(Path(arguments.out), text, f"{arguments.name}.json")


def _run_template(arguments: argparse.Namespace) -> int:
    if arguments.list:
        return _list_templates()
    if arguments.name != DEFAULT_NAME or arguments.template_version is not None:
        return _run_shipped(arguments)
    if arguments.wait:
        return _run_wait_templates(arguments)
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
    if arguments.out is not None and arguments.output is not None:
        print("uipath-connector template: --out and --output do not go together; use --out FILE", file=sys.stderr)
        return 2
    if arguments.stdout or arguments.out == "-":
        sys.stdout.write(generated)
        return 0
    if arguments.out is not None:
        return _write_anywhere(Path(arguments.out), generated, metadata.template_file)
    maintainer_mode = arguments.output is not None or arguments.check or arguments.same_version
    if arguments.output is None and not is_repository_root(Path.cwd()):
        if maintainer_mode:
            print(
                "uipath-connector template: --check and --same-version compare the repository's committed template; "
                "run them in a clone or pass --output PATH",
                file=sys.stderr,
            )
            return 2
        # Outside a clone there is no committed file to regenerate: hand the template over, as a Unix tool does.
        sys.stdout.write(generated)
        return 0
    target: Path = arguments.output or Path("element-templates") / metadata.template_file
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


def _write_anywhere(target: Path, generated: str, file_name: str) -> int:
    """Write the template to ``target`` as it is (a user's copy: no versioning rules)."""
    if target.is_dir():
        target = target / file_name
    try:
        target.write_text(generated, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"uipath-connector template: cannot write {target}: {reason}", file=sys.stderr)
        return 2
    print(f"wrote {target}")
    return 0


def _run_wait_templates(arguments: argparse.Namespace) -> int:
    """``--wait``: print, check or regenerate both "Wait for UiPath queue item" templates (``docs/waiting.md``)."""
    from ..templates import TemplateFileError, render_template, wait_template, wait_template_path
    from ..templates import write_template_files as write_files

    if arguments.out is not None or arguments.output is not None:
        print("uipath-connector template: --wait prints (--stdout) or regenerates the committed files", file=sys.stderr)
        return 2
    generated = {element: render_template(wait_template(element)) for element in ("catch-event", "receive-task")}
    if arguments.stdout or not is_repository_root(Path.cwd()):
        if arguments.check or arguments.same_version:
            print("uipath-connector template: --check and --same-version need a clone", file=sys.stderr)
            return 2
        sys.stdout.write("".join(generated.values()))
        return 0
    status = 0
    for element, text in generated.items():
        target = wait_template_path(element)  # type: ignore[arg-type]
        if arguments.check:
            if target.exists() and target.read_text(encoding="utf-8") == text:
                print(f"{target} is up to date")
            else:
                print(f"{target} differs; run `uipath-connector template --wait` to regenerate it", file=sys.stderr)
                status = 1
            continue
        try:
            result = write_files(target, text, same_version=arguments.same_version)
        except TemplateFileError as error:
            print(f"uipath-connector template: {error}", file=sys.stderr)
            return 1
        for path in result.frozen:
            print(f"froze the previous version as {path}")
        print(f"wrote {target}" if result.written else f"{target} is up to date")
    return status
