"""Hand-written Pratt parser for FEEL (DMN 1.5 chapter 10, with Camunda's extensions).

Binding powers, loosest first (feelin and feel-scala agree on these): ``if``, ``for``, ``some``/``every``,
``function`` (each extends as far as possible); ``or``; ``and``; comparisons, ``between``, ``in``,
``instance of``; ``+ -``; ``* /``; ``**``; unary ``-``; postfix ``.name``, ``[filter]``, ``(arguments)``.
Unary minus binds tighter than ``**`` (``-2 ** 2`` is 4, as in feelin).

Only text that is not FEEL raises (:class:`FeelSyntaxError`, with the position); an unknown function or a
wrong argument count is an evaluation warning and null, as in Camunda's engine.
"""

from __future__ import annotations

import decimal
from typing import NoReturn

from ._ast import (
    Between,
    Binary,
    Conditional,
    ContextLiteral,
    Filter,
    For,
    FunctionDefinition,
    In,
    InstanceOf,
    Invocation,
    Iteration,
    ListLiteral,
    Literal,
    Name,
    Node,
    Path,
    Quantified,
    RangeLiteral,
    Unary,
    UnaryTestNode,
)
from ._builtins import FUNCTIONS, MAX_FUNCTION_NAME_WORDS
from ._errors import FeelSyntaxError, FeelUnsupportedError
from ._lexer import EOF, NAME, NUMBER, OP, QUOTED_NAME, STRING, TEMPORAL, Token, tokenize
from ._temporal import parse_temporal
from ._values import DECIMAL128, normalize

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

_KEYWORDS = frozenset(
    {
        "true",
        "false",
        "null",
        "and",
        "or",
        "if",
        "then",
        "else",
        "between",
        "in",
        "for",
        "return",
        "some",
        "every",
        "satisfies",
        "instance",
        "of",
        "function",
    }
)

# Multi-word names after '.', as documented for Camunda's temporal and range values.
_MULTI_WORD_PROPERTIES = {("start", "included"), ("end", "included"), ("time", "offset")}

_TYPE_NAMES = (
    "years and months duration",
    "days and time duration",
    "date and time",
    "number",
    "string",
    "boolean",
    "date",
    "time",
    "list",
    "context",
    "range",
    "function",
    "Any",
    "Null",
)

_MAX_DEPTH = 100

# (token kind, value) -> binding power of the infix or postfix operator it starts.
_INFIX_POWERS: dict[tuple[str, str], int] = {
    **{(OP, operator): power for operator, power in _INFIX_OPERATORS.items()},
    (OP, "."): _POSTFIX,
    (OP, "["): _POSTFIX,
    (OP, "("): _POSTFIX,
    (NAME, "or"): _OR,
    (NAME, "and"): _AND,
    (NAME, "between"): _COMPARE,
    (NAME, "in"): _COMPARE,
    (NAME, "instance"): _COMPARE,
}

_FIRST_WORDS = frozenset(name.split(" ")[0] for name in FUNCTIONS if " " in name)


def _describe(token: Token) -> str:
    if token.kind == EOF:
        return "end of expression"
    if token.kind in (NAME, QUOTED_NAME):
        return f"name '{token.value}'"
    if token.kind == NUMBER:
        return f"number {token.value}"
    if token.kind == STRING:
        return "string literal"
    if token.kind == TEMPORAL:
        return "temporal literal"
    return f"'{token.value}'"


def _number(token: Token) -> object:
    text = token.value
    if text.isdigit():
        return normalize(int(text))
    try:
        return normalize(DECIMAL128.create_decimal(text))
    except decimal.DecimalException:
        raise FeelSyntaxError(f"number {text} is out of FEEL's range", token.position) from None


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0
        self._in_range_end = False  # `[1..10[`: a '[' after the end point closes the range, it is no filter

    # -- token helpers -------------------------------------------------------------------------------

    def _peek(self, offset: int = 0) -> Token:
        index = self._index + offset
        tokens = self._tokens
        return tokens[index] if index < len(tokens) else tokens[-1]

    def _advance(self) -> Token:
        token = self._tokens[self._index]
        if token.kind != EOF:
            self._index += 1
        return token

    def _at(self, kind: str, value: str) -> bool:
        token = self._tokens[self._index]
        return token.value == value and token.kind == kind

    def _at_op(self, *values: str) -> bool:
        token = self._tokens[self._index]
        return token.kind == OP and token.value in values

    def _expect(self, kind: str, value: str) -> Token:
        token = self._peek()
        if token.kind != kind or token.value != value:
            raise FeelSyntaxError(f"expected '{value}'", token.position)
        return self._advance()

    def _name(self, what: str) -> str:
        token = self._peek()
        if token.kind == QUOTED_NAME or (token.kind == NAME and token.value not in _KEYWORDS):
            self._advance()
            return token.value
        raise FeelSyntaxError(f"expected {what}, got {_describe(token)}", token.position)

    def _unexpected(self, token: Token) -> FeelSyntaxError:
        previous = self._tokens[self._index - 1] if self._index > 0 else None
        if (
            token.kind == NAME
            and token.value not in _KEYWORDS
            and previous is not None
            and previous.kind == NAME
            and previous.value not in _KEYWORDS
        ):
            # `order id` would be one FEEL name with a space; Camunda's engine needs backticks for such names.
            return FeelUnsupportedError(
                f"a name with spaces needs backticks: `{previous.value} {token.value}`", previous.position
            )
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
        # A syntax error abandons the whole parser, so the depth is restored on the normal return path only.
        tokens = self._tokens
        depth = self._depth
        self._depth = level = depth + 1
        if level > _MAX_DEPTH:
            self._too_deep(tokens[self._index])
        left = self._prefix()
        while True:
            token = tokens[self._index]
            power = _INFIX_POWERS.get((token.kind, token.value))
            if power is None or power <= min_power or (self._in_range_end and token.value == "["):
                self._depth = depth
                return left
            # each infix or postfix link of a chain (`a + b + c`, `a.b.c`, `x[1][1]`) nests the tree one deeper
            self._depth = level = self._depth + 1
            if level > _MAX_DEPTH:
                self._too_deep(token)
            self._index += 1
            left = self._infix(left, token, power)

    def _too_deep(self, token: Token) -> NoReturn:
        # Compiling and evaluating recurse once per tree level, so the tree depth is bounded here, at parse time,
        # and a hostile expression is a FeelSyntaxError rather than a RecursionError (or a crash) later.
        raise FeelSyntaxError("expression nested too deeply", token.position)

    def _infix(self, left: Node, token: Token, power: int) -> Node:
        value = token.value
        if token.kind == NAME:
            if value == "instance":
                self._expect(NAME, "of")
                return InstanceOf(token.position, left, self._type())
            if value == "between":
                low = self.expression(_COMPARE)
                self._expect(NAME, "and")
                high = self.expression(_COMPARE)
                return Between(token.position, left, low, high)
            if value == "in":
                return In(token.position, left, self._positive_unary_tests())
            return Binary(token.position, value, left, self.expression(power))
        if value == ".":
            return Path(token.position, left, self._property_name())
        if value == "[":
            condition = self.expression(0)
            self._expect(OP, "]")
            return Filter(token.position, left, condition)
        if value == "(":
            return self._arguments(token, None, left)
        # Left-associative: the right operand binds only tighter operators (2 ** 3 ** 2 is 64, as in feelin).
        return Binary(token.position, value, left, self.expression(power))

    def _property_name(self) -> str:
        token = self._peek()
        if token.kind not in (NAME, QUOTED_NAME):
            raise FeelSyntaxError("expected a name after '.'", token.position)
        self._advance()
        following = self._peek()
        if token.kind == NAME and following.kind == NAME and (token.value, following.value) in _MULTI_WORD_PROPERTIES:
            self._advance()
            return f"{token.value} {following.value}"
        return token.value

    def _positive_unary_tests(self) -> tuple[Node, ...]:
        """After ``in``: one positive unary test, or several in parentheses (``x in (1, > 5, [7..9])``)."""
        if not self._at(OP, "("):
            return (self._positive_unary_test(),)
        start = self._index
        self._advance()
        tests = [self._positive_unary_test()]
        if self._at_op(".."):
            self._index = start  # `(1..5]`: a range with an open start, not a list of tests
            return (self.expression(_COMPARE),)
        while self._at_op(","):
            self._advance()
            tests.append(self._positive_unary_test())
        self._expect(OP, ")")
        if len(tests) == 1:
            # `x in (y)` may continue as an expression: `x in (y) + 1`... rare, but keep it parsing.
            return (tests[0],)
        return tuple(tests)

    def _positive_unary_test(self) -> Node:
        return self.expression(_COMPARE)

    def _prefix(self) -> Node:
        token = self._tokens[self._index]
        if token.kind == NUMBER:
            self._advance()
            return Literal(token.position, _number(token))
        if token.kind == STRING:
            self._advance()
            return Literal(token.position, token.value)
        if token.kind == TEMPORAL:
            self._advance()
            value = parse_temporal(token.value)
            if value is None:
                raise FeelSyntaxError(f"invalid temporal literal @{token.value!r}", token.position)
            return Literal(token.position, value)
        if token.kind == QUOTED_NAME:
            self._advance()
            return Name(token.position, token.value)
        if token.kind == NAME:
            return self._name_or_keyword(token)
        if token.kind == OP:
            if token.value == "(":
                return self._parenthesised()
            if token.value == "[":
                return self._list_or_range()
            if token.value == "]":
                self._advance()
                return self._range_rest(token, self.expression(0), start_included=False)
            if token.value == "{":
                return self._context()
            if token.value == "-":
                self._advance()
                return Unary(token.position, "-", self.expression(_UNARY))
            if token.value in ("<", "<=", ">", ">=", "=", "!="):
                self._advance()
                return UnaryTestNode(token.position, token.value, self.expression(_COMPARE))
        raise self._unexpected(token)

    def _parenthesised(self) -> Node:
        start = self._advance()
        inner = self.expression(0)
        if self._at_op(".."):
            return self._range_rest(start, inner, start_included=False)
        self._expect(OP, ")")
        return inner

    def _range_rest(self, start: Token, low: Node, *, start_included: bool) -> Node:
        self._expect(OP, "..")
        outer, self._in_range_end = self._in_range_end, True
        try:
            high = self.expression(0)
        finally:
            self._in_range_end = outer
        closing = self._peek()
        if not (closing.kind == OP and closing.value in ("]", ")", "[")):
            raise FeelSyntaxError(f"expected ']' or ')' to close the range, got {_describe(closing)}", closing.position)
        self._advance()
        return RangeLiteral(start.position, low, high, start_included, closing.value == "]")

    def _name_or_keyword(self, token: Token) -> Node:
        value = token.value
        following = self._tokens[self._index + 1]
        if value not in _KEYWORDS and value not in _FIRST_WORDS:
            # The common case, a plain name (`error`, `response`) or a one-word function (`count(`): no keyword
            # checks, no multi-word look-ahead beyond the next token.
            self._index += 1
            if following.kind == OP and following.value == "(":
                self._index += 1
                return self._arguments(following, value, None, start=token)
            if following.kind != NAME or following.value in _KEYWORDS:
                return Name(token.position, value)
            self._index -= 1
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
        if value == "for":
            self._advance()
            iterations = self._iterations()
            self._expect(NAME, "return")
            return For(token.position, iterations, self.expression(0))
        if value in ("some", "every"):
            self._advance()
            iterations = self._iterations()
            self._expect(NAME, "satisfies")
            return Quantified(token.position, value == "every", iterations, self.expression(0))
        if value == "function" and self._peek(1).kind == OP and self._peek(1).value == "(":
            return self._function_definition(token)
        function = self._function_name()
        if function is not None:
            for _ in range(function.count(" ") + 1):
                self._advance()
            return self._arguments(self._advance(), function, None, start=token)
        if value in ("and", "or") and self._peek(1).kind == OP and self._peek(1).value == "(":
            self._advance()  # and(list) / or(list): Camunda's older names of all() / any()
            return self._arguments(self._advance(), value, None, start=token)
        if value in _KEYWORDS:
            raise self._unexpected(token)
        self._advance()
        if self._at(OP, "("):
            return self._arguments(self._advance(), value, None, start=token)
        following = self._peek()
        if following.kind == NAME and following.value not in _KEYWORDS:
            words = [value]
            offset = 0
            while self._peek(offset).kind == NAME and self._peek(offset).value not in _KEYWORDS:
                words.append(self._peek(offset).value)
                offset += 1
            if self._peek(offset).kind == OP and self._peek(offset).value == "(":
                raise FeelUnsupportedError(f"unknown FEEL function '{' '.join(words)}'", token.position)
        return Name(token.position, value)

    def _iterations(self) -> tuple[Iteration, ...]:
        iterations = []
        while True:
            name = self._name("a variable name")
            self._expect(NAME, "in")
            domain = self.expression(0)
            end = None
            if self._at_op(".."):
                self._advance()
                end = self.expression(0)
            iterations.append(Iteration(name, domain, end))
            if not self._at_op(","):
                return tuple(iterations)
            self._advance()

    def _function_definition(self, token: Token) -> Node:
        self._advance()
        self._expect(OP, "(")
        parameters: list[str] = []
        if not self._at_op(")"):
            while True:
                parameters.append(self._name("a parameter name"))
                if self._at_op(":"):
                    self._advance()
                    self._type()  # a parameter type is documentation only: FEEL checks nothing at call time
                if not self._at_op(","):
                    break
                self._advance()
        self._expect(OP, ")")
        if self._at(NAME, "external"):
            raise FeelUnsupportedError("external functions are not supported", self._peek().position)
        return FunctionDefinition(token.position, tuple(parameters), self.expression(0))

    def _type(self) -> object:
        token = self._peek()
        for name in _TYPE_NAMES:
            words = name.split(" ")
            if all(
                self._peek(offset).kind == NAME and self._peek(offset).value == word
                for offset, word in enumerate(words)
            ):
                for _ in words:
                    self._advance()
                if name in ("list", "range") and self._at_op("<"):
                    self._advance()
                    inner = self._type()
                    self._expect(OP, ">")
                    return (name, inner)
                if name == "context" and self._at_op("<"):
                    self._advance()
                    entries = []
                    while True:
                        key = self._name("a context key")
                        self._expect(OP, ":")
                        entries.append((key, self._type()))
                        if not self._at_op(","):
                            break
                        self._advance()
                    self._expect(OP, ">")
                    return ("context", tuple(entries))
                if name == "function" and self._at_op("<"):
                    self._advance()
                    parameters = []
                    if not self._at_op(">"):
                        while True:
                            parameters.append(self._type())
                            if not self._at_op(","):
                                break
                            self._advance()
                    self._expect(OP, ">")
                    self._expect(OP, "->")
                    return ("function", tuple(parameters), self._type())
                return name
        raise FeelSyntaxError(f"expected a type name, got {_describe(token)}", token.position)

    def _function_name(self) -> str | None:
        # FEEL's built-in names contain spaces ("string length", "date and time"); take the longest run
        # of name tokens that spells a known function and is followed by '('.
        if self._peek().value not in _FIRST_WORDS or self._peek(1).kind != NAME:
            return None
        for words in range(MAX_FUNCTION_NAME_WORDS, 1, -1):
            tokens = [self._peek(offset) for offset in range(words)]
            if any(t.kind != NAME for t in tokens):
                continue
            candidate = " ".join(t.value for t in tokens)
            following = self._peek(words)
            if candidate in FUNCTIONS and following.kind == OP and following.value == "(":
                return candidate
        return None

    def _arguments(self, parenthesis: Token, name: str | None, target: Node | None, start: Token | None = None) -> Node:
        arguments: list[Node] = []
        names: list[str] | None = None
        if not self._at_op(")"):
            if self._named_argument_ahead():
                names = []
            while True:
                if names is not None:
                    words = []
                    while self._peek().kind in (NAME, QUOTED_NAME):
                        words.append(self._advance().value)
                    if not words:
                        raise FeelSyntaxError("expected a parameter name", self._peek().position)
                    self._expect(OP, ":")
                    names.append(" ".join(words))
                arguments.append(self.expression(0))
                if not self._at_op(","):
                    break
                self._advance()
        self._expect(OP, ")")
        position = (start or parenthesis).position
        return Invocation(position, name, target, tuple(arguments), None if names is None else tuple(names))

    def _named_argument_ahead(self) -> bool:
        offset = 0
        while self._peek(offset).kind in (NAME, QUOTED_NAME):
            offset += 1
        following = self._peek(offset)
        return offset > 0 and following.kind == OP and following.value == ":"

    def _list_or_range(self) -> Node:
        start = self._advance()
        items: list[Node] = []
        if not self._at_op("]"):
            first = self.expression(0)
            if self._at_op(".."):
                return self._range_rest(start, first, start_included=True)
            items.append(first)
            while self._at_op(","):
                self._advance()
                items.append(self.expression(0))
        self._expect(OP, "]")
        return ListLiteral(start.position, tuple(items))

    def _context(self) -> Node:
        start = self._advance()
        entries: list[tuple[str, Node]] = []
        if not self._at_op("}"):
            while True:
                entries.append(self._context_entry())
                if not self._at_op(","):
                    break
                self._advance()
        self._expect(OP, "}")
        return ContextLiteral(start.position, tuple(entries))

    def _context_entry(self) -> tuple[str, Node]:
        token = self._peek()
        if token.kind in (STRING, QUOTED_NAME):
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
