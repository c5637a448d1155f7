"""The public surface of ``uipath_connector.http``: one sorted ``__all__``, every name importable, doctests run."""

from __future__ import annotations

import doctest

import pytest
import requests

import uipath_connector.http as package
from uipath_connector.http import (
    _auth,
    _clock,
    _deadline_adapter,
    _deadlines,
    _errors,
    _lazy,
    _requester,
    _retry,
    _sessions,
    _tokens,
    _too_large,
    _transport,
)


def test_all_is_sorted_and_complete() -> None:
    def kind(name: str) -> int:
        return 0 if name.isupper() else 1 if name[0].isupper() else 2

    assert package.__all__ == sorted(package.__all__, key=lambda name: (kind(name), name))
    public = {name for name in vars(package) if name.isidentifier() and not name.startswith("_")} - {"annotations"}
    # The names whose modules import requests are provided on first access (so they may not be in vars yet).
    assert set(package.__all__) == public | set(package._LOADED_ON_ACCESS)
    for name in package.__all__:
        assert getattr(package, name) is not None, name


def test_the_names_loaded_on_access_are_the_classes_of_their_modules() -> None:
    assert package.ResponseTooLargeError is _too_large.ResponseTooLargeError
    assert package.SessionTransport is _transport.SessionTransport
    assert issubclass(package.ResponseTooLargeError, requests.RequestException)  # callers catching it still do
    with pytest.raises(AttributeError, match="has no attribute 'SessionTransprot'"):
        getattr(package, "SessionTransprot")  # noqa: B009 - the misspelt name is the point


def test_doc_examples_run() -> None:
    modules = (package, _auth, _clock, _deadlines, _deadline_adapter, _errors, _lazy, _requester, _retry, _sessions)
    for module in (*modules, _tokens, _too_large, _transport):
        assert doctest.testmod(module).failed == 0, module.__name__
