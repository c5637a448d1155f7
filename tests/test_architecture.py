"""The dependency rule (docs/index.md, "Architecture"), checked on the source: who may import what.

* ``sdk`` imports no HTTP library and nothing else of the project;
* ``feel`` imports nothing of the project (it could be published on its own);
* ``runtime`` imports ``sdk`` and ``feel`` only (worker libraries only lazily, inside functions, behind an extra);
* ``http`` imports ``sdk`` (and the HTTP libraries), nothing else of the project;
* ``uipath`` imports ``sdk`` and ``http``: ``sdk <- http <- uipath``; only ``http`` touches ``tenacity``; its
  element template module (``uipath/_template.py``) also imports the generic ``templates`` package;
* ``templates`` imports ``sdk`` only: it knows no connector (each connector builds its own template with it);
* ``testing`` may import everything; nothing imports ``cli``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "uipath_connector"
HTTP_LIBRARIES = {"requests", "urllib3", "httpx", "http", "aiohttp", "tenacity"}
OPTIONAL_WORKER_LIBRARIES = {"pyzeebe", "grpc", "camunda_orchestration_sdk"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """``(imported module, at import time)`` for every import in a file, relative imports resolved.

    Imports inside functions run lazily, and those under ``if TYPE_CHECKING:`` never run.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in top_level) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((name, id(node) in top_level))
    return found


def _files(subpackage: str) -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def _root(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", _files("sdk"), ids=lambda p: p.name)
def test_sdk_imports_no_http_library_and_nothing_else_of_the_project(path: Path) -> None:
    for name, _ in _imports(path):
        assert _root(name) not in HTTP_LIBRARIES, f"{path.name} imports {name}"
        if _root(name) == "uipath_connector":
            assert name.startswith("uipath_connector.sdk"), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _files("feel"), ids=lambda p: p.name)
def test_feel_imports_nothing_of_the_project(path: Path) -> None:
    for name, _ in _imports(path):
        if _root(name) == "uipath_connector":
            assert name.startswith("uipath_connector.feel"), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", _files("runtime"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_runtime_imports_sdk_and_feel_only_and_worker_libraries_lazily(path: Path) -> None:
    for name, top_level in _imports(path):
        if _root(name) == "uipath_connector":
            allowed = ("uipath_connector.sdk", "uipath_connector.feel", "uipath_connector.runtime")
            assert name.startswith(allowed), f"{path} imports {name}"
        if _root(name) in OPTIONAL_WORKER_LIBRARIES:
            assert not top_level, f"{path} imports the optional {name} at import time"
        assert _root(name) not in {"requests", "urllib3", "tenacity"}, f"{path} imports {name}"


@pytest.mark.parametrize("path", _files("http"), ids=lambda p: p.name)
def test_http_imports_the_sdk_and_itself_only(path: Path) -> None:
    for name, _ in _imports(path):
        if _root(name) == "uipath_connector":
            assert name.startswith(("uipath_connector.sdk", "uipath_connector.http")), f"{path} imports {name}"


@pytest.mark.parametrize("path", _files("uipath"), ids=lambda p: p.name)
def test_uipath_imports_the_sdk_the_http_layer_and_itself_only(path: Path) -> None:
    for name, _ in _imports(path):
        if _root(name) == "uipath_connector":
            allowed = ("uipath_connector.sdk", "uipath_connector.http", "uipath_connector.uipath")
            if path.name == "_template.py":
                allowed += ("uipath_connector.templates",)
            assert name.startswith(allowed), f"{path} imports {name}"
        # Retries, sessions and transports are the HTTP layer's: the connector asks it, never tenacity itself.
        assert _root(name) not in {"tenacity", "urllib3"}, f"{path} imports {name}"


@pytest.mark.parametrize("path", _files("templates"), ids=lambda p: p.name)
def test_templates_import_the_sdk_and_themselves_only(path: Path) -> None:
    for name, _ in _imports(path):
        if _root(name) == "uipath_connector":
            assert name.startswith(("uipath_connector.sdk", "uipath_connector.templates")), f"{path} imports {name}"


def test_only_the_http_layer_uses_tenacity() -> None:
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(_root(name) == "tenacity" for name, _ in _imports(path))
    )
    assert users == ["http/_retry.py"]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_imports_the_command_line(path: Path) -> None:
    if path.is_relative_to(PACKAGE / "cli"):
        return
    for name, _ in _imports(path):
        assert not name.startswith("uipath_connector.cli"), f"{path} imports {name}"


def test_importing_the_sdk_loads_no_http_library() -> None:
    code = (
        "import sys, uipath_connector.sdk, uipath_connector.runtime; "
        "print(sorted(m for m in ('requests', 'urllib3', 'http.client', 'tenacity') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert output.stdout.strip() == "[]"
