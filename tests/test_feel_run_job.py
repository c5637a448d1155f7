"""FEEL end to end through run_job: expressions as Camunda's connector documentation writes them.

Error expressions with ``jobError`` and temporal literals, ``context put``, ``for`` over a response list, and
values that JSON cannot hold directly (decimals, dates, durations) reaching the job's variables as Camunda
writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

import pytest

from uipath_connector.runtime import Complete, Fail, JobOutcome, ThrowError, run_job
from uipath_connector.sdk import ConnectorError, HttpResponse, MapSecretProvider, OutboundConnectorContext

ENVELOPE = HttpResponse(
    status=200,
    headers={"Content-Type": "application/json"},
    body={
        "value": [
            {"Id": 1, "Status": "New", "Amount": 12.5},
            {"Id": 2, "Status": "Failed", "Amount": 0.1},
            {"Id": 3, "Status": "Failed", "Amount": 0.2},
        ]
    },
    reason="OK",
)


class Returns:
    def __init__(self, result: object) -> None:
        self.result = result

    def execute(self, context: OutboundConnectorContext) -> object:
        return self.result


class Raises:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def execute(self, context: OutboundConnectorContext) -> object:
        raise self.error


def run(connector: object, headers: Mapping[str, str], retries: int = 3) -> JobOutcome:
    return run_job(
        connector,  # type: ignore[arg-type]
        variables={},
        custom_headers=headers,
        retries=retries,
        secret_provider=MapSecretProvider({}),
    )


def test_job_error_with_a_temporal_literal_sets_retries_and_backoff() -> None:
    # Camunda's connector docs: errorExpression = if error.code = "503" then jobError(..., @"PT1M") else null
    expression = (
        'if error.code = "503" then jobError("Service unavailable", {reason: error.message}, job.retries - 1, '
        '@"PT1M") else null'
    )
    outcome = run(Raises(ConnectorError("503", "down for maintenance")), {"errorExpression": expression}, retries=3)
    assert outcome == Fail(
        message="Service unavailable",
        retries=2,
        backoff=timedelta(minutes=1),
        variables={"reason": "down for maintenance", "error": "Service unavailable"},
    )


def test_the_typical_409_expression_ignores_the_error_with_the_existing_item() -> None:
    expression = (
        'if error.code = "409" then ignoreError({itemId: error.variables.existingItem.Id}) '
        'else jobError("x", {}, 2, @"PT1M")'
    )
    duplicate = ConnectorError("409", "duplicate reference", {"existingItem": {"Id": 77}})
    assert run(Raises(duplicate), {"errorExpression": expression}) == Complete({"itemId": 77})
    other = run(Raises(ConnectorError("500", "boom")), {"errorExpression": expression})
    assert other == Fail(message="x", retries=2, backoff=timedelta(minutes=1), variables={"error": "x"})


def test_one_argument_bpmn_error() -> None:
    outcome = run(Raises(ConnectorError("404", "Not Found")), {"errorExpression": 'bpmnError("NOT_FOUND")'})
    assert outcome == ThrowError("NOT_FOUND", "", {})


def test_for_over_a_response_list_and_context_put_in_a_result_expression() -> None:
    expression = (
        "{ids: for item in response.body.value return item.Id, "
        'failed: context put({}, "count", count(response.body.value[Status = "Failed"])), '
        "total: sum(for item in response.body.value return item.Amount), "
        "late: some item in response.body.value satisfies item.Id > 2}"
    )
    outcome = run(Returns(ENVELOPE), {"resultExpression": expression})
    # 0.1 + 0.2 + 12.5 in decimal arithmetic is exactly 12.8, as in Camunda (doubles would give 12.799999...)
    assert outcome == Complete({"ids": [1, 2, 3], "failed": {"count": 2}, "total": 12.8, "late": True})


def test_temporal_results_are_written_as_iso_text() -> None:
    expression = (
        '{due: date("2024-01-31") + @"P1M", wait: @"PT90S", span: @"P1Y2M", '
        'at: date and time("2024-03-01T10:00:00@Europe/Berlin"), range: [1..5]}'
    )
    outcome = run(Returns(ENVELOPE), {"resultExpression": expression})
    assert outcome == Complete(
        {
            "due": "2024-02-29",
            "wait": "PT1M30S",
            "span": "P1Y2M",
            "at": "2024-03-01T10:00:00+01:00",
            "range": "[1..5]",
        }
    )


def test_zoned_date_times_reach_the_variables_as_camunda_writes_them() -> None:
    # The offset of the instant, "Z" for UTC, no trailing zeros, no zone id: Java's ISO_OFFSET_DATE_TIME, as
    # Camunda's connector runtime writes a FEEL date and time; string() keeps the zone id.
    expression = (
        '{winter: @"2024-01-15T10:00:00@Europe/Berlin", summer: @"2024-07-15T10:00:00@Europe/Berlin", '
        'utc: @"2024-01-15T10:00:00.250@UTC", text: string(@"2024-01-15T10:00:00@Europe/Berlin")}'
    )
    outcome = run(Returns(ENVELOPE), {"resultExpression": expression})
    assert outcome == Complete(
        {
            "winter": "2024-01-15T10:00:00+01:00",
            "summer": "2024-07-15T10:00:00+02:00",
            "utc": "2024-01-15T10:00:00.25Z",
            "text": "2024-01-15T10:00:00@Europe/Berlin",
        }
    )


def test_a_connectors_python_date_time_is_written_as_java_writes_one() -> None:
    # A connector's own aware datetime gets the same text as a java.time value through Camunda's ObjectMapper.
    returned = {"at": datetime(2024, 1, 15, 10, 0, 0, 500000, tzinfo=timezone.utc), "day": date(2024, 1, 15)}
    outcome = run(Returns(returned), {"resultVariable": "result"})
    assert outcome == Complete({"result": {"at": "2024-01-15T10:00:00.5Z", "day": "2024-01-15"}})


def test_a_failed_function_in_a_result_expression_is_null_not_a_failure() -> None:
    expression = (
        '{valid: matches("abc", "b"), broken: matches("abc", "("), '
        'catastrophic: matches("' + "a" * 34 + '!", "(a+)+$"), unknown: foo(1)}'
    )
    outcome = run(Returns(ENVELOPE), {"resultExpression": expression})
    assert outcome == Complete({"valid": True, "broken": None, "catastrophic": False, "unknown": None})


def test_a_number_no_json_double_can_hold_is_a_clear_failure_not_a_crash() -> None:
    outcome = run(Returns(ENVELOPE), {"resultExpression": "{big: 10 ** 400}"})
    assert isinstance(outcome, Fail)
    assert "too large for a JSON number" in outcome.message
    assert outcome.retries == 0


def test_a_huge_number_literal_is_an_invalid_header_naming_the_position() -> None:
    outcome = run(Returns(ENVELOPE), {"resultExpression": "{n: " + "9" * 5000 + "}"})
    assert isinstance(outcome, Fail)
    assert "number literal longer than 4300 digits at position 4" in outcome.message
    assert outcome.retries == 0


def test_a_null_from_a_failure_is_logged_with_camundas_warning_kind(caplog: pytest.LogCaptureFixture) -> None:
    # Camunda's engine: a type mismatch or a failed invocation is null plus a warning; the job completes and the
    # log says why, masked like every other output.
    outcome = run_job(
        Returns(ENVELOPE),  # type: ignore[arg-type]
        variables={"token": "{{secrets.TOKEN}}"},
        custom_headers={
            "resultExpression": '={amount: 1 + "a", first: response.body.value[1].Id}',
            "errorExpression": '=if matches("x", "(s3cr3t-value") then bpmnError("E", "never") else null',
        },
        retries=3,
        secret_provider=MapSecretProvider({"TOKEN": "s3cr3t-value"}),
    )
    assert outcome == Complete({"amount": None, "first": 1})
    logged = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert ("WARNING", "resultExpression: FEEL INVALID_TYPE: can't add a number and a string") in logged
    assert (
        "WARNING",
        "errorExpression: FEEL FUNCTION_INVOCATION_FAILURE: failed to invoke function 'matches': "
        "invalid regular expression '(***': missing ')' at position 13",
    ) in logged
