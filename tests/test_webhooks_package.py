"""The webhooks package keeps the dependency rule, and its documentation examples run."""

from __future__ import annotations

import ast
import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "uipath_connector" / "webhooks"
WORKER_LIBRARIES = {"pyzeebe", "grpc", "camunda_orchestration_sdk", "httpx", "uvicorn"}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_webhooks_import_sdk_and_http_only_and_worker_libraries_lazily(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
            if node.level == 2:  # from ..x import
                names = [f"uipath_connector.{node.module}"]
            elif node.level == 1:
                names = [f"uipath_connector.webhooks.{node.module}"]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("uipath_connector."):
                allowed = ("uipath_connector.sdk", "uipath_connector.http", "uipath_connector.webhooks")
                assert name.startswith(allowed), f"{path.name} imports {name}"
            if name.split(".")[0] in WORKER_LIBRARIES:
                assert id(node) not in top_level, f"{path.name} imports the optional {name} at import time"


def test_importing_the_package_loads_no_worker_library() -> None:
    code = (
        "import sys, uipath_connector.webhooks; "
        "print(sorted(m for m in ('pyzeebe', 'grpc', 'camunda_orchestration_sdk', 'uvicorn') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert output.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "module",
    ["_signature", "_events", "_messages", "_publishing", "_publishers", "_receiver", "_reconciler", "_watermarks"],
)
def test_doc_examples_run(module: str) -> None:
    loaded = importlib.import_module(f"uipath_connector.webhooks.{module}")
    result = doctest.testmod(loaded, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
