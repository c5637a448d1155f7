"""Limits that keep one hostile answer or job from growing without bound: Retry-After, token locks, variables."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from uipath_connector.http import TokenCache, retry_after_seconds
from uipath_connector.runtime import Complete, Fail, ThrowError, run_job
from uipath_connector.runtime._job import MAX_ERROR_VARIABLES_BYTES, MAX_VARIABLES_BYTES
from uipath_connector.sdk import ConnectorError, OutboundConnectorContext

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("99999999999999999", 86400.0),
        ("9" * 400, 86400.0),
        ("86401", 86400.0),
        ("120", 120.0),
        ("Fri, 01 Jan 9999 00:00:00 GMT", 86400.0),
        ("Thu, 01 Jan 99999 00:00:00 GMT", None),
        ("١٢٣", None),  # Arabic-Indic digits are digits to str.isdigit, not to HTTP
    ],
)
def test_retry_after_is_capped_at_a_day_and_never_overflows(header: str, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_a_token_cache_keeps_no_lock_for_credentials_that_failed() -> None:
    cache = TokenCache(clock=lambda: 0.0)

    def refuse() -> object:
        raise ConnectorError("401", "invalid_client")

    for number in range(2000):
        with pytest.raises(ConnectorError):
            cache.get(f"key-{number}", refuse)  # type: ignore[arg-type]
    assert cache._key_locks == {}
    assert len(cache) == 0


class Returns:
    def __init__(self, value: object, *, fail: bool = False) -> None:
        self.value = value
        self.fail = fail

    def execute(self, context: OutboundConnectorContext) -> object:
        if self.fail:
            raise ConnectorError("404", "not found", {"response": {"body": self.value}})
        return self.value


def test_a_complete_larger_than_the_engine_takes_fails_without_retries() -> None:
    outcome = run_job(
        Returns({"body": "x" * (MAX_VARIABLES_BYTES + 1)}),
        custom_headers={"resultVariable": "r"},
        variables={},
        retries=3,
    )
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    assert outcome.variables["error"]["code"] == "VARIABLES_TOO_LARGE"
    assert outcome.message.startswith("The job's result variables are 2,097,")


def test_error_variables_of_a_huge_error_body_are_cut() -> None:
    outcome = run_job(Returns("y" * 10_000_000, fail=True), variables={}, retries=3)
    assert isinstance(outcome, Fail)
    assert outcome.retries == 2
    size = len(json.dumps(outcome.variables).encode())
    assert size <= MAX_ERROR_VARIABLES_BYTES
    body = outcome.variables["error"]["variables"]["response"]["body"]
    assert body.endswith("... (cut)")
    assert outcome.variables["error"]["code"] == "404"


def test_a_bpmn_error_with_huge_variables_is_cut_too() -> None:
    outcome = run_job(
        Returns(["z" * 5000] * 500, fail=True),
        variables={},
        custom_headers={"errorExpression": '=bpmnError("E", "m", {all: error.variables})'},
        retries=3,
    )
    assert isinstance(outcome, ThrowError)
    assert len(json.dumps(outcome.variables).encode()) <= MAX_ERROR_VARIABLES_BYTES


def test_small_outcomes_are_untouched() -> None:
    assert run_job(Returns({"Id": 1}), custom_headers={"resultVariable": "r"}, variables={}, retries=3) == Complete(
        {"r": {"Id": 1}}
    )
