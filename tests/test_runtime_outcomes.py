"""run_job: every row of Camunda's ConnectorResultHandler, masking, truncation and invalid headers."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from enum import Enum

import attrs
import pytest

from uipath_connector.runtime import Complete, Fail, JobOutcome, ThrowError, run_job
from uipath_connector.sdk import (
    ConnectorError,
    ConnectorInputError,
    ConnectorRetryError,
    HttpResponse,
    JobInfo,
    MapSecretProvider,
    OutboundConnectorContext,
    variable,
)

ENVELOPE = HttpResponse(
    status=201,
    headers={"Content-Type": "application/json"},
    body={"Id": 42, "value": [{"Id": 1, "Status": "New"}, {"Id": 2, "Status": "Failed"}]},
    reason="Created",
)
ENVELOPE_DICT = ENVELOPE.to_dict()


class Returns:
    """A connector that returns a fixed result."""

    def __init__(self, result: object):
        self.result = result
        self.contexts: list[OutboundConnectorContext] = []

    def execute(self, context: OutboundConnectorContext) -> object:
        self.contexts.append(context)
        return self.result


class Raises:
    """A connector that raises a fixed error."""

    def __init__(self, error: Exception):
        self.error = error

    def execute(self, context: OutboundConnectorContext) -> object:
        raise self.error


class Calls:
    """A connector that runs a function of its context."""

    def __init__(self, body: Callable[[OutboundConnectorContext], object]):
        self.body = body

    def execute(self, context: OutboundConnectorContext) -> object:
        return self.body(context)


def run(
    connector: object,
    headers: Mapping[str, str] | None = None,
    *,
    variables: Mapping[str, object] | None = None,
    retries: int = 3,
    secrets: Mapping[str, str] | None = None,
) -> JobOutcome:
    return run_job(
        connector,  # type: ignore[arg-type]
        variables=variables or {},
        custom_headers=headers or {},
        retries=retries,
        secret_provider=MapSecretProvider(secrets or {}),
    )


# -- result variable / result expression (Camunda's ConnectorResultHandler) ----------------------------------


def test_no_headers_completes_with_no_variables() -> None:
    assert run(Returns(ENVELOPE)) == Complete({})


def test_result_variable_stores_the_whole_envelope() -> None:
    assert run(Returns(ENVELOPE), {"resultVariable": "uipathResponse"}) == Complete({"uipathResponse": ENVELOPE_DICT})


def test_result_expression_sees_response_and_the_envelope_fields() -> None:
    outcome = run(Returns(ENVELOPE), {"resultExpression": "={itemId: response.body.Id, status: status}"})
    assert outcome == Complete({"itemId": 42, "status": 201})


def test_result_expression_with_indexing_as_in_the_uipath_template() -> None:
    outcome = run(Returns(ENVELOPE), {"resultExpression": "={itemStatus: response.body.value[1].Status}"})
    assert outcome == Complete({"itemStatus": "New"})


def test_result_variable_and_expression_both_apply_and_the_expression_wins_on_a_clash() -> None:
    outcome = run(
        Returns(ENVELOPE),
        {"resultVariable": "r", "resultExpression": "{itemId: body.Id, r: 1}"},
    )
    assert outcome == Complete({"r": 1, "itemId": 42})


def test_blank_headers_are_ignored() -> None:
    assert run(Returns(ENVELOPE), {"resultVariable": "  ", "resultExpression": " ", "errorExpression": ""}) == Complete(
        {}
    )


def test_result_expression_null_adds_nothing() -> None:
    assert run(Returns(ENVELOPE), {"resultVariable": "r", "resultExpression": "=null"}) == Complete(
        {"r": ENVELOPE_DICT}
    )


@pytest.mark.parametrize(
    ("expression", "described"),
    [
        ('"text"', 'string. Evaluated value: "text"'),
        ("42", "number. Evaluated value: 42"),
        ("true", "boolean. Evaluated value: true"),
        ("[1, 2]", "array. Evaluated value: [1, 2]"),
    ],
)
def test_result_expression_that_is_not_a_context_is_an_incident_naming_the_result(
    expression: str, described: str
) -> None:
    outcome = run(Returns(ENVELOPE), {"resultExpression": expression, "retryBackoff": "PT30S"})
    message = (
        f"Invalid input: Result expression must return a JSON object, but got {described} (after the connector "
        "call succeeded: response.body.Id 42; the job is not retried automatically, so that the call is not "
        "repeated: fix the cause, then resolve the incident)"
    )
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, None)
    assert outcome.variables == {
        "error": {"type": "ConnectorInputError", "message": message, "variables": {"response": ENVELOPE_DICT}}
    }
    assert outcome.message == f"{message} | Error variables: {json.dumps(outcome.variables, ensure_ascii=False)}"


def test_result_expression_with_a_syntax_error_is_refused_before_the_call() -> None:
    connector = Returns(ENVELOPE)
    outcome = run(connector, {"resultExpression": "={a: 1 +}", "retryBackoff": "PT5S"}, retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, None)
    assert outcome.variables["error"]["type"] == "InvalidHeaderError"  # type: ignore[index]
    assert outcome.message.startswith("Invalid resultExpression header '={a: 1 +}': ")
    assert "at position 8" in outcome.message
    assert connector.contexts == []


def test_json_results_are_kept_as_they_are() -> None:
    result = {"a": [1, 2.5, None, True, "x"], "b": {"c": {}}}
    assert run(Returns(result), {"resultVariable": "r"}) == Complete({"r": result})


def test_attrs_results_are_unstructured_and_enums_become_values() -> None:
    class Priority(Enum):
        HIGH = "High"

    @attrs.frozen
    class Item:
        item_id: int = variable("itemId")
        priority: Priority = Priority.HIGH
        tags: tuple[str, ...] = ("a",)

    outcome = run(Returns(Item(item_id=7)), {"resultVariable": "r", "resultExpression": "={p: priority}"})
    assert outcome == Complete({"r": {"item_id": 7, "priority": "High", "tags": ["a"]}, "p": "High"})


def test_a_result_that_is_not_json_is_an_incident_after_the_call() -> None:
    outcome = run(Returns(object()), {"resultVariable": "r"}, retries=2)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.variables == {
        "error": {
            "type": "TypeError",
            "message": "The connector returned a value of type object, which is not a JSON value (after the "
            "connector call succeeded; the job is not retried automatically, so that the call is not repeated: "
            "fix the cause, then resolve the incident)",
            "variables": {"response": None},
        }
    }


def test_feel_temporal_values_become_iso_text() -> None:
    outcome = run(Returns({}), {"resultExpression": '={d: duration("PT1M30S"), day: date("2026-01-15")}'})
    assert outcome == Complete({"d": "PT1M30S", "day": "2026-01-15"})


# -- failures, retries, backoff (Camunda's OutboundConnectorExceptionHandler) ---------------------------------


def test_generic_exception_uses_retries_minus_one_and_the_header_backoff() -> None:
    outcome = run(Raises(RuntimeError("boom")), {"retryBackoff": "PT30S"}, retries=3)
    variables = {"error": {"type": "RuntimeError", "message": "boom"}}
    assert outcome == Fail(
        message='boom | Error variables: {"error": {"type": "RuntimeError", "message": "boom"}}',
        retries=2,
        backoff=timedelta(seconds=30),
        variables=variables,
    )


def test_no_retry_backoff_header_means_no_backoff() -> None:
    outcome = run(Raises(RuntimeError("boom")), retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff, outcome.backoff_ms) == (2, None, 0)


def test_connector_error_carries_code_and_variables() -> None:
    error = ConnectorError("404", "Not Found", {"response": {"headers": {}, "body": {"message": "no queue"}}})
    outcome = run(Raises(error), {"retryBackoff": "PT1M"}, retries=1)
    variables = {
        "error": {
            "type": "ConnectorError",
            "message": "Not Found",
            "code": "404",
            "variables": {"response": {"headers": {}, "body": {"message": "no queue"}}},
        }
    }
    assert outcome == Fail(
        message=f"Not Found | Error variables: {json.dumps(variables)}",
        retries=0,
        backoff=timedelta(minutes=1),
        variables=variables,
    )


def test_retries_never_go_below_zero() -> None:
    outcome = run(Raises(RuntimeError("boom")), retries=0)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0


def test_connector_input_error_gives_zero_retries_with_the_header_backoff() -> None:
    outcome = run(Raises(ConnectorInputError("queueName: must not be empty")), {"retryBackoff": "PT30S"}, retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, timedelta(seconds=30))
    assert outcome.variables == {
        "error": {"type": "ConnectorInputError", "message": "Invalid input: queueName: must not be empty"}
    }


def test_an_input_error_as_the_direct_cause_also_gives_zero_retries() -> None:
    def body(context: OutboundConnectorContext) -> object:
        try:
            raise ConnectorInputError("bad")
        except ConnectorInputError as error:
            raise RuntimeError("wrapped") from error

    outcome = run(Calls(body), retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.variables == {"error": {"type": "RuntimeError", "message": "wrapped"}}


def test_binding_errors_are_input_errors() -> None:
    @attrs.frozen
    class Input:
        item_id: int = variable("itemId", minimum=1)

    outcome = run(Calls(lambda context: context.bind_variables(Input)), variables={"itemId": "x"}, retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.variables["error"]["type"] == "ConnectorInputError"  # type: ignore[index]
    assert outcome.message.startswith("Invalid input: itemId: ")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConnectorRetryError("429", "slow down", retries=7, backoff=timedelta(seconds=9)), (7, timedelta(seconds=9))),
        (ConnectorRetryError("429", "slow down", retries=None, backoff=None), (2, timedelta(seconds=30))),
        (ConnectorRetryError("429", "slow down", retries=0), (0, timedelta(seconds=30))),
        (ConnectorRetryError("429", "slow down", retries=-4, backoff=timedelta(0)), (0, timedelta(0))),
    ],
)
def test_connector_retry_error_chooses_its_retries_and_backoff(
    error: ConnectorRetryError, expected: tuple[int, timedelta]
) -> None:
    outcome = run(Raises(error), {"retryBackoff": "PT30S"}, retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == expected
    assert outcome.variables == {"error": {"type": "ConnectorRetryError", "message": "slow down", "code": "429"}}


def test_an_empty_exception_message_falls_back_to_its_class_name() -> None:
    outcome = run(Raises(KeyError()), retries=2)
    assert isinstance(outcome, Fail)
    assert outcome.variables == {"error": {"type": "KeyError", "message": "KeyError"}}


def test_fail_message_is_truncated_at_6000_characters() -> None:
    outcome = run(Raises(ConnectorError("500", "x" * 7000)), retries=2)
    assert isinstance(outcome, Fail)
    assert outcome.message == "x" * 6000
    assert outcome.variables["error"]["message"] == "x" * 6000  # type: ignore[index]


def test_a_short_message_with_long_variables_is_truncated_as_a_whole() -> None:
    outcome = run(Raises(ConnectorError("500", "short", {"body": "y" * 7000})), retries=2)
    assert isinstance(outcome, Fail)
    assert len(outcome.message) == 6000
    assert outcome.message.startswith('short | Error variables: {"error": {"type": "ConnectorError"')


# -- invalid headers (Camunda's ConnectorJobHandler, steps 1-2) ------------------------------------------


@pytest.mark.parametrize("header", ["30s", "PT", "P1Y", "-PT5S", "PTXS"])
def test_invalid_retry_backoff_fails_at_once_with_zero_retries_naming_the_header(header: str) -> None:
    connector = Returns({})
    outcome = run(connector, {"retryBackoff": header, "errorExpression": 'bpmnError("x", "y")'}, retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, None)
    assert outcome.message.startswith(f"Invalid retryBackoff header '{header}': ")
    assert outcome.variables["error"]["type"] == "InvalidHeaderError"  # type: ignore[index]
    assert connector.contexts == []  # the connector never ran, and the error expression was not consulted


def test_zero_retry_backoff_is_valid() -> None:
    outcome = run(Raises(RuntimeError("x")), {"retryBackoff": "PT0S"})
    assert isinstance(outcome, Fail)
    assert outcome.backoff == timedelta(0)


@pytest.mark.parametrize("header", ["PT0S", "soon", "-PT1M"])
def test_invalid_job_timeout_fails_at_once_with_zero_retries(header: str) -> None:
    connector = Returns({})
    outcome = run(connector, {"jobTimeout": header}, retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.message.startswith(f"Invalid jobTimeout header '{header}': ")
    assert connector.contexts == []


def test_valid_job_timeout_is_handed_to_the_adapter_before_the_connector_runs() -> None:
    events: list[object] = []

    def body(context: OutboundConnectorContext) -> object:
        events.append("execute")
        return {}

    outcome = run_job(
        Calls(body),
        variables={},
        custom_headers={"jobTimeout": "PT10M"},
        retries=3,
        extend_timeout=events.append,
    )
    assert outcome == Complete({})
    assert events == [timedelta(minutes=10), "execute"]


def test_job_timeout_may_also_be_milliseconds() -> None:
    events: list[object] = []
    run_job(Returns({}), variables={}, custom_headers={"jobTimeout": "90000"}, retries=3, extend_timeout=events.append)
    assert events == [timedelta(seconds=90)]


def test_failing_timeout_extension_is_a_generic_failure() -> None:
    def refuse(timeout: timedelta) -> None:
        raise ConnectionError("gateway unavailable")

    outcome = run_job(
        Returns({}), variables={}, custom_headers={"jobTimeout": "PT1M"}, retries=3, extend_timeout=refuse
    )
    assert isinstance(outcome, Fail)
    assert outcome.retries == 2


# -- error expression (Camunda's connector error handling) ----------------------------------------------------


def test_error_expression_on_failure_sees_error_response_and_job_retries() -> None:
    seen = (
        '=bpmnError("SEEN", error.type + "|" + error.message + "|" + error.code + "|" + '
        'string(error.variables.n) + "|" + response.error.code + "|" + string(job.retries))'
    )
    outcome = run(Raises(ConnectorError("404", "Not Found", {"n": 5})), {"errorExpression": seen}, retries=3)
    assert outcome == ThrowError("SEEN", "ConnectorError|Not Found|404|5|404|3", {})


def test_docs_example_404_becomes_a_bpmn_error() -> None:
    expression = 'if error.code = "404" then bpmnError("404", "Got a 404") else null'
    assert run(Raises(ConnectorError("404", "Not Found")), {"errorExpression": expression}) == ThrowError(
        "404", "Got a 404", {}
    )


def test_error_expression_returning_null_falls_back_to_the_default_failure() -> None:
    expression = 'if error.code = "404" then bpmnError("404", "Got a 404") else null'
    outcome = run(Raises(ConnectorError("503", "Unavailable")), {"errorExpression": expression, "retryBackoff": "PT1S"})
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (2, timedelta(seconds=1))


def test_error_expression_returning_an_empty_context_means_no_error() -> None:
    assert run(Returns({"a": 1}), {"resultVariable": "r", "errorExpression": "{}"}) == Complete({"r": {"a": 1}})


def test_bpmn_error_with_variables() -> None:
    outcome = run(
        Raises(ConnectorError("409", "Conflict")),
        {"errorExpression": 'bpmnError("DUPLICATE", "already queued", {ref: "R-1", code: error.code})'},
    )
    assert outcome == ThrowError("DUPLICATE", "already queued", {"ref": "R-1", "code": "409"})


def test_bpmn_error_with_a_null_code_is_ignored() -> None:
    outcome = run(Raises(RuntimeError("boom")), {"errorExpression": 'bpmnError(null, "m")'}, retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 2
    assert run(Returns({}), {"errorExpression": 'bpmnError(null, "m")'}) == Complete({})


def test_bpmn_error_message_is_truncated() -> None:
    outcome = run(Returns({}), {"errorExpression": 'bpmnError("C", message)'}, variables={})
    assert outcome == ThrowError("C", "", {})
    long = run(Returns({"m": "z" * 7000}), {"errorExpression": 'bpmnError("C", m)'})
    assert long == ThrowError("C", "z" * 6000, {})


def test_error_expression_on_success_sees_the_output_variables_when_there_are_any() -> None:
    headers = {
        "resultExpression": "={itemStatus: response.body.value[2].Status}",
        "errorExpression": '=if itemStatus = "Failed" then bpmnError("ROBOT_FAILED", response.itemStatus) else null',
    }
    assert run(Returns(ENVELOPE), headers) == ThrowError("ROBOT_FAILED", "Failed", {})


def test_error_expression_on_success_sees_the_raw_result_without_output_variables() -> None:
    headers = {"errorExpression": '=if status = 201 and response.body.Id = 42 then bpmnError("RAW", reason) else null'}
    assert run(Returns(ENVELOPE), headers) == ThrowError("RAW", "Created", {})


def test_error_expression_returning_null_on_success_completes_with_the_output() -> None:
    headers = {"resultExpression": "={id: body.Id}", "errorExpression": "=null"}
    assert run(Returns(ENVELOPE), headers) == Complete({"id": 42})


def test_job_error_fails_with_its_retries_backoff_and_variables_plus_error() -> None:
    expression = 'jobError("try later", {error: "replaced", x: 1}, 5, duration("PT2M"))'
    outcome = run(Raises(RuntimeError("boom")), {"errorExpression": expression, "retryBackoff": "PT1S"})
    assert outcome == Fail("try later", 5, timedelta(minutes=2), {"error": "try later", "x": 1})


def test_job_error_defaults_and_negative_retries() -> None:
    assert run(Returns({}), {"errorExpression": 'jobError("m")'}) == Fail("m", 0, timedelta(0), {"error": "m"})
    negative = run(Returns({}), {"errorExpression": 'jobError("m", {}, -3)'})
    assert negative == Fail("m", 0, timedelta(0), {"error": "m"})


def test_job_error_can_use_the_current_retries() -> None:
    expression = 'if job.retries > 1 then jobError("again", {}, job.retries - 1, duration("PT10S")) else null'
    assert run(Raises(RuntimeError("x")), {"errorExpression": expression}, retries=3) == Fail(
        "again", 2, timedelta(seconds=10), {"error": "again"}
    )


def test_ignore_error_completes_with_exactly_its_variables() -> None:
    headers = {"resultVariable": "r", "errorExpression": "ignoreError({ignored: error.code})"}
    assert run(Raises(ConnectorError("404", "nf")), headers) == Complete({"ignored": "404"})
    success_headers = {"resultVariable": "r", "errorExpression": "ignoreError()"}
    assert run(Returns({"a": 1}), success_headers) == Complete({})


def test_error_expression_that_fails_to_evaluate_fails_with_zero_retries() -> None:
    outcome = run(Raises(RuntimeError("boom")), {"errorExpression": 'bpmnError(1, "m")', "retryBackoff": "PT9S"})
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, None)
    assert outcome.variables["error"]["type"] == "ErrorExpressionError"  # type: ignore[index]
    assert outcome.message.startswith("Failed to evaluate the error expression: bpmnError() expects errorCode")


def test_error_expression_with_a_syntax_error_fails_with_zero_retries_even_on_success() -> None:
    outcome = run(Returns({}), {"errorExpression": "={a: }"})
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0


@pytest.mark.parametrize(("expression", "got"), [('"oops"', "but got string"), ("{a: 1}", "got null")])
def test_error_expression_returning_something_else_fails_with_zero_retries(expression: str, got: str) -> None:
    outcome = run(Returns({}), {"errorExpression": expression})
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert got in outcome.message


# -- secrets and masking (Camunda's connector secrets) --------------------------------------------------------

SECRET = "t0k3n-Sup3r"


def test_secrets_are_replaced_before_the_connector_runs() -> None:
    connector = Returns({})
    run(connector, variables={"auth": {"token": "{{secrets.TOKEN}}"}}, secrets={"TOKEN": SECRET})
    assert connector.contexts[0].variables == {"auth": {"token": SECRET}}


def test_failure_masks_message_variables_and_keys_but_not_the_code() -> None:
    error = ConnectorError(
        f"E-{SECRET}", f"rejected {SECRET}", {"headers": {f"X-{SECRET}": [SECRET, 1]}, "quoted": f'"{SECRET}"'}
    )
    outcome = run(Raises(error), variables={"t": "{{secrets.TOKEN}}"}, secrets={"TOKEN": SECRET})
    assert isinstance(outcome, Fail)
    assert outcome.variables == {
        "error": {
            "type": "ConnectorError",
            "message": "rejected ***",
            "code": f"E-{SECRET}",
            "variables": {"headers": {"X-***": ["***", 1]}, "quoted": '"***"'},
        }
    }
    # The message quotes the same variables: everything masked but the code, which boundary events match on.
    assert outcome.message == f"rejected *** | Error variables: {json.dumps(outcome.variables, ensure_ascii=False)}"
    assert SECRET not in outcome.message.replace(f'"code": "E-{SECRET}"', "")


def test_the_code_stays_readable_in_the_failure_message_even_when_a_secret_is_part_of_it() -> None:
    outcome = run(
        Raises(ConnectorError("ORG-acme", "org acme refused")),
        variables={"o": "{{secrets.ORG}}"},
        secrets={"ORG": "acme"},
    )
    assert isinstance(outcome, Fail)
    assert outcome.message == (
        'org *** refused | Error variables: {"error": {"type": "ConnectorError", "message": "org *** refused", '
        '"code": "ORG-acme"}}'
    )


def test_the_error_expression_sees_masked_values_and_bpmn_errors_are_masked() -> None:
    error = ConnectorError("401", f"bad token {SECRET}")
    outcome = run(
        Raises(error),
        {"errorExpression": "bpmnError(error.code, error.message, {m: error.message, t: token})"},
        variables={"token": "{{secrets.TOKEN}}"},
        secrets={"TOKEN": SECRET},
    )
    # `token` is not in the error expression's context (only error/response/job are): null
    assert outcome == ThrowError("401", "bad token ***", {"m": "bad token ***", "t": None})


def test_complete_variables_are_masked_too() -> None:
    outcome = run(
        Calls(lambda context: {"echo": context.variables["t"]}),
        {"resultVariable": "r"},
        variables={"t": "{{secrets.TOKEN}}"},
        secrets={"TOKEN": SECRET},
    )
    assert outcome == Complete({"r": {"echo": "***"}})


def test_only_secrets_the_job_used_are_masked() -> None:
    outcome = run(Returns({"x": "public"}), {"resultVariable": "r"}, secrets={"OTHER": "public"})
    assert outcome == Complete({"r": {"x": "public"}})


def test_a_missing_secret_is_an_input_error() -> None:
    outcome = run(Returns({}), variables={"auth": {"token": "{{secrets.NOPE}}"}}, retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.variables == {
        "error": {
            "type": "ConnectorInputError",
            "message": "Invalid input: auth.token: Secret with name 'NOPE' is not available",
        }
    }


def test_a_failing_secret_provider_never_shows_its_message() -> None:
    class Broken:
        def get_secret(self, name: str) -> str | None:
            raise OSError(f"vault said: {name} = hunter2")

    outcome = run_job(Returns({}), variables={"t": "{{secrets.T}}"}, retries=3, secret_provider=Broken())
    assert isinstance(outcome, Fail)
    assert outcome.retries == 2
    assert outcome.variables == {
        "error": {"type": "OSError", "message": "Fetching secrets failed, original error can't be displayed"}
    }
    assert "hunter2" not in outcome.message


def test_job_info_reaches_the_context_with_the_given_retries() -> None:
    connector = Returns({})
    run_job(connector, variables="{}", retries=2, job=JobInfo(key=9, type="t", retries=99))
    assert connector.contexts[0].job == JobInfo(key=9, type="t", retries=2)


# -- the queue item id kept for the job's log line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({}, Complete),
        ({"resultExpression": "={status: status}"}, Complete),  # the expression keeps no id
        ({"errorExpression": 'bpmnError("DUP", "already there")'}, ThrowError),
        ({"errorExpression": 'jobError("later", {}, 2, @"PT1M")'}, Fail),
        ({"resultExpression": "={n: 1 / 0 + missing.x}", "errorExpression": "=null"}, Complete),
    ],
)
def test_the_answer_s_id_stays_on_the_outcome_for_the_log_and_is_never_sent(
    headers: dict[str, str], kind: type
) -> None:
    from uipath_connector.runtime._job_log import queue_item_id

    outcome = run(Returns(ENVELOPE), headers)
    assert isinstance(outcome, kind)
    assert (outcome.response_id, queue_item_id(outcome)) == (42, 42)
    assert "42" not in json.dumps(outcome.variables)  # not a variable: only the log line reads it
    assert "response_id" not in repr(outcome)


@pytest.mark.parametrize(
    "result",
    [
        {"status": 200, "headers": {}, "body": {"Id": "42"}},  # text, not an item id
        {"status": 200, "headers": {}, "body": {"Id": True}},
        {"status": 200, "headers": {}, "body": [{"Id": 1}]},
        HttpResponse(200, {}, {"Items": [{"Id": 1}, {"Id": 2}]}, "OK"),  # Bulk Add: many items, no one id
        "text",
    ],
)
def test_only_an_integer_id_of_one_item_is_kept(result: object) -> None:
    assert run(Returns(result)).response_id is None


def test_a_failed_call_has_no_id() -> None:
    assert run(Raises(ConnectorError("404", "Not Found"))).response_id is None
