"""What importing the connector loads: the heavy parts (the HTTP stack, cattrs, the FEEL engine) load on first use.

The times themselves are measured in ``benchmarks/bench_connector.py`` (never here); these tests pin the cause.
"""

from __future__ import annotations

import json
import subprocess
import sys

import hypothesis.strategies as st
import pytest
from hostile_server import HostileServer, answer
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


#: ``requests`` and what it loads behind it: together they cost more to import than the whole connector.
REQUESTS_AND_ITS_LIBRARIES = ("requests", "urllib3", "charset_normalizer", "idna", "certifi", "tenacity")
#: The standard library's share of that cost, which nothing else the connector imports needs.
HTTP_STACK = (*REQUESTS_AND_ITS_LIBRARIES, "http.client", "email", "ssl")


def _loaded(modules: set[str], roots: tuple[str, ...]) -> set[str]:
    return {name for name in modules for root in roots if name == root or name.startswith(root + ".")}


@pytest.mark.parametrize(
    "code",
    [
        "import uipath_connector.uipath",
        "import uipath_connector.http",
        "import uipath_connector.uipath, uipath_connector.runtime, uipath_connector.sdk",
        # Building a connector, its records and a requester sends nothing, so it loads nothing of the stack.
        "from uipath_connector.uipath import UiPathConnector, OrchestratorClient\n"
        "from uipath_connector.http import BearerAuthenticator, Requester\n"
        "UiPathConnector()\n"
        "Requester('https://api.example', BearerAuthenticator('t'), timeout_seconds=5)",
    ],
    ids=["uipath", "http", "all three", "building a connector and a requester"],
)
def test_importing_the_connector_loads_no_http_library(code: str) -> None:
    modules = _modules_after(code)
    assert _loaded(modules, HTTP_STACK) == set()
    assert _heavy(modules) == set()


def test_cli_version_help_and_template_load_neither_requests_nor_its_libraries() -> None:
    # (The command line's worker and emulator commands load the standard library's http.server themselves.)
    code = (
        "import contextlib, io\n"
        "from uipath_connector.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    for arguments in (['--version'], ['--help'], ['template']):\n"
        "        try:\n"
        "            main(arguments)\n"
        "        except SystemExit as stop:\n"
        "            assert stop.code in (0, None), stop.code\n"
    )
    assert _loaded(_modules_after(code), REQUESTS_AND_ITS_LIBRARIES) == set()


def test_the_first_request_loads_the_http_stack_and_is_answered() -> None:
    # Not vacuous: the same process that did not have requests before the call has it after, and got the item.
    created = {"Id": 7, "Key": "k", "Status": "New", "Reference": "INV-1", "CreationTime": "2099-01-01T00:00:00Z"}
    with HostileServer() as server:
        server.script(answer(201, created))
        code = (
            "from uipath_connector.sdk import OutboundConnectorContext\n"
            "from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector\n"
            "assert 'requests' not in sys.modules and 'urllib3' not in sys.modules, 'loaded at import'\n"
            "connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True,\n"
            "                            token_cache=TokenCache())\n"
            f"variables = {{'operationType': 'addQueueItem', 'cloudUrl': {server.url!r}, 'cloudOrg': 'acme',\n"
            "    'cloudTenant': 'Prod', 'organizationUnitId': '1', 'queueName': 'Invoices', 'reference': 'INV-1',\n"
            "    'authentication': {'type': 'bearer', 'token': 'SNTL-token'}}\n"
            "response = connector.execute(OutboundConnectorContext(variables))\n"
            "assert (response.status, response.body['Id']) == (201, 7), response\n"
        )
        modules = _modules_after(code)
        [request] = server.requests
    assert {"requests", "urllib3", "http.client"} <= modules
    assert (request.method, request.header("Authorization")) == ("POST", "Bearer SNTL-token")
    assert request.target == "/odata/Queues/UiPathODataSvc.AddQueueItem"


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
