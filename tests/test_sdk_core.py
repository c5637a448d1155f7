"""Errors, connector metadata, the context and the test context builder."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from uipath_connector.sdk import (
    ConnectorError,
    ConnectorInputError,
    ConnectorMetadata,
    ConnectorRetryError,
    InputProblem,
    JobInfo,
    MapSecretProvider,
    OutboundConnectorContext,
    OutboundConnectorFunction,
    connector_metadata,
    outbound_connector,
    variable,
)
from uipath_connector.testing import OutboundConnectorContextBuilder


def test_connector_error_carries_code_message_and_variables() -> None:
    error = ConnectorError("404", "Queue does not exist.", {"response": {"body": None}})
    assert (error.error_code, error.message, error.variables) == (
        "404",
        "Queue does not exist.",
        {"response": {"body": None}},
    )
    assert str(error) == "Queue does not exist."
    assert repr(error) == "ConnectorError(error_code='404', message='Queue does not exist.')"
    assert "response" not in repr(error)  # variables may hold response bodies: never in the repr


def test_retry_error_is_a_connector_error_that_chooses_retries_and_backoff() -> None:
    error = ConnectorRetryError("429", "slow down", retries=4, backoff=timedelta(seconds=30))
    assert isinstance(error, ConnectorError)
    assert (error.retries, error.backoff) == (4, timedelta(seconds=30))
    assert repr(error) == (
        "ConnectorRetryError(error_code='429', message='slow down', retries=4, backoff=datetime.timedelta(seconds=30))"
    )


def test_input_error_is_separate_from_connector_error_and_lists_problems() -> None:
    error = ConnectorInputError([InputProblem("a", "is required"), InputProblem("b.c", "must not be empty")])
    assert not isinstance(error, ConnectorError)
    assert str(error) == "Invalid input (2 problems):\n - a: is required\n - b.c: must not be empty"
    assert error.paths == ("a", "b.c")
    assert str(ConnectorInputError("plain message")) == "Invalid input: plain message"


@outbound_connector(name="Echo", type="io.example:echo:1", input_variables=["text", "shout"])
class Echo:
    def execute(self, context: OutboundConnectorContext) -> object:
        return {"echo": context.bind_variables(EchoInput).text}


@attrs.frozen(kw_only=True)
class EchoInput:
    text: str = variable("text", not_empty=True)
    shout: bool = variable("shout", default=False)


def test_outbound_connector_declares_metadata_readable_from_class_and_instance() -> None:
    expected = ConnectorMetadata(name="Echo", type="io.example:echo:1", input_variables=("text", "shout"))
    assert connector_metadata(Echo) == expected
    assert connector_metadata(Echo()) == expected
    assert isinstance(Echo(), OutboundConnectorFunction)
    with pytest.raises(TypeError, match="not decorated with @outbound_connector"):
        connector_metadata(object())
    with pytest.raises(ValueError, match="job type must not be blank"):
        outbound_connector(name="x", type=" ", input_variables=[])


def test_builder_builds_a_context_with_variables_secrets_headers_and_job_facts() -> None:
    context = (
        OutboundConnectorContextBuilder.create()
        .variables('{"text": "{{secrets.GREETING}}", "nested": {"keep": 1}}')
        .variable("nested.added", True)
        .secret("GREETING", "hello")
        .header("resultVariable", "out")
        .job(key=42, retries=3, bpmn_process_id="invoice")
        .build()
    )
    assert context.variables == {"text": "hello", "nested": {"keep": 1, "added": True}}
    assert context.custom_headers == {"resultVariable": "out"}
    assert context.job == JobInfo(key=42, retries=3, bpmn_process_id="invoice")
    assert context.secret_values == ("hello",)
    assert "hello" not in repr(context)
    assert Echo().execute(context) == {"echo": "hello"}  # `nested` is not read: ignored, as Camunda does
    echo_context = (
        OutboundConnectorContextBuilder.create().variable("text", "secrets.GREETING").secret("GREETING", "hi")
    )
    assert Echo().execute(echo_context.build()) == {"echo": "hi"}


def test_builder_falls_back_to_a_provider_for_secrets_it_was_not_given() -> None:
    context = (
        OutboundConnectorContextBuilder.create()
        .variables({"text": "secrets.A secrets.B"})
        .secret("A", "own")
        .secrets(MapSecretProvider({"A": "shadowed", "B": "from-provider"}))
        .build()
    )
    assert context.variables == {"text": "own from-provider"}


def test_context_variables_json_has_secrets_replaced_and_is_computed_once() -> None:
    calls: list[str] = []

    class CountingProvider:
        def get_secret(self, name: str) -> str | None:
            calls.append(name)
            return "v"

    context = OutboundConnectorContext(
        '{"a": "{{secrets.X}}", "b": "{{secrets.X}}"}', secret_provider=CountingProvider()
    )
    assert context.variables_json == '{"a": "v", "b": "v"}'
    assert context.variables == {"a": "v", "b": "v"}
    assert calls == ["X"]  # one look-up per secret per job


def test_the_context_builder_example_in_the_testing_docs_runs() -> None:
    import re
    from pathlib import Path

    from uipath_connector.uipath import OperationRequest

    text = (Path(__file__).resolve().parent.parent / "docs" / "testing.md").read_text(encoding="utf-8")
    section = text[text.index("## Unit-testing a connector function") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(code.group(1), namespace)
    context = namespace["context"]
    assert isinstance(context, OutboundConnectorContext)
    assert context.variables["authentication"] == {"type": "bearer", "token": "test-token"}
    request = context.bind_variables(OperationRequest)
    assert request.input.item_id == 42
