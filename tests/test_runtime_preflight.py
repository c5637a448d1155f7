"""run_job's preflight: every custom header is checked before the connector runs, and a successful call is never
followed by an outcome that lets the engine repeat it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from uipath_connector.runtime import Complete, Fail, run_job
from uipath_connector.runtime._job import read_headers
from uipath_connector.sdk import HttpResponse, OutboundConnectorContext

CREATED = HttpResponse(status=201, headers={}, body={"Id": 436141352, "Status": "New"}, reason="Created")


class Counting:
    """A connector with a side effect we can count: every call 'adds an item'."""

    def __init__(self) -> None:
        self.calls = 0

    def execute(self, context: OutboundConnectorContext) -> object:
        self.calls += 1
        return CREATED


@pytest.mark.parametrize(
    ("headers", "starts"),
    [
        ({"resultExpression": "={itemId: response.body.Id"}, "Invalid resultExpression header '={itemId: response"),
        ({"errorExpression": 'if error.code = "404" then bpmnError("404"'}, "Invalid errorExpression header 'if"),
        ({"retryBackoff": "30 seconds"}, "Invalid retryBackoff header '30 seconds': "),
        ({"jobTimeout": "PT0S"}, "Invalid jobTimeout header 'PT0S': the duration must be positive"),
        ({"retries": "three"}, "Invalid retries header 'three': expected a whole number from 0 to 2147483647"),
        ({"retries": "-1"}, "Invalid retries header '-1': "),
        ({"retries": "99999999999"}, "Invalid retries header '99999999999': "),
    ],
)
def test_a_bad_header_is_refused_before_the_call_with_zero_retries(headers: dict[str, str], starts: str) -> None:
    connector = Counting()
    outcome = run_job(connector, variables={}, custom_headers=headers, retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, None)
    assert outcome.message.startswith(starts), outcome.message
    assert outcome.variables["error"]["type"] == "InvalidHeaderError"  # type: ignore[index]
    assert connector.calls == 0


def test_an_expression_error_names_its_position() -> None:
    outcome = run_job(Counting(), variables={}, custom_headers={"resultExpression": "={a: }"}, retries=3)
    assert isinstance(outcome, Fail)
    assert "at position 5" in outcome.message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("retryBackoff", "P99999999999999999999D"),
        ("jobTimeout", "P99999999999999999999D"),
        ("jobTimeout", "9" * 30),
        ("jobTimeout", "9" * 5000),
        ("retryBackoff", "PT" + "9" * 5000 + "S"),
        ("jobTimeout", "PT9223372036854776S"),
    ],
)
def test_huge_durations_are_input_errors_not_overflow(name: str, value: str) -> None:
    connector = Counting()
    outcome = run_job(connector, variables={}, custom_headers={name: value}, retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.message.startswith(f"Invalid {name} header '")
    assert len(outcome.message) < 1000  # a 5,000-digit header is shown cut, not whole
    assert connector.calls == 0


def test_the_largest_job_timeout_zeebe_takes_is_accepted() -> None:
    extended: list[timedelta] = []
    run_job(Counting(), variables={}, custom_headers={"jobTimeout": "PT2H"}, retries=3, extend_timeout=extended.append)
    assert extended == [timedelta(hours=2)]


def test_parsed_headers_are_cached_per_text() -> None:
    headers = {"resultExpression": "={itemId: response.body.Id}", "retryBackoff": "PT30S"}
    first = read_headers(headers)
    assert read_headers(dict(headers)) is first
    assert read_headers({**headers, "retryBackoff": "PT31S"}) is not first


def test_a_failing_error_expression_after_success_is_an_incident_naming_the_item() -> None:
    # bpmnError with a number as its code is a FEEL evaluation error (Camunda: 0 retries); after a successful Add
    # the incident names the item so that nobody adds it again.
    headers = {"errorExpression": 'bpmnError(1, "m")', "retryBackoff": "PT9S"}
    outcome = run_job(Counting(), variables={}, custom_headers=headers, retries=3)
    assert isinstance(outcome, Fail)
    assert (outcome.retries, outcome.backoff) == (0, None)
    assert "response.body.Id 436141352" in outcome.message
    error = outcome.variables["error"]
    assert isinstance(error, dict)
    assert error["type"] == "ErrorExpressionError"
    assert error["variables"]["response"]["body"]["Id"] == 436141352


def test_an_error_expression_branch_not_taken_never_turns_a_success_into_an_incident() -> None:
    # Camunda's own idiom: a duration literal in a jobError branch that success never reaches. Either the FEEL
    # engine reads it (the job completes) or refuses it before the call: never after the item was added.
    expression = 'if error != null then jobError("x", {}, 2, @"PT1M") else null'
    connector = Counting()
    outcome = run_job(connector, variables={}, custom_headers={"errorExpression": expression}, retries=3)
    if isinstance(outcome, Complete):
        assert connector.calls == 1
    else:
        assert isinstance(outcome, Fail)
        assert outcome.message.startswith("Invalid errorExpression header")
        assert connector.calls == 0
