"""Parse tree of FEEL: small nodes, each with its position in the source; built once by the parser and never
changed after (plain slotted dataclasses: a frozen dataclass costs four times as much to build, a third of a cold
parse)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Node:
    position: int


@dataclass(slots=True)
class Literal(Node):
    value: object


@dataclass(slots=True)
class Name(Node):
    name: str


@dataclass(slots=True)
class Path(Node):
    target: Node
    key: str


@dataclass(slots=True)
class Filter(Node):
    target: Node
    condition: Node


@dataclass(slots=True)
class ListLiteral(Node):
    items: tuple[Node, ...]


@dataclass(slots=True)
class ContextLiteral(Node):
    entries: tuple[tuple[str, Node], ...]


@dataclass(slots=True)
class RangeLiteral(Node):
    """``[a..b]``, ``(a..b]``, ``]a..b[``; also the iteration domain ``a..b`` of ``for``."""

    start: Node
    end: Node
    start_included: bool
    end_included: bool


@dataclass(slots=True)
class UnaryTestNode(Node):
    """A comparison unary test as a value: ``< 10``, ``>= x``, ``!= "a"``, ``= 5``."""

    operator: str
    operand: Node


@dataclass(slots=True)
class Unary(Node):
    operator: str
    operand: Node


@dataclass(slots=True)
class Binary(Node):
    operator: str
    left: Node
    right: Node


@dataclass(slots=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(slots=True)
class In(Node):
    """``value in test`` or ``value in (test, test, ...)``: true when any positive unary test holds."""

    value: Node
    tests: tuple[Node, ...]


@dataclass(slots=True)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(slots=True)
class Iteration:
    """``name in domain`` of ``for``/``some``/``every``; ``end`` is set for ``name in start..end``."""

    name: str
    domain: Node
    end: Node | None


@dataclass(slots=True)
class For(Node):
    iterations: tuple[Iteration, ...]
    result: Node


@dataclass(slots=True)
class Quantified(Node):
    every: bool
    iterations: tuple[Iteration, ...]
    condition: Node


@dataclass(slots=True)
class InstanceOf(Node):
    value: Node
    # a type name (str), or ("list", T), ("range", T), ("context", ((key, T), ...)), ("function", (T, ...), T)
    type: object


@dataclass(slots=True)
class FunctionDefinition(Node):
    parameters: tuple[str, ...]
    body: Node


@dataclass(slots=True)
class Invocation(Node):
    """A call: of a function by ``name`` (built-in, or a function value in scope) or of the value of ``target``."""

    name: str | None
    target: Node | None
    arguments: tuple[Node, ...]
    argument_names: tuple[str, ...] | None  # for named arguments, in the order written


COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
