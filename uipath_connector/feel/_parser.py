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

_UNARY_TEST_OPERATORS = frozenset({"<", "<=", ">", ">=", "=", "!="})

_FIRST_WORDS = frozenset(name.split(" ")[0] for name in FUNCTIONS if " " in name)


def _describe(token: Token) -> str:
    kind, value, _ = token
    if kind == EOF:
        return "end of expression"
    if kind in (NAME, QUOTED_NAME):
        return f"name '{value}'"
    if kind == NUMBER:
        return f"number {value}"
    if kind == STRING:
        return "string literal"
    if kind == TEMPORAL:
        return "temporal literal"
    return f"'{value}'"


def _number(token: Token) -> object:
    _, text, position = token
    if text.isdigit():
        return normalize(int(text))
    try:
        return normalize(DECIMAL128.create_decimal(text))
    except decimal.DecimalException:
        raise FeelSyntaxError(f"number {text} is out of FEEL's range", position) from None


# Tokens are ``(kind, value, position)`` tuples; the hot paths below index them directly and inline the token
# helpers, because a cold parse is mostly Python-level calls: each one avoided is a few percent of it.


class _Parser:
    __slots__ = ("_depth", "_in_range_end", "_index", "_tokens")

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
        if token[0] != EOF:
            self._index += 1
        return token

    def _at(self, kind: str, value: str) -> bool:
        token = self._tokens[self._index]
        return token[1] == value and token[0] == kind

    def _at_op(self, *values: str) -> bool:
        token = self._tokens[self._index]
        return token[0] == OP and token[1] in values

    def _expect(self, kind: str, value: str) -> Token:
        token = self._tokens[self._index]
        if token[1] != value or token[0] != kind:
            raise FeelSyntaxError(f"expected '{value}'", token[2])
        self._index += 1  # never the end token: its value "" is never expected
        return token

    def _name(self, what: str) -> str:
        token = self._peek()
        kind, value, position = token
        if kind == QUOTED_NAME or (kind == NAME and value not in _KEYWORDS):
            self._advance()
            return value
        raise FeelSyntaxError(f"expected {what}, got {_describe(token)}", position)

    def _unexpected(self, token: Token) -> FeelSyntaxError:
        previous = self._tokens[self._index - 1] if self._index > 0 else None
        if (
            token[0] == NAME
            and token[1] not in _KEYWORDS
            and previous is not None
            and previous[0] == NAME
            and previous[1] not in _KEYWORDS
        ):
            # `order id` would be one FEEL name with a space; Camunda's engine needs backticks for such names.
            return FeelUnsupportedError(f"a name with spaces needs backticks: `{previous[1]} {token[1]}`", previous[2])
        return FeelSyntaxError(f"unexpected {_describe(token)}", token[2])

    # -- grammar -------------------------------------------------------------------------------------

    def parse_all(self) -> Node:
        if self._tokens[0][0] == EOF:
            raise FeelSyntaxError("empty expression", self._tokens[0][2])
        node = self.expression(0)
        token = self._tokens[self._index]
        if token[0] != EOF:
            raise self._unexpected(token)
        return node

    def expression(self, min_power: int) -> Node:
        # A syntax error abandons the whole parser, so the depth is restored on the normal return path only.
        tokens = self._tokens
        depth = self._depth
        self._depth = level = depth + 1
        index = self._index
        if level > _MAX_DEPTH:
            self._too_deep(tokens[index])
        kind, value, position = tokens[index]
        # The commonest operands inline: a string, a plain name (`error`, `response`), a one-word function call.
        left: Node
        if kind == STRING:
            self._index = index + 1
            left = Literal(position, value)
        elif kind == NAME and value not in _KEYWORDS and value not in _FIRST_WORDS:
            following = tokens[index + 1]
            if following[0] == OP and following[1] == "(":
                self._index = index + 2
                left = self._arguments(value, None, position)
            elif following[0] != NAME or following[1] in _KEYWORDS:
                self._index = index + 1
                left = Name(position, value)
            else:
                left = self._prefix()
        else:
            left = self._prefix()
        in_range_end = self._in_range_end
        while True:
            token = tokens[self._index]
            power = _INFIX_POWERS.get((token[0], token[1]))
            if power is None or power <= min_power or (in_range_end and token[1] == "["):
                self._depth = depth
                return left
            # each infix or postfix link of a chain (`a + b + c`, `a.b.c`, `x[1][1]`) nests the tree one deeper
            self._depth = level = self._depth + 1
            if level > _MAX_DEPTH:
                self._too_deep(token)
            self._index += 1
            left = self._path(left, token[2]) if token[1] == "." else self._infix(left, token, power)

    def _too_deep(self, token: Token) -> NoReturn:
        # Compiling and evaluating recurse once per tree level, so the tree depth is bounded here, at parse time,
        # and a hostile expression is a FeelSyntaxError rather than a RecursionError (or a crash) later.
        raise FeelSyntaxError("expression nested too deeply", token[2])

    def _path(self, left: Node, position: int) -> Node:
        tokens = self._tokens
        index = self._index
        kind, value, name_position = tokens[index]
        if kind == NAME:
            following = tokens[index + 1]
            if following[0] == NAME and (value, following[1]) in _MULTI_WORD_PROPERTIES:
                self._index = index + 2
                return Path(position, left, f"{value} {following[1]}")
        elif kind != QUOTED_NAME:
            raise FeelSyntaxError("expected a name after '.'", name_position)
        self._index = index + 1
        return Path(position, left, value)

    def _infix(self, left: Node, token: Token, power: int) -> Node:
        kind, value, position = token
        if kind == NAME:
            if value == "instance":
                self._expect(NAME, "of")
                return InstanceOf(position, left, self._type())
            if value == "between":
                low = self.expression(_COMPARE)
                self._expect(NAME, "and")
                high = self.expression(_COMPARE)
                return Between(position, left, low, high)
            if value == "in":
                return In(position, left, self._positive_unary_tests())
            return Binary(position, value, left, self.expression(power))
        if value == "[":
            condition = self.expression(0)
            self._expect(OP, "]")
            return Filter(position, left, condition)
        if value == "(":
            return self._arguments(None, left, position)
        # Left-associative: the right operand binds only tighter operators (2 ** 3 ** 2 is 64, as in feelin).
        return Binary(position, value, left, self.expression(power))

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
        kind, value, position = token
        if kind == NAME:
            return self._name_or_keyword(token)
        if kind == NUMBER:
            self._index += 1
            return Literal(position, _number(token))
        if kind == STRING:
            self._index += 1
            return Literal(position, value)
        if kind == OP:
            if value == "{":
                return self._context()
            if value == "(":
                return self._parenthesised()
            if value == "[":
                return self._list_or_range()
            if value == "]":
                self._index += 1
                return self._range_rest(token, self.expression(0), start_included=False)
            if value == "-":
                self._index += 1
                return Unary(position, "-", self.expression(_UNARY))
            if value in _UNARY_TEST_OPERATORS:
                self._index += 1
                return UnaryTestNode(position, value, self.expression(_COMPARE))
        elif kind == TEMPORAL:
            self._index += 1
            temporal = parse_temporal(value)
            if temporal is None:
                raise FeelSyntaxError(f"invalid temporal literal @{value!r}", position)
            return Literal(position, temporal)
        elif kind == QUOTED_NAME:
            self._index += 1
            return Name(position, value)
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
        if not (closing[0] == OP and closing[1] in ("]", ")", "[")):
            raise FeelSyntaxError(f"expected ']' or ')' to close the range, got {_describe(closing)}", closing[2])
        self._advance()
        return RangeLiteral(start[2], low, high, start_included, closing[1] == "]")

    def _name_or_keyword(self, token: Token) -> Node:
        _, value, position = token
        if value == "if":
            self._index += 1
            condition = self.expression(0)
            self._expect(NAME, "then")
            then = self.expression(0)
            self._expect(NAME, "else")
            otherwise = self.expression(0)
            return Conditional(position, condition, then, otherwise)
        if value in ("true", "false"):
            self._index += 1
            return Literal(position, value == "true")
        if value == "null":
            self._index += 1
            return Literal(position, None)
        if value == "for":
            self._advance()
            iterations = self._iterations()
            self._expect(NAME, "return")
            return For(position, iterations, self.expression(0))
        if value in ("some", "every"):
            self._advance()
            iterations = self._iterations()
            self._expect(NAME, "satisfies")
            return Quantified(position, value == "every", iterations, self.expression(0))
        if value == "function" and self._peek(1)[0] == OP and self._peek(1)[1] == "(":
            return self._function_definition(token)
        function = self._function_name()
        if function is not None:
            self._index += function.count(" ") + 2  # the words and the '('
            return self._arguments(function, None, position)
        if value in ("and", "or") and self._peek(1)[0] == OP and self._peek(1)[1] == "(":
            self._index += 2  # and(list) / or(list): Camunda's older names of all() / any()
            return self._arguments(value, None, position)
        if value in _KEYWORDS:
            raise self._unexpected(token)
        self._advance()
        if self._at(OP, "("):
            self._advance()
            return self._arguments(value, None, position)
        following = self._peek()
        if following[0] == NAME and following[1] not in _KEYWORDS:
            words = [value]
            offset = 0
            while self._peek(offset)[0] == NAME and self._peek(offset)[1] not in _KEYWORDS:
                words.append(self._peek(offset)[1])
                offset += 1
            if self._peek(offset)[0] == OP and self._peek(offset)[1] == "(":
                raise FeelUnsupportedError(f"unknown FEEL function '{' '.join(words)}'", position)
        return Name(position, value)

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
            raise FeelUnsupportedError("external functions are not supported", self._peek()[2])
        return FunctionDefinition(token[2], tuple(parameters), self.expression(0))

    def _type(self) -> object:
        token = self._peek()
        for name in _TYPE_NAMES:
            words = name.split(" ")
            if all(
                self._peek(offset)[0] == NAME and self._peek(offset)[1] == word for offset, word in enumerate(words)
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
        raise FeelSyntaxError(f"expected a type name, got {_describe(token)}", token[2])

    def _function_name(self) -> str | None:
        # FEEL's built-in names contain spaces ("string length", "date and time"); take the longest run
        # of name tokens that spells a known function and is followed by '('.
        if self._peek()[1] not in _FIRST_WORDS or self._peek(1)[0] != NAME:
            return None
        for words in range(MAX_FUNCTION_NAME_WORDS, 1, -1):
            tokens = [self._peek(offset) for offset in range(words)]
            if any(t[0] != NAME for t in tokens):
                continue
            candidate = " ".join(t[1] for t in tokens)
            following = self._peek(words)
            if candidate in FUNCTIONS and following[0] == OP and following[1] == "(":
                return candidate
        return None

    def _arguments(self, name: str | None, target: Node | None, position: int) -> Node:
        """The arguments after '(' (already consumed) up to ')'; ``position`` is the call's."""
        tokens = self._tokens
        arguments: list[Node] = []
        names: list[str] | None = None
        token = tokens[self._index]
        if token[0] != OP or token[1] != ")":
            if (token[0] == NAME or token[0] == QUOTED_NAME) and self._named_argument_ahead():
                names = []
            while True:
                if names is not None:
                    words = []
                    while self._peek()[0] in (NAME, QUOTED_NAME):
                        words.append(self._advance()[1])
                    if not words:
                        raise FeelSyntaxError("expected a parameter name", self._peek()[2])
                    self._expect(OP, ":")
                    names.append(" ".join(words))
                arguments.append(self.expression(0))
                token = tokens[self._index]
                if token[0] != OP or token[1] != ",":
                    break
                self._index += 1
        self._expect(OP, ")")
        return Invocation(position, name, target, tuple(arguments), None if names is None else tuple(names))

    def _named_argument_ahead(self) -> bool:
        offset = 0
        while self._peek(offset)[0] in (NAME, QUOTED_NAME):
            offset += 1
        following = self._peek(offset)
        return offset > 0 and following[0] == OP and following[1] == ":"

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
        return ListLiteral(start[2], tuple(items))

    def _context(self) -> Node:
        tokens = self._tokens
        position = tokens[self._index][2]
        self._index += 1
        entries: list[tuple[str, Node]] = []
        token = tokens[self._index]
        if token[0] != OP or token[1] != "}":
            while True:
                kind, key, key_position = token
                if kind == NAME:
                    following = tokens[self._index + 1]
                    if following[0] == NAME:
                        words = []
                        while self._peek()[0] == NAME:
                            words.append(self._advance()[1])
                        key = " ".join(words)
                    else:
                        self._index += 1
                elif kind in (STRING, QUOTED_NAME):
                    self._index += 1
                else:
                    raise FeelSyntaxError("expected a context key", key_position)
                self._expect(OP, ":")
                entries.append((key, self.expression(0)))
                token = tokens[self._index]
                if token[0] != OP or token[1] != ",":
                    break
                self._index += 1
                token = tokens[self._index]
        self._expect(OP, "}")
        return ContextLiteral(position, tuple(entries))


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
