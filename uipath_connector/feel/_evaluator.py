"""Compiles a parse tree into nested Python closures ``(scope) -> value``.

Compiling once per cached parse keeps evaluation to a few function calls: no tree walk, no dispatch on
node types at run time. FEEL's null semantics live here: a missing name or key is null, an operation on
values of the wrong types is null (with a warning), ``and``/``or`` are three-valued.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import itertools
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from ._ast import (
    COMPARISONS,
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
from ._builtins import FUNCTIONS, FunctionSpec, call_builtin
from ._temporal import YearsMonthsDuration, add_months, temporal_property
from ._values import (
    DECIMAL128,
    FeelFunction,
    Range,
    UnaryTest,
    feel_compare,
    feel_equal,
    normalize,
    render,
    to_number,
    type_name,
)
from ._warnings import INVALID_TYPE, NO_FUNCTION_FOUND, NOT_COMPARABLE, TOO_MANY_ITERATIONS, warn

Scope = Mapping[str, object]
Compiled = Callable[[Scope], object]

_MISSING = object()


class Layered(Mapping[str, object]):
    """Names of an inner scope over an outer one (a ``for`` variable over the job's variables).

    ``collections.ChainMap`` would do, but its ``get`` is written in Python and goes through ``__getitem__`` and
    ``__contains__``; this one is two dictionary look-ups, which is most of the cost of a ``for`` or a filter.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, inner: Mapping[str, object], outer: Scope) -> None:
        self._inner = inner
        self._outer = outer

    def get(self, key: str, default: object = None) -> object:
        value = self._inner.get(key, _MISSING)
        return self._outer.get(key, default) if value is _MISSING else value

    def __getitem__(self, key: str) -> object:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter({**dict(self._outer), **dict(self._inner)})

    def __len__(self) -> int:
        return len({**dict(self._outer), **dict(self._inner)})


class ItemScope(Layered):
    """The scope of a filter condition: the item's own entries, then the name ``item``, then the outer scope
    (an item's entry named ``item`` wins, as in feelin)."""

    __slots__ = ("_item",)

    def __init__(self, item: object, outer: Scope) -> None:
        super().__init__(item if isinstance(item, Mapping) else {}, outer)
        self._item = item

    def get(self, key: str, default: object = None) -> object:
        value = self._inner.get(key, _MISSING)
        if value is not _MISSING:
            return value
        if key == "item":
            return self._item
        return self._outer.get(key, default)


MAX_ITERATIONS = 1_000_000
"""Items one ``for``/``some``/``every`` may produce; beyond it the result is null with a warning."""


def compile_tree(node: Node) -> Compiled:
    """Turn a parse tree into a closure evaluating it against a scope (the variables)."""
    compiler = _COMPILERS.get(type(node))
    if compiler is None:  # pragma: no cover - the parser builds only the node types in _COMPILERS
        raise TypeError(f"unknown FEEL node {node!r}")
    return compiler(node)


def _compile_literal(node: Literal) -> Compiled:
    value = node.value
    return lambda scope: value


def _compile_name(node: Name) -> Compiled:
    name = node.name
    return lambda scope: scope.get(name)


def _compile_list(node: ListLiteral) -> Compiled:
    items = [compile_tree(item) for item in node.items]
    return lambda scope: [item(scope) for item in items]


def _compile_unary(node: Unary) -> Compiled:
    operand = compile_tree(node.operand)
    return lambda scope: negate(operand(scope))


def _compile_conditional(node: Conditional) -> Compiled:
    condition, then, otherwise = compile_tree(node.condition), compile_tree(node.then), compile_tree(node.otherwise)
    return lambda scope: then(scope) if condition(scope) is True else otherwise(scope)


def _compile_instance_of(node: InstanceOf) -> Compiled:
    test = _type_test(node.type)
    value = compile_tree(node.value)
    return lambda scope: test(value(scope))


# -- paths and filters --------------------------------------------------------------------------------


def _compile_path(node: Path) -> Compiled:
    target, key = compile_tree(node.target), node.key

    def path(scope: Scope) -> object:
        value = target(scope)
        if type(value) is dict:
            return value.get(key)
        return member(value, key)

    return path


_RANGE_PROPERTIES = {"start", "end", "start included", "end included"}


def member(value: object, key: str) -> object:
    """``value.key``: a context entry, a projection over a list, a range or temporal property, else null."""
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list):
        return [member(item, key) for item in value]
    if isinstance(value, Range) and key in _RANGE_PROPERTIES:
        return getattr(value, key.replace(" ", "_"))
    return temporal_property(value, key)


def _is_number_literal(node: Node) -> bool:
    if isinstance(node, Unary):
        node = node.operand
    return isinstance(node, Literal) and to_number(node.value) is not None


def _compile_filter(node: Filter) -> Compiled:
    # feel-scala's rule: a number literal indexes; a comparison or function call filters item by item;
    # anything else is evaluated once and indexes when it yields a number, else filters item by item.
    # feelin differs only for function calls and non-number, non-boolean conditions (docs/feel.md).
    target, condition = compile_tree(node.target), compile_tree(node.condition)
    per_item_only = isinstance(node.condition, (Binary, Between, In, Invocation, InstanceOf, Quantified)) and not (
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
            if constant_index or (to_number(index) is not None):
                return element_at(items, index)
        selected = []
        for item in items:
            if condition(ItemScope(item, scope)) is True:
                selected.append(item)
        return selected

    return filter_


def element_at(items: list[object], index: object) -> object:
    """1-based ``items[index]``; negative counts from the end; 0, fractions and out of range give null."""
    number = to_number(index)
    if number is None or (type(number) is not int):
        return None
    if 0 < number <= len(items):
        return items[number - 1]
    if number < 0 and -number <= len(items):
        return items[number]
    return None


# -- literals -----------------------------------------------------------------------------------------


def _names(node: object) -> Iterator[str]:
    """Every name a subtree refers to (variables, and functions called by name)."""
    if isinstance(node, Name):
        yield node.name
    if isinstance(node, Invocation) and node.name is not None:
        yield node.name
    if not isinstance(node, (Node, Iteration)):
        return
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        children = value if isinstance(value, tuple) else (value,)
        for child in children:
            if isinstance(child, tuple):  # a context entry (key, node)
                child = child[1]
            if isinstance(child, (Node, Iteration)):
                yield from _names(child)


def _compile_context(node: ContextLiteral) -> Compiled:
    entries = [(key, compile_tree(value)) for key, value in node.entries]
    earlier: set[str] = set()
    sees_earlier = False
    for key, value in node.entries[1:] if len(node.entries) > 1 else ():
        earlier.add(node.entries[0][0])
        sees_earlier = sees_earlier or any(name in earlier for name in _names(value))
        earlier.add(key)
    if not sees_earlier:
        # The common case ({itemId: response.body.Id}): no entry refers to another, so one comprehension.
        return lambda scope: {key: value(scope) for key, value in entries}

    def context(scope: Scope) -> object:
        result: dict[str, object] = {}
        layered = Layered(result, scope)
        for key, value in entries:
            result[key] = value(layered)
        return result

    return context


def _compile_range(node: RangeLiteral) -> Compiled:
    start, end = compile_tree(node.start), compile_tree(node.end)
    start_included, end_included = node.start_included, node.end_included

    def range_(scope: Scope) -> object:
        low, high = start(scope), end(scope)
        if low is not None and high is not None and type_name(low) != type_name(high):
            warn(INVALID_TYPE, f"a range needs endpoints of one type, got {type_name(low)} and {type_name(high)}")
            return None
        return Range(low, high, start_included, end_included)

    return range_


def _compile_unary_test_value(node: UnaryTestNode) -> Compiled:
    operand = compile_tree(node.operand)
    operator = node.operator

    def unary_test(scope: Scope) -> object:
        value = operand(scope)
        if operator == "<":
            return Range(None, value, False, False)
        if operator == "<=":
            return Range(None, value, False, True)
        if operator == ">":
            return Range(value, None, False, False)
        if operator == ">=":
            return Range(value, None, True, False)
        if operator == "=":
            return UnaryTest(lambda subject: feel_equal(subject, value), f"= {render(value)}")
        return UnaryTest(lambda subject: _not(feel_equal(subject, value)), f"!= {render(value)}")

    return unary_test


def _not(value: object) -> object:
    return (not value) if isinstance(value, bool) else None


# -- operators ----------------------------------------------------------------------------------------


def _decimal(operation: Callable[[Decimal, Decimal], Decimal], left: int | Decimal, right: int | Decimal) -> object:
    try:
        return normalize(operation(Decimal(left), Decimal(right)))
    except decimal.DecimalException:
        return None


def _integer(value: int) -> object:
    """An integer result: exact below 10**34, else rounded to 34 digits; beyond decimal128's range null."""
    try:
        return normalize(value)
    except OverflowError as error:
        warn(INVALID_TYPE, str(error))
        return None


def negate(value: object) -> object:
    number = to_number(value)
    if number is not None:
        return _integer(-number) if type(number) is int else -number
    if isinstance(value, (dt.timedelta, YearsMonthsDuration)):
        return -value
    if value is not None:
        warn(INVALID_TYPE, f"can't negate a {type_name(value)}")
    return None


def _mismatch(verb: str, left: object, right: object) -> None:
    if left is not None and right is not None:
        warn(INVALID_TYPE, f"can't {verb} a {type_name(left)} and a {type_name(right)}")


def add(left: object, right: object) -> object:
    if type(left) is int and type(right) is int:  # the common case, without the general number dispatch
        return _integer(left + right)
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        if type(a) is int and type(b) is int:
            return _integer(a + b)
        return _decimal(DECIMAL128.add, a, b)
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    result = _add_temporal(left, right)
    if result is None:
        result = _add_temporal(right, left)
    if result is None:
        _mismatch("add", left, right)
    return result


def _add_temporal(left: object, right: object) -> object:
    try:
        if isinstance(right, dt.timedelta):
            if isinstance(left, (dt.timedelta, dt.datetime)):
                return left + right
            if isinstance(left, dt.date):
                # date + duration is a date: Camunda adds the duration to the date's midnight and keeps the day.
                return (dt.datetime(left.year, left.month, left.day) + right).date()
            if isinstance(left, dt.time):
                moved = dt.datetime.combine(dt.date(2000, 1, 1), left.replace(tzinfo=None)) + right
                return moved.time().replace(tzinfo=left.tzinfo)
        if isinstance(right, YearsMonthsDuration):
            if isinstance(left, YearsMonthsDuration):
                return YearsMonthsDuration(left.months + right.months)
            if isinstance(left, dt.date):
                return add_months(left, right.months)
    except (OverflowError, ValueError):
        return None
    return None


def subtract(left: object, right: object) -> object:
    if type(left) is int and type(right) is int:  # the common case, without the general number dispatch
        return _integer(left - right)
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        if type(a) is int and type(b) is int:
            return _integer(a - b)
        return _decimal(DECIMAL128.subtract, a, b)
    result = _subtract_temporal(left, right)
    if result is None:
        _mismatch("subtract", left, right)
    return result


def _subtract_temporal(left: object, right: object) -> object:
    try:
        if isinstance(right, (dt.timedelta, YearsMonthsDuration)) and not isinstance(left, (int, Decimal, str)):
            if isinstance(left, (type(right), dt.date, dt.time)):
                return _add_temporal(left, -right)
            return None
        if isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
            if (left.tzinfo is None) != (right.tzinfo is None):
                return None
            return left - right
        if type(left) is dt.date and type(right) is dt.date:
            return left - right
        if isinstance(left, dt.time) and isinstance(right, dt.time):
            if (left.tzinfo is None) != (right.tzinfo is None):
                return None
            day = dt.date(2000, 1, 1)
            return dt.datetime.combine(day, left) - dt.datetime.combine(day, right)
    except (OverflowError, ValueError, TypeError):
        return None
    return None


def multiply(left: object, right: object) -> object:
    if type(left) is int and type(right) is int:  # the common case, without the general number dispatch
        return _integer(left * right)
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        if type(a) is int and type(b) is int:
            return _integer(a * b)
        return _decimal(DECIMAL128.multiply, a, b)
    if a is not None:
        left, right, b = right, left, a
    if b is not None:
        try:
            if isinstance(left, dt.timedelta):
                return left * (b if type(b) is int else float(b))
            if isinstance(left, YearsMonthsDuration):
                return YearsMonthsDuration(int(left.months * b))
        except (OverflowError, ValueError):
            return None
    _mismatch("multiply", left, right)
    return None


def divide(left: object, right: object) -> object:
    a, b = to_number(left), to_number(right)
    if a is not None and b is not None:
        if b == 0:
            warn(INVALID_TYPE, "division by zero")
            return None
        if type(a) is int and type(b) is int and a % b == 0:
            return _integer(a // b)  # exact
        return _decimal(DECIMAL128.divide, a, b)
    try:
        if isinstance(left, dt.timedelta):
            if isinstance(right, dt.timedelta):
                return None if not right else _decimal(DECIMAL128.divide, _micros(left), _micros(right))
            if b:
                return left / (b if type(b) is int else float(b))
        if isinstance(left, YearsMonthsDuration):
            if isinstance(right, YearsMonthsDuration):
                return None if not right.months else _decimal(DECIMAL128.divide, left.months, right.months)
            if b:
                return YearsMonthsDuration(int(left.months / b))
    except (OverflowError, ValueError):
        return None
    _mismatch("divide", left, right)
    return None


def _micros(value: dt.timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def power(left: object, right: object) -> object:
    a, b = to_number(left), to_number(right)
    if a is None or b is None:
        _mismatch("exponentiate", left, right)
        return None
    if type(a) is int and type(b) is int and b >= 0 and (b <= 1 or a.bit_length() * b <= 120):
        return _integer(a**b)
    return _decimal(DECIMAL128.power, a, b)


def _not_equal(left: object, right: object) -> object:
    equal = feel_equal(left, right)
    return None if equal is None else not equal


def _ordering(symbol: str, test: Callable[[int], bool]) -> Callable[[object, object], object]:
    def compare(left: object, right: object) -> object:
        order = feel_compare(left, right)
        if order is None:
            if left is not None and right is not None:
                warn(NOT_COMPARABLE, f"can't compare a {type_name(left)} {symbol} a {type_name(right)}")
            return None
        return test(order)

    return compare


_OPERATIONS: dict[str, Callable[[object, object], object]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "**": power,
    "=": feel_equal,
    "!=": _not_equal,
    "<": _ordering("<", lambda order: order < 0),
    "<=": _ordering("<=", lambda order: order <= 0),
    ">": _ordering(">", lambda order: order > 0),
    ">=": _ordering(">=", lambda order: order >= 0),
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


# -- unary tests (`in`) ------------------------------------------------------------------------------------

Test = Callable[[object, Scope], object]


def _compile_test(node: Node) -> Test:
    """One positive unary test: applied to the value left of ``in``."""
    if isinstance(node, UnaryTestNode):
        operand = compile_tree(node.operand)
        operation = _OPERATIONS[node.operator]
        return lambda subject, scope: operation(subject, operand(scope))
    expression = compile_tree(node)
    if "?" in set(_names(node)):
        # `x in ? > 5`: the test is a boolean expression over the input value `?`.
        def with_input(subject: object, scope: Scope) -> object:
            return _apply_test(subject, expression(Layered({"?": subject}, scope)), boolean=True)

        return with_input
    return lambda subject, scope: _apply_test(subject, expression(scope), boolean=False)


def _apply_test(subject: object, test: object, *, boolean: bool) -> object:
    if boolean and isinstance(test, bool):
        return test
    if isinstance(test, Range):
        return test.contains(subject)
    if isinstance(test, UnaryTest):
        return test(subject)
    if isinstance(test, list) and not isinstance(subject, list):
        return any(feel_equal(subject, candidate) is True for candidate in test)
    return feel_equal(subject, test)


def _compile_in(node: In) -> Compiled:
    value = compile_tree(node.value)
    tests = [_compile_test(test) for test in node.tests]

    def in_(scope: Scope) -> object:
        subject = value(scope)
        outcome: object = False
        for test in tests:
            result = test(subject, scope)
            if result is True:
                return True
            if result is None:
                outcome = None
        return outcome

    return in_


# -- iteration -----------------------------------------------------------------------------------------------


def _domain(iteration: Iteration) -> Callable[[Scope], list[object] | None]:
    start = compile_tree(iteration.domain)
    end = compile_tree(iteration.end) if iteration.end is not None else None

    def domain(scope: Scope) -> list[object] | None:
        first = start(scope)
        if end is not None:
            return _integers(first, end(scope), True, True)
        if isinstance(first, list):
            return first
        if isinstance(first, Range):
            return _integers(first.start, first.end, first.start_included, first.end_included)
        if first is None:
            return None
        return [first]

    return domain


def _integers(first: object, last: object, first_included: bool, last_included: bool) -> list[object] | None:
    """``1..3`` is [1, 2, 3]; ``3..1`` counts down, as in Camunda's engine."""
    low, high = to_number(first), to_number(last)
    if type(low) is not int or type(high) is not int:
        warn(INVALID_TYPE, f"a for domain a..b needs two integers, got a {type_name(first)} and a {type_name(last)}")
        return None
    step = 1 if high >= low else -1
    if not first_included:
        low += step
    if not last_included:
        high -= step
    if abs(high - low) >= MAX_ITERATIONS:
        warn(TOO_MANY_ITERATIONS, f"the range {low}..{high} has more than {MAX_ITERATIONS} items")
        return None
    return list(range(low, high + step, step))


def _bindings(
    names: list[str], domains: list[Callable[[Scope], list[object] | None]], scope: Scope
) -> Iterator[dict[str, object]] | None:
    """Every combination of the iteration contexts, the first one outermost; later domains may use earlier names."""
    if len(domains) == 1:
        items = domains[0](scope)
        if items is None:
            return None
        name = names[0]
        return ({name: item} for item in items)

    def nested(level: int, bound: dict[str, object]) -> Iterator[dict[str, object]]:
        items = domains[level](Layered(bound, scope))
        for item in items or ():
            inner = {**bound, names[level]: item}
            if level + 1 == len(domains):
                yield inner
            else:
                yield from nested(level + 1, inner)

    return nested(0, {})


def _compile_for(node: For) -> Compiled:
    names = [iteration.name for iteration in node.iterations]
    domains = [_domain(iteration) for iteration in node.iterations]
    result = compile_tree(node.result)

    def for_(scope: Scope) -> object:
        bindings = _bindings(names, domains, scope)
        if bindings is None:
            return None
        results: list[object] = []
        for binding in itertools.islice(bindings, MAX_ITERATIONS + 1):
            if len(results) == MAX_ITERATIONS:
                warn(TOO_MANY_ITERATIONS, f"a for expression produced more than {MAX_ITERATIONS} items")
                return None
            binding["partial"] = results  # the results so far (feel-scala's `partial`)
            results.append(result(Layered(binding, scope)))
        return results

    return for_


def _compile_quantified(node: Quantified) -> Compiled:
    names = [iteration.name for iteration in node.iterations]
    domains = [_domain(iteration) for iteration in node.iterations]
    condition = compile_tree(node.condition)
    every = node.every

    def quantified(scope: Scope) -> object:
        bindings = _bindings(names, domains, scope)
        if bindings is None:
            return None
        for count, binding in enumerate(bindings):
            if count == MAX_ITERATIONS:
                warn(TOO_MANY_ITERATIONS, f"a quantified expression visited more than {MAX_ITERATIONS} items")
                return None
            holds = condition(Layered(binding, scope)) is True
            if holds is not every:
                return holds
        return every

    return quantified


# -- types (`instance of`) -------------------------------------------------------------------------------------


def _type_test(spec: object) -> Callable[[object], bool]:
    if isinstance(spec, str):
        if spec == "Any":
            return lambda value: True
        if spec == "Null":
            return lambda value: value is None
        return lambda value: value is not None and type_name(value) == spec
    assert isinstance(spec, tuple)
    kind = spec[0]
    if kind == "list":
        item_test = _type_test(spec[1])
        return lambda value: isinstance(value, list) and all(item_test(item) for item in value)
    if kind == "range":
        endpoint_test = _type_test(spec[1])
        return lambda value: (
            isinstance(value, Range)
            and all(endpoint is None or endpoint_test(endpoint) for endpoint in (value.start, value.end))
        )
    if kind == "context":
        entry_tests = [(key, _type_test(entry)) for key, entry in spec[1]]
        return lambda value: (
            isinstance(value, Mapping) and all(key in value and test(value[key]) for key, test in entry_tests)
        )
    return lambda value: isinstance(value, (FeelFunction, UnaryTest))


# -- functions -------------------------------------------------------------------------------------------------


def _compile_function_definition(node: FunctionDefinition) -> Compiled:
    parameters = node.parameters
    body = compile_tree(node.body)

    def definition(scope: Scope) -> object:
        def call(arguments: list[object]) -> object:
            return body(Layered(dict(zip(parameters, arguments, strict=True)), scope))

        return FeelFunction(parameters, call)

    return definition


def invoke_function(
    function: FeelFunction, arguments: list[object], names: tuple[str, ...] | None, label: str
) -> object:
    """Call a function value with positional or named arguments; a mismatch is null with a warning."""
    if names is not None:
        if set(names) != set(function.parameters) or len(names) != len(function.parameters):
            warn(NO_FUNCTION_FOUND, f"no function found with name '{label}' and parameters {', '.join(names)}")
            return None
        by_name = dict(zip(names, arguments, strict=True))
        arguments = [by_name[parameter] for parameter in function.parameters]
    elif len(arguments) != len(function.parameters) and not function.variadic:
        warn(NO_FUNCTION_FOUND, f"no function found with name '{label}' and {len(arguments)} parameters")
        return None
    return function.body(arguments)


def _compile_invocation(node: Invocation) -> Compiled:
    arguments = [compile_tree(argument) for argument in node.arguments]
    names = node.argument_names
    if node.target is not None:
        target = compile_tree(node.target)

        def call_value(scope: Scope) -> object:
            function = target(scope)
            values = [argument(scope) for argument in arguments]
            if not isinstance(function, FeelFunction):
                warn(NO_FUNCTION_FOUND, f"can't invoke a {type_name(function)}: not a function")
                return None
            return invoke_function(function, values, names, function.name)

        return call_value
    name = node.name
    assert name is not None
    spec = FUNCTIONS.get(name)
    order = spec.bind(len(arguments), names) if spec is not None else None
    if spec is None or order is None:
        return _compile_call_by_name(name, arguments, names, spec)
    return _compile_builtin_call(name, spec, arguments, order)


def _compile_builtin_call(
    name: str, spec: FunctionSpec, arguments: list[Compiled], order: list[int] | None
) -> Compiled:
    implementation = spec.implementation
    if order is not None and order != list(range(len(order))):
        ordered = [arguments[index] for index in order]
    else:
        ordered = arguments
    if len(ordered) == 1:
        (only,) = ordered
        return lambda scope: call_builtin(name, implementation, (only(scope),))
    return lambda scope: call_builtin(name, implementation, [argument(scope) for argument in ordered])


def _compile_call_by_name(
    name: str, arguments: list[Compiled], names: tuple[str, ...] | None, spec: FunctionSpec | None
) -> Compiled:
    # Not a built-in with this many (or these named) parameters: a function value in scope, else null with a
    # warning, as Camunda's engine reports "no function found with name ..." and goes on.
    def call(scope: Scope) -> object:
        function = scope.get(name)
        values = [argument(scope) for argument in arguments]
        if isinstance(function, FeelFunction):
            return invoke_function(function, values, names, name)
        described = f"parameters {', '.join(names)}" if names is not None else f"{len(values)} parameters"
        warn(NO_FUNCTION_FOUND, f"no function found with name '{name}' and {described}")
        return None

    return call


_COMPILERS: dict[type, Callable[[Any], Compiled]] = {
    Literal: _compile_literal,
    Name: _compile_name,
    Path: _compile_path,
    Filter: _compile_filter,
    ListLiteral: _compile_list,
    ContextLiteral: _compile_context,
    Unary: _compile_unary,
    Binary: _compile_binary,
    Between: _compile_between,
    In: _compile_in,
    Conditional: _compile_conditional,
    Invocation: _compile_invocation,
    RangeLiteral: _compile_range,
    UnaryTestNode: _compile_unary_test_value,
    For: _compile_for,
    Quantified: _compile_quantified,
    InstanceOf: _compile_instance_of,
    FunctionDefinition: _compile_function_definition,
}
