"""Evaluation of FEEL: connector functions, temporal values, null semantics, properties."""

from __future__ import annotations

import datetime as dt
import string
import threading
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uipath_connector.feel import (
    FeelError,
    FeelEvaluationError,
    FeelSyntaxError,
    YearsMonthsDuration,
    evaluate,
    evaluate_with_warnings,
    parse,
    parse_duration,
    to_json_value,
)

# -- connector functions (Camunda's connector error handling) ------------------------------------------


def test_bpmn_error_shape() -> None:
    assert evaluate('bpmnError("404", "Got a 404", {a: 1})') == {
        "errorType": "bpmnError",
        "errorCode": "404",
        "errorMessage": "Got a 404",
        "variables": {"a": 1},
    }
    assert evaluate('bpmnError(null, "no code")') == {
        "errorType": "bpmnError",
        "errorCode": None,
        "errorMessage": "no code",
        "variables": {},
    }


def test_job_error_defaults_and_full_form() -> None:
    assert evaluate('jobError("boom")') == {
        "errorType": "jobError",
        "errorMessage": "boom",
        "variables": {},
        "retries": 0,
        "retryBackoff": dt.timedelta(0),
    }
    assert evaluate('jobError("boom", {x: 1}, job.retries - 1, duration("PT30S"))', {"job": {"retries": 3}}) == {
        "errorType": "jobError",
        "errorMessage": "boom",
        "variables": {"x": 1},
        "retries": 2,
        "retryBackoff": dt.timedelta(seconds=30),
    }


def test_ignore_error_shape() -> None:
    assert evaluate("ignoreError()") == {"errorType": "ignoreError", "variables": {}}
    assert evaluate("ignoreError({kept: true})") == {"errorType": "ignoreError", "variables": {"kept": True}}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('bpmnError(404, "x")', "bpmnError() expects errorCode to be a string, got number '404'"),
        ('bpmnError("404", 1)', "bpmnError() expects errorMessage to be a string, got number '1'"),
        ('bpmnError("404", "x", [1])', "bpmnError() expects variables to be a context, got list"),
        ("jobError(true)", "jobError() expects errorMessage to be a string, got boolean 'true'"),
        ('jobError("x", "vars")', "jobError() expects variables to be a context, got string 'vars'"),
        ('jobError("x", {}, "3")', "jobError() expects retries to be an integer number, got string '3'"),
        ('jobError("x", {}, 1.5)', "jobError() expects retries to be an integer number, got number '1.5'"),
        (
            'jobError("x", {}, 3, "PT30S")',
            "jobError() expects retryBackoff to be a duration such as duration(\"PT30S\"), got string 'PT30S'",
        ),
        (
            'jobError("x", {}, 3, 30)',
            "jobError() expects retryBackoff to be a duration such as duration(\"PT30S\"), got number '30'",
        ),
        ("ignoreError(1)", "ignoreError() expects variables to be a context, got number '1'"),
    ],
)
def test_connector_functions_are_strict(expression: str, message: str) -> None:
    with pytest.raises(FeelEvaluationError) as caught:
        evaluate(expression)
    assert str(caught.value) == message


def test_error_expression_is_null_when_the_condition_does_not_hold() -> None:
    expression = 'if error.code = "404" then bpmnError("404", "Got a 404") else null'
    assert evaluate(expression, {"error": {"code": "500"}}) is None
    assert evaluate(expression, {"itemId": 1}) is None


# -- durations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT30S", dt.timedelta(seconds=30)),
        ("PT0S", dt.timedelta(0)),
        ("PT1.5S", dt.timedelta(seconds=1.5)),
        ("PT0,25S", dt.timedelta(seconds=0.25)),
        ("P1DT2H3M4S", dt.timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("P2W", dt.timedelta(weeks=2)),
        ("P1W2D", dt.timedelta(days=9)),
        ("-PT5S", dt.timedelta(seconds=-5)),
        ("pt1m", dt.timedelta(minutes=1)),
        (" PT10M ", dt.timedelta(minutes=10)),
    ],
)
def test_parse_duration(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "30s", "PT-5S", "P1.5D", "PT1H30", "1 minute"])
def test_parse_duration_rejects_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(FeelError) as caught:
        parse_duration(text)
    assert str(caught.value) == (f"invalid ISO-8601 duration {text!r}: expected a form like 'PT30S' or 'P1DT2H'")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["P1Y", "P2M", "P1Y2M3DT4H"])
def test_parse_duration_rejects_years_and_months(text: str) -> None:
    with pytest.raises(ValueError, match="has years or months, which a timedelta cannot hold"):
        parse_duration(text)


def test_years_and_months_durations_are_their_own_type() -> None:
    assert evaluate('duration("P1Y")') == YearsMonthsDuration(12)
    assert evaluate('@"P1Y2M" + @"P10M"') == YearsMonthsDuration(24)
    assert evaluate('date("2024-01-31") + @"P1M"') == dt.date(2024, 2, 29)  # clamped, as Java's plusMonths
    assert evaluate('duration("P1Y2DT3H")') is None  # years and days do not mix in FEEL
    assert to_json_value(evaluate('@"P14M"')) == "P1Y2M"


# -- temporal values ------------------------------------------------------------------------------------


def test_now_and_today() -> None:
    before = dt.datetime.now(dt.timezone.utc)
    now = evaluate("now()")
    assert isinstance(now, dt.datetime)
    assert now.tzinfo is not None
    assert before <= now <= dt.datetime.now(dt.timezone.utc)
    assert evaluate("today()") == dt.date.today()
    assert evaluate('now() > date and time("2020-01-01T00:00:00Z")') is True


def test_temporal_values_are_python_values() -> None:
    assert evaluate('date("2024-02-29")') == dt.date(2024, 2, 29)
    assert evaluate('date and time("2024-02-29T10:15:30.25+01:00")') == dt.datetime(
        2024, 2, 29, 10, 15, 30, 250000, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    paris = evaluate('date and time("2024-02-29T10:00:00@Europe/Paris")')
    assert isinstance(paris, dt.datetime)
    assert paris.utcoffset() == dt.timedelta(hours=1)
    assert evaluate('string(date and time("2024-02-29T10:00:00@Europe/Paris"))') == ("2024-02-29T10:00:00@Europe/Paris")
    assert evaluate('date and time("2024-02-29T10:00:00@No/Such_Zone")') is None
    assert evaluate("d.hour", {"d": dt.datetime(2024, 1, 1, 7)}) == 7
    assert evaluate('duration("P1DT2H3M4S").hours') == 2


def test_local_and_zoned_date_times_do_not_compare() -> None:
    assert evaluate('date and time("2024-01-01T10:00:00") < date and time("2024-01-01T11:00:00Z")') is None
    assert evaluate('date and time("2024-01-01T10:00:00") = date and time("2024-01-01T10:00:00Z")') is None


# -- values and null semantics ---------------------------------------------------------------------------


def test_numbers_are_plain_json_types() -> None:
    assert evaluate("10 / 2") == 5
    assert type(evaluate("10 / 2")) is int
    assert type(evaluate("1.0")) is int
    # 34 significant digits, half-even, as Camunda's BigDecimal (DECIMAL128); feelin: 0.30000000000000004
    assert evaluate("0.1 + 0.2") == Decimal("0.3")
    assert evaluate("1 / 3") == Decimal("0." + "3" * 34)
    assert evaluate("1 / 0") is None
    assert evaluate("10 ** 400") == Decimal("1E+400")
    assert evaluate("2 ** 64") == 18446744073709551616
    assert evaluate("2 ** 200") == Decimal("1.606938044258990275541962092341163E+60")
    assert evaluate("x + 1", {"x": Decimal("1.5")}) == Decimal("2.5")
    assert evaluate("x + 1", {"x": 0.1}) == Decimal("1.1")  # a JSON float is read as the decimal it prints as
    assert to_json_value(evaluate("0.1 + 0.2")) == 0.3


def test_results_are_the_callers_values_not_copies() -> None:
    body = {"Id": 1}
    assert evaluate("response.body", {"response": {"body": body}}) is body


def test_evaluate_without_context_treats_every_name_as_null() -> None:
    assert evaluate("a.b.c") is None
    assert evaluate("a = null") is True


def test_evaluation_is_thread_safe() -> None:
    expression = parse("{itemId: response.body.Id, twice: response.body.Id * 2}")
    errors: list[object] = []

    def work(identifier: int) -> None:
        for _ in range(200):
            result = expression.evaluate({"response": {"body": {"Id": identifier}}})
            if result != {"itemId": identifier, "twice": identifier * 2}:
                errors.append(result)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []


# -- properties ------------------------------------------------------------------------------------------

_keys = st.text(alphabet=string.ascii_letters, min_size=1, max_size=4).filter(
    lambda key: (
        key
        not in {
            "and",
            "or",
            "if",
            "then",
            "else",
            "in",
            "between",
            "not",
            "true",
            "false",
            "null",
            "for",
            "some",
            "every",
            "function",
            "instance",
            "satisfies",
            "return",
        }
    )
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=20,
)
_path = st.lists(_keys, min_size=1, max_size=4).map(".".join)
_suffix = st.sampled_from(["", "[1]", "[-1]", "[0]", "[99]", "[item > 1]", '[x = "a"]', ".x", "[2].y"])


@settings(max_examples=300, deadline=None)
@given(context=st.dictionaries(_keys, _json, max_size=5), path=_path, suffix=_suffix)
def test_paths_over_any_json_never_raise_anything_but_feel_errors(
    context: dict[str, object], path: str, suffix: str
) -> None:
    expression = path + suffix
    try:
        evaluate(expression, context)
        evaluate(f"{{v: {expression}, n: count({expression}), s: string({expression})}}", context)
        evaluate(f"if {expression} = null then 1 else {expression} + 1", context)
    except FeelError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    a=st.integers(-(10**9), 10**9),
    b=st.integers(-(10**9), 10**9),
    operator=st.sampled_from(["+", "-", "*"]),
)
def test_integer_arithmetic_agrees_with_python(a: int, b: int, operator: str) -> None:
    expected = {"+": a + b, "-": a - b, "*": a * b}[operator]
    assert evaluate(f"a {operator} b", {"a": a, "b": b}) == expected
    assert evaluate(f"({a}) {operator} ({b})") == expected


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.integers(-100, 100), max_size=10), index=st.integers(-12, 12))
def test_indexing_is_one_based_and_null_out_of_range(items: list[int], index: int) -> None:
    if index > 0:
        expected = items[index - 1] if index <= len(items) else None
    elif index < 0:
        expected = items[index] if -index <= len(items) else None
    else:
        expected = None
    assert evaluate("items[i]", {"items": items, "i": index}) == expected
    assert evaluate("items[item > 0]", {"items": items}) == [x for x in items if x > 0]


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=20), start=st.integers(-25, 25), length=st.integers(0, 25))
def test_substring_is_javas_substring_and_never_raises(text: str, start: int, length: int) -> None:
    # Camunda's substring (feel-scala): 1-based, a negative start from the end, the end clamped to the string's
    # end, and Java's String.substring(begin, end) failing (null with a warning) unless 0 <= begin <= end.
    begin = start - 1 if start > 0 else len(text) + start
    end = min(begin + length, len(text))
    expected = text[begin:end] if 0 <= begin <= end else None
    result = evaluate_with_warnings("substring(t, s, l)", {"t": text, "s": start, "l": length})
    assert result.value == expected
    assert [warning.kind for warning in result.warnings] == (
        [] if expected is not None else ["FUNCTION_INVOCATION_FAILURE"]
    )
    begin_only = start - 1 if start > 0 else len(text) + start
    only = evaluate_with_warnings("substring(t, s)", {"t": text, "s": start})
    assert only.value == (text[begin_only:] if 0 <= begin_only <= len(text) else None)
    assert len(only.warnings) == (only.value is None)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('replace("abc", "(b)", "[$1]")', "a[b]c"),
        ('replace("abc", "(b)", "[$10]")', "a[b0]c"),  # as many digits as name an existing group
        ('replace("abc", "b", "\\\\$")', "a$c"),  # XPath: \$ is a literal dollar
        ('replace("a.b", "\\\\.", "$$")', None),  # was "a$$b": XPath FORX0004, Java's replaceAll fails too
        ('replace("abc", "(b)", "$2")', None),  # no such group (was None only by accident of re.error)
        ('replace("abc", "b", "x\\\\")', None),  # a trailing backslash escapes nothing
        # Java's Pattern.split(text, -1), as Camunda calls it: no empty match at the very start, the rest kept
        ('split("abc", "")', ["a", "b", "c", ""]),
        ('split("axb", "x*")', ["a", "", "b", ""]),
        ('split("a,b,,", ",")', ["a", "b", "", ""]),
    ],
)
def test_replace_and_split_follow_xpath_and_java_on_edge_cases(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_warnings_name_types_never_values() -> None:
    # A value may be a secret resolved into the variables; warnings end up in logs.
    context = {"token": "SNTL-secret-value", "n": 1}
    for expression in ("token + n", "token < n", "-token", "token(1)", "for i in token..n return i", "n / 0"):
        result = evaluate_with_warnings(expression, context)
        assert result.value is None
        assert result.warnings, expression
        assert all("SNTL" not in warning.message for warning in result.warnings), expression
    assert evaluate_with_warnings("token + n", context).warnings[0].message == "can't add a string and a number"


FEEL_PIECES = [
    *'abx1.5"@[](){}<>=!+-*/,:?` \nPT',
    "for",
    " in ",
    " return ",
    "some ",
    " satisfies ",
    "if ",
    " then ",
    " else ",
    "function",
    " instance of ",
    "..",
    "date(",
    '@"P1D"',
    "\\",
]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(FEEL_PIECES), max_size=30).map("".join))
def test_any_text_either_parses_or_is_a_syntax_error_and_evaluation_never_raises_python_errors(text: str) -> None:
    try:
        expression = parse(text)
    except FeelSyntaxError:
        return
    problem = ""
    try:
        expression.evaluate({"a": [1, 2], "b": {"x": 1}, "x": "text"})
    except FeelEvaluationError as error:
        problem = str(error)
    # The connector functions and assert() are strict by design; the safety net wrapping a Python error
    # ("evaluating '...' failed: TypeError: ...") would be a bug.
    assert "' failed: " not in problem, problem


def test_integers_beyond_the_decimal_range_are_null_with_a_warning_never_a_raw_error() -> None:
    result = evaluate_with_warnings("x * x", {"x": 10**4000})
    assert result.value is None
    assert result.warnings[0].message == "the number is beyond FEEL's range (decimal128: about 1E+6144)"
    assert evaluate("x + 1", {"x": 10**100}) == Decimal("1E+100")  # 34 significant digits, as in Camunda
    assert evaluate("x > 1", {"x": 10**7000}) is None  # not a FEEL number at all


def test_numbers_no_json_double_can_hold_are_a_clear_error_when_written_out() -> None:
    with pytest.raises(OverflowError, match=r"the number 3\.874718E\+5070 is too large for a JSON number"):
        to_json_value({"v": 7**6000})
    assert to_json_value({"v": Decimal("1E+300")}) == {"v": 1e300}


@pytest.mark.parametrize(
    ("expression", "written", "as_string"),
    [
        # Camunda writes a date and time to a variable with Java's ISO_OFFSET_DATE_TIME (the connector runtime's
        # Jackson JavaTimeModule; Zeebe's FeelToMessagePackTransformer): the offset of that instant, no zone id.
        ('@"2021-01-01T10:00:00@Europe/Paris"', "2021-01-01T10:00:00+01:00", "2021-01-01T10:00:00@Europe/Paris"),
        ('@"2021-07-01T10:00:00@Europe/Paris"', "2021-07-01T10:00:00+02:00", "2021-07-01T10:00:00@Europe/Paris"),
        ('@"2021-01-01T10:00:00@UTC"', "2021-01-01T10:00:00Z", "2021-01-01T10:00:00@UTC"),
        ('@"2021-01-01T10:00:00.500@Etc/UTC"', "2021-01-01T10:00:00.5Z", "2021-01-01T10:00:00.5@Etc/UTC"),
        ('@"2021-01-01T10:00:00+00:00"', "2021-01-01T10:00:00Z", "2021-01-01T10:00:00Z"),
        ('@"2021-01-01T10:00:00-05:30"', "2021-01-01T10:00:00-05:30", "2021-01-01T10:00:00-05:30"),
        ('@"2021-01-01T10:00:00"', "2021-01-01T10:00:00", "2021-01-01T10:00:00"),
        # Paris kept local mean time until 1911: Java prints the seconds of such an offset, as this does.
        ('@"1900-01-01T10:00:00@Europe/Paris"', "1900-01-01T10:00:00+00:09:21", "1900-01-01T10:00:00@Europe/Paris"),
    ],
)
def test_a_zoned_date_time_is_written_with_its_offset_and_printed_with_its_zone(
    expression: str, written: str, as_string: str
) -> None:
    value = evaluate(expression)
    assert to_json_value(value) == written
    assert to_json_value({"at": [value]}) == {"at": [written]}
    assert evaluate(f"string({expression})") == as_string


_FAILED = "FUNCTION_INVOCATION_FAILURE"


@pytest.mark.parametrize(
    ("expression", "value", "warnings"),
    [
        # number(): Java's BigDecimal(text) after the separators (feel-scala's ConversionBuiltinFunctions); text
        # that is no number or a separator Camunda refuses is a failed invocation, reported as a warning.
        ('number("twelve")', None, [(_FAILED, "failed to invoke function 'number': 'twelve' is not a number")]),
        ('number("")', None, [(_FAILED, "failed to invoke function 'number': '' is not a number")]),
        ('number("1 500,5", " ", ",")', Decimal("1500.5"), []),
        ('number("1.5", " ", ",")', Decimal("1.5"), []),  # the text keeps its '.', as Camunda reads it
        ('number("1,500", null, ",")', Decimal("1.5"), []),
        (
            'number("1500", "x")',
            None,
            [(_FAILED, "failed to invoke function 'number': grouping separator 'x' is not one of ' ', ',' or '.'")],
        ),
        (
            'number("1,5", ",", ",")',
            None,
            [(_FAILED, "failed to invoke function 'number': the grouping and the decimal separator are both ','")],
        ),
        (
            'number("1", " ", ";")',
            None,
            [(_FAILED, "failed to invoke function 'number': decimal separator ';' is not ',' or '.'")],
        ),
        ("number(12)", None, []),  # arguments of the wrong type: null, no warning (as feel-scala's builtins)
        # substring(): Java's String.substring after the FEEL positions; out of range fails with a warning.
        (
            'substring("abc", 5, 1)',
            None,
            [
                (
                    _FAILED,
                    "failed to invoke function 'substring': "
                    "start position 5 and length 1 are outside the string of length 3",
                )
            ],
        ),
        (
            'substring("abc", 5)',
            None,
            [(_FAILED, "failed to invoke function 'substring': start position 5 is outside the string of length 3")],
        ),
        ('substring("abc", 4)', "", []),
        ('substring("abc", 2, 100)', "bc", []),  # the end is clamped
        ('substring("abc", -3)', "abc", []),
        ('substring("abc", 1.9)', "abc", []),  # Java's intValue: 1
        # date(), time(), date and time(), duration() of text that is none: null without a warning, as feel-scala
        # logs these and returns null instead of failing the invocation
        ('date("2021-13-01")', None, []),
        ('date and time("yesterday")', None, []),
        ('time("25:00:00")', None, []),
        ('duration("P1X")', None, []),
        ("date(2021, 13, 1)", None, []),
    ],
)
def test_failed_conversions_warn_as_camunda_does(
    expression: str, value: object, warnings: list[tuple[str, str]]
) -> None:
    result = evaluate_with_warnings(expression)
    assert result.value == value
    assert type(result.value) is type(value)
    assert [(warning.kind, warning.message) for warning in result.warnings] == warnings
