"""Regular expressions for ``matches``, ``replace`` and ``split``, in bounded time on any input.

FEEL's string functions take regular expressions: XML Schema / XPath ones in DMN 1.5 (section 10.3.4.3, pointing to
XQuery 1.0 and XPath 2.0 Functions and Operators, section 7.6), java.util.regex ones in Camunda's engine, which
compiles the pattern with Pattern.compile; this module reads Java's syntax and semantics where the two differ (what
a Camunda user observes) and XML Schema's spellings besides. Running them on Python's backtracking ``re`` lets a
pattern such as ``(a+)+$`` on 34 ``a`` and a ``!`` hold the GIL for seconds; response data is untrusted, so this
module has its own engine instead:

* a parser (branches, groups ``( )``, ``(?: )`` and ``(?<name> )``, inline flags, quantifiers
  ``* + ? {n} {n,} {n,m}`` and their lazy forms, ``.``, ``^``, ``$``, ``\\A \\z \\Z \\b \\B``, character classes
  with ranges, negation and subtraction ``[a-z-[aeiou]]``, Java's escapes and US-ASCII ``\\d \\s \\w``, XML
  Schema's ``\\i \\c``, and ``\\p{..}``/``\\P{..}`` for Unicode general categories, blocks (XML Schema's
  ``IsBasicLatin``, Java's ``InBasicLatin``), scripts (Java's ``IsLatin``) and Java's POSIX classes; flags
  ``s m i x`` as Camunda passes them to Java, any other letter ignored);
* a Pike VM (Thompson's construction with capture groups, leftmost-first priority as a backtracking engine
  would choose): every input character is visited once per program instruction at most, so time is
  ``O(len(text) * len(program))`` whatever the pattern.

Bounds (docs/feel.md "Regular expressions"): a program has at most :data:`MAX_PROGRAM_SIZE` instructions (counted
repetitions are expanded, so ``a{1000}{1000}`` is refused), and one function call executes at most
:data:`MAX_STEPS` VM steps; past either bound the call raises :class:`RegexError`, which the built-ins turn into
null with a warning.

Java's constructs that only a backtracking engine runs (lookahead and lookbehind, back-references ``\\1`` and
``\\k<name>``, atomic groups, possessive quantifiers) compile to the same program plus their own instructions,
and a pattern with one of them runs on :func:`_backtrack` instead: leftmost-first backtracking with an explicit
stack (no recursion), every instruction and resumed choice counted against the same :data:`MAX_STEPS` budget, so
an exponential pattern ends in :class:`RegexError` rather than a stalled worker.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ._unicode_blocks import block_ranges

MAX_PROGRAM_SIZE = 10_000
"""Instructions one compiled pattern may have."""

MAX_STEPS = 1_000_000
"""VM steps (one instruction for one thread at one position) one ``matches``/``replace``/``split`` call may use."""

_MAX_PATTERN_LENGTH = 10_000


class RegexError(ValueError):
    """The pattern is invalid or unsupported, or matching it would exceed a bound."""


# -- character predicates ------------------------------------------------------------------------------------------

CharTest = Callable[[str], bool]


def _category_test(name: str) -> CharTest:
    # \p{L} takes every category starting with L; \p{Lu} one category (XML Schema Part 2, appendix F.1.1).
    if len(name) == 1:
        return lambda char: unicodedata.category(char)[0] == name
    return lambda char: unicodedata.category(char) == name


_CATEGORIES = frozenset(
    [
        "L",
        "Lu",
        "Ll",
        "Lt",
        "Lm",
        "Lo",
        "M",
        "Mn",
        "Mc",
        "Me",
        "N",
        "Nd",
        "Nl",
        "No",
        "P",
        "Pc",
        "Pd",
        "Ps",
        "Pe",
        "Pi",
        "Pf",
        "Po",
        "Z",
        "Zs",
        "Zl",
        "Zp",
        "S",
        "Sm",
        "Sc",
        "Sk",
        "So",
        "C",
        "Cc",
        "Cf",
        "Co",
        "Cn",
    ]
)


def _block_test(ranges: tuple[tuple[int, int], ...]) -> CharTest:
    if len(ranges) == 1:
        ((low, high),) = ranges
        return lambda char: low <= ord(char) <= high
    return lambda char: any(low <= ord(char) <= high for low, high in ranges)


_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# java.util.regex's POSIX classes (US-ASCII only, as Java has them without UNICODE_CHARACTER_CLASS; Pattern's
# documentation, "POSIX character classes").
_POSIX_CLASSES: dict[str, CharTest] = {
    "Lower": lambda char: "a" <= char <= "z",
    "Upper": lambda char: "A" <= char <= "Z",
    "ASCII": lambda char: char <= "\x7f",
    "Alpha": lambda char: "a" <= char <= "z" or "A" <= char <= "Z",
    "Digit": lambda char: "0" <= char <= "9",
    "Alnum": lambda char: "a" <= char <= "z" or "A" <= char <= "Z" or "0" <= char <= "9",
    "Punct": _PUNCTUATION.__contains__,
    "Graph": lambda char: "!" <= char <= "~",
    "Print": lambda char: " " <= char <= "~",
    "Blank": lambda char: char in " \t",
    "Cntrl": lambda char: char <= "\x1f" or char == "\x7f",
    "XDigit": lambda char: "0" <= char <= "9" or "a" <= char <= "f" or "A" <= char <= "F",
    "Space": lambda char: char in " \t\n\x0b\f\r",
}


def _property_test(name: str) -> CharTest | None:
    """The test for ``\\p{name}``, or None for a name no dialect FEEL users write defines.

    XML Schema's spellings (appendix F of Part 2): a general category (``L``, ``Lu``) or ``Is`` and a block name
    (``IsBasicLatin``). Camunda's engine hands patterns to java.util.regex, so Java's are read too: ``In`` and a
    block name (``InGreek``), ``block=`` or ``blk=`` and a block name, ``Is`` and a category (``IsLu``), ``Is``
    and a script (``IsLatin``; Java's reading wins where a name is both a script and an XML Schema block, as
    ``IsGreek``), ``script=`` or ``sc=`` and a script, and the POSIX classes (``Alpha``, ``Punct``). Block
    names compare as Unicode says (case, spaces, hyphens and underscores ignored) against Blocks.txt 14.0.0
    and the older names XML Schema and Java still accept (``Greek``, ``PrivateUse``).
    """
    if name in _CATEGORIES:
        return _category_test(name)
    if name in _POSIX_CLASSES:
        return _POSIX_CLASSES[name]
    block: str | None = None
    if name.startswith("Is"):
        if name[2:] in _CATEGORIES:
            return _category_test(name[2:])
        script = _script_test(name[2:])
        if script is not None:
            return script  # Java reads Is and a script name as the script, so \p{IsGreek} is the Greek script
        block = name[2:]
    elif name.startswith("In"):
        block = name[2:]
    elif name.startswith(("block=", "blk=")):
        block = name.partition("=")[2]
    elif name.startswith(("script=", "sc=")):
        return _script_test(name.partition("=")[2])
    ranges = block_ranges(block) if block else None
    return _block_test(ranges) if ranges is not None else None


def _script_test(name: str) -> CharTest | None:
    # The script table is large and rarely needed: loaded on the first pattern that names a script.
    from ._unicode_scripts import java_script_name, script_of

    script = java_script_name(name) if name else None
    if script is None:
        return None
    return lambda char: script_of(char) == script


# \d, \s and \w as java.util.regex has them (Camunda's FEEL engine compiles patterns with Pattern.compile and no
# UNICODE_CHARACTER_CLASS flag): US-ASCII only. XML Schema's are wider (any Unicode digit; every character but
# punctuation, separators and "other" for \w), but a Camunda user observes Java's; feelin's JavaScript agrees.
def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _is_space(char: str) -> bool:
    return char in " \t\n\x0b\f\r"


def _is_word(char: str) -> bool:
    return char == "_" or "a" <= char <= "z" or "A" <= char <= "Z" or "0" <= char <= "9"


def _is_boundary_word(char: str) -> bool:
    # Java's \b: a letter, a decimal digit or '_' on one side only (Pattern's Bound: Character.isLetterOrDigit).
    return char == "_" or char.isalpha() or char.isdecimal()


# Line terminators of java.util.regex (without UNIX_LINES): what '.' does not match and where '$' and, with
# flag m, '^' and '$' match.
_LINE_TERMINATORS = frozenset("\n\r\u0085\u2028\u2029")


def _is_name_start(char: str) -> bool:
    return char == "_" or char == ":" or char.isalpha()


def _is_name_char(char: str) -> bool:
    return _is_name_start(char) or char in "-." or char.isdigit() or unicodedata.category(char) in ("Mn", "Mc")


def _negate(test: CharTest) -> CharTest:
    return lambda char: not test(char)


_CLASS_ESCAPES: dict[str, CharTest] = {
    "d": _is_digit,
    "s": _is_space,
    "w": _is_word,
    "i": _is_name_start,
    "c": _is_name_char,
}
_SINGLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "a": "\a", "e": "\x1b"}
_ANCHOR_ESCAPES = frozenset("bBAzZ")  # Java's boundaries: word, not word, input start, input end, before final eol
_ESCAPABLE = frozenset("\\|.-^?*+{}()[]$")
_SPECIAL_GROUPS = ("?<=", "?<!", "?=", "?!", "?>")  # lookbehind, lookahead, atomic: the backtracking constructs


def _case_insensitive(test: CharTest) -> CharTest:
    return lambda char: test(char) or test(char.lower()) or test(char.upper())


# -- parse tree ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chars:
    test: CharTest
    literal: str | None = None  # a single literal character, compared directly (fast path)


@dataclass(frozen=True)
class _Sequence:
    items: tuple[object, ...]


@dataclass(frozen=True)
class _Alternatives:
    options: tuple[object, ...]


@dataclass(frozen=True)
class _Repeat:
    item: object
    minimum: int
    maximum: int | None
    greedy: bool


@dataclass(frozen=True)
class _Group:
    index: int | None  # None for (?: )
    item: object


@dataclass(frozen=True)
class _Anchor:
    kind: str  # "^" or "$" (with flag m: "^m", "$m"), or Java's "b", "B", "A", "z", "Z"


# The constructs below need the backtracking matcher: a pattern containing one runs there (see :func:`_backtrack`).


@dataclass(frozen=True)
class _Look:
    item: object
    behind: bool  # (?<=...) and (?<!...); else (?=...) and (?!...)
    negative: bool


@dataclass(frozen=True)
class _Atomic:
    item: object  # (?>...), and a possessive quantifier a*+ as (?>a*)


@dataclass(frozen=True)
class _BackReference:
    index: int
    ignore_case: bool


class _PatternParser:
    def __init__(self, pattern: str, *, ignore_case: bool, dot_all: bool, multiline: bool = False) -> None:
        self.pattern = pattern
        self.index = 0
        self.groups = 0
        self.ignore_case = ignore_case
        self.dot_all = dot_all
        self.multiline = multiline
        self.depth = 0
        self.group_names: dict[str, int] = {}

    def fail(self, message: str) -> RegexError:
        return RegexError(f"invalid regular expression {self.pattern!r}: {message} at position {self.index}")

    def group_body(self, saved: tuple[bool, bool, bool]) -> object:
        """The alternatives up to the group's ``)``; then the flags set inside the group end with it."""
        inner = self.alternatives()
        if self.peek() != ")":
            raise self.fail("missing ')'")
        self.index += 1
        self.depth -= 1
        self.ignore_case, self.dot_all, self.multiline = saved
        return inner

    def peek(self) -> str:
        return self.pattern[self.index] if self.index < len(self.pattern) else ""

    def parse(self) -> object:
        tree = self.alternatives()
        if self.index < len(self.pattern):
            raise self.fail("unbalanced ')'")
        return tree

    def alternatives(self) -> object:
        options = [self.sequence()]
        while self.peek() == "|":
            self.index += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else _Alternatives(tuple(options))

    def sequence(self) -> object:
        items: list[object] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.quantified(self.atom()))
        return items[0] if len(items) == 1 else _Sequence(tuple(items))

    def quantified(self, atom: object) -> object:
        char = self.peek()
        if char in ("*", "+", "?"):
            self.index += 1
            minimum, maximum = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{":
            minimum, maximum = self.counts()
        else:
            return atom
        greedy = possessive = True
        if self.peek() == "?":
            self.index += 1
            greedy = False
        elif self.peek() == "+":  # Java's possessive a*+: a greedy loop that never gives back (an atomic group)
            self.index += 1
        else:
            possessive = False
        if isinstance(atom, _Anchor):
            raise self.fail("a quantifier needs something to repeat")
        if self.peek() in ("*", "+", "?", "{"):
            raise self.fail("a quantifier cannot follow a quantifier")
        repeat = _Repeat(atom, minimum, maximum, greedy)
        return _Atomic(repeat) if possessive and greedy else repeat

    def counts(self) -> tuple[int, int | None]:
        start = self.index
        end = self.pattern.find("}", start)
        body = self.pattern[start + 1 : end] if end > 0 else ""
        low_text, comma, high_text = body.partition(",")
        if not low_text.isdigit() or (high_text and not high_text.isdigit()) or len(body) > 12:
            raise self.fail("expected {n}, {n,} or {n,m}")
        self.index = end + 1
        low = int(low_text)
        high = low if not comma else (int(high_text) if high_text else None)
        if high is not None and high < low:
            raise self.fail(f"{{{body}}} has a maximum below its minimum")
        return low, high

    def atom(self) -> object:
        char = self.peek()
        if char in ("*", "+", "?", "{"):
            raise self.fail("a quantifier needs something to repeat")
        self.index += 1
        if char == "(":
            self.depth += 1
            if self.depth > 100:
                raise self.fail("groups nested too deeply")
            saved = (self.ignore_case, self.dot_all, self.multiline)
            index: int | None = None
            special = next((prefix for prefix in _SPECIAL_GROUPS if self.pattern.startswith(prefix, self.index)), None)
            if special is not None:
                self.index += len(special)
                inner = self.group_body(saved)
                if special == "?>":
                    return _Atomic(inner)
                look = _Look(inner, behind=special.startswith("?<"), negative=special.endswith("!"))
                if look.behind and _length_bounds(inner)[1] is None:
                    # java.util.regex refuses it too: "Look-behind group does not have an obvious maximum length"
                    raise self.fail("a lookbehind needs a bounded maximum length")
                return look
            if self.pattern.startswith("?:", self.index):
                self.index += 2
            elif self.pattern.startswith("?", self.index):
                self.index += 1
                if self.inline_flags():
                    self.depth -= 1
                    return _Sequence(())  # (?i): the flags hold to the end of the enclosing group
                if self.peek() != ":":  # (?i:...) scopes them to the group
                    index = self.named_group()
                else:
                    self.index += 1
            else:
                self.groups += 1
                index = self.groups
            return _Group(index, self.group_body(saved))
        if char == "^" or char == "$":
            return _Anchor(char + "m" if self.multiline else char)
        if char == ".":
            if self.dot_all:
                return _Chars(lambda c: True)
            return _Chars(lambda c: c not in _LINE_TERMINATORS)
        if char == "[":
            return _Chars(self.char_class())
        if char == "]":
            raise self.fail("unescaped ']'")
        if char == "\\":
            following = self.peek()
            if following in _ANCHOR_ESCAPES:
                self.index += 1
                return _Anchor(following)
            if following == "Q":  # Java's \Q...\E: everything up to \E (or the end) is literal
                end = self.pattern.find("\\E", self.index + 1)
                stop = len(self.pattern) if end < 0 else end
                quoted = self.pattern[self.index + 1 : stop]
                self.index = stop if end < 0 else end + 2
                return _Sequence(tuple(self.chars(None, quoted_char) for quoted_char in quoted))
            if following.isdigit() and following != "0":
                return self.back_reference()
            if following == "k":
                return self.named_back_reference()
            test, literal = self.escape(in_class=False)
            return self.chars(test, literal)
        return self.chars(None, char)

    def back_reference(self) -> _BackReference:
        """After a backslash: Java's ``\\n``. One digit is always a group number; further digits join it while
        the number stays within the groups opened so far (Pattern's documentation, "Back references")."""
        number = int(self.peek())
        self.index += 1
        while self.peek().isdigit() and number * 10 + int(self.peek()) <= self.groups:
            number = number * 10 + int(self.peek())
            self.index += 1
        return _BackReference(number, self.ignore_case)

    def named_back_reference(self) -> _BackReference:
        """After a backslash: Java's ``\\k<name>``, naming a group opened before it."""
        end = self.pattern.find(">", self.index)
        if self.pattern[self.index + 1 : self.index + 2] != "<" or end < 0:
            raise self.fail("expected \\k<name>")
        name = self.pattern[self.index + 2 : end]
        if name not in self.group_names:
            raise self.fail(f"no group named {name!r} before this back-reference")
        self.index = end + 1
        return _BackReference(self.group_names[name], self.ignore_case)

    def inline_flags(self) -> bool:
        """After ``(?``: Java's flags ``i s m`` (``u`` and ``d`` accepted and ignored), on or off (``-``); True for
        ``(?flags)``, False for ``(?flags:`` (both set them), and for no flags at all."""
        start = self.index
        on = True
        while self.peek() and self.peek() in "ismud-":
            char = self.peek()
            self.index += 1
            if char == "-":
                on = False
            elif char == "i":
                self.ignore_case = on
            elif char == "s":
                self.dot_all = on
            elif char == "m":
                self.multiline = on
        if self.peek() == ")" and self.index > start:
            self.index += 1
            return True
        if self.peek() == ":":
            return False
        if self.index > start:
            raise self.fail("expected ')' or ':' after inline flags")
        return False

    def named_group(self) -> int:
        """After ``(?``: Java's named group ``(?<name>...)``, a capturing group numbered by its position."""
        if self.peek() == "<" and self.pattern[self.index + 1 : self.index + 2] not in ("=", "!"):
            end = self.pattern.find(">", self.index)
            name = self.pattern[self.index + 1 : end] if end > 0 else ""
            if name[:1].isalpha() and name.isalnum():
                if name in self.group_names:
                    raise self.fail(f"the group name {name!r} is used twice")
                self.index = end + 1
                self.groups += 1
                self.group_names[name] = self.groups
                return self.groups
            raise self.fail("a group name must be a letter followed by letters and digits")
        if self.peek().isalpha():
            raise self.fail(f"the inline flag {self.peek()!r} is not supported: only i, s and m (and u, d, ignored)")
        raise self.fail("unknown construct after '(?'")

    def chars(self, test: CharTest | None, literal: str | None) -> _Chars:
        if literal is not None:
            if self.ignore_case and literal.lower() != literal.upper():
                variants = {literal, literal.lower(), literal.upper(), literal.casefold()}
                return _Chars(variants.__contains__)
            return _Chars(literal.__eq__, literal)
        assert test is not None
        return _Chars(_case_insensitive(test) if self.ignore_case else test)

    def escape(self, *, in_class: bool) -> tuple[CharTest | None, str | None]:
        """After a backslash: a character test, or a single literal character."""
        char = self.peek()
        if not char:
            raise self.fail("a pattern cannot end with '\\'")
        self.index += 1
        if char in _SINGLE_ESCAPES:
            return None, _SINGLE_ESCAPES[char]
        if char in _ESCAPABLE:
            return None, char
        if char.lower() in _CLASS_ESCAPES:
            test = _CLASS_ESCAPES[char.lower()]
            return (test if char.islower() else _negate(test)), None
        if char in ("p", "P"):
            test = self.property()
            return (test if char == "p" else _negate(test)), None
        if char in ("x", "u"):
            return None, self.hex_escape(char)
        if char == "0":
            return None, self.octal_escape()
        if not char.isalnum():
            return None, char  # Java: a backslash before any character that is no letter or digit quotes it
        raise self.fail(f"unknown escape '\\{char}'")

    def octal_escape(self) -> str:
        """After ``\\0``: Java's octal ``\\0n``, ``\\0nn`` or ``\\0mnn`` (m at most 3)."""
        digits = ""
        while len(digits) < 3 and self.peek() and self.peek() in "01234567":
            if len(digits) == 2 and digits[0] > "3":
                break
            digits += self.peek()
            self.index += 1
        if not digits:
            raise self.fail("expected octal digits after '\\0'")
        return chr(int(digits, 8))

    def hex_escape(self, kind: str) -> str:
        """Java's ``\\xhh``, ``\\x{h...h}`` and ``\\uhhhh``: the character with that code point."""
        if kind == "x" and self.peek() == "{":
            end = self.pattern.find("}", self.index)
            digits = self.pattern[self.index + 1 : end] if end > 0 else ""
            self.index = end + 1 if end > 0 else self.index
        else:
            size = 2 if kind == "x" else 4
            digits = self.pattern[self.index : self.index + size]
            if len(digits) != size:
                digits = ""
            self.index += len(digits)
        if not digits or len(digits) > 6 or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise self.fail(f"expected hexadecimal digits after '\\{kind}'")
        code = int(digits, 16)
        if code > 0x10FFFF:
            raise self.fail(f"'\\{kind}{{{digits}}}' is beyond Unicode")
        return chr(code)

    def property(self) -> CharTest:
        if self.peek() != "{":
            raise self.fail("expected '{' after \\p")
        end = self.pattern.find("}", self.index)
        if end < 0:
            raise self.fail("missing '}' after \\p{")
        name = self.pattern[self.index + 1 : end]
        test = _property_test(name)
        if test is None:
            self.index += 1  # the error points at the name
            raise self.fail(f"unknown character property '{name}'")
        self.index = end + 1
        return test

    def char_class(self) -> CharTest:
        negated = self.peek() == "^"
        if negated:
            self.index += 1
        ranges: list[tuple[str, str]] = []
        tests: list[CharTest] = []
        subtraction: CharTest | None = None
        first = True
        while True:
            char = self.peek()
            if not char:
                raise self.fail("missing ']'")
            if char == "]" and not first:
                self.index += 1
                break
            if char == "-" and self.pattern.startswith("-[", self.index) and not first:
                self.index += 2
                subtraction = self.char_class()
                if self.peek() != "]":
                    raise self.fail("a class subtraction must end the class")
                self.index += 1
                break
            low = self.class_char()
            if (
                isinstance(low, str)
                and self.peek() == "-"
                and self.pattern[self.index + 1 : self.index + 2] not in ("]", "[")
            ):
                self.index += 1
                high = self.class_char()
                if not isinstance(high, str) or high < low:
                    raise self.fail("invalid range in a character class")
                ranges.append((low, high))
            elif isinstance(low, str):
                ranges.append((low, low))
            else:
                tests.append(low)
            first = False
        singles = frozenset(low for low, high in ranges if low == high)
        spans = tuple((low, high) for low, high in ranges if low != high)

        def member(char: str) -> bool:
            if char in singles or any(low <= char <= high for low, high in spans):
                return True
            return any(test(char) for test in tests)

        test: CharTest = member
        if self.ignore_case:
            test = _case_insensitive(test)
        if negated:
            test = _negate(test)
        if subtraction is not None:
            positive, removed = test, subtraction
            return lambda char: positive(char) and not removed(char)
        return test

    def class_char(self) -> str | CharTest:
        char = self.peek()
        self.index += 1
        if char == "\\":
            test, literal = self.escape(in_class=True)
            return literal if literal is not None else test  # type: ignore[return-value]
        if char == "[":
            raise self.fail("unescaped '[' in a character class")
        return char


# -- program -------------------------------------------------------------------------------------------------------

_CHAR, _TEST, _SPLIT, _JUMP, _SAVE, _ASSERT, _MATCH, _PROGRESS = range(8)
# The backtracking matcher's own instructions (a program with one of them never runs on the Pike VM).
_BACK_REFERENCE, _LOOK_START, _LOOK_END, _ATOMIC_START, _ATOMIC_END, _CLOSE_GROUP = range(8, 14)


@dataclass(frozen=True)
class _LookFrame:
    """What a lookaround's start and end instructions share: its kind, its length bounds and its two slots."""

    behind: bool
    negative: bool
    minimum: int
    maximum: int
    depth_slot: int  # the backtracking stack's height when the lookaround began: cut back to it at its end
    position_slot: int  # where it began: a lookahead resumes there, a lookbehind's body must end there
    after: int  # the instruction after the lookaround


def _nullable(node: object) -> bool:
    """Whether ``node`` can match the empty string."""
    if isinstance(node, _Chars):
        return False
    if isinstance(node, _Sequence):
        return all(_nullable(item) for item in node.items)
    if isinstance(node, _Alternatives):
        return any(_nullable(option) for option in node.options)
    if isinstance(node, _Repeat):
        return node.minimum == 0 or _nullable(node.item)
    if isinstance(node, (_Group, _Atomic)):
        return _nullable(node.item)
    return True  # an anchor, a lookaround, a back-reference (its group may be empty), or an empty sequence


def _length_bounds(node: object) -> tuple[int, int | None]:
    """The fewest and the most characters ``node`` can match (None: no bound), as a lookbehind needs them."""
    if isinstance(node, _Chars):
        return 1, 1
    if isinstance(node, _Sequence):
        bounds = [_length_bounds(item) for item in node.items]
        maxima = [high for _, high in bounds]
        return sum(low for low, _ in bounds), None if None in maxima else sum(high or 0 for high in maxima)
    if isinstance(node, _Alternatives):
        bounds = [_length_bounds(option) for option in node.options]
        maxima = [high for _, high in bounds]
        return min(low for low, _ in bounds), None if None in maxima else max(high or 0 for high in maxima)
    if isinstance(node, _Repeat):
        low, high = _length_bounds(node.item)
        if node.maximum is None or high is None:
            return low * node.minimum, None if (node.maximum != 0 and high != 0) else 0
        return low * node.minimum, high * node.maximum
    if isinstance(node, (_Group, _Atomic)):
        return _length_bounds(node.item)
    if isinstance(node, _BackReference):
        return 0, None  # java.util.regex has no maximum for one either, so a lookbehind refuses it
    return 0, 0  # an anchor, a lookaround, or an empty sequence


def _needs_backtracking(node: object) -> bool:
    """Whether ``node`` contains a lookaround, an atomic group, a possessive quantifier or a back-reference."""
    if isinstance(node, (_Look, _Atomic, _BackReference)):
        return True
    if isinstance(node, _Sequence):
        return any(_needs_backtracking(item) for item in node.items)
    if isinstance(node, _Alternatives):
        return any(_needs_backtracking(option) for option in node.options)
    if isinstance(node, (_Repeat, _Group)):
        return _needs_backtracking(node.item)
    return False


_MAX_DOUBLED_SIZE = MAX_PROGRAM_SIZE // 2


def _has_group(node: object) -> bool:
    """Whether ``node`` contains a capturing group."""
    if isinstance(node, _Group):
        return node.index is not None or _has_group(node.item)
    if isinstance(node, _Sequence):
        return any(_has_group(item) for item in node.items)
    if isinstance(node, _Alternatives):
        return any(_has_group(option) for option in node.options)
    if isinstance(node, (_Repeat, _Look, _Atomic)):
        return _has_group(node.item)
    return False


class _Compiler:
    def __init__(self, first_free_slot: int, *, backtracking: bool = False) -> None:
        self.backtracking = backtracking
        self.ops: list[int] = []
        self.args: list[object] = []
        self.args2: list[int] = []
        self.slots = first_free_slot  # capture slots in use: the groups', then one per loop that may match empty

    def emit(self, op: int, arg: object = None, arg2: int = 0) -> int:
        if len(self.ops) >= MAX_PROGRAM_SIZE:
            raise RegexError(f"regular expression too large: more than {MAX_PROGRAM_SIZE} instructions")
        self.ops.append(op)
        self.args.append(arg)
        self.args2.append(arg2)
        return len(self.ops) - 1

    def patch(self, at: int, arg: object, arg2: int = 0) -> None:
        self.args[at] = arg
        self.args2[at] = arg2

    def node(self, node: object) -> None:
        if isinstance(node, _Chars):
            if node.literal is not None:
                self.emit(_CHAR, node.literal)
            else:
                self.emit(_TEST, node.test)
        elif isinstance(node, _Sequence):
            for item in node.items:
                self.node(item)
        elif isinstance(node, _Alternatives):
            jumps = []
            for option in node.options[:-1]:
                split = self.emit(_SPLIT)
                self.node(option)
                jumps.append(self.emit(_JUMP))
                self.patch(split, split + 1, len(self.ops))
            self.node(node.options[-1])
            for jump in jumps:
                self.patch(jump, len(self.ops))
        elif isinstance(node, _Group):
            if node.index is None:
                self.node(node.item)
            elif self.backtracking:
                # java.util.regex sets a group's capture only when the group closes (its GroupTail node), so a
                # back-reference inside the group, as in (a\1), sees the previous capture, not a half-open one:
                # the start waits in a slot of its own until then.
                opened = self.slots
                self.slots += 1
                self.emit(_SAVE, opened)
                self.node(node.item)
                self.emit(_CLOSE_GROUP, node.index, opened)
            else:
                self.emit(_SAVE, 2 * node.index)
                self.node(node.item)
                self.emit(_SAVE, 2 * node.index + 1)
        elif isinstance(node, _Anchor):
            self.emit(_ASSERT, node.kind)
        elif isinstance(node, _Repeat):
            self.repeat(node)
        elif isinstance(node, _BackReference):
            self.emit(_BACK_REFERENCE, node.index, int(node.ignore_case))
        elif isinstance(node, _Atomic):
            depth_slot = self.slots
            self.slots += 1
            self.emit(_ATOMIC_START, depth_slot)
            self.node(node.item)
            self.emit(_ATOMIC_END, depth_slot)
        elif isinstance(node, _Look):
            minimum, maximum = _length_bounds(node.item)
            start = self.emit(_LOOK_START)
            depth_slot = self.slots
            self.slots += 2
            self.node(node.item)
            end = self.emit(_LOOK_END)
            frame = _LookFrame(node.behind, node.negative, minimum, maximum or 0, depth_slot, depth_slot + 1, end + 1)
            self.patch(start, frame)
            self.patch(end, frame)
        else:  # an empty sequence
            assert node == _Sequence(()), node

    def repeat(self, node: _Repeat) -> None:
        if node.maximum is None:
            # e{n,} is e{n-1} e+, and e* is (e+)?: the loop's test comes after the body, never before it. With
            # the test before the body (e* as "L: split body, exit; body; jump L"), a body that prefers to match
            # empty, as in (|a)*, comes back to L at the same position, where the Pike VM has already been, and
            # that thread dies, so a later non-empty choice wins: the match is longer than Perl's, Java's
            # (java.util.regex, which Camunda's FEEL engine calls) or Python's. Russ Cox's fix for RE2, Go and
            # Rust (golang/go issue 46123, "regexp: (|a)* matches more text than (|a)+ does"; rust-lang/regex
            # issue 779) compiles e* as (e+)?.
            for _ in range(max(node.minimum - 1, 0)):
                self.node(node.item)
            skip = self.emit(_SPLIT) if node.minimum == 0 else None
            loop = len(self.ops)
            progress = self.iteration(node.item)
            again = self.emit(_SPLIT)
            agains, progresses = [again], [progress]
            body_size = again - loop
            if progress is not None and _has_group(node.item) and len(self.ops) + body_size <= _MAX_DOUBLED_SIZE:
                # A body that can match empty and captures gets a second copy, and iterations alternate between
                # the two: an empty iteration after a non-empty one ending at the same position then runs through
                # instructions the VM has not visited at that position yet, so it survives, and its captures
                # are the loop's, as in Java and Perl ((a|)* on "a": group 1 is the empty one at 1). Only the
                # captures need it (the match is the same either way), so nested loops stop doubling before the
                # program grows past half its bound: ((((a*)*)*)*)... still compiles.
                progresses.append(self.iteration(node.item))
                agains.append(self.emit(_SPLIT))
            after = len(self.ops)
            if len(agains) == 1:
                self.split(again, loop, after, node.greedy)
            else:
                self.split(agains[0], agains[0] + 1, after, node.greedy)
                self.split(agains[1], loop, after, node.greedy)
            if skip is not None:
                self.split(skip, skip + 1, after, node.greedy)
            for check in progresses:
                if check is not None:
                    self.patch(check, self.args[check], after)
            return
        for _ in range(node.minimum):
            self.node(node.item)
        exits = []
        checks: list[int] = []
        for _ in range(node.maximum - node.minimum):
            split = self.emit(_SPLIT)
            exits.append(split)
            check = self.iteration(node.item)
            if check is not None:
                checks.append(check)
        for split in exits:
            self.split(split, split + 1, len(self.ops), node.greedy)
        for check in checks:
            self.patch(check, self.args[check], len(self.ops))

    def iteration(self, item: object) -> int | None:
        """One optional iteration of a loop; for a body that can match empty, the index of its progress check.

        As in java.util.regex (its Loop node: "avoid infinite loop in zero-length case") and Perl, an iteration
        that matched nothing ends the loop: matching goes on after the loop, with that iteration's captures
        (``(a|)*`` on "aa" ends with group 1 empty at 2). A slot records where the iteration started; the check at
        its end jumps to the loop's exit, patched in by the caller, when nothing was consumed since.
        """
        if not _nullable(item):
            self.node(item)
            return None
        slot = self.slots
        self.slots += 1
        self.emit(_SAVE, slot)
        self.node(item)
        return self.emit(_PROGRESS, slot)

    def split(self, at: int, body: int, after: int, greedy: bool) -> None:
        self.patch(at, body if greedy else after, after if greedy else body)


@dataclass(frozen=True)
class Regex:
    """A compiled pattern; :meth:`search` finds the leftmost-first match from a position."""

    pattern: str
    groups: int
    ops: tuple[int, ...]
    args: tuple[object, ...]
    args2: tuple[int, ...]
    multiline: bool
    literal: str | None
    slots: int = 2  # capture slots the VM keeps per thread: the groups' and the loops' progress marks
    group_names: Mapping[str, int] = field(default_factory=dict)  # Java's (?<name>...): name -> group number
    backtracking: bool = False  # lookaround, atomic group, possessive quantifier or back-reference: _backtrack

    def search(self, text: str, start: int, budget: list[int]) -> tuple[int, ...] | None:
        """The capture positions ``(start, end, g1start, g1end, ...)`` of the first match at or after ``start``.

        ``budget`` is a one-element list of steps left, shared by the calls of one built-in; running out raises.
        """
        if self.literal is not None:
            found = text.find(self.literal, start)
            return None if found < 0 else (found, found + len(self.literal))
        if self.backtracking:
            return _backtrack(self, text, start, budget)
        return _pike(self, text, start, budget)


def compile_regex(pattern: str, flags: str = "") -> Regex:
    """Compile a regular expression with the flags of FEEL's ``matches``/``replace`` (``s m i x``).

    >>> regex = compile_regex("(a+)+$")
    >>> regex.search("a" * 34 + "!", 0, [MAX_STEPS]) is None
    True
    """
    if len(pattern) > _MAX_PATTERN_LENGTH:
        raise RegexError(f"regular expression longer than {_MAX_PATTERN_LENGTH} characters")
    # Camunda's engine turns the flags s, m, i and x into Java's DOTALL, MULTILINE, CASE_INSENSITIVE and COMMENTS
    # and ignores every other character (feel-scala's StringBuiltinFunctions.patternFlags): XPath's q (literal
    # pattern) included, so a Camunda user's "q" changes nothing, and an unknown letter is no error.
    flags = "".join(flag for flag in flags if flag in "smix")
    ignore_case = "i" in flags
    if "x" in flags:
        pattern = _strip_whitespace(pattern)
    if not ignore_case and pattern and not any(char in _ESCAPABLE for char in pattern):
        return Regex(pattern, 0, (), (), (), False, pattern)  # plain text: str.find, no VM
    parser = _PatternParser(pattern, ignore_case=ignore_case, dot_all="s" in flags, multiline="m" in flags)
    tree = parser.parse()
    backtracking = _needs_backtracking(tree)
    compiler = _Compiler(2 * (parser.groups + 1), backtracking=backtracking)
    compiler.emit(_SAVE, 0)
    compiler.node(tree)
    compiler.emit(_SAVE, 1)
    compiler.emit(_MATCH)
    return Regex(
        pattern,
        parser.groups,
        tuple(compiler.ops),
        tuple(compiler.args),
        tuple(compiler.args2),
        "m" in flags,
        None,
        compiler.slots,
        parser.group_names,
        backtracking,
    )


def _strip_whitespace(pattern: str) -> str:
    # Flag x: whitespace is removed, except inside a character class (XPath and XQuery Functions 3.1, section 5.6.1).
    out: list[str] = []
    in_class = 0
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char == "[":
            in_class += 1
        elif char == "]" and in_class:
            in_class -= 1
        elif char in " \t\n\r" and not in_class:
            continue
        out.append(char)
    return "".join(out)


def _anchor_holds(kind: str, text: str, at: int, length: int) -> bool:
    """Whether the anchor ``kind`` holds at position ``at``, as java.util.regex decides it."""
    if kind == "^" or kind == "A":
        return at == 0
    if kind == "z":
        return at == length
    if kind == "$" or kind == "Z":
        # the end, or before a line terminator that ends the input (\r\n counts as one: not between the two)
        rest = text[at:]
        if rest == "\n" and at > 0 and text[at - 1] == "\r":
            return False
        return not rest or rest in _LINE_TERMINATORS or rest == "\r\n"
    if kind == "^m":
        # the start, or after a line terminator, except at the very end and between \r and \n
        if at == 0:
            return True
        return at < length and text[at - 1] in _LINE_TERMINATORS and text[at - 1 : at + 1] != "\r\n"
    if kind == "$m":
        if at == length:
            return True
        return text[at] in _LINE_TERMINATORS and not (text[at] == "\n" and at > 0 and text[at - 1] == "\r")
    before = at > 0 and _is_boundary_word(text[at - 1])
    after = at < length and _is_boundary_word(text[at])
    return (before != after) if kind == "b" else (before == after)


def _pike(regex: Regex, text: str, start: int, budget: list[int]) -> tuple[int, ...] | None:
    ops, args, args2 = regex.ops, regex.args, regex.args2
    size = len(ops)
    length = len(text)
    slots = regex.slots
    reported = 2 * (regex.groups + 1)  # the progress marks after the groups' slots are the VM's own
    seen = [-1] * size
    steps = budget[0]
    matched: tuple[int, ...] | None = None

    def add(threads: list[tuple[int, tuple[int, ...]]], pc: int, caps: tuple[int, ...], at: int) -> int:
        # Follows jumps, splits, saves and assertions depth-first in priority order (an explicit stack, so no
        # recursion), adding each instruction at most once per position: the bound that keeps the VM linear.
        work = 0
        stack = [(pc, caps)]
        while stack:
            pc, caps = stack.pop()
            if seen[pc] == at:
                continue
            seen[pc] = at
            work += 1
            op = ops[pc]
            if op == _JUMP:
                stack.append((args[pc], caps))  # type: ignore[arg-type]
            elif op == _SPLIT:
                stack.append((args2[pc], caps))
                stack.append((args[pc], caps))  # type: ignore[arg-type]
            elif op == _SAVE:
                slot = args[pc]
                assert isinstance(slot, int)
                stack.append((pc + 1, (*caps[:slot], at, *caps[slot + 1 :])))
            elif op == _PROGRESS:
                # the end of a loop iteration: nothing consumed since its start means leave the loop
                mark = args[pc]
                assert isinstance(mark, int)
                stack.append((args2[pc] if caps[mark] == at else pc + 1, caps))
            elif op == _ASSERT:
                if _anchor_holds(args[pc], text, at, length):  # type: ignore[arg-type]
                    stack.append((pc + 1, caps))
            else:
                threads.append((pc, caps))
        return work

    empty = (-1,) * slots
    current: list[tuple[int, tuple[int, ...]]] = []
    position = start
    while True:
        if matched is None:
            steps -= add(current, 0, empty, position)
        if not current:
            if matched is not None or position >= length:
                break
            position += 1
            continue
        char = text[position] if position < length else ""
        following: list[tuple[int, tuple[int, ...]]] = []
        for pc, caps in current:
            steps -= 1
            op = ops[pc]
            if op == _MATCH:
                matched = caps
                break  # lower-priority threads lose to this match (leftmost-first)
            if not char:
                continue
            if (op == _CHAR and args[pc] == char) or (op == _TEST and args[pc](char)):  # type: ignore[operator]
                steps -= add(following, pc + 1, caps, position + 1)
        if steps < 0:
            budget[0] = steps
            raise RegexError(f"regular expression {regex.pattern!r} needs more than {MAX_STEPS} steps on this input")
        current = following
        if position >= length:
            if matched is None:
                for pc, caps in current:
                    if ops[pc] == _MATCH:
                        matched = caps
                        break
            break
        position += 1
    budget[0] = steps
    return matched if matched is None or len(matched) == reported else matched[:reported]


# Entries of the backtracking stack: a choice to resume, or a barrier that a lookaround or atomic group leaves
# under its body. Backtracking onto a barrier means the body failed: an atomic group or positive lookaround then
# fails on, a negative lookaround succeeds (it resumes after itself). Reaching the end of the body cuts the stack
# back to the barrier's height, dropping the choices inside (java.util.regex's Pos, Neg and Ques nodes behave so).
_CHOICE, _BARRIER, _NEGATIVE_BARRIER = range(3)


def _set(caps: tuple[int, ...], slot: int, value: int) -> tuple[int, ...]:
    return (*caps[:slot], value, *caps[slot + 1 :])


def _backtrack(regex: Regex, text: str, start: int, budget: list[int]) -> tuple[int, ...] | None:
    """Leftmost-first search by backtracking, for the constructs a Pike VM cannot run; bounded by the step budget.

    The same program as the Pike VM's plus lookaround, atomic and back-reference instructions, run with an explicit
    stack (no recursion). Every executed instruction and every resumed choice is a step; past the budget the call
    raises :class:`RegexError`, so an exponential pattern such as ``(a+)+\\1$`` ends after ``MAX_STEPS`` steps.
    """
    ops, args, args2 = regex.ops, regex.args, regex.args2
    length = len(text)
    reported = 2 * (regex.groups + 1)
    empty = (-1,) * regex.slots
    steps = budget[0]
    for origin in range(start, length + 1):
        stack: list[tuple[int, int, int, tuple[int, ...]]] = []
        pc, at, caps = 0, origin, empty
        while True:
            steps -= 1
            if steps < 0:
                budget[0] = steps
                raise RegexError(
                    f"regular expression {regex.pattern!r} needs more than {MAX_STEPS} steps on this input "
                    "(the step budget of one call)"
                )
            op = ops[pc]
            failed = False
            if op == _CHAR:
                if at < length and text[at] == args[pc]:
                    pc, at = pc + 1, at + 1
                else:
                    failed = True
            elif op == _TEST:
                if at < length and args[pc](text[at]):  # type: ignore[operator]
                    pc, at = pc + 1, at + 1
                else:
                    failed = True
            elif op == _SPLIT:
                stack.append((_CHOICE, args2[pc], at, caps))
                pc = args[pc]  # type: ignore[assignment]
            elif op == _JUMP:
                pc = args[pc]  # type: ignore[assignment]
            elif op == _SAVE:
                caps = _set(caps, args[pc], at)  # type: ignore[arg-type]
                pc += 1
            elif op == _PROGRESS:
                mark = args[pc]
                assert isinstance(mark, int)
                pc = args2[pc] if caps[mark] == at else pc + 1
            elif op == _ASSERT:
                if _anchor_holds(args[pc], text, at, length):  # type: ignore[arg-type]
                    pc += 1
                else:
                    failed = True
            elif op == _CLOSE_GROUP:
                group = args[pc]
                assert isinstance(group, int)
                caps = (*caps[: 2 * group], caps[args2[pc]], at, *caps[2 * group + 2 :])
                pc += 1
            elif op == _MATCH:
                budget[0] = steps
                return caps[:reported]
            elif op == _BACK_REFERENCE:
                group = args[pc]
                assert isinstance(group, int)
                end = _back_reference_end(text, at, caps, group, reported, args2[pc] == 1)
                if end < 0:
                    failed = True
                else:
                    pc, at = pc + 1, end
            elif op == _ATOMIC_START:
                caps = _set(caps, args[pc], len(stack))  # type: ignore[arg-type]
                stack.append((_BARRIER, 0, 0, caps))
                pc += 1
            elif op == _ATOMIC_END:
                depth_slot = args[pc]
                assert isinstance(depth_slot, int)
                del stack[caps[depth_slot] :]
                pc += 1
            elif op == _LOOK_START:
                frame = args[pc]
                assert isinstance(frame, _LookFrame)
                inner = _set(_set(caps, frame.depth_slot, len(stack)), frame.position_slot, at)
                stack.append((_NEGATIVE_BARRIER if frame.negative else _BARRIER, frame.after, at, caps))
                pc, caps = pc + 1, inner
                if frame.behind:
                    # java.util.regex's Behind node: the body starts minimum characters back first, then one
                    # further back at a time up to maximum, and must end where the lookbehind stands.
                    nearest, farthest = at - frame.minimum, max(at - frame.maximum, 0)
                    for begin in range(farthest, nearest):
                        stack.append((_CHOICE, pc, begin, inner))
                    steps -= max(nearest - farthest, 0)  # each start pushed is a step: (?<=.{0,9000}) is no free lunch
                    if nearest < 0:
                        failed = True
                    else:
                        at = nearest
            elif op == _LOOK_END:
                frame = args[pc]
                assert isinstance(frame, _LookFrame)
                if frame.behind and at != caps[frame.position_slot]:
                    failed = True
                else:
                    del stack[caps[frame.depth_slot] :]
                    if frame.negative:
                        failed = True  # the body matched, so the negative lookaround fails
                    else:
                        pc, at = frame.after, caps[frame.position_slot]
            if failed:
                while stack:
                    kind, pc, at, caps = stack.pop()
                    if kind == _CHOICE:
                        break
                    if kind == _NEGATIVE_BARRIER:
                        break  # the body failed everywhere: the negative lookaround holds, go on after it
                else:
                    break  # no choice left: no match starting at origin
    budget[0] = steps
    return None


def _back_reference_end(text: str, at: int, caps: tuple[int, ...], group: int, reported: int, ignore_case: bool) -> int:
    """Where a back-reference to ``group`` ends when it matches at ``at``, or -1.

    As in java.util.regex, a group that has not matched (or does not exist) makes the back-reference fail, and
    with flag i the characters compare case-insensitively.
    """
    if 2 * group + 1 >= reported or caps[2 * group] < 0:
        return -1
    captured = text[caps[2 * group] : caps[2 * group + 1]]
    candidate = text[at : at + len(captured)]
    if len(candidate) != len(captured):
        return -1
    if candidate == captured or (ignore_case and candidate.lower() == captured.lower()):
        return at + len(captured)
    return -1
