"""Parse-time behaviour of the FEEL subset: exact error messages with positions, and caching."""

from __future__ import annotations

import pytest

import uipath_connector.feel as feel
from uipath_connector.feel import (
    FeelError,
    FeelSyntaxError,
    FeelUnsupportedError,
    evaluate,
    parse,
)


def test_public_names_are_exactly_the_documented_api() -> None:
    assert feel.__all__ == sorted(feel.__all__)
    assert set(feel.__all__) == {
        "FeelError",
        "FeelEvaluationError",
        "FeelExpression",
        "FeelSyntaxError",
        "FeelUnsupportedError",
        "evaluate",
        "format_duration",
        "parse",
        "parse_duration",
    }
    assert issubclass(feel.FeelError, ValueError)
    assert issubclass(feel.FeelUnsupportedError, feel.FeelSyntaxError)
    assert issubclass(feel.FeelEvaluationError, feel.FeelError)


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("for x in items return x", "unsupported FEEL construct 'for'", 0),
        ("some x in items satisfies x > 1", "unsupported FEEL construct 'some'", 0),
        ("every x in items satisfies x > 1", "unsupported FEEL construct 'every'", 0),
        ("= x instance of number", "unsupported FEEL construct 'instance of'", 4),
        ("function(a) a + 1", "unsupported FEEL construct 'function definition'", 0),
        ("x in [1..3]", "unsupported FEEL construct 'range'", 7),
        ("x in (1..3)", "unsupported FEEL construct 'range'", 7),
        ("x in > 3", "unsupported FEEL construct 'unary test'", 5),
        ("`Content-Type`", "unsupported FEEL construct 'backtick name'", 0),
        ('@"2024-01-01"', "unsupported FEEL construct '@ temporal literal'", 0),
        ("? > 3", "unsupported FEEL construct '? unary test'", 0),
        ('substring(string: "abc", start position: 2)', "unsupported FEEL construct 'named arguments'", 10),
        ("f(1)(2)", "unknown FEEL function 'f'", 0),
        ("{a: 1}.a(2)", "unsupported FEEL construct 'invocation of a function value'", 8),
        ("1 + foo(2)", "unknown FEEL function 'foo'", 4),
        ("string size(x)", "unknown FEEL function 'string size'", 0),
        ('upper case("a", "b")', "function 'upper case' takes 1 argument, got 2", 0),
        ("now(1)", "function 'now' takes 0 arguments, got 1", 0),
        ("substring(x)", "function 'substring' takes 2 to 3 arguments, got 1", 0),
        ("date(2024, 1)", "function 'date' takes 1 or 3 arguments, got 2", 0),
        ("sum()", "function 'sum' takes at least 1 argument, got 0", 0),
        ('bpmnError("code")', "function 'bpmnError' takes 2 to 3 arguments, got 1", 0),
    ],
)
def test_unsupported_constructs_name_the_construct_and_position(expression: str, message: str, position: int) -> None:
    with pytest.raises(FeelUnsupportedError) as caught:
        parse(expression)
    assert str(caught.value) == f"{message} at position {position}"
    assert caught.value.position == position
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ("", "empty expression at position 0"),
        ("  =  ", "empty expression at position 3"),
        ("(1 + 2", "expected ')' at position 6"),
        ("f(x", "unknown FEEL function 'f' at position 0"),
        ("upper case(x", "expected ')' at position 12"),
        ("[1, 2", "expected ']' at position 5"),
        ("{a: 1", "expected '}' at position 5"),
        ("{a 1}", "expected ':' at position 3"),
        ("{1: 2}", "expected a context key at position 1"),
        ("1 +", "unexpected end of expression at position 3"),
        ("a b", "unsupported FEEL construct 'name with spaces' at position 0"),
        ("x + order id", "unsupported FEEL construct 'name with spaces' at position 4"),
        ("a.b c", "unsupported FEEL construct 'name with spaces' at position 2"),
        ("1 2", "unexpected number 2 at position 2"),
        ('"open', "unterminated string at position 0"),
        ("a.1", "unexpected number .1 at position 1"),
        ("a.[1]", "expected a name after '.' at position 2"),
        ("if x then 1", "expected 'else' at position 11"),
        ("if x 1 else 2", "expected 'then' at position 5"),
        ("x between 1", "expected 'and' at position 11"),
        ("1 # 2", "unexpected character '#' at position 2"),
        ("not true", "unexpected name 'not' at position 0"),
        ("then", "unexpected name 'then' at position 0"),
        ("1e3", "unexpected name 'e3' at position 1"),
        ("= (", "unexpected end of expression at position 3"),
    ],
)
def test_syntax_errors_are_exact(expression: str, text: str) -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        parse(expression)
    assert str(caught.value) == text
    assert not isinstance(caught.value, FeelUnsupportedError) or "FEEL" in text


def test_positions_count_in_the_original_text_including_the_leading_equals() -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        parse("   = {a: (1 }")
    assert caught.value.position == 12
    assert str(caught.value) == "expected ')' at position 12"


@pytest.mark.parametrize(
    "expression",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "(" * 10_000,
        "[" * 10_000 + "]" * 10_000,
        "-" * 10_000 + "1",
        "if true then " * 1_000 + "1" + " else 2" * 1_000,
        # Chains nest the tree as deeply as brackets do; these raised RecursionError while compiling.
        "1" + " + 1" * 10_000,
        "true" + " and true" * 10_000,
        "a" + ".a" * 10_000,
        "x" + "[1]" * 10_000,
    ],
    ids=["parens", "unclosed", "lists", "minus", "if", "plus-chain", "and-chain", "path", "index"],
)
def test_deep_nesting_is_a_syntax_error_not_a_recursion_error(expression: str) -> None:
    with pytest.raises(FeelSyntaxError, match="nested too deeply at position"):
        parse(expression)


def test_chains_within_the_depth_limit_still_work() -> None:
    assert evaluate("1" + " + 1" * 90) == 91
    assert evaluate("a" + ".a" * 90, {"a": None}) is None


def test_parse_is_cached_by_source_text() -> None:
    first = parse("= {itemId: response.body.Id}")
    assert parse("= {itemId: response.body.Id}") is first
    assert first.source == "= {itemId: response.body.Id}"
    assert repr(first) == "FeelExpression('= {itemId: response.body.Id}')"
    assert parse("{itemId: response.body.Id}") is not first


def test_errors_are_not_cached_into_successes() -> None:
    for _ in range(2):
        with pytest.raises(FeelError):
            parse("for x in y return x")


def test_multi_word_names_are_only_function_names() -> None:
    # "string length" followed by "(" is the function; a variable named "string" is still a name.
    assert parse("string length(string)").evaluate({"string": "abc"}) == 3
    assert parse("date and time").evaluate({"date": True, "time": False}) is False
