"""Speed of the FEEL subset: cached evaluation, cold parse + evaluation, and the error-expression pattern.

Run: ``.venv/bin/python benchmarks/bench_feel.py`` (prints microseconds per evaluation).
"""

from __future__ import annotations

import platform
import timeit

from uipath_connector.feel import evaluate, parse

RESULT_EXPRESSION = "= {itemId: response.body.Id}"
ERROR_EXPRESSION = '= if error.code = "404" then bpmnError("404", "Got a 404") else null'
RESPONSE = {
    "status": 201,
    "headers": {"Content-Type": "application/json"},
    "body": {"Id": 42, "Status": "New"},
}
SUCCESS_CONTEXT = {"response": RESPONSE, **RESPONSE}
ERROR_CONTEXT = {
    "error": {"type": "ConnectorException", "message": "Not Found", "code": "404"},
    "job": {"retries": 3},
}


def _per_call(statement: object, number: int) -> float:
    """Best of 5 runs, in microseconds per call."""
    runs = timeit.repeat(statement, number=number, repeat=5)  # type: ignore[arg-type]
    return min(runs) / number * 1e6


def main() -> None:
    cached = parse(RESULT_EXPRESSION)
    error = parse(ERROR_EXPRESSION)
    assert cached.evaluate(SUCCESS_CONTEXT) == {"itemId": 42}
    assert error.evaluate(ERROR_CONTEXT) is not None

    def hand_written() -> object:
        # The yardstick: the same lookup written in Python, null-safe like FEEL.
        response = SUCCESS_CONTEXT.get("response")
        body = response.get("body") if isinstance(response, dict) else None
        return {"itemId": body.get("Id") if isinstance(body, dict) else None}

    figures = {
        "yardstick     the same lookup in plain Python": _per_call(hand_written, 200_000),
        "cached eval   {itemId: response.body.Id}": _per_call(lambda: cached.evaluate(SUCCESS_CONTEXT), 200_000),
        "evaluate()    same text, parse cache hit": _per_call(
            lambda: evaluate(RESULT_EXPRESSION, SUCCESS_CONTEXT), 200_000
        ),
        "cold parse + eval (cache cleared each time)": _per_call(
            lambda: (parse.cache_clear(), parse(RESULT_EXPRESSION).evaluate(SUCCESS_CONTEXT)), 5_000
        ),
        "cached eval   error pattern, bpmnError taken": _per_call(lambda: error.evaluate(ERROR_CONTEXT), 200_000),
        "cached eval   error pattern, else null": _per_call(lambda: error.evaluate(SUCCESS_CONTEXT), 200_000),
    }
    python = f"{platform.python_implementation()} {platform.python_version()} ({platform.machine()})"
    print(f"FEEL subset, {python}")
    for label, microseconds in figures.items():
        print(f"  {label:<46} {microseconds:8.2f} µs/eval")


if __name__ == "__main__":
    main()
