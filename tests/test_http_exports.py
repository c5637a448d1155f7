"""The public surface of ``uipath_connector.http``: one sorted ``__all__``, every name importable, doctests run."""

from __future__ import annotations

import doctest

import uipath_connector.http as package
from uipath_connector.http import _auth, _clock, _deadlines, _errors, _requester, _retry, _sessions, _tokens, _transport


def test_all_is_sorted_and_complete() -> None:
    def kind(name: str) -> int:
        return 0 if name.isupper() else 1 if name[0].isupper() else 2

    assert package.__all__ == sorted(package.__all__, key=lambda name: (kind(name), name))
    public = {name for name in vars(package) if name.isidentifier() and not name.startswith("_")} - {"annotations"}
    assert set(package.__all__) == public


def test_doc_examples_run() -> None:
    for module in (package, _auth, _clock, _deadlines, _errors, _requester, _retry, _sessions, _tokens, _transport):
        assert doctest.testmod(module).failed == 0, module.__name__
