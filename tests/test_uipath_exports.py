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
    assert set(package.__all__) == public


def test_doc_examples_of_records_run() -> None:
    import doctest

    from uipath_connector.uipath import _add_settling, _auth, _client, _errors, _records, _urls

    for module in (_records, _urls, _errors, _auth, _add_settling, _client):
        assert doctest.testmod(module).failed == 0, module.__name__
