"""Speed of FEEL: cached evaluation, cold parse, the error-expression pattern, decimal arithmetic, a 1,000-item
``for`` and filter, and regular expressions on catastrophic patterns (the linear-time engine, and the backtracking
matcher up to its step budget); each against the same work in plain Python.

Run: ``.venv/bin/python benchmarks/bench_feel.py`` (prints microseconds per evaluation and the ratio).
"""

from __future__ import annotations

import platform
import re
import timeit
from decimal import Decimal, localcontext

from uipath_connector.feel import evaluate, parse

RESULT_EXPRESSION = "= {itemId: response.body.Id}"
ERROR_EXPRESSION = '= if error.code = "404" then bpmnError("404", "Got a 404") else null'
TYPICAL_ERROR_EXPRESSION = (
    '= if error.code = "409" then ignoreError({itemId: error.variables.existingItem.Id}) '
    'else jobError("x", {}, 2, @"PT1M")'
)
DECIMAL_EXPRESSION = "price * quantity * (1 + rate) - discount"
DECIMAL_CONTEXT = {"price": 12.5, "quantity": 3, "rate": 0.19, "discount": 2.25}
FOR_EXPRESSION = "for item in items return item.Amount * 2"
FILTER_EXPRESSION = 'items[Status = "Failed"]'
ITEMS = [{"Id": n, "Amount": n % 97, "Status": "Failed" if n % 3 == 0 else "New"} for n in range(1, 1001)]
REGEX_EXPRESSION = 'matches(text, "(a+)+$")'
REGEX_TEXT = "a" * 34 + "!"
BACKTRACKING_EXPRESSION = 'matches(text, "(a+)+\\\\1$")'  # a back-reference: the budgeted backtracking matcher
BACKTRACKING_TEXT = "a" * 40 + "!"
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

    typical = parse(TYPICAL_ERROR_EXPRESSION)
    decimal_arithmetic = parse(DECIMAL_EXPRESSION)
    for_expression = parse(FOR_EXPRESSION)
    filter_expression = parse(FILTER_EXPRESSION)
    regex = parse(REGEX_EXPRESSION)
    backtracking_regex = parse(BACKTRACKING_EXPRESSION)
    assert backtracking_regex.evaluate({"text": BACKTRACKING_TEXT}) is None  # the step budget ran out
    items_context = {"items": ITEMS}

    def python_decimal() -> object:
        with localcontext() as context:  # the same 34-digit arithmetic in plain Python
            context.prec = 34
            values = DECIMAL_CONTEXT
            price, rate = Decimal(repr(values["price"])), Decimal(repr(values["rate"]))
            return price * values["quantity"] * (1 + rate) - Decimal(repr(values["discount"]))

    def python_for() -> object:
        return [item["Amount"] * 2 for item in ITEMS]

    def python_filter() -> object:
        return [item for item in ITEMS if item["Status"] == "Failed"]

    catastrophic = re.compile("(a+)+$")
    backtracking = _per_call(lambda: catastrophic.search("a" * 18 + "!"), 1)

    rows = [
        ("{itemId: response.body.Id}, cached", lambda: cached.evaluate(SUCCESS_CONTEXT), hand_written, 200_000),
        (
            "the same through evaluate(text)",
            lambda: evaluate(RESULT_EXPRESSION, SUCCESS_CONTEXT),
            hand_written,
            200_000,
        ),
        (
            "cold parse + eval of the result expression",
            lambda: (parse.cache_clear(), parse(RESULT_EXPRESSION).evaluate(SUCCESS_CONTEXT)),
            hand_written,
            5_000,
        ),
        (
            "cold parse of Camunda's documented error expression",
            lambda: (parse.cache_clear(), parse(ERROR_EXPRESSION)),
            None,
            5_000,
        ),
        (
            "cold parse of the typical error expression",
            lambda: (parse.cache_clear(), parse(TYPICAL_ERROR_EXPRESSION)),
            None,
            5_000,
        ),
        ("error pattern, bpmnError taken", lambda: error.evaluate(ERROR_CONTEXT), None, 200_000),
        ("error pattern, else null", lambda: error.evaluate(SUCCESS_CONTEXT), None, 200_000),
        ("typical error expression, jobError taken", lambda: typical.evaluate(ERROR_CONTEXT), None, 100_000),
        (
            "decimal arithmetic (34 digits)",
            lambda: decimal_arithmetic.evaluate(DECIMAL_CONTEXT),
            python_decimal,
            50_000,
        ),
        ("for over 1,000 items", lambda: for_expression.evaluate(items_context), python_for, 200),
        ("filter over 1,000 items", lambda: filter_expression.evaluate(items_context), python_filter, 200),
        ("matches((a+)+$) on 34 a and !", lambda: regex.evaluate({"text": REGEX_TEXT}), None, 20),
        (
            "matches((a+)+\\1$) on 40 a and !: budget spent",
            lambda: backtracking_regex.evaluate({"text": BACKTRACKING_TEXT}),
            None,
            2,
        ),
    ]
    python = f"{platform.python_implementation()} {platform.python_version()} ({platform.machine()})"
    print(f"FEEL, {python}")
    print(f"  {'yardstick: the lookup in plain Python':<46} {_per_call(hand_written, 200_000):10.2f} µs")
    for label, feel, plain, number in rows:
        ours = _per_call(feel, number)
        ratio = f"{ours / _per_call(plain, number):8.1f}x plain Python" if plain is not None else ""
        print(f"  {label:<46} {ours:10.2f} µs {ratio}")
    # Each extra "a" doubles the time of a backtracking engine: 18 take this long, 34 would take 65,536 times more.
    print(f"  {'Python re, (a+)+$ on only 18 a and !':<46} {backtracking:10.2f} µs")


if __name__ == "__main__":
    main()
