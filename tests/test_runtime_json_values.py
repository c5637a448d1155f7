"""A connector's result as job variables: the fast walk over plain dicts and lists gives what the general one gives."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from uipath_connector.runtime._job import _json_value
from uipath_connector.sdk import HttpResponse


class Colour(enum.IntEnum):
    RED = 1


class Label(str, enum.Enum):
    A = "a"


def general(value: object) -> object:
    """The rules of ``_json_value`` for these values, written out plainly (the reference)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, HttpResponse):
        return general(value.to_dict())
    if isinstance(value, Mapping):
        return {str(key): general(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [general(item) for item in value]
    raise AssertionError(value)


_enums = st.sampled_from([Colour.RED, Label.A])
_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | _enums
_keys = st.text(max_size=3) | st.integers() | st.booleans() | st.none() | st.sampled_from([Colour.RED])
_values = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(_keys, children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=_values)
def test_the_walk_gives_the_general_rules_result(value: object) -> None:
    assert _json_value(value) == general(value)


@settings(max_examples=100, deadline=None)
@given(body=_values, status=st.integers(100, 599))
def test_an_envelope_becomes_its_json_value(body: object, status: int) -> None:
    envelope = HttpResponse(status, {"Content-Type": "application/json", "Set-Cookie": ["a", "b"]}, body, "OK")
    assert _json_value(envelope) == general(envelope)


def test_the_result_is_a_copy_and_not_finite_numbers_become_null() -> None:
    body = {"Id": 7, "nested": {"list": [1.5, float("nan"), float("inf")]}}
    result = _json_value(body)
    assert result == {"Id": 7, "nested": {"list": [1.5, None, None]}}
    assert isinstance(result, dict)
    assert result["nested"] is not body["nested"]
