"""FEEL regular expressions with the constructs only a backtracking engine runs: lookaround, back-references,
atomic groups and possessive quantifiers (java.util.regex has them, and Camunda's FEEL engine calls it).

They run on a backtracking matcher with a step budget; every other pattern stays on the linear-time Pike VM.
Python's ``re`` (3.11 and later for atomic groups and possessive quantifiers) stands in for java.util.regex
where both give these constructs the same meaning.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_feel_regex import python_agrees

from uipath_connector.feel import evaluate, evaluate_with_warnings
from uipath_connector.feel._regex import MAX_STEPS, compile_regex


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # lookahead and lookbehind, positive and negative
        ('matches("price: 100 EUR", "\\d+(?= EUR)")', True),
        ('matches("price: 100 USD", "\\d+(?= EUR)")', False),
        ('extract("a1 b2 c3", "[a-z](?!2)")', ["a", "c"]),
        ('extract("EUR5 USD7", "(?<=EUR)\\d")', ["5"]),
        ('extract("EUR5 USD7", "(?<!EUR)\\d")', ["7"]),
        ('extract("xab yaab", "(?<=a{1,2})b")', ["b", "b"]),  # a bounded lookbehind of varying length, as Java
        ('matches("ab", "^(?=a)(?!b)a(?<=a)(?<!b)b$")', True),
        # back-references, numbered and named, and with flag i
        ('matches("hello hello", "^(\\w+) \\1$")', True),
        ('matches("hello help", "^(\\w+) \\1$")', False),
        ('matches("2024-2024", "^(?<year>\\d{4})-\\k<year>$")', True),
        ('matches("Ab ab", "^(ab) \\1$", "i")', True),
        ('matches("Ab ab", "^(ab) \\1$")', False),
        ('matches("aa", "^(a)\\1$")', True),
        ('matches("aa1", "^(a)\\11$")', True),  # one group only: \11 is \1 followed by "1", as Java reads it
        ('matches("b", "(a)?b\\1")', False),  # a group that did not match: the back-reference fails, as in Java
        ('matches("A", "\\0101")', True),  # Java's octal escape, in a class too
        ('matches("A!", "^[\\0101]\\041$")', True),
        # a group's capture is set when it closes (Java's GroupTail): inside it, a back-reference sees the last one
        ('matches("aa", "(a\\1)")', False),
        ('replace("aba", "^(a|b\\1)+$", "[$1]")', "[ba]"),
        # atomic groups and possessive quantifiers never give back what they matched
        ('matches("aaa", "^(?>a*)a$")', False),
        ('matches("aaa", "^(?>a*)$")', True),
        ('matches("aaa", "^a*+a$")', False),
        ('matches("aab", "^a*+b$")', True),
        ('matches("aab", "^a++b$")', True),
        ('matches("ab", "^a?+ab$")', False),
        ('matches("aaab", "^a{1,2}+ab$")', True),
        ('matches("\\"abc\\"", "^\\"[^\\"]*+\\"$")', True),
    ],
)
def test_backtracking_constructs(expression: str, expected: object) -> None:
    result = evaluate_with_warnings(expression)
    assert (result.value, result.warnings) == (expected, ())


def test_only_patterns_with_these_constructs_leave_the_linear_time_engine() -> None:
    assert compile_regex("(a+)+$").backtracking is False
    assert compile_regex("(?:a|b)*?c{2,3}").backtracking is False
    for pattern in ("a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b", "(a)\\1", "(?<n>a)\\k<n>", "(?>a)", "a*+", "[ab]++"):
        assert compile_regex(pattern).backtracking is True, pattern


def test_replace_uses_groups_captured_inside_a_lookahead() -> None:
    # Java keeps the captures of a positive lookahead (so does Python's re.sub, the comparison here)
    expression = 'replace("100 EUR, 7 USD", "(?<!\\d)(?=(\\d+) (EUR|USD))", "[$2:$1]")'
    assert evaluate(expression) == "[EUR:100]100 EUR, [USD:7]7 USD"
    assert re.sub(r"(?<!\d)(?=(\d+) (EUR|USD))", r"[\2:\1]", "100 EUR, 7 USD") == "[EUR:100]100 EUR, [USD:7]7 USD"
    # an empty match at every position before "b", each with its own capture (Java's replaceAll moves one further)
    assert evaluate('replace("aab", "(?=(a*)b)", "<$1>")') == "<aa>a<a>a<>b"
    assert re.sub("(?=(a*)b)", r"<\1>", "aab") == "<aa>a<a>a<>b"


def test_split_on_a_lookbehind() -> None:
    # Java's Pattern.split(text, -1): a zero-width match after each digit splits, the trailing "" is kept
    assert evaluate('split("a1b2c3", "(?<=\\d)")') == ["a1", "b2", "c3", ""]
    assert re.split(r"(?<=\d)", "a1b2c3") == ["a1", "b2", "c3", ""]
    assert evaluate('split("CamelCaseName", "(?<=[a-z])(?=[A-Z])")') == ["Camel", "Case", "Name"]


@pytest.mark.parametrize(
    ("pattern", "function"),
    [
        ("(a+)+\\1$", "matches"),
        ("(?=(a+)+$)", "matches"),
        ("(?!(a+)+$)b", "matches"),
        ("(?<=(a|aa){0,40})(a|aa)+$", "extract"),
        ("((a+)+)\\2!x", "replace"),
    ],
)
def test_catastrophic_patterns_are_null_with_a_warning_naming_the_budget(pattern: str, function: str) -> None:
    text = "a" * 40 + "!"
    call = {"matches": "matches(t, p)", "extract": "extract(t, p)", "replace": 'replace(t, p, "x")'}[function]
    result = evaluate_with_warnings(call, {"t": text, "p": pattern})
    assert result.value is None
    assert [warning.message for warning in result.warnings] == [
        f"failed to invoke function '{function}': regular expression {pattern!r} needs more than {MAX_STEPS} steps "
        "on this input (the step budget of one call)"
    ]


def test_the_budget_is_shared_by_every_match_of_one_call() -> None:
    # each match is cheap, but one extract call over a long text runs out: it cannot grow without bound
    text = "ab" * 200_000
    result = evaluate_with_warnings('extract(t, "(?<=a)b")', {"t": text})
    assert result.value is None
    assert "needs more than 1000000 steps" in result.warnings[0].message


def test_a_long_input_needs_no_recursion() -> None:
    # the matcher keeps its choices on a list, not the call stack: 100,000 nested choices raise no RecursionError
    text = "a" * 100_000
    assert evaluate('matches(t, "^(?:a)*(?=$)")', {"t": text}) is True
    assert evaluate('matches(t, "^(a|b)*\\1$")', {"t": text}) is True


def _patterns() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(["a", "b", ".", "\\1", "\\2", "$", "^"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map("|".join),
            st.tuples(st.sampled_from(["(", "(?:", "(?=", "(?!", "(?>", "(?<=", "(?<!"]), inner).map(
                lambda parts: f"{parts[0]}{parts[1]})"
            ),
            st.tuples(inner, st.sampled_from(["*", "+", "?", "*?", "+?", "*+", "++", "?+", "{1,2}", "{2}+"])).map(
                lambda parts: f"(?:{parts[0]}){parts[1]}"
            ),
        )

    return st.recursive(atoms, extend, max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(pattern=_patterns(), text=st.text(alphabet="ab", max_size=8))
@example(pattern="(a)|b\\1", text="b")
@example(pattern="(?=(a))a\\1", text="aa")
@example(pattern="(?!(a))b\\1", text="b")
@example(pattern="(?<=(a))b\\1", text="aba")
@example(pattern="(?>(a|ab))b", text="ab")
@example(pattern="(?:(a)|b)*\\1", text="aba")
@example(pattern="(?:a|ab)*+b", text="abab")
def test_agrees_with_pythons_re_on_the_backtracking_constructs(pattern: str, text: str) -> None:
    python_agrees(pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("(\\w)(\\w)?\\2?\\1", "abba"),
        ("(?i)(a)\\1", "aA"),
        ("^(?=.*\\d)(?=.*[a-z]).{6,}$", "abc123"),
        ("\\b(\\w+)\\s+\\1\\b", "the the cat"),
        ("(?<=\\$)\\d+(?:\\.\\d\\d)?", "cost $12.50"),
        ("(?<!\\d)\\d{3}(?!\\d)", "1234 567 89"),
        ("(?>a+|b)+c", "aabac"),
        ("x*+x", "xxx"),
        ("(?:ab)++a", "ababa"),
    ],
)
def test_explicit_examples_agree_with_pythons_re(pattern: str, text: str) -> None:
    python_agrees(pattern, text)
    assert re.compile(pattern)  # each example is one Python accepts, so the comparison above did run


def test_a_long_lookbehind_in_a_loop_pays_for_every_start_it_tries() -> None:
    # at each position the lookbehind pushes a start for every character behind it (up to 2,000) and succeeds at
    # the first, dropping the rest: the starts pushed count as steps, so the call still ends at the budget
    result = evaluate_with_warnings('extract(t, "(?<=a{0,3000}?)a")', {"t": "a" * 2_000})
    assert result.value is None
    assert result.warnings[0].message.endswith(
        f"needs more than {MAX_STEPS} steps on this input (the step budget of one call)"
    )
