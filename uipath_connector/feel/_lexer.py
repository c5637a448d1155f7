"""Tokenizer for FEEL.

Names are single words here (``string``, ``length``); the parser joins the words of FEEL's multi-word
names (``string length``, ``date and time``, ``start included``). A backtick name (a Camunda extension,
``` `Content-Type` ```) is one ``quoted name`` token that is never a keyword; ``@"..."`` is a ``temporal``
token; ``//`` and ``/* */`` comments are skipped.
"""

from __future__ import annotations

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


# Longest first, so that "**" wins over "*" and "<=" over "<".
_OPERATORS = (
    "**",
    "->",
    "..",
    "!=",
    "<=",
    ">=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
)

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "'": "'", "b": "\b", "f": "\f"}


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _is_name_part(char: str) -> bool:
    return char.isalnum() or char == "_"


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Split ``text[start:end]`` into tokens whose positions index ``text``.

    >>> [t.value for t in tokenize("a.b + 1", 0, 7)]
    ['a', '.', 'b', '+', '1', '']
    """
    tokens: list[Token] = []
    index = start
    while index < end:
        char = text[index]
        if char.isspace():
            index += 1
        elif char == "/" and text.startswith("//", index):
            newline = text.find("\n", index, end)
            index = end if newline < 0 else newline + 1
        elif char == "/" and text.startswith("/*", index):
            close = text.find("*/", index + 2, end)
            if close < 0:
                raise FeelSyntaxError("unterminated comment", index)
            index = close + 2
        elif char.isdigit() or (char == "." and index + 1 < end and text[index + 1].isdigit()):
            index = _read_number(text, index, end, tokens)
        elif char == '"':
            index = _read_string(text, index, end, tokens)
        elif char == "@" and index + 1 < end and text[index + 1] == '"':
            at = index
            index = _read_string(text, index + 1, end, tokens)
            tokens[-1] = Token(TEMPORAL, tokens[-1].value, at)
        elif char == "`":
            close = text.find("`", index + 1, end)
            if close < 0:
                raise FeelSyntaxError("unterminated backtick name", index)
            tokens.append(Token(QUOTED_NAME, text[index + 1 : close], index))
            index = close + 1
        elif char == "?":
            tokens.append(Token(NAME, "?", index))
            index += 1
        elif _is_name_start(char):
            begin = index
            while index < end and _is_name_part(text[index]):
                index += 1
            tokens.append(Token(NAME, text[begin:index], begin))
        else:
            for operator in _OPERATORS:
                if text.startswith(operator, index):
                    tokens.append(Token(OP, operator, index))
                    index += len(operator)
                    break
            else:
                raise FeelSyntaxError(f"unexpected character {char!r}", index)
    tokens.append(Token(EOF, "", end))
    return tokens


def _read_number(text: str, index: int, end: int, tokens: list[Token]) -> int:
    begin = index
    while index < end and text[index].isdigit():
        index += 1
    if index + 1 < end and text[index] == "." and text[index + 1].isdigit():
        index += 1
        while index < end and text[index].isdigit():
            index += 1
    if index < end and text[index] in "eE":
        # An exponent (Camunda's engine reads 1.2e3): e, an optional sign, digits.
        after = index + 1
        if after < end and text[after] in "+-":
            after += 1
        if after < end and text[after].isdigit():
            index = after
            while index < end and text[index].isdigit():
                index += 1
    if index - begin > MAX_NUMBER_DIGITS:
        raise FeelSyntaxError(f"number literal longer than {MAX_NUMBER_DIGITS} digits", begin)
    tokens.append(Token(NUMBER, text[begin:index], begin))
    return index


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
