"""FEEL's regular expressions (matches, replace, split, extract): XPath flavour, bounded time on any input.

The classic catastrophic patterns below hold Python's backtracking ``re`` for seconds or longer on these
inputs; here each returns its exact outcome. How long they take is measured in benchmarks/bench_feel.py,
not asserted here.
"""

from __future__ import annotations

import itertools
import os
import re
import string
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from uipath_connector.feel import evaluate, evaluate_with_warnings
from uipath_connector.feel._regex import MAX_PROGRAM_SIZE, MAX_STEPS, RegexError, compile_regex
from uipath_connector.feel._unicode_blocks import BLOCKS, UNICODE_VERSION
from uipath_connector.feel._unicode_scripts import SCRIPT_RANGES, java_script_name, script_of

CATASTROPHIC = [
    ("(a+)+$", "a" * 34 + "!", False),
    ("(a*)*$", "a" * 34 + "!", True),  # the empty match at the end
    ("(a|a)*$", "a" * 34 + "!", True),
    ("(a|aa)+$", "a" * 34 + "!", False),
    ("(.*a){12}", "a" * 40, True),
    ("(.*a){12}", "a" * 11 + "b" * 40, False),
    ("^(a+)+b", "a" * 5000, False),
    ("(x+x+)+y", "x" * 5000, False),
    ("(\\w+\\s?)+$", "word " * 1000 + "!", False),
    ("^(([a-z])+.)+[A-Z]([a-z])+$", "a" * 28 + "!", False),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), CATASTROPHIC, ids=[case[0] for case in CATASTROPHIC])
def test_catastrophic_patterns_give_the_right_answer(pattern: str, text: str, expected: bool) -> None:
    assert evaluate("matches(text, pattern)", {"text": text, "pattern": pattern}) is expected


def test_the_issue_example_is_false_and_a_match_still_matches() -> None:
    assert evaluate('matches(x, "(a+)+$")', {"x": "a" * 34 + "!"}) is False
    assert evaluate('matches(x, "(a+)+$")', {"x": "a" * 34}) is True


def test_a_long_input_beyond_the_step_budget_is_null_with_a_warning() -> None:
    # 20 instructions per character on 200,000 characters needs more steps than one call may use.
    text = "ab" * 100_000
    result = evaluate_with_warnings('matches(x, "(a|b|c|d|e|f|g|h)*z")', {"x": text})
    assert result.value is None
    assert result.warnings[0].kind == "FUNCTION_INVOCATION_FAILURE"
    assert f"needs more than {MAX_STEPS} steps" in result.warnings[0].message


def test_counted_repetition_is_bounded_by_the_program_size() -> None:
    with pytest.raises(RegexError, match=f"more than {MAX_PROGRAM_SIZE} instructions"):
        compile_regex("(a{1000}){1000}")
    result = evaluate_with_warnings('matches("a", "(a{1000}){1000}")', {})
    assert result.value is None
    assert "too large" in result.warnings[0].message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # XML Schema / XPath syntax and semantics
        ('matches("abc", "b")', True),  # a match anywhere, as fn:matches
        ('matches("abc", "^b")', False),
        ('matches("a\nb", "^b$")', False),
        ('matches("a\nb", "^b$", "m")', True),
        ('matches("a\nb", "a.b")', False),  # . excludes newlines without s
        ('matches("a\nb", "a.b", "s")', True),
        ('matches("Hello", "^h", "i")', True),
        ('matches("a b", "a b", "x")', False),  # x removes whitespace from the pattern
        ('matches("ab", "a b", "x")', True),
        # Camunda passes s, m, i and x to Java and ignores other letters: XPath's q (literal text) changes nothing
        ('matches("a+b", "a+b", "q")', False),
        ('matches("aab", "a+b", "q")', True),
        ('matches("d", "[a-z-[aeiou]]")', True),  # character class subtraction
        ('matches("e", "[a-z-[aeiou]]")', False),
        ('matches("٣", "^\\d$")', False),  # Java's \d (Camunda's engine) is [0-9]; XML Schema's took any digit
        ('matches("É", "^\\p{Lu}$")', True),
        ('matches("é", "^\\P{Lu}$")', True),
        ('matches("x", "^\\p{IsBasicLatin}$")', True),
        ('matches("_", "^\\i$")', True),
        ('matches("-", "^\\c$")', True),
        ('matches("ab", "^a{1,2}b{1}$")', True),
        ('matches("aaab", "^a{1,2}b$")', False),
        ('matches("abab", "^(?:ab){2}$")', True),
        ('matches("", "")', True),
        ('matches("abc", "(")', None),
        ('matches("abc", "a{2,1}")', None),
        # Java compiles a back-reference to a group that does not exist, and it never matches (SonarQube's rule
        # RSPEC-6001, "Back references should refer to existing groups", flags it as a bug, not an error)
        ('matches("abc", "\\1")', False),
        ('matches("abc", "b", "g")', True),  # an unknown flag is ignored, as in Camunda
        # replace: groups, lazy quantifiers, empty matches as Java's replaceAll
        ('replace("abc", "(b)", "[$1]")', "a[b]c"),
        ('replace("aaa", "a*", "x")', "xx"),
        ('replace("abc", "x*", "-")', "-a-b-c-"),
        ('replace("<a><b>", "<.+?>", "X")', "XX"),
        ('replace("<a><b>", "<.+>", "X")', "X"),
        ('replace("2024-01-31", "(\\d+)-(\\d+)-(\\d+)", "$3.$2.$1")', "31.01.2024"),
        ('replace("abc", "(a)|(z)", "[$2]")', "[]bc"),  # an unmatched group is empty
        ('replace("Hello", "h", "j", "i")', "jello"),
        # split and extract
        ('split("a1b22c", "[0-9]+")', ["a", "b", "c"]),
        ('split("abc", "")', ["a", "b", "c", ""]),  # Java's Pattern.split(text, -1) keeps the trailing ""
        ('split("a,b,,", ",")', ["a", "b", "", ""]),
        ('extract("a1b22c333", "[0-9]+")', ["1", "22", "333"]),
        ('extract("abc", "[0-9]+")', []),
    ],
)
def test_xpath_regular_expressions(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


def test_leftmost_first_groups_match_a_backtracking_engine() -> None:
    assert evaluate('replace("aaa", "(a|aa)(a*)", "<$1|$2>")') == "<a|aa>"
    assert evaluate('replace("aaa", "(aa|a)(a*)", "<$1|$2>")') == "<aa|a>"
    assert evaluate('replace("abcd", "(a|ab)(c|bcd)", "<$1|$2>")') == "<a|bcd>"


def python_agrees(pattern: str, text: str) -> None:
    """Where Python's ``re`` and this engine both accept ``pattern``, the same match and the same captures.

    Python's ``re`` stands in for java.util.regex (which Camunda's FEEL engine calls): both backtrack in Perl's
    priority order, an iteration that matched empty ending its loop.
    """
    try:
        expected = re.compile(pattern)
    except re.error:
        return
    try:
        regex = compile_regex(pattern)
    except RegexError:
        return
    found = regex.search(text, 0, [MAX_STEPS])
    python = expected.search(text)
    assert (found is None) == (python is None), (pattern, text)
    if found is not None and python is not None:
        assert found[:2] == python.span(), (pattern, text)
        groups = [position for group in range(1, expected.groups + 1) for position in python.span(group)]
        assert list(found[2:]) == groups, (pattern, text)


@settings(max_examples=200, deadline=None)
@given(
    pattern=st.text(alphabet="ab()|*+?.", min_size=1, max_size=8),
    text=st.text(alphabet="ab", max_size=12),
)
# Loops whose body prefers to match empty: a Pike VM that tests a loop before its body let (|a)+b? match "a" where
# a backtracking engine matches "" (found by this test); (a|)* must end with the empty iteration's capture.
@example(pattern="(|a)+b?", text="a")
@example(pattern="(|a)*", text="aaa")
@example(pattern="(a|)*", text="aa")
@example(pattern="(a*)+", text="aab")
@example(pattern="((|a)*b)*", text="abab")
def test_agrees_with_pythons_re_where_both_apply(pattern: str, text: str) -> None:
    python_agrees(pattern, text)


def test_agrees_with_pythons_re_on_every_short_pattern() -> None:
    # Every pattern of up to 5 characters over a, b, | ( ) * + ? (2,757 that both engines accept), on 8 texts:
    # the same spans and captures. Up to 7 characters (about 83,000 patterns) agreed too when this was written;
    # FEEL_REGEX_EXHAUSTIVE_LENGTH=7 runs that (minutes).
    length = int(os.environ.get("FEEL_REGEX_EXHAUSTIVE_LENGTH", "5"))
    checked = 0
    for size in range(1, length + 1):
        for characters in itertools.product("ab|()*+?", repeat=size):
            pattern = "".join(characters)
            for text in ("", "a", "b", "aa", "ab", "ba", "aab", "abab"):
                python_agrees(pattern, text)
            checked += 1
    assert checked == sum(8**size for size in range(1, length + 1))


# -- Unicode blocks and categories ---------------------------------------------------------------------------------


def test_the_block_table_is_unicodes_blocks_txt_shape() -> None:
    # Blocks.txt 14.0.0 has 320 blocks, in code point order, never overlapping, each whole columns of 16.
    assert UNICODE_VERSION == "14.0.0"
    assert len(BLOCKS) == 320
    assert BLOCKS[0] == (0x0000, 0x007F, "Basic Latin")
    assert BLOCKS[-1] == (0x100000, 0x10FFFF, "Supplementary Private Use Area-B")
    for (_, previous_last, _), (first, last, _) in itertools.pairwise(BLOCKS):
        assert previous_last < first <= last
    assert all(first % 16 == 0 and last % 16 == 15 for first, last, _ in BLOCKS)


@pytest.mark.parametrize(("first", "last", "name"), BLOCKS, ids=[name for _, _, name in BLOCKS])
def test_every_block_is_there_in_every_spelling(first: int, last: int, name: str) -> None:
    # XML Schema's IsBasicLatin (the name without spaces), Java's InBasicLatin, InBasic_Latin, blk=Basic Latin.
    spellings = [f"In{name.replace(' ', '')}", f"In{name.replace(' ', '_')}", f"blk={name}"]
    if java_script_name(name.replace(" ", "_")) is None:
        spellings.append(f"Is{name.replace(' ', '')}")  # Is and a script name is Java's script (below)
    inside, below, above = chr(first), chr(first - 1) if first else None, chr(last + 1) if last < 0x10FFFF else None
    for spelling in spellings:
        regex = compile_regex(f"^\\p{{{spelling}}}$")
        assert regex.search(inside, 0, [MAX_STEPS]) is not None, spelling
        assert regex.search(chr(last), 0, [MAX_STEPS]) is not None, spelling
        for outside in (below, above):
            if outside is not None:
                assert regex.search(outside, 0, [MAX_STEPS]) is None, spelling


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('matches("é", "^\\p{IsLatin-1Supplement}+$")', True),
        ('matches("Ωμέγα", "^\\p{InGreek}+$")', True),  # XML Schema's (Unicode 3.1's) name of Greek and Coptic
        ('matches("Ωμέγα", "^\\p{InGreek_and_Coptic}+$")', True),
        ('matches("ἀ", "\\p{InGreek}")', False),  # U+1F00 is in Greek Extended
        # Is and a script name is the script, as java.util.regex (Camunda's engine) reads it, not XML Schema's block
        ('matches("Ωμέγα", "^\\p{IsGreek}+$")', True),
        ('matches("ἀ", "\\p{IsGreek}")', True),  # Greek Extended is Greek script
        ('matches("Ϣ", "\\p{IsGreek}")', False),  # U+03E2, in the Greek and Coptic block, is Coptic script
        ('matches("Ϣ", "\\p{IsCoptic}")', True),
        ('matches("Ünïcödé", "^\\p{IsLatin}+$")', True),
        ('matches("abc1", "^\\p{IsLatin}+$")', False),  # digits are Common
        ('matches("1 ,", "^\\p{IsCommon}+$")', True),
        ('matches("日本", "^\\p{script=Han}+$")', True),
        ('matches("ひらがな", "^\\p{sc=Hira}+$")', True),  # ISO 15924 code, as Java's UnicodeScript.forName
        ('matches("Жж", "^\\p{IsCYRILLIC}+$")', True),  # Java upper-cases the name
        ('matches("\\u0301", "\\p{IsInherited}")', True),
        ('matches("ἀ", "\\p{IsGreekExtended}")', True),
        ('matches("⃐", "\\p{IsCombiningMarksforSymbols}")', True),  # renamed in Unicode 3.2, still XML Schema's
        ('matches("\\uE000", "\\p{IsPrivateUse}")', True),
        ('matches("a", "\\P{InBasicLatin}")', False),
        ('matches("aé", "^[\\p{IsBasicLatin}\\p{IsLatin-1Supplement}]+$")', True),
        ('matches("日本", "^\\p{IsCJKUnifiedIdeographs}+$")', True),
        ('matches("A", "\\p{IsLu}")', True),  # Java's Is-prefixed category
        ('matches("a", "\\p{Lu}")', False),
        ('matches("a", "\\p{L}")', True),
    ],
)
def test_unicode_blocks_and_categories(expression: str, expected: bool) -> None:
    assert evaluate(expression) is expected


@pytest.mark.parametrize(
    "name", ["IsKlingon", "InNoSuchBlock", "Latin", "IsGreekish", "blk=", "In", "lu", "script=Klingon", "sc="]
)
def test_an_unknown_class_name_is_null_with_a_warning_naming_it(name: str) -> None:
    result = evaluate_with_warnings(f'matches("a", "\\\\p{{{name}}}")')
    assert result.value is None
    assert [(warning.kind, warning.message) for warning in result.warnings] == [
        (
            "FUNCTION_INVOCATION_FAILURE",
            f"failed to invoke function 'matches': invalid regular expression '\\\\p{{{name}}}': "
            f"unknown character property '{name}' at position 3",
        )
    ]


def test_javas_posix_classes_are_ascii_only() -> None:
    # java.util.regex.Pattern, "POSIX character classes (US-ASCII only)": Camunda's engine reads them so.
    expected = {
        "Lower": string.ascii_lowercase,
        "Upper": string.ascii_uppercase,
        "ASCII": "".join(map(chr, range(128))),
        "Alpha": string.ascii_letters,
        "Digit": string.digits,
        "Alnum": string.ascii_letters + string.digits,
        "Punct": string.punctuation,
        "Graph": string.ascii_letters + string.digits + string.punctuation,
        "Print": string.ascii_letters + string.digits + string.punctuation + " ",
        "Blank": " \t",
        "Cntrl": "".join(map(chr, range(32))) + "\x7f",
        "XDigit": string.hexdigits,
        "Space": " \t\n\x0b\f\r",
    }
    for name, members in expected.items():
        regex = compile_regex(f"\\p{{{name}}}")
        found = {char for char in map(chr, range(256)) if regex.search(char, 0, [MAX_STEPS]) is not None}
        assert found == set(members), name


def _java_split(pattern: re.Pattern[str], text: str) -> list[str]:
    """Java's Pattern.split(text, -1), written from its documented algorithm over Python's ``re.search`` (both
    backtracking engines with Perl's priorities): Matcher.find starts after the previous match, one further after
    an empty one; an empty match at position 0 makes no piece; every other match ends one; the rest is the last."""
    pieces: list[str] = []
    index = position = 0
    while position <= len(text):
        found = pattern.search(text, position)
        if found is None:
            break
        start, end = found.span()
        if not (index == 0 and start == end == 0):
            pieces.append(text[index:start])
            index = end
        position = end + 1 if start == end else end
    return [text] if not pieces and index == 0 else [*pieces, text[index:]]


@settings(max_examples=300, deadline=None)
@given(pattern=st.text(alphabet="ab|*+?.", min_size=1, max_size=6), text=st.text(alphabet="ab,", max_size=10))
@example(pattern="a*", text="baab")
@example(pattern="|a", text="a")  # Python's own re.split would retry "a" at 0 after the empty match; Java moves on
@example(pattern="b?", text="")
def test_split_is_javas_pattern_split_with_a_negative_limit(pattern: str, text: str) -> None:
    # Camunda's split() is Java's Pattern.split(text, -1) (feel-scala's StringBuiltinFunctions).
    try:
        python = re.compile(pattern)
    except re.error:
        return
    try:
        compile_regex(pattern)
    except RegexError:
        return
    assert evaluate("split(t, p)", {"t": text, "p": pattern}) == _java_split(python, text), (pattern, text)


@pytest.mark.parametrize("depth", [1, 10, 99])
@pytest.mark.parametrize("group", ["(", "(?:"])
def test_deeply_nested_loops_that_may_match_empty_still_compile(depth: int, group: str) -> None:
    # A looped body that can match empty and captures is compiled twice (for the captures of an empty last
    # iteration); nested ones must not double the program past its bound: ((((a*)*)*)*)... is an ordinary pattern.
    pattern = group * depth + "a*" + ")*" * depth + "$"
    regex = compile_regex(pattern)
    assert len(regex.ops) <= MAX_PROGRAM_SIZE
    assert regex.search("aaaa!", 0, [MAX_STEPS])[:2] == (5, 5)  # type: ignore[index]
    assert regex.search("aaaa", 0, [MAX_STEPS])[:2] == (0, 4)  # type: ignore[index]


def test_the_script_table_is_unicodes_scripts_in_order() -> None:
    assert SCRIPT_RANGES[0] == (0x0000, 0x0040, "Common")
    for (_, previous_last, _), (first, last, _) in itertools.pairwise(SCRIPT_RANGES):
        assert previous_last < first <= last
    # Unicode 14.0's 159 scripts, Common and Inherited (Unknown is what no row covers)
    assert len({name for _, _, name in SCRIPT_RANGES}) == 161


def test_the_script_table_and_unicodedata_agree_on_what_is_assigned() -> None:
    # Scripts.txt gives every assigned character a script; unassigned, private use and surrogate code points are
    # Unknown. Python's unicodedata is the same Unicode version on Python 3.11, which the project pins in CI.
    if unicodedata.unidata_version != UNICODE_VERSION:
        pytest.skip(f"unicodedata is Unicode {unicodedata.unidata_version}, the tables {UNICODE_VERSION}")
    for code in range(0x110000):
        char = chr(code)
        unassigned = unicodedata.category(char) in ("Cn", "Co", "Cs")
        assert (script_of(char) == "Unknown") is unassigned, hex(code)


@pytest.mark.parametrize(
    ("name", "script"),
    [("Latin", "Latin"), ("LATIN", "Latin"), ("latn", "Latin"), ("Old_Italic", "Old_Italic"), ("OldItalic", None)],
)
def test_script_names_are_read_as_java_reads_them(name: str, script: str | None) -> None:
    assert java_script_name(name) == script


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # java.util.regex's spelling, which Camunda's engine compiles patterns with (Pattern.compile)
        ('matches("x+y", "^\\w\\+\\w$")', True),  # \w is [a-zA-Z_0-9]: '+' is no word character
        ('matches("é", "\\w")', False),
        ('matches("a\u00a0b", "a\\sb")', False),  # \s is [ \t\n\x0B\f\r]
        ('matches("a\u000bb", "a\\sb")', True),
        ('matches("the cat", "\\\\bcat\\\\b")', True),  # FEEL's own "\\b" is a backspace
        ('matches("concat", "\\\\bcat\\\\b")', False),
        ('matches("concat", "\\Bcat\\\\b")', True),
        ('matches("naïve", "\\\\bna\\\\b")', False),  # a letter outside ASCII is a word character for \b, as in Java
        ('matches("ABC", "(?i)abc")', True),
        ('matches("ABC", "a(?i)bc")', False),
        ('matches("aBC", "a(?i)bc")', True),
        ('matches("ABC", "(?i:a)BC")', True),
        ('matches("ABc", "(?i:a)BC")', False),
        ('matches("a\nb", "(?s)a.b")', True),
        ('matches("a\nb", "a.b")', False),
        ('matches("a\u2028b", "a.b")', False),  # every Java line terminator stops '.'
        ('matches("x\nb", "(?m)^b$")', True),
        ('matches("x\nb", "^b$")', False),
        ('matches("ab\n", "b$")', True),  # '$' also before a final line terminator
        ('matches("ab\r\n", "b$")', True),
        ('matches("ab\n", "b\\z")', False),
        ('matches("ab\n", "b\\Z")', True),
        ('matches("ab", "\\Aab\\z")', True),
        ('matches("a.b", "a\\Q.\\Eb")', True),
        ('matches("axb", "a\\Q.\\Eb")', False),
        ('matches("a/b", "a\\/b")', True),  # Java quotes any character that is no letter or digit
        ('matches("a@b", "a\\@b")', True),
        ('matches("A", "\\x41")', True),
        ('matches("é", "\\u00e9")', True),
        ('matches("😀", "\\x{1F600}")', True),
        ('matches("\t", "\\t")', True),
        ('replace("2024-01-31", "(?<y>\\d{4})-(?<m>\\d{2})-(?<d>\\d{2})", "$3.$2.$1")', "31.01.2024"),
        ('matches("ab", "a(?=b)")', True),  # lookaround runs on the backtracking matcher
        ('matches("ab", "(?<=a)b")', True),
        ('matches("ab", "(?<=a+)b")', None),  # Java refuses a lookbehind without a maximum length
        ('matches("a", "\\x4")', None),
        ('matches("a", "\\y")', None),
    ],
)
def test_javas_syntax(expression: str, expected: object) -> None:
    assert evaluate(expression) == expected


@pytest.mark.parametrize(
    ("replacement", "expected"),
    [
        # Java's replaceAll, which Camunda's replace() calls: $n, ${name}, and a backslash quoting any character
        ("${d}.${m}.${y}", "31.01.2024"),
        ("$3.$2.$1", "31.01.2024"),
        ("\\$1", "$1"),
        ("\\n", "n"),
        ("$4", None),  # no group 4
        ("${z}", None),  # no group named z
        ("$x", None),
        ("\\", None),  # a backslash with nothing to quote
    ],
)
def test_replacements_read_as_javas_replace_all(replacement: str, expected: str | None) -> None:
    pattern = r"(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})"
    result = evaluate_with_warnings("replace(t, p, r)", {"t": "2024-01-31", "p": pattern, "r": replacement})
    assert result.value == expected
    if expected is None:
        assert [warning.message for warning in result.warnings] == [
            f"failed to invoke function 'replace': invalid replacement {replacement!r}: '$' must be followed by the "
            "number or {name} of a group of the pattern, and '\\' by the character it quotes"
        ]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?x) b", "the inline flag 'x' is not supported: only i, s and m (and u, d, ignored) at position 2"),
        ("(?<=a+)b", "a lookbehind needs a bounded maximum length at position 7"),
        (r"(?<=(a)\1)b", "a lookbehind needs a bounded maximum length at position 10"),
        ("(?<x>a)\\k<y>", "no group named 'y' before this back-reference at position 8"),
        ("(?#a)b", "unknown construct after '(?' at position 2"),
        ("(?<1a>b)", "a group name must be a letter followed by letters and digits at position 2"),
        (r"\x4", r"expected hexadecimal digits after '\x' at position 2"),
        ("[a-z&&[^aeiou]]", "unescaped '[' in a character class at position 7"),
    ],
)
def test_java_constructs_this_engine_cannot_run_are_null_with_a_warning_that_says_why(
    pattern: str, reason: str
) -> None:
    result = evaluate_with_warnings('matches("b", p)', {"p": pattern})
    assert result.value is None
    prefix = f"failed to invoke function 'matches': invalid regular expression {pattern!r}: "
    assert [warning.message for warning in result.warnings] == [prefix + reason]


@settings(max_examples=300, deadline=None)
@given(
    flags=st.sampled_from(["", "(?m)", "(?s)", "(?i)"]),
    pattern=st.text(alphabet="aB.^$|*?()", min_size=1, max_size=7).map(lambda text: text.replace("()", "(b)")),
    boundary=st.sampled_from(["", "\\b", "\\B"]),
    text=st.text(alphabet="aAb \n", max_size=10),
)
@example(flags="(?m)", pattern="a$", boundary="", text="a\n")
@example(flags="", pattern="a$", boundary="", text="a\n")
@example(flags="", pattern="a", boundary="\\b", text="ba a")
def test_anchors_flags_and_boundaries_agree_with_pythons_re(flags: str, pattern: str, boundary: str, text: str) -> None:
    # On this alphabet Java and Python's re agree, except that Java's multiline '^' does not match at the very end
    # after a final newline (Pattern's Caret: "Perl does not match ^ at end of input even after newline").
    full = flags + boundary + pattern
    if flags == "(?m)" and text.endswith("\n") and "^" in pattern:
        return
    if boundary == "\\B" and not text:
        return  # Python's \B never matches in an empty text; Java's (and this engine's) does
    python_agrees(full, text)
