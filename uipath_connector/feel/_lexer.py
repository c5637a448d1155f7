"""Tokenizer for FEEL.

Names are single words here (``string``, ``length``); the parser joins the words of FEEL's multi-word
names (``string length``, ``date and time``, ``start included``). A backtick name (a Camunda extension,
``` `Content-Type` ```) is one ``quoted name`` token that is never a keyword; ``@"..."`` is a ``temporal``
token; ``//`` and ``/* */`` comments are skipped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

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


class Token(NamedTuple):
    kind: str
    value: str
    position: int


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'", "b": "\b", "f": "\f"}


# One pattern for the common tokens, tried once per token; strings with escapes, temporal literals, backtick
# names and unterminated comments go through the hand-written branches below. Every alternative is a plain
# sequence or a single bounded loop, so matching is linear in the expression text.
_TOKEN = re.compile(
    r"""\s*(?:(?P<name>[^\W\d]\w*)
    |(?P<number>(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    |(?P<string>"[^"\\]*")
    |(?P<temporal>@"[^"\\]*")
    |(?P<comment>//[^\n]*|/\*[\s\S]*?\*/)
    |(?P<op>\*\*|->|\.\.|!=|<=|>=|[()\[\]{},:.=<>+\-*/]))
    """,
    re.VERBOSE,
)


# Building tokens through tuple.__new__ skips NamedTuple's Python-level __new__: a third of the lexing time.
_make_token: Callable[[tuple[str, str, int]], Token] = functools.partial(tuple.__new__, Token)


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Split ``text[start:end]`` into tokens whose positions index ``text``.

    >>> [t.value for t in tokenize("a.b + 1", 0, 7)]
    ['a', '.', 'b', '+', '1', '']
    """
    tokens: list[Token] = []
    append = tokens.append
    match = _TOKEN.match
    make = _make_token
    index = start
    while index < end:
        found = match(text, index, end)
        kind = found.lastgroup if found is not None else None
        if kind is None:
            while index < end and text[index].isspace():
                index += 1
            if index == end:
                break
        elif kind == "comment":
            index = found.end()  # type: ignore[union-attr]
            continue
        else:
            assert found is not None
            at = found.start(kind)
            value = found.group(kind)
            if kind == "number":
                if len(value) > MAX_NUMBER_DIGITS:
                    raise FeelSyntaxError(f"number literal longer than {MAX_NUMBER_DIGITS} digits", at)
                append(make((NUMBER, value, at)))
            elif kind == "name":
                append(make((NAME, value, at)))
            elif kind == "string":
                append(make((STRING, value[1:-1], at)))
            elif kind == "temporal":
                append(make((TEMPORAL, value[2:-1], at)))
            elif value == "/" and text.startswith("/*", at):
                raise FeelSyntaxError("unterminated comment", at)
            else:
                append(make((OP, value, at)))
            index = found.end()
            continue
        char = text[index]
        if char == '"':
            index = _read_string(text, index, end, tokens)
        elif char == "@" and index + 1 < end and text[index + 1] == '"':
            at = index
            index = _read_string(text, index + 1, end, tokens)
            tokens[-1] = Token(TEMPORAL, tokens[-1].value, at)
        elif char == "`":
            close = text.find("`", index + 1, end)
            if close < 0:
                raise FeelSyntaxError("unterminated backtick name", index)
            append(Token(QUOTED_NAME, text[index + 1 : close], index))
            index = close + 1
        elif char == "?":
            append(Token(NAME, "?", index))
            index += 1
        else:
            raise FeelSyntaxError(f"unexpected character {char!r}", index)
    append(Token(EOF, "", end))
    return tokens


def _read_string(text: str, index: int, end: int, tokens: list[Token]) -> int:
    begin = index
    index += 1
    parts: list[str] = []
    while index < end:
        char = text[index]
        if char == '"':
            tokens.append(Token(STRING, "".join(parts), begin))
            return index + 1
        if char == "\\" and index + 1 < end:
            escaped = text[index + 1]
            if escaped in _ESCAPES:
                parts.append(_ESCAPES[escaped])
                index += 2
                continue
            if escaped == "u" and index + 6 <= end:
                digits = text[index + 2 : index + 6]
                if all(d in "0123456789abcdefABCDEF" for d in digits):
                    code = int(digits, 16)
                    low = text[index + 8 : index + 12] if text.startswith("\\u", index + 6) else ""
                    if low and not all(d in "0123456789abcdefABCDEF" for d in low):
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
            continue
        parts.append(char)
        index += 1
    raise FeelSyntaxError("unterminated string", begin)
