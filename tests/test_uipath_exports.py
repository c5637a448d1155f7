"""The public surface of ``uipath_connector.uipath``: one sorted ``__all__``, every name importable."""

from __future__ import annotations

import uipath_connector.uipath as package


def test_all_is_sorted_and_complete() -> None:
    # isort-style order, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions, each sorted.
    def kind(name: str) -> int:
        return 0 if name.isupper() else 1 if name[0].isupper() else 2

    assert package.__all__ == sorted(package.__all__, key=lambda name: (kind(name), name))
    # (pytest assert-rewrites installed plugin distributions, which adds "@py_builtins"-style names)
    public = {name for name in vars(package) if name.isidentifier() and not name.startswith("_")} - {"annotations"}
    # The element template's names are loaded on first use (module __getattr__), so they are not in vars yet.
    assert set(package.__all__) == public | {"uipath_template", "uipath_template_path"}
    assert all(getattr(package, name) is not None for name in package.__all__)


def test_running_jobs_does_not_load_the_template_generator() -> None:
    import subprocess
    import sys

    code = (
        "import sys, uipath_connector.uipath; "
        "print(sorted(m for m in sys.modules if m.startswith('uipath_connector.templates')))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert output.stdout.strip() == "[]"


def test_doc_examples_of_records_run() -> None:
    import doctest

    from uipath_connector.uipath import _add_settling, _auth, _client, _errors, _records, _template, _urls

    for module in (_records, _urls, _errors, _auth, _add_settling, _client, _template):
        assert doctest.testmod(module).failed == 0, module.__name__
