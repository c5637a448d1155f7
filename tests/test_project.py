"""Project hygiene: the public names are the documented ones, and CI runs the README's test command."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import uipath_connector

ROOT = Path(__file__).resolve().parent.parent
API_DOC = ROOT / "docs" / "api.md"


def _ruff_order(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 gives ``__all__``: CONSTANTS, then Classes, then functions."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def _documented_names(module: str) -> list[str]:
    """Names listed under ``## `module` `` in docs/api.md as bullet points starting with a code span."""
    text = API_DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## `{re.escape(module)}`\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"docs/api.md has no section for {module}"
    return re.findall(r"^\* `([A-Za-z_][A-Za-z0-9_]*)`", match.group(1), re.M)


def _documented_modules() -> list[str]:
    return re.findall(r"^## `([a-z_.]+)`", API_DOC.read_text(encoding="utf-8"), re.M)


@pytest.mark.parametrize("module_name", _documented_modules())
def test_public_names_are_exactly_the_documented_ones(module_name: str) -> None:
    module = importlib.import_module(module_name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_ruff_order), f"{module_name}.__all__ is not sorted"
    assert sorted(_documented_names(module_name), key=_ruff_order) == exported
    for name in exported:
        assert hasattr(module, name), f"{module_name}.{name} is listed but missing"


def test_every_public_package_is_documented() -> None:
    import pkgutil

    public = {
        info.name
        for info in pkgutil.walk_packages(uipath_connector.__path__, "uipath_connector.")
        if info.ispkg and not any(part.startswith("_") for part in info.name.split("."))
    }
    public -= {"uipath_connector.cli"}  # the command line, documented in docs/cli.md
    public -= {"uipath_connector.testing.emulator"}  # all of it is re-exported by uipath_connector.testing
    assert public == set(_documented_modules())


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```(?:sh|bash|shell)\n(.*?)\n```", readme, re.S)
    assert len(commands) >= 2, "the README starts with two commands"
    test_command = commands[1].strip()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert test_command in ci_lines


def test_version_comes_from_package_metadata() -> None:
    assert uipath_connector.__version__ != "0.0.0"
