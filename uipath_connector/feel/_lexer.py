"""Tokenizer for FEEL.

Names are single words here (``string``, ``length``); the parser joins the words of FEEL's multi-word
names (``string length``, ``date and time``, ``start included``). A backtick name (a Camunda extension,
``` `Content-Type` ```) is one ``quoted name`` token that is never a keyword; ``@"..."`` is a ``temporal``
token; ``//`` and ``/* */`` comments are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._errors import FeelSyntaxError

NUMBER = "number"
STRING = "string"
NAME = "name"
QUOTED_NAME = "quoted name"
TEMPORAL = "temporal literal"
OP = "op"
EOF = "end of expression"

MAX_NUMBER_DIGITS = 4300
"""Digits a number literal may have: CPython's limit for int/str conversion (``sys.get_int_max_str_digits``)."""


Token = tuple[str, str, int]
"""``(kind, value, position)``: a plain tuple, because a cold parse builds one per token and reads each several
times (a NamedTuple costs a third more to build)."""


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'", "b": "\b", "f": "\f"}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")

# The whole text is split by one pattern in one ``findall`` call: each match is (whitespace, name, operator,
# other token, bad). Names and operators, most of any expression, have their own groups so that they need no
# further look; "other" is a number, string (escapes included), temporal literal, backtick name, comment, '.',
# '..', '/' or '?'. "Bad" is the first character no token starts with, or an unterminated string, backtick name or
# comment, which takes the rest of the text: nothing after the first error is looked at (as a left-to-right scan
# would stop), and no later quote is tried again, so the split stays linear in the text. Every alternative is a
# plain sequence or a loop whose iterations cannot overlap, so matching never backtracks more than one token.
_TOKENS = re.compile(
    r"""(\s*)(?:
        ([^\W\d]\w*)
        |(\*\*|->|!=|<=|>=|[()\[\]{},:=<>+\-*])
        |(
            (?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?
            |"[^"\\]*(?:\\[\s\S][^"\\]*)*"
            |@"[^"\\]*(?:\\[\s\S][^"\\]*)*"
            |`[^`]*`
            |//[^\n]*
            |/\*[\s\S]*?\*/
            |/\*[\s\S]*
            |\.\.|[./?]
        )
        |(
            "[\s\S]*|@"[\s\S]*|`[\s\S]*|\S
        )
    )""",
    re.VERBOSE,
)

# The kind of an "other" token from its first character.
_KIND_OF_OTHER: dict[str, str] = {
    **dict.fromkeys("0123456789", NUMBER),
    '"': STRING,
    "@": TEMPORAL,
    "`": QUOTED_NAME,
    ".": OP,  # '.', '..', or a number such as .5
    "/": OP,  # '/', or a comment
    "?": NAME,
}


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Split ``text[start:end]`` into tokens whose positions index ``text``.

    >>> [value for _, value, _ in tokenize("a.b + 1", 0, 7)]
    ['a', '.', 'b', '+', '1', '']
    """
    tokens: list[Token] = []
    append = tokens.append
    # Trailing whitespace would be a failed match at each of its positions; the end token keeps ``end``.
    stop = end
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    position = start
    for space, name, operator, other, bad in _TOKENS.findall(text, start, stop):
        if space:
            position += len(space)
        if name:
            append((NAME, name, position))
            position += len(name)
        elif operator:
            append((OP, operator, position))
            position += len(operator)
        elif other:
            _append_other(other, position, append)
            position += len(other)
        else:
            _raise_bad(bad, position)
    append((EOF, "", end))
    return tokens


def _append_other(token: str, position: int, append: Callable[[Token], None]) -> None:
    first = token[0]
    kind = _KIND_OF_OTHER[first]
    if kind is OP:
        if first == "." and len(token) > 1 and token[1] != ".":
            kind = NUMBER
        elif first == "/" and len(token) > 1:
            if token[1] == "*" and not (len(token) >= 4 and token.endswith("*/")):
                # `/\*[\s\S]*` took the rest: no `*/` follows (a `/*/` is no comment either).
                raise FeelSyntaxError("unterminated comment", position)
            return  # a comment
    if kind is NUMBER:
        if len(token) > MAX_NUMBER_DIGITS:
            raise FeelSyntaxError(f"number literal longer than {MAX_NUMBER_DIGITS} digits", position)
        append((NUMBER, token, position))
    elif kind is STRING:
        value = token[1:-1]
        append((STRING, _unescape(value) if "\\" in value else value, position))
    elif kind is TEMPORAL:
        value = token[2:-1]
        append((TEMPORAL, _unescape(value) if "\\" in value else value, position))
    elif kind is QUOTED_NAME:
        append((QUOTED_NAME, token[1:-1], position))
    else:
        append((kind, token, position))


def _raise_bad(bad: str, position: int) -> None:
    first = bad[0]
    if first == '"':
        raise FeelSyntaxError("unterminated string", position)
    if first == "@" and bad.startswith('@"'):
        raise FeelSyntaxError("unterminated string", position + 1)  # the string after '@' is what is open
    if first == "`":
        raise FeelSyntaxError("unterminated backtick name", position)
    raise FeelSyntaxError(f"unexpected character {first!r}", position)


def _unescape(body: str) -> str:
    """The characters of a string literal's body (between its quotes) with the escapes replaced."""
    parts: list[str] = []
    index = 0
    end = len(body)
    while index < end:
        char = body[index]
        if char == "\\" and index + 1 < end:
            escaped = body[index + 1]
            if escaped in _ESCAPES:
                parts.append(_ESCAPES[escaped])
                index += 2
                continue
            if escaped == "u" and index + 6 <= end:
                digits = body[index + 2 : index + 6]
                if all(d in _HEX_DIGITS for d in digits):
                    code = int(digits, 16)
                    low = body[index + 8 : index + 12] if body.startswith("\\u", index + 6) else ""
                    if low and not all(d in _HEX_DIGITS for d in low):
                        low = ""
                    if 0xD800 <= code < 0xDC00 and len(low) == 4 and 0xDC00 <= int(low, 16) < 0xE000:
                        # A UTF-16 surrogate pair spelled as two escapes is one character, as in JSON.
                        code = 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00)
                        index += 6
                    parts.append(chr(code))
                    index += 6
                    continue
            # An unknown escape keeps its backslash, as feelin does ("\x" is the two characters \x).
        parts.append(char)
        index += 1
    return "".join(parts)
