"""Per-job overhead of ``run_job``: a trivial connector, with and without a result expression.

Run: ``.venv/bin/python benchmarks/bench_runtime.py`` (prints microseconds per job).
"""

from __future__ import annotations

import platform
import timeit

from uipath_connector.runtime import Complete, Fail, run_job
from uipath_connector.sdk import ConnectorError, HttpResponse, MapSecretProvider, OutboundConnectorContext

ENVELOPE = HttpResponse(status=201, headers={"Content-Type": "application/json"}, body={"Id": 42}, reason="Created")
VARIABLES = {
    "operationType": "addQueueItem",
    "authentication": {"type": "bearer", "token": "{{secrets.UIPATH_TOKEN}}"},
    "queueName": "invoices",
    "specificContent": {"Name": "a", "Value": "b"},
}
SECRETS = MapSecretProvider({"UIPATH_TOKEN": "t0k3n"})


class Trivial:
    """Returns a fixed envelope: what is measured is the runtime around the connector."""

    def execute(self, context: OutboundConnectorContext) -> object:
        return ENVELOPE


class Failing:
    def execute(self, context: OutboundConnectorContext) -> object:
        raise ConnectorError("404", "Not Found", {"response": {"headers": {}, "body": None}})


def _per_call(statement: object, number: int) -> float:
    """Best of 5 runs, in microseconds per call."""
    runs = timeit.repeat(statement, number=number, repeat=5)  # type: ignore[arg-type]
    return min(runs) / number * 1e6


def main() -> None:
    def job(connector: object, headers: dict[str, str], variables: object = VARIABLES) -> object:
        return run_job(
            connector,  # type: ignore[arg-type]
            variables=variables,  # type: ignore[arg-type]
            custom_headers=headers,
            retries=3,
            secret_provider=SECRETS,
        )

    with_expression = {"resultExpression": "={itemId: response.body.Id}", "retryBackoff": "PT30S"}
    error_expression = {"errorExpression": '=if error.code = "404" then bpmnError("404", "Got a 404") else null'}
    assert job(Trivial(), with_expression) == Complete({"itemId": 42})
    assert isinstance(job(Failing(), {"retryBackoff": "PT30S"}), Fail)

    number = 20_000

    def by_hand() -> object:
        # The yardstick: what any worker must do anyway (context, secret replacement, call, envelope to dict).
        context = OutboundConnectorContext(VARIABLES, secret_provider=SECRETS)
        context.variables  # noqa: B018 - resolves the secrets
        result = Trivial().execute(context)
        assert isinstance(result, HttpResponse)
        return {"itemId": result.to_dict()["body"]["Id"]}  # type: ignore[index]

    rows = [
        ("context + secrets + execute + to_dict by hand (yardstick)", by_hand),
        ("run_job, no headers, no secrets", lambda: job(Trivial(), {}, {"queueName": "invoices"})),
        ("run_job, resultExpression + retryBackoff, one secret", lambda: job(Trivial(), with_expression)),
        ("run_job, failure -> Fail (masked, retryBackoff)", lambda: job(Failing(), {"retryBackoff": "PT30S"})),
        ("run_job, failure -> errorExpression -> ThrowError", lambda: job(Failing(), error_expression)),
    ]
    print(f"CPython {platform.python_version()}, best of 5 x {number} jobs")
    base = None
    for label, statement in rows:
        micros = _per_call(statement, number)
        base = base or micros
        print(f"{label:60s} {micros:7.1f} µs/job  {micros / base:5.1f}x")


if __name__ == "__main__":
    main()
