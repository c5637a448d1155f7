"""Hand-written Pratt parser for the FEEL subset.

Binding powers, loosest first (feelin and feel-scala agree on these): ``if``; ``or``; ``and``;
comparisons, ``between``, ``in``; ``+ -``; ``* /``; ``**``; unary ``-``; postfix ``.name``,
``[filter]``, ``(arguments)``. Unary minus binds tighter than ``**`` (``-2 ** 2`` is 4, as in feelin).
Everything that is FEEL but not in the subset raises :class:`FeelUnsupportedError` here, at parse time.
"""

from __future__ import annotations

from ._ast import (
    Between,
    Binary,
    Call,
    Conditional,
    ContextLiteral,
    Filter,
    In,
    ListLiteral,
    Literal,
    Name,
    Node,
    Path,
    Unary,
)
from ._builtins import FUNCTIONS, MAX_FUNCTION_NAME_WORDS
from ._errors import FeelSyntaxError, FeelUnsupportedError
from ._lexer import EOF, NAME, NUMBER, OP, STRING, Token, tokenize
from ._values import normalize_number

_OR, _AND, _COMPARE, _ADD, _MULTIPLY, _POWER, _UNARY, _POSTFIX = 1, 2, 3, 4, 5, 6, 7, 8

_INFIX_OPERATORS = {
    "=": _COMPARE,
    "!=": _COMPARE,
    "<": _COMPARE,
    "<=": _COMPARE,
    ">": _COMPARE,
    ">=": _COMPARE,
    "+": _ADD,
    "-": _ADD,
    "*": _MULTIPLY,
    "/": _MULTIPLY,
    "**": _POWER,
}

# FEEL keywords that start constructs outside the subset (reported by name).
_UNSUPPORTED_KEYWORDS = {
    "for": "for",
    "some": "some",
    "every": "every",
    "function": "function definition",
    "instance": "instance of",
    "satisfies": "satisfies",
    "return": "return",
}
_RESERVED = frozenset({"true", "false", "null", "and", "or", "if", "then", "else", "between", "in", "not"})

_MAX_DEPTH = 100


def _describe(token: Token) -> str:
    if token.kind == EOF:
        return "end of expression"
    if token.kind == NAME:
        return f"name '{token.value}'"
    if token.kind == NUMBER:
        return f"number {token.value}"
    if token.kind == STRING:
        return "string literal"
    return f"'{token.value}'"


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0

    # -- token helpers -------------------------------------------------------------------------------

    def _peek(self, offset: int = 0) -> Token:
        index = min(self._index + offset, len(self._tokens) - 1)
        return self._tokens[index]

    def _advance(self) -> Token:
        token = self._tokens[self._index]
        if token.kind != EOF:
            self._index += 1
        return token

    def _at(self, kind: str, value: str) -> bool:
        token = self._tokens[self._index]
        return token.kind == kind and token.value == value

    def _expect(self, kind: str, value: str) -> Token:
        token = self._peek()
        if token.kind != kind or token.value != value:
            if (token.kind == OP and token.value == "..") or (
                token.kind == NAME and token.value in _UNSUPPORTED_KEYWORDS
            ):
                raise self._unexpected(token)
            raise FeelSyntaxError(f"expected '{value}'", token.position)
        return self._advance()

    def _unexpected(self, token: Token) -> FeelSyntaxError:
        if token.kind == OP and token.value == "..":
            return FeelUnsupportedError("unsupported FEEL construct 'range'", token.position)
        if token.kind == NAME and token.value in _UNSUPPORTED_KEYWORDS:
            construct = _UNSUPPORTED_KEYWORDS[token.value]
            return FeelUnsupportedError(f"unsupported FEEL construct '{construct}'", token.position)
        previous = self._tokens[self._index - 1] if self._index > 0 else None
        if (
            token.kind == NAME
            and token.value not in _RESERVED
            and previous is not None
            and previous.kind == NAME
            and previous.value not in _RESERVED
        ):
            # `order id` is one FEEL name with a space; only built-in function names may have spaces here.
            return FeelUnsupportedError("unsupported FEEL construct 'name with spaces'", previous.position)
        return FeelSyntaxError(f"unexpected {_describe(token)}", token.position)

    # -- grammar -------------------------------------------------------------------------------------

    def parse_all(self) -> Node:
        if self._peek().kind == EOF:
            raise FeelSyntaxError("empty expression", self._peek().position)
        node = self.expression(0)
        token = self._peek()
        if token.kind != EOF:
            raise self._unexpected(token)
        return node

    def expression(self, min_power: int) -> Node:
        self._deepen(self._peek())
        links = 0  # each infix or postfix link of a chain (`a + b + c`, `a.b.c`, `x[1][1]`) nests the tree one deeper
        try:
            left = self._prefix()
            while True:
                token = self._peek()
                power = self._infix_power(token)
                if power is None or power <= min_power:
                    return left
                self._deepen(token)
                links += 1
                left = self._infix(left, self._advance(), power)
        finally:
            self._depth -= 1 + links

    def _deepen(self, token: Token) -> None:
        # Compiling and evaluating recurse once per tree level, so the tree depth is bounded here, at parse time,
        # and a hostile expression is a FeelSyntaxError rather than a RecursionError (or a crash) later.
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            self._depth -= 1
            raise FeelSyntaxError("expression nested too deeply", token.position)

    def _infix_power(self, token: Token) -> int | None:
        if token.kind == OP:
            if token.value in (".", "[", "("):
                return _POSTFIX
            return _INFIX_OPERATORS.get(token.value)
        if token.kind == NAME:
            if token.value == "or":
                return _OR
            if token.value == "and":
                return _AND
            if token.value in ("between", "in", "instance"):
                return _COMPARE
        return None

    def _infix(self, left: Node, token: Token, power: int) -> Node:
        value = token.value
        if token.kind == NAME:
            if value == "instance":
                raise FeelUnsupportedError("unsupported FEEL construct 'instance of'", token.position)
            if value == "between":
                low = self.expression(_COMPARE)
                self._expect(NAME, "and")
                high = self.expression(_COMPARE)
                return Between(token.position, left, low, high)
            if value == "in":
                return In(token.position, left, self.expression(_COMPARE))
            return Binary(token.position, value, left, self.expression(power))
        if value == ".":
            key = self._peek()
            if key.kind != NAME:
                raise FeelSyntaxError("expected a name after '.'", key.position)
            self._advance()
            return Path(token.position, left, key.value)
        if value == "[":
            condition = self.expression(0)
            self._expect(OP, "]")
            return Filter(token.position, left, condition)
        if value == "(":
            raise FeelUnsupportedError("unsupported FEEL construct 'invocation of a function value'", token.position)
        # Left-associative: the right operand binds only tighter operators (2 ** 3 ** 2 is 64, as in feelin).
        return Binary(token.position, value, left, self.expression(power))

    def _prefix(self) -> Node:
        token = self._peek()
        if token.kind == NUMBER:
            self._advance()
            number = float(token.value) if "." in token.value else int(token.value)
            return Literal(token.position, normalize_number(number))
        if token.kind == STRING:
            self._advance()
            return Literal(token.position, token.value)
        if token.kind == NAME:
            return self._name_or_keyword(token)
        if token.kind == OP:
            if token.value == "(":
                self._advance()
                inner = self.expression(0)
                self._expect(OP, ")")
                return inner
            if token.value == "[":
                return self._list()
            if token.value == "{":
                return self._context()
            if token.value == "-":
                self._advance()
                return Unary(token.position, "-", self.expression(_UNARY))
            if token.value in ("<", "<=", ">", ">=", "=", "!="):
                raise FeelUnsupportedError("unsupported FEEL construct 'unary test'", token.position)
        raise self._unexpected(token)

    def _name_or_keyword(self, token: Token) -> Node:
        value = token.value
        if value in ("true", "false"):
            self._advance()
            return Literal(token.position, value == "true")
        if value == "null":
            self._advance()
            return Literal(token.position, None)
        if value == "if":
            self._advance()
            condition = self.expression(0)
            self._expect(NAME, "then")
            then = self.expression(0)
            self._expect(NAME, "else")
            otherwise = self.expression(0)
            return Conditional(token.position, condition, then, otherwise)
        function = self._function_name()
        if function is not None:
            return self._call(token, function)
        if value in _UNSUPPORTED_KEYWORDS or value in _RESERVED:
            raise self._unexpected(token)
        words = self._name_run()
        following = self._peek(len(words))
        if following.kind == OP and following.value == "(":
            name = " ".join(words)
            raise FeelUnsupportedError(f"unknown FEEL function '{name}'", token.position)
        self._advance()
        return Name(token.position, value)

    def _name_run(self) -> list[str]:
        """The words of a possible (multi-word) function name starting at the current token."""
        words: list[str] = []
        while True:
            token = self._peek(len(words))
            if token.kind != NAME or token.value in _RESERVED or token.value in _UNSUPPORTED_KEYWORDS:
                return words
            words.append(token.value)

    def _function_name(self) -> str | None:
        # FEEL's built-in names contain spaces ("string length", "date and time"); take the longest run
        # of name tokens that spells a known function and is followed by '('.
        for words in range(MAX_FUNCTION_NAME_WORDS, 0, -1):
            tokens = [self._peek(offset) for offset in range(words)]
            if any(t.kind != NAME for t in tokens):
                continue
            candidate = " ".join(t.value for t in tokens)
            following = self._peek(words)
            if candidate in FUNCTIONS and following.kind == OP and following.value == "(":
                return candidate
        return None

    def _call(self, start: Token, function: str) -> Node:
        words = function.count(" ") + 1
        for _ in range(words):
            self._advance()
        self._expect(OP, "(")
        arguments: list[Node] = []
        if not self._at(OP, ")"):
            while True:
                argument_start = self._peek()
                arguments.append(self.expression(0))
                if self._at(OP, ":") or (self._peek().kind == NAME and self._named_argument_ahead()):
                    raise FeelUnsupportedError("unsupported FEEL construct 'named arguments'", argument_start.position)
                if self._at(OP, ","):
                    self._advance()
                    continue
                break
        self._expect(OP, ")")
        spec = FUNCTIONS[function]
        count = len(arguments)
        if not spec.accepts(count):
            raise FeelUnsupportedError(
                f"function '{function}' takes {spec.describe_arity()}, got {count}", start.position
            )
        return Call(start.position, function, tuple(arguments))

    def _named_argument_ahead(self) -> bool:
        offset = 0
        while self._peek(offset).kind == NAME:
            offset += 1
        following = self._peek(offset)
        return following.kind == OP and following.value == ":"

    def _list(self) -> Node:
        start = self._advance()
        items: list[Node] = []
        if not self._at(OP, "]"):
            while True:
                items.append(self.expression(0))
                if self._at(OP, ","):
                    self._advance()
                    continue
                break
        self._expect(OP, "]")
        return ListLiteral(start.position, tuple(items))

    def _context(self) -> Node:
        start = self._advance()
        entries: list[tuple[str, Node]] = []
        if not self._at(OP, "}"):
            while True:
                entries.append(self._context_entry())
                if self._at(OP, ","):
                    self._advance()
                    continue
                break
        self._expect(OP, "}")
        return ContextLiteral(start.position, tuple(entries))

    def _context_entry(self) -> tuple[str, Node]:
        token = self._peek()
        if token.kind == STRING:
            self._advance()
            key = token.value
        elif token.kind == NAME:
            words = []
            while self._peek().kind == NAME:
                words.append(self._advance().value)
            key = " ".join(words)
        else:
            raise FeelSyntaxError("expected a context key", token.position)
        self._expect(OP, ":")
        return key, self.expression(0)


def parse_tree(text: str) -> Node:
    """Parse ``text`` (a leading ``=`` and surrounding whitespace allowed) into a tree.

    >>> parse_tree("= a.b")
    Path(position=3, target=Name(position=2, name='a'), key='b')
    """
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and text[start] == "=":
        start += 1
    return _Parser(tokenize(text, start, end)).parse_all()
