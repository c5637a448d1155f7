"""What importing the connector loads: the heavy parts (cattrs, the FEEL engine) load on first use, not at import.

The times themselves are measured in ``benchmarks/bench_connector.py`` (never here); these tests pin the cause.
"""

from __future__ import annotations

import json
import subprocess
import sys

import hypothesis.strategies as st
import pytest
from hypothesis import given

from uipath_connector.http._requester import MAX_JSON_DEPTH, json_depth
from uipath_connector.sdk import ConnectorInputError, OutboundConnectorContext, bind, variable


def _modules_after(code: str) -> set[str]:
    program = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", program], check=True, capture_output=True, text=True, timeout=120)
    return set(json.loads(done.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    return {name for name in modules if name == "cattrs" or name.startswith(("cattrs.", "uipath_connector.feel"))}


def test_importing_the_uipath_operations_loads_neither_cattrs_nor_feel() -> None:
    assert _heavy(_modules_after("import uipath_connector.uipath")) == set()


def test_importing_the_runtime_loads_neither_cattrs_nor_feel() -> None:
    assert _heavy(_modules_after("import uipath_connector.runtime")) == set()


def test_did_you_mean_hints_load_difflib_only_when_a_field_is_wrong() -> None:
    # The hints themselves are tested with the binder (tests/test_sdk_binding.py, "did you mean").
    assert "difflib" not in _modules_after("import uipath_connector.uipath, uipath_connector.runtime")
    hinted = (
        "from uipath_connector.sdk import ConnectorInputError, OutboundConnectorContext\n"
        "from uipath_connector.uipath import OPERATIONS\n"
        "try:\n"
        "    OutboundConnectorContext({'operationType': 'getItemById', 'itemId': 1, 'authentication':\n"
        "        {'type': 'bearer', 'tokne': 't'}}).bind_variables(OPERATIONS.request_type())\n"
        "except ConnectorInputError as error:\n"
        "    assert \"did you mean 'token'\" in str(error), error\n"
    )
    assert "difflib" in _modules_after(hinted)


def test_the_first_bind_loads_cattrs_and_binds_as_before() -> None:
    code = (
        "import attrs\n"
        "from uipath_connector.sdk import bind, variable\n"
        "@attrs.frozen\n"
        "class Item:\n"
        "    count: int = variable('count', minimum=1)\n"
        "assert 'cattrs' not in sys.modules\n"
        "assert bind({'count': '3'}, Item) == Item(count=3)\n"
    )
    assert "cattrs" in _modules_after(code)


def test_the_converter_is_still_exported_and_is_the_binders() -> None:
    from uipath_connector import sdk
    from uipath_connector.sdk import _binding, converter

    assert converter is _binding._DEFAULT_BINDER.converter is sdk.converter
    assert converter.structure("7", int) == 7  # the project's hook: text of a whole number is accepted


def test_a_record_bound_in_threads_gets_the_same_hooks() -> None:
    import threading

    import attrs

    @attrs.frozen
    class Pair:
        left: int = variable("left")
        right: str = variable("right", not_empty=True)

    results: list[object] = []
    workers = [threading.Thread(target=lambda: results.append(bind({"left": 1, "right": "r"}, Pair))) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert results == [Pair(left=1, right="r")] * 8
    with pytest.raises(ConnectorInputError) as raised:
        OutboundConnectorContext({"left": "x", "right": ""}).bind_variables(Pair)
    assert "left" in str(raised.value)
    assert "right" in str(raised.value)


def _reference_depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_reference_depth(child) for child in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_reference_depth(child) for child in value), default=0)
    return 0


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=2), children, max_size=4),
    max_leaves=30,
)


@given(_json)
def test_json_depth_matches_the_recursive_definition(value: object) -> None:
    assert json_depth(value) == _reference_depth(value)


def test_json_depth_stops_counting_past_the_limit() -> None:
    deep: object = 0
    for _ in range(MAX_JSON_DEPTH + 10):
        deep = [deep]
    assert json_depth(deep) == MAX_JSON_DEPTH + 1
    assert json_depth({"a": [1, {"b": None}]}) == 3
