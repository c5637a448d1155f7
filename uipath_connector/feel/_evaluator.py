"""Compiles a parse tree into nested Python closures ``(scope) -> value``.

Compiling once per cached parse keeps evaluation to a few function calls: no tree walk, no dispatch on
node types at run time. FEEL's null semantics live here: a missing name or key is null, an operation on
values of the wrong types is null, ``and``/``or`` are three-valued.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping

from ._ast import (
    COMPARISONS,
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
from ._builtins import FUNCTIONS
from ._temporal import temporal_property
from ._values import as_number, feel_compare, feel_equal, normalize_number

Scope = Mapping[str, object]
Compiled = Callable[[Scope], object]


def compile_tree(node: Node) -> Compiled:
    """Turn a parse tree into a closure evaluating it against a scope (the variables)."""
    if isinstance(node, Literal):
        value = node.value
        return lambda scope: value
    if isinstance(node, Name):
        name = node.name
        return lambda scope: scope.get(name)
    if isinstance(node, Path):
        return _compile_path(node)
    if isinstance(node, Filter):
        return _compile_filter(node)
    if isinstance(node, ListLiteral):
        items = [compile_tree(item) for item in node.items]
        return lambda scope: [item(scope) for item in items]
    if isinstance(node, ContextLiteral):
        return _compile_context(node)
    if isinstance(node, Unary):
        operand = compile_tree(node.operand)
        return lambda scope: negate(operand(scope))
    if isinstance(node, Binary):
        return _compile_binary(node)
    if isinstance(node, Between):
        return _compile_between(node)
    if isinstance(node, In):
        return _compile_in(node)
    if isinstance(node, Conditional):
        condition, then, otherwise = (compile_tree(n) for n in (node.condition, node.then, node.otherwise))
        return lambda scope: then(scope) if condition(scope) is True else otherwise(scope)
    if isinstance(node, Call):
        return _compile_call(node)
    raise TypeError(f"unknown FEEL node {node!r}")  # pragma: no cover - the parser builds only the above


# -- paths and filters --------------------------------------------------------------------------------


def _compile_path(node: Path) -> Compiled:
    target, key = compile_tree(node.target), node.key

    def path(scope: Scope) -> object:
        value = target(scope)
        if type(value) is dict:
            return value.get(key)
        return member(value, key)

    return path


def member(value: object, key: str) -> object:
    """``value.key``: a context entry, a projection over a list, a temporal property, else null."""
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list):
        return [item.get(key) if isinstance(item, Mapping) else temporal_property(item, key) for item in value]
    return temporal_property(value, key)


def _is_number_literal(node: Node) -> bool:
    if isinstance(node, Unary):
        node = node.operand
    return isinstance(node, Literal) and as_number(node.value) is not None


def _compile_filter(node: Filter) -> Compiled:
    # feel-scala's rule: a number literal indexes; a comparison or function call filters item by item;
    # anything else is evaluated once and indexes when it yields a number, else filters item by item.
    # feelin differs only for function calls and non-number, non-boolean conditions (docs/feel.md).
    target, condition = compile_tree(node.target), compile_tree(node.condition)
    per_item_only = isinstance(node.condition, (Binary, Between, In, Call)) and not (
        isinstance(node.condition, Binary) and node.condition.operator not in COMPARISONS | {"and", "or"}
    )
    constant_index = _is_number_literal(node.condition)

    def filter_(scope: Scope) -> object:
        value = target(scope)
        if value is None:
            return None
        items = value if isinstance(value, list) else [value]
        if not per_item_only:
            index = condition(scope)
            if constant_index or (as_number(index) is not None and not isinstance(index, bool)):
                return element_at(items, index)
        selected = []
        for item in items:
            inner: dict[str, object] = {"item": item}
            if isinstance(item, Mapping):
                inner.update(item)  # an item's own entries win over the name `item`, as in feelin
            if condition(ChainMap(inner, scope)) is True:  # type: ignore[arg-type]
                selected.append(item)
        return selected

    return filter_


def element_at(items: list[object], index: object) -> object:
    """1-based ``items[index]``; negative counts from the end; 0, fractions and out of range give null."""
    number = as_number(index)
    if number is None or isinstance(index, bool) or not float(number).is_integer():
        return None
    position = int(number)
    if position > 0 and position <= len(items):
        return items[position - 1]
    if position < 0 and -position <= len(items):
        return items[position]
    return None


# -- literals -----------------------------------------------------------------------------------------


def _names(node: Node) -> Iterator[str]:
    if isinstance(node, Name):
        yield node.name
    for value in vars(node).values():
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if isinstance(child, tuple):  # a context entry (key, node)
                child = child[1]
            if isinstance(child, Node):
                yield from _names(child)


def _compile_context(node: ContextLiteral) -> Compiled:
    entries = [(key, compile_tree(value)) for key, value in node.entries]
    earlier: set[str] = set()
    sees_earlier = False
    for key, value in node.entries:
        sees_earlier = sees_earlier or any(name in earlier for name in _names(value))
        earlier.add(key)
    if not sees_earlier:
        # The common case ({itemId: response.body.Id}): no entry refers to another, so one comprehension.
        return lambda scope: {key: value(scope) for key, value in entries}

    def context(scope: Scope) -> object:
        result: dict[str, object] = {}
        layered = ChainMap(result, scope)  # type: ignore[arg-type]
        for key, value in entries:
            result[key] = value(layered)
        return result

    return context


# -- operators ----------------------------------------------------------------------------------------


def negate(value: object) -> object:
    number = as_number(value)
    if number is not None and not isinstance(value, bool):
        return normalize_number(-number)
    if isinstance(value, dt.timedelta):
        return -value
    return None


def _numbers(left: object, right: object) -> tuple[int | float, int | float] | None:
    if isinstance(left, bool) or isinstance(right, bool):
        return None
    a, b = as_number(left), as_number(right)
    if a is None or b is None:
        return None
    return a, b


def add(left: object, right: object) -> object:
    numbers = _numbers(left, right)
    if numbers is not None:
        return normalize_number(numbers[0] + numbers[1])
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(right, dt.timedelta) and not isinstance(left, dt.timedelta):
        left, right = right, left
    if isinstance(left, dt.timedelta):
        if isinstance(right, dt.timedelta):
            return left + right
        if isinstance(right, dt.datetime):
            return right + left
        if isinstance(right, dt.date) and not (left.seconds or left.microseconds):
            return right + left
    return None


def subtract(left: object, right: object) -> object:
    numbers = _numbers(left, right)
    if numbers is not None:
        return normalize_number(numbers[0] - numbers[1])
    if isinstance(right, dt.timedelta):
        if isinstance(left, dt.timedelta | dt.datetime):
            return left - right
        if isinstance(left, dt.date) and not (right.seconds or right.microseconds):
            return left - right
        return None
    if isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
        if (left.tzinfo is None) != (right.tzinfo is None):
            return None
        return left - right
    if type(left) is dt.date and type(right) is dt.date:
        return left - right
    return None


def multiply(left: object, right: object) -> object:
    numbers = _numbers(left, right)
    if numbers is not None:
        return normalize_number(numbers[0] * numbers[1])
    if isinstance(right, dt.timedelta):
        left, right = right, left
    factor = as_number(right)
    if isinstance(left, dt.timedelta) and factor is not None and not isinstance(right, bool):
        return _scaled(left, factor)
    return None


def _scaled(duration: dt.timedelta, factor: float) -> dt.timedelta | None:
    try:
        return duration * factor
    except OverflowError:
        return None


def divide(left: object, right: object) -> object:
    numbers = _numbers(left, right)
    if numbers is not None:
        if numbers[1] == 0:
            return None
        a, b = numbers
        if type(a) is int and type(b) is int and a % b == 0:
            return a // b  # exact, also beyond 2**53
        return normalize_number(a / b)
    if isinstance(left, dt.timedelta):
        if isinstance(right, dt.timedelta):
            return None if not right else normalize_number(left / right)
        divisor = as_number(right)
        if divisor and not isinstance(right, bool):
            return _scaled(left, 1 / divisor)
    return None


def power(left: object, right: object) -> object:
    numbers = _numbers(left, right)
    if numbers is None:
        return None
    base, exponent = numbers
    # Exact integers while the result stays small; beyond that doubles, as feelin computes.
    if (
        type(base) is int
        and type(exponent) is int
        and exponent >= 0
        and (exponent <= 1 or base.bit_length() * exponent <= 53)
    ):
        return base**exponent
    try:
        result = math.pow(base, exponent)
    except (OverflowError, ValueError):
        return None
    return normalize_number(result)


def _not_equal(left: object, right: object) -> object:
    equal = feel_equal(left, right)
    return None if equal is None else not equal


def _ordering(test: Callable[[int], bool]) -> Callable[[object, object], object]:
    def compare(left: object, right: object) -> object:
        order = feel_compare(left, right)
        return None if order is None else test(order)

    return compare


_OPERATIONS: dict[str, Callable[[object, object], object]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "**": power,
    "=": feel_equal,
    "!=": _not_equal,
    "<": _ordering(lambda order: order < 0),
    "<=": _ordering(lambda order: order <= 0),
    ">": _ordering(lambda order: order > 0),
    ">=": _ordering(lambda order: order >= 0),
}


def _compile_binary(node: Binary) -> Compiled:
    left, right = compile_tree(node.left), compile_tree(node.right)
    if node.operator == "and":

        def conjunction(scope: Scope) -> object:
            first = left(scope)
            if first is False:
                return False
            second = right(scope)
            if second is False:
                return False
            return True if first is True and second is True else None

        return conjunction
    if node.operator == "or":

        def disjunction(scope: Scope) -> object:
            first = left(scope)
            if first is True:
                return True
            second = right(scope)
            if second is True:
                return True
            return False if first is False and second is False else None

        return disjunction
    operation = _OPERATIONS[node.operator]
    if node.operator == "+":

        def addition(scope: Scope) -> object:
            a, b = left(scope), right(scope)
            if type(a) is int and type(b) is int:
                return a + b
            return add(a, b)

        return addition
    return lambda scope: operation(left(scope), right(scope))


def _compile_between(node: Between) -> Compiled:
    value, low, high = compile_tree(node.value), compile_tree(node.low), compile_tree(node.high)

    def between(scope: Scope) -> object:
        subject = value(scope)
        lower = feel_compare(low(scope), subject)
        upper = feel_compare(subject, high(scope))
        if (lower is not None and lower > 0) or (upper is not None and upper > 0):
            return False
        if lower is None or upper is None:
            return None
        return True

    return between


def _compile_in(node: In) -> Compiled:
    value, candidates = compile_tree(node.value), compile_tree(node.candidates)

    def in_(scope: Scope) -> object:
        subject, pool = value(scope), candidates(scope)
        if isinstance(pool, list):
            return any(feel_equal(subject, candidate) is True for candidate in pool)
        return feel_equal(subject, pool)

    return in_


def _compile_call(node: Call) -> Compiled:
    implementation = FUNCTIONS[node.function].implementation
    arguments = [compile_tree(argument) for argument in node.arguments]
    if len(arguments) == 1:
        (only,) = arguments
        return lambda scope: implementation((only(scope),))
    return lambda scope: implementation([argument(scope) for argument in arguments])
