"""Tokenizer for the FEEL subset.

Names are single words here (``string``, ``length``); the parser joins the words of FEEL's multi-word
built-in function names (``string length``, ``date and time``). Characters that only start constructs
outside the subset (backtick names, ``@`` temporal literals, ``?`` unary tests) become ``unsupported``
tokens so that the parser can name them in its error.
"""

from __future__ import annotations

from typing import NamedTuple

from ._errors import FeelSyntaxError, FeelUnsupportedError

NUMBER = "number"
STRING = "string"
NAME = "name"
OP = "op"
EOF = "end of expression"


class Token(NamedTuple):
    kind: str
    value: str
    position: int


# Longest first, so that "**" wins over "*" and "<=" over "<".
_OPERATORS = (
    "**",
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

_UNSUPPORTED_CHARACTERS = {
    "`": "backtick name",
    "@": "@ temporal literal",
    "?": "? unary test",
}

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
        elif char.isdigit() or (char == "." and index + 1 < end and text[index + 1].isdigit()):
            begin = index
            while index < end and text[index].isdigit():
                index += 1
            if index + 1 < end and text[index] == "." and text[index + 1].isdigit():
                index += 1
                while index < end and text[index].isdigit():
                    index += 1
            tokens.append(Token(NUMBER, text[begin:index], begin))
        elif char == '"':
            index = _read_string(text, index, end, tokens)
        elif _is_name_start(char):
            begin = index
            while index < end and _is_name_part(text[index]):
                index += 1
            tokens.append(Token(NAME, text[begin:index], begin))
        else:
            if char in _UNSUPPORTED_CHARACTERS:
                construct = _UNSUPPORTED_CHARACTERS[char]
                raise FeelUnsupportedError(f"unsupported FEEL construct '{construct}'", index)
            for operator in _OPERATORS:
                if text.startswith(operator, index):
                    tokens.append(Token(OP, operator, index))
                    index += len(operator)
                    break
            else:
                raise FeelSyntaxError(f"unexpected character {char!r}", index)
    tokens.append(Token(EOF, "", end))
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
