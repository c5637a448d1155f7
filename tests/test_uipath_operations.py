"""The operation registry: the template, the command line and the dispatch derive from it.

A fake fourth operation, registered only for these tests, must appear in all three without any other change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import attrs
import pytest
import responses
from conftest import BASE, job

from uipath_connector.cli import main
from uipath_connector.http import decide_get
from uipath_connector.sdk import (
    HttpResponse,
    Operation,
    OperationRegistry,
    ResultPreset,
    TemplateHints,
    outbound_connector,
    variable,
)
from uipath_connector.templates import PropertyCondition, render_template
from uipath_connector.uipath import (
    AUTHENTICATION_TYPE_PROPERTY,
    OPERATIONS,
    AddQueueItemRequest,
    Authentication,
    Configuration,
    GetQueueItemRequest,
    OrchestratorClient,
    UiPathConnector,
    uipath_template,
)

COUNT_URL = BASE + "/odata/QueueItems/$count"


@attrs.frozen(kw_only=True)
class CountItemsInput:
    queue_name: str = variable(
        "countedQueue", not_empty=True, label="Counted queue", group="input", type="String", description="Queue"
    )


@attrs.frozen(kw_only=True)
class CountItemsRequest:
    authentication: Authentication = variable("authentication", template=AUTHENTICATION_TYPE_PROPERTY)
    configuration: Configuration = variable("configuration", embedded=True)
    input: CountItemsInput = variable("input", embedded=True)


def count_items(client: OrchestratorClient, request: CountItemsInput) -> HttpResponse:
    params = {"$filter": f"QueueDefinitionName eq '{request.queue_name}'"}
    return client.requester.request("GET", "/odata/QueueItems/$count", params=params, decide=decide_get)


@pytest.fixture
def fourth_operation() -> Iterator[Operation]:
    operation = OPERATIONS.register(
        Operation(
            id="countItems",
            label="Count queue items",
            request=CountItemsRequest,
            handler=count_items,
            input=CountItemsInput,
            result_expression=ResultPreset("resultExpressionCount", "={count: response.body}"),
            description="Count the items of a queue",
            keywords=("count",),
            command="count-items",
            cli_aliases={"countedQueue": "--queue"},
        )
    )
    try:
        yield operation
    finally:
        OPERATIONS.unregister("countItems")


@pytest.mark.usefixtures("fourth_operation")
def test_a_registered_operation_appears_in_the_template() -> None:
    template = uipath_template().to_json()
    dropdown = next(prop for prop in template["properties"] if prop.get("id") == "operationType")
    assert dropdown["choices"][-1] == {"name": "Count queue items", "value": "countItems"}
    field = next(prop for prop in template["properties"] if prop.get("binding", {}).get("name") == "countedQueue")
    assert field["condition"] == PropertyCondition.of("operationType", "countItems").to_json()
    preset = next(prop for prop in template["properties"] if prop.get("id") == "resultExpressionCount")
    assert preset["value"] == "={count: response.body}"
    step = next(step for step in template["steps"] if "countItems" in json.dumps(step))
    assert step["name"].startswith("Count queue items")


@pytest.mark.usefixtures("fourth_operation")
@responses.activate
def test_a_registered_operation_is_dispatched() -> None:
    responses.get(COUNT_URL, body="7", content_type="application/json")
    connector = UiPathConnector()
    envelope = connector.execute(job("countItems", countedQueue="Invoices"))
    assert envelope.body == 7
    sent = responses.calls[0].request
    assert sent.url == COUNT_URL + "?$filter=QueueDefinitionName%20eq%20'Invoices'"
    assert sent.headers["X-UIPATH-OrganizationUnitId"] == "1964413"


@pytest.mark.usefixtures("fourth_operation")
@responses.activate
def test_a_registered_operation_gets_a_subcommand(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    responses.get(COUNT_URL, body="3", content_type="application/json")
    monkeypatch.setenv("UIPATH_TOKEN", "tok")
    argv = ["count-items", "--org", "camunda1", "--tenant", "DefaultTenant", "--folder-id", "1964413"]
    status = main([*argv, "--queue", "Invoices"])
    captured = capsys.readouterr()
    assert (status, captured.err) == (0, "")
    assert json.loads(captured.out)["body"] == 3
    assert main([*argv, "--counted-queue", ""]) == 2
    assert capsys.readouterr().err == "input error: Invalid input: countedQueue: must not be empty\n"


def test_the_built_in_operations_in_registration_order() -> None:
    assert [(op.id, op.command) for op in OPERATIONS][:2] == [
        ("addQueueItem", "add-queue-item"),
        ("getItemById", "get-queue-item"),
    ]
    assert OPERATIONS.get("addQueueItem").request is AddQueueItemRequest
    assert OPERATIONS.get("getItemById").request is GetQueueItemRequest


def test_a_clashing_registration_is_refused() -> None:
    @attrs.frozen
    class First:
        pass

    @attrs.frozen
    class Second:
        pass

    registry = OperationRegistry("kind", TemplateHints(label="Kind", group="operation"))
    registry.operation(id="a", label="A", request=First, command="a")(count_items)
    with pytest.raises(ValueError, match="operation 'a' clashes with the registered operation 'a'"):
        registry.operation(id="a", label="A again", request=Second)(count_items)
    with pytest.raises(ValueError, match="operation 'b' clashes with the registered operation 'a'"):
        registry.operation(id="b", label="B", request=Second, command="a")(count_items)
    with pytest.raises(ValueError, match="First is already tagged kind='a'"):
        OperationRegistry("kind", TemplateHints()).operation(id="c", label="C", request=First)(count_items)
    with pytest.raises(KeyError, match="no operation 'b'; known: a"):
        registry.get("b")


def test_the_docs_operation_table_is_the_registrys() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "operations.md").read_text(encoding="utf-8")
    start = text.index("-->\n", text.index("<!-- operations table")) + len("-->\n")
    end = text.index("\n<!-- end of operations table -->")
    assert text[start:end] == OPERATIONS.markdown_table()


class _NoTemplate:
    """A connector without an element template."""

    def execute(self, context: object) -> object:
        return {}


NO_TEMPLATE = outbound_connector(name="Bare", type="io.example:bare:1", input_variables=[])(_NoTemplate)()


def test_the_template_command_takes_a_connector(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--stdout", "--connector", "uipath_connector.uipath:UiPathConnector"]) == 0
    assert capsys.readouterr().out == render_template(uipath_template())
    assert main(["template", "--stdout", "--connector", f"{__name__}:NO_TEMPLATE"]) == 2
    assert capsys.readouterr().err == (
        f"uipath-connector template: the connector '{__name__}:NO_TEMPLATE' declares no element template "
        "(element_template= and template_file= on its @outbound_connector)\n"
    )
    assert main(["template", "--stdout", "--connector", "no_such_module_here:X"]) == 2
    assert "cannot load the connector 'no_such_module_here:X'" in capsys.readouterr().err
