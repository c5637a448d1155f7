"""Parse-time behaviour of FEEL: exact error messages with positions, and caching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import uipath_connector.feel as feel
from uipath_connector.feel import (
    FeelError,
    FeelSyntaxError,
    FeelUnsupportedError,
    evaluate,
    parse,
)
from uipath_connector.feel._lexer import tokenize


def test_public_names_are_exactly_the_documented_api() -> None:
    assert feel.__all__ == sorted(feel.__all__)
    assert set(feel.__all__) == {
        "FeelError",
        "FeelEvaluationError",
        "FeelExpression",
        "FeelFunction",
        "FeelResult",
        "FeelSyntaxError",
        "FeelUnsupportedError",
        "FeelWarning",
        "Range",
        "YearsMonthsDuration",
        "evaluate",
        "evaluate_with_warnings",
        "format_duration",
        "parse",
        "parse_duration",
        "to_json_value",
    }
    assert issubclass(feel.FeelError, ValueError)
    assert issubclass(feel.FeelUnsupportedError, feel.FeelSyntaxError)
    assert issubclass(feel.FeelEvaluationError, feel.FeelError)


@pytest.mark.parametrize(
    ("expression", "message", "position"),
    [
        ("string size(x)", "unknown FEEL function 'string size'", 0),
        ("a b", "a name with spaces needs backticks: `a b`", 0),
        ("x + order id", "a name with spaces needs backticks: `order id`", 4),
        ("a.b c", "a name with spaces needs backticks: `b c`", 2),
        ("function(x) external {java: {}}", "external functions are not supported", 12),
    ],
)
def test_unsupported_constructs_name_the_construct_and_position(expression: str, message: str, position: int) -> None:
    with pytest.raises(FeelUnsupportedError) as caught:
        parse(expression)
    assert str(caught.value) == f"{message} at position {position}"
    assert caught.value.position == position
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("expression", "warning"),
    [
        ("f(1)(2)", "no function found with name 'f' and 1 parameters"),
        ("{a: 1}.a(2)", "can't invoke a number: not a function"),
        ("1 + foo(2)", "no function found with name 'foo' and 1 parameters"),
        ('upper case("a", "b")', "no function found with name 'upper case' and 2 parameters"),
        ("now(1)", "no function found with name 'now' and 1 parameters"),
        ("substring(x)", "no function found with name 'substring' and 1 parameters"),
        ("date(2024, 1)", "no function found with name 'date' and 2 parameters"),
        ("sum()", "no function found with name 'sum' and 0 parameters"),
        ('substring(text: "abc", start: 2)', "no function found with name 'substring' and parameters text, start"),
    ],
)
def test_unknown_functions_and_wrong_arities_are_null_with_a_warning(expression: str, warning: str) -> None:
    # Camunda's engine: "no function found" is a suppressed failure, the result null (not a parse error).
    result = parse(expression).evaluate_with_warnings({})
    assert result.value is None
    assert result.warnings[0] == ("NO_FUNCTION_FOUND", warning)


@pytest.mark.parametrize(
    ("expression", "text"),
    [
        ("", "empty expression at position 0"),
        ("  =  ", "empty expression at position 3"),
        ("(1 + 2", "expected ')' at position 6"),
        ("f(x", "expected ')' at position 3"),
        ("upper case(x", "expected ')' at position 12"),
        ("[1, 2", "expected ']' at position 5"),
        ("{a: 1", "expected '}' at position 5"),
        ("{a 1}", "expected ':' at position 3"),
        ("{1: 2}", "expected a context key at position 1"),
        ("1 +", "unexpected end of expression at position 3"),
        ("1 2", "unexpected number 2 at position 2"),
        ('"open', "unterminated string at position 0"),
        ("a.1", "unexpected number .1 at position 1"),
        ("a.[1]", "expected a name after '.' at position 2"),
        ("if x then 1", "expected 'else' at position 11"),
        ("if x 1 else 2", "expected 'then' at position 5"),
        ("x between 1", "expected 'and' at position 11"),
        ("1 # 2", "unexpected character '#' at position 2"),
        ("not true", "unexpected name 'true' at position 4"),
        ("then", "unexpected name 'then' at position 0"),
        ("1e", "unexpected name 'e' at position 1"),
        ("/* open", "unterminated comment at position 0"),
        ("`open", "unterminated backtick name at position 0"),
        ('@"yesterday"', "invalid temporal literal @'yesterday' at position 0"),
        ("for x in y", "expected 'return' at position 10"),
        ("some x in y", "expected 'satisfies' at position 11"),
        ("x instance of numbr", "expected a type name, got name 'numbr' at position 14"),
        ("[1..2", "expected ']' or ')' to close the range, got end of expression at position 5"),
        ("1" * 4301, "number literal longer than 4300 digits at position 0"),
        ("1e99999", "number 1e99999 is out of FEEL's range at position 0"),
        ("= (", "unexpected end of expression at position 3"),
        # The first error from the left wins, even when an unterminated string or comment follows it.
        ('"a" "b', "unterminated string at position 4"),
        ('1 # "open', "unexpected character '#' at position 2"),
        ("/* a */ x /* b", "unterminated comment at position 10"),
        ("/*/", "unterminated comment at position 0"),
        ('x + @"open', "unterminated string at position 5"),
        ("a @ b", "unexpected character '@' at position 2"),
        ('"\\" "\\', "unexpected character '\\\\' at position 5"),  # the first string is `\" ` (escaped quote)
        ('"a\\"', "unterminated string at position 0"),
    ],
)
def test_syntax_errors_are_exact(expression: str, text: str) -> None:
    with pytest.raises(FeelSyntaxError) as caught:
        parse(expression)
    assert str(caught.value) == text
    assert not isinstance(caught.value, FeelUnsupportedError) or "FEEL" in text


_TOKEN_PIECES = ["a", "bc", "1", ".5", "..", ".", '"s"', '"\\n"', '@"P1D"', "`k k`", "//c\n", "/*c*/", "(", ")"]
_TOKEN_PIECES += ["[", "]", "{", "}", ",", ":", "=", "!=", "<=", ">=", "**", "->", "+", "-", "*", "/", "?", " ", "\n"]
_BAD_PIECES = ['"', "`", "@", "/*", "#", "\\", "é", "٣"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKEN_PIECES + _BAD_PIECES), max_size=12))
def test_every_token_sits_at_its_position_and_errors_are_syntax_errors(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        tokens = tokenize(text, 0, len(text))
    except FeelSyntaxError as error:
        failed_at = error.position
        assert 0 <= failed_at <= len(text)
        return
    positions = [position for _, _, position in tokens]
    assert positions == sorted(set(positions))
    assert tokens[-1] == ("end of expression", "", len(text))
    for kind, value, position in tokens[:-1]:
        if kind in ("name", "op", "number"):
            assert text.startswith(value, position)
        elif kind == "string":
            assert text[position] == '"'
        elif kind == "temporal literal":
            assert text.startswith('@"', position)
        else:
            assert (kind, text.startswith(f"`{value}`", position)) == ("quoted name", True)


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
            parse("for x in y return")


def test_multi_word_names_are_only_function_names() -> None:
    # "string length" followed by "(" is the function; a variable named "string" is still a name.
    assert parse("string length(string)").evaluate({"string": "abc"}) == 3
    assert parse("date and time").evaluate({"date": True, "time": False}) is False
