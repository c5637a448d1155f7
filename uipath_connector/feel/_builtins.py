"""Built-in functions of FEEL, and the connector functions of Camunda's runtime.

One registry, :data:`FUNCTIONS`: each entry names its parameters as Camunda's documentation does ("FEEL
built-in functions", docs.camunda.io), one tuple per accepted signature, so that positional and named
invocation (``substring(string: "abc", start position: 2)``) both resolve here, and the parser derives the
multi-word names. An argument of the wrong type gives null; a failure (an invalid regular expression, an
invalid number text, an arithmetic overflow) gives null with a warning, as in Camunda's engine. Only the
connector functions ``bpmnError``, ``jobError`` and ``ignoreError`` keep strict argument types and raise
:class:`FeelEvaluationError` (Camunda's connector runtime fails the job for them).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import re
import statistics
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ._errors import FeelEvaluationError
from ._regex import MAX_STEPS, Regex, RegexError, compile_regex
from ._temporal import (
    YearsMonthsDuration,
    _zone,
    feel_duration,
    months_between,
    parse_date,
    parse_date_and_time,
    parse_time,
)
from ._values import (
    DECIMAL128,
    FeelFunction,
    Range,
    UnaryTest,
    feel_compare,
    feel_equal,
    normalize,
    to_feel_string,
    to_number,
    type_name,
)
from ._warnings import FUNCTION_INVOCATION_FAILURE, warn

Arguments = Sequence[object]
Implementation = Callable[[Arguments], object]


class FeelInvocationError(ValueError):
    """A built-in cannot produce a value for these arguments; the caller gets null and a warning."""


@dataclass(frozen=True)
class FunctionSpec:
    """A built-in: its signatures (parameter names, one tuple per accepted arity) and its implementation.

    ``variadic``: any number of positional arguments from the shortest signature's length on (``min(1, 2, 3)``,
    ``append(list, 1, 2)``, ``concatenate(a, b, c)``).
    """

    signatures: tuple[tuple[str, ...], ...]
    implementation: Implementation
    variadic: bool = False

    def bind(self, count: int, names: tuple[str, ...] | None) -> list[int] | None:
        """The index of each parameter among the written arguments; None when no signature fits."""
        if names is None:
            for signature in self.signatures:  # a loop, not any(): this runs for every call on every cold parse
                if len(signature) == count:
                    return list(range(count))
            if self.variadic and count >= min(len(signature) for signature in self.signatures):
                return list(range(count))
            return None
        for signature in self.signatures:
            if len(signature) == len(names) and set(signature) == set(names):
                return [names.index(parameter) for parameter in signature]
        return None


def call_builtin(name: str, implementation: Implementation, arguments: Arguments) -> object:
    """Run a built-in; a failure becomes null with a warning (Camunda: "failed to invoke function")."""
    try:
        return implementation(arguments)
    except FeelEvaluationError:
        raise
    except (FeelInvocationError, RegexError, decimal.DecimalException, ArithmeticError, ValueError) as error:
        warn(FUNCTION_INVOCATION_FAILURE, f"failed to invoke function '{name}': {error}")
        return None


def _strings(args: Arguments) -> list[str] | None:
    if all(isinstance(arg, str) for arg in args):
        return list(args)  # type: ignore[arg-type]
    return None


def _integer(value: object) -> int | None:
    number = to_number(value)
    return number if type(number) is int else None


# -- conversion ---------------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


_GROUPING_SEPARATORS = (" ", ",", ".")
_DECIMAL_SEPARATORS = (",", ".")


def _shown(text: str) -> str:
    """``text`` quoted for a warning, shortened: a warning names the input, it does not copy a whole body."""
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _number(args: Arguments) -> object:
    # Camunda's number() (feel-scala's ConversionBuiltinFunctions): separators are checked, removed or replaced,
    # and the rest is Java's BigDecimal(text). A bad separator or text that is no number is a failed invocation:
    # null with a FUNCTION_INVOCATION_FAILURE warning. Arguments of the wrong types (not strings) are null without
    # one, as feel-scala's builtins give for arguments no signature case takes.
    text = args[0]
    if not isinstance(text, str):
        return None
    if len(args) > 1:
        grouping = args[1]
        decimal = args[2] if len(args) > 2 else None
        if grouping is not None and not isinstance(grouping, str):
            return None
        if decimal is not None and not isinstance(decimal, str):
            return None
        if grouping is None and (decimal is None or decimal not in _DECIMAL_SEPARATORS):
            return None
        if decimal is None and len(args) > 2 and grouping not in _GROUPING_SEPARATORS:
            return None
        if grouping is not None and grouping not in _GROUPING_SEPARATORS:
            raise FeelInvocationError(f"grouping separator {grouping!r} is not one of ' ', ',' or '.'")
        if decimal is not None and decimal not in _DECIMAL_SEPARATORS:
            raise FeelInvocationError(f"decimal separator {decimal!r} is not ',' or '.'")
        if decimal is not None and decimal == grouping:
            raise FeelInvocationError(f"the grouping and the decimal separator are both {decimal!r}")
        if grouping is not None:
            text = text.replace(grouping, "")
        if decimal is not None:
            text = text.replace(decimal, ".")
    if len(text) > 4300 or _NUMBER_TEXT.fullmatch(text) is None:
        raise FeelInvocationError(f"{_shown(text)} is not a number")
    return normalize(DECIMAL128.create_decimal(text))


def _string(args: Arguments) -> object:
    return to_feel_string(args[0])


def _context(args: Arguments) -> object:
    entries = args[0]
    if not isinstance(entries, list):
        return None
    result: dict[str, object] = {}
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("key"), str) or "value" not in entry:
            return None
        result[entry["key"]] = entry["value"]
    return result


def _date(args: Arguments) -> object:
    if len(args) == 3:
        numbers = [_integer(arg) for arg in args]
        if any(number is None for number in numbers):
            return None
        try:
            return dt.date(*numbers)  # type: ignore[arg-type]
        except ValueError:
            return None
    value = args[0]
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None


def _time(args: Arguments) -> object:
    if len(args) >= 3:
        numbers = [_integer(arg) for arg in args[:2]]
        second = to_number(args[2])
        offset = args[3] if len(args) > 3 else None
        if any(number is None for number in numbers) or second is None:
            return None
        if offset is not None and not isinstance(offset, dt.timedelta):
            return None
        whole = int(second)
        micros = int((Decimal(second) - whole) * 1_000_000)
        zone = dt.timezone(offset) if offset is not None else None
        try:
            return dt.time(numbers[0], numbers[1], whole, micros, tzinfo=zone)  # type: ignore[arg-type]
        except ValueError:
            return None
    value = args[0]
    if isinstance(value, dt.datetime):
        return value.timetz()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.date):
        return dt.time(0, 0)
    return parse_time(value) if isinstance(value, str) else None


def _date_and_time(args: Arguments) -> object:
    value = args[0]
    if len(args) == 2:
        second = args[1]
        if not isinstance(value, dt.date):
            return None
        if isinstance(second, dt.time):
            return (
                dt.datetime.combine(value, second)
                if not isinstance(value, dt.datetime)
                else dt.datetime.combine(value.date(), second)
            )
        if isinstance(second, str):  # date and time(from: date and time, timezone: string), a Camunda extension
            try:
                zone = _zone("@" + second)
            except LookupError:
                return None
            moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            if moment.tzinfo is None:
                return moment.replace(tzinfo=zone)
            return moment.astimezone(zone)
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return parse_date_and_time(value) if isinstance(value, str) else None


def _duration(args: Arguments) -> object:
    value = args[0]
    if isinstance(value, (dt.timedelta, YearsMonthsDuration)):
        return value
    if not isinstance(value, str):
        return None
    return feel_duration(value)


def _years_and_months_duration(args: Arguments) -> object:
    start, end = args
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return None
    return YearsMonthsDuration(months_between(start, end))


def _range(args: Arguments) -> object:
    # range(from: string), a Camunda extension: "[1..10]", "(1..10)", "]1..10[" with number or temporal endpoints.
    text = args[0]
    if not isinstance(text, str):
        return None
    match = re.fullmatch(r"\s*([\[\](])(.*)\.\.(.*)([\])\[])\s*", text)
    if match is None:
        return None
    from ._expression import parse  # late: the expression module builds on this one

    endpoints = []
    for part in (match[2], match[3]):
        part = part.strip()
        value = parse(part).evaluate({}) if part else None
        endpoints.append(value)
    return Range(endpoints[0], endpoints[1], match[1] == "[", match[4] == "]")


# -- boolean ---------------------------------------------------------------------------------------------


def _not(args: Arguments) -> object:
    value = args[0]
    return (not value) if isinstance(value, bool) else None


def _get_or_else(args: Arguments) -> object:
    return args[1] if args[0] is None else args[0]


def _assert(args: Arguments) -> object:
    value, condition = args[0], args[1]
    if condition is not True:
        # Camunda's engine: "the evaluation fails with an assertion failure" (not null): the expression raises.
        cause = args[2] if len(args) > 2 else "the condition is not fulfilled"
        raise FeelEvaluationError(f"assertion failed: {to_feel_string(cause)}")
    return value


# -- strings --------------------------------------------------------------------------------------------


def _string_function(function: Callable[..., object]) -> Implementation:
    def call(args: Arguments) -> object:
        strings = _strings(args)
        return None if strings is None else function(*strings)

    return call


def _code_points(text: str) -> int:
    return len(text)


def _substring(args: Arguments) -> object:
    text, start = args[0], to_number(args[1])
    length = to_number(args[2]) if len(args) > 2 else None
    if not isinstance(text, str) or start is None or (len(args) > 2 and length is None):
        return None
    # As Camunda's substring (feel-scala's StringBuiltinFunctions): positions are 1-based, a negative start counts
    # from the end, the numbers are cut to integers (Java's intValue), the end is clamped to the string's end,
    # and a start before the string or after its end, or an end before the start, is a failed invocation (Java's
    # String.substring throws): null with a FUNCTION_INVOCATION_FAILURE warning. Positions count code points.
    first = int(start)
    characters = len(text)
    begin = first - 1 if first > 0 else characters + first
    if length is None:
        if not 0 <= begin <= characters:
            raise FeelInvocationError(f"start position {first} is outside the string of length {characters}")
        return text[begin:]
    end = min(begin + int(length), characters)
    if begin < 0 or end < begin:
        raise FeelInvocationError(
            f"start position {first} and length {int(length)} are outside the string of length {characters}"
        )
    return text[begin:end]


def _substring_before(text: str, match: str) -> str:
    position = text.find(match)
    return "" if position < 0 else text[:position]


def _substring_after(text: str, match: str) -> str:
    if match == "":
        return text
    position = text.find(match)
    return "" if position < 0 else text[position + len(match) :]


def _replacement(template: str, groups: int, names: Mapping[str, int]) -> list[str | int] | None:
    """A replacement text as literal parts and group numbers, read as Java's ``replaceAll`` reads it (Camunda's
    ``replace`` calls it); ``None`` where Java fails, which makes the call null with a warning.

    ``$1`` takes as many digits as name an existing group (``$12`` is group 12 only if there are 12), ``${name}`` a
    named group, a backslash quotes the next character (``\\$``, ``\\\\``); a ``$`` before anything else, a group
    that does not exist or a backslash at the end fails (Java: "Illegal group reference", "No group 3"; XPath
    calls it FORX0004).
    """
    parts: list[str | int] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\":
            if index + 1 == len(template):
                return None
            parts.append(template[index + 1])
            index += 2
        elif char == "$":
            end = index + 1
            if template.startswith("{", end):
                close = template.find("}", end)
                number = names.get(template[end + 1 : close]) if close > 0 else None
                if number is None:
                    return None  # Java: "No group with name {...}"
                parts.append(number)
                index = close + 1
                continue
            if end == len(template) or not template[end].isdigit():
                return None
            group = template[end]
            end += 1
            while end < len(template) and template[end].isdigit() and int(group + template[end]) <= groups:
                group += template[end]
                end += 1
            if int(group) > groups:
                return None  # Java's replaceAll: "No group n" (IndexOutOfBoundsException)
            parts.append(int(group))
            index = end
        else:
            parts.append(char)
            index += 1
    return parts


def _compile(pattern: str, flags: str) -> Regex:
    return compile_regex(pattern, flags)


def _find_all(regex: Regex, text: str) -> Iterator[tuple[int, ...]]:
    """Every match left to right; after an empty match the next search starts one further (Java's Matcher.find)."""
    budget = [MAX_STEPS]
    position = 0
    while position <= len(text):
        found = regex.search(text, position, budget)
        if found is None:
            return
        yield found
        position = found[1] + 1 if found[1] == found[0] else found[1]


def _replace(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    text, pattern, replacement = strings[:3]
    regex = _compile(pattern, strings[3] if len(strings) > 3 else "")
    parts = _replacement(replacement, regex.groups, regex.group_names)
    if parts is None:
        raise RegexError(
            f"invalid replacement {replacement!r}: '$' must be followed by the number or {{name}} of a group of the "
            "pattern, and '\\' by the character it quotes"
        )
    out: list[str] = []
    last = 0
    for found in _find_all(regex, text):
        out.append(text[last : found[0]])
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            else:
                start, end = found[2 * part], found[2 * part + 1]
                if start >= 0:
                    out.append(text[start:end])
        last = found[1]
    out.append(text[last:])
    return "".join(out)


def _matches(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    regex = _compile(strings[1], strings[2] if len(strings) > 2 else "")
    return regex.search(strings[0], 0, [MAX_STEPS]) is not None


def _split(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    regex = _compile(strings[1], "")
    # Camunda's split is Java's Pattern.split(text, -1) (feel-scala's StringBuiltinFunctions): every match splits,
    # empty ones too, except an empty match at the very start; trailing empty strings are kept. So
    # split("abc", "") is ["a", "b", "c", ""] there and here (JavaScript's split, in feelin, gives ["a", "b", "c"]).
    text, pieces, last = strings[0], [], 0
    for found in _find_all(regex, text):
        start, end = found[0], found[1]
        if start == end == 0:
            continue
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return pieces


def _extract(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    regex = _compile(strings[1], "")
    return [strings[0][found[0] : found[1]] for found in _find_all(regex, strings[0])]


def _string_join(args: Arguments) -> object:
    items = args[0]
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        return None
    texts = [arg if isinstance(arg, str) else "" for arg in args[1:]]
    if not all(arg is None or isinstance(arg, str) for arg in args[1:]):
        return None
    delimiter, prefix, suffix = [*texts, "", "", ""][:3]
    parts = [item for item in items if item is not None]
    if not all(isinstance(part, str) for part in parts):
        return None
    return prefix + delimiter.join(str(part) for part in parts) + suffix


def _trim(text: str) -> str:
    return text.strip(" \t\n\r\f\v")


def _to_base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


# -- lists -------------------------------------------------------------------------------------------


def _list_argument(args: Arguments) -> list[object] | None:
    """``f(list)`` or ``f(a, b, c)``: the aggregate functions accept both forms."""
    if len(args) == 1:
        value = args[0]
        return value if isinstance(value, list) else None
    return list(args)


def _numbers_of(args: Arguments) -> list[int | Decimal] | None:
    items = _list_argument(args)
    if items is None:
        return None
    numbers = [to_number(item) for item in items]
    if any(number is None for number in numbers):
        return None
    return numbers  # type: ignore[return-value]


def _count(args: Arguments) -> object:
    return len(args[0]) if isinstance(args[0], list) else None


def _sum(args: Arguments) -> object:
    numbers = _numbers_of(args)
    if not numbers:
        return None
    if all(type(number) is int for number in numbers):
        return normalize(sum(numbers))
    total = Decimal(0)
    for number in numbers:
        total = DECIMAL128.add(total, Decimal(number))
    return normalize(total)


def _product(args: Arguments) -> object:
    numbers = _numbers_of(args)
    if not numbers:
        return None
    total = Decimal(1)
    for number in numbers:
        total = DECIMAL128.multiply(total, Decimal(number))
    return normalize(total)


def _mean(args: Arguments) -> object:
    numbers = _numbers_of(args)
    if not numbers:
        return None
    total = _sum([numbers])
    return normalize(DECIMAL128.divide(Decimal(total), Decimal(len(numbers))))  # type: ignore[arg-type]


def _median(args: Arguments) -> object:
    numbers = _numbers_of(args)
    if not numbers:
        return None
    ordered = sorted(Decimal(number) for number in numbers)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return normalize(ordered[middle])
    return normalize(DECIMAL128.divide(DECIMAL128.add(ordered[middle - 1], ordered[middle]), Decimal(2)))


def _stddev(args: Arguments) -> object:
    numbers = _numbers_of(args)
    if not numbers or len(numbers) < 2:
        return None
    with decimal.localcontext(DECIMAL128):
        return normalize(statistics.stdev([Decimal(number) for number in numbers]))


def _mode(args: Arguments) -> object:
    numbers = _numbers_of(args)
    if numbers is None:
        return None
    counts: dict[Decimal, int] = {}
    for number in numbers:
        counts[Decimal(number)] = counts.get(Decimal(number), 0) + 1
    if not counts:
        return []
    best = max(counts.values())
    return sorted(normalize(number) for number, count in counts.items() if count == best)


def _extreme(sign: int) -> Implementation:
    def extreme(args: Arguments) -> object:
        items = _list_argument(args)
        if not items:
            return None
        best = items[0]
        for item in items[1:]:
            order = feel_compare(item, best)
            if order is None:
                return None
            if order == sign:
                best = item
        if feel_compare(best, best) is None:
            return None
        return best

    return extreme


def _all(args: Arguments) -> object:
    items = _list_argument(args)
    if items is None:
        return None
    if any(item is False for item in items):
        return False
    if all(item is True for item in items):
        return True
    return None


def _any(args: Arguments) -> object:
    items = _list_argument(args)
    if items is None:
        return None
    if any(item is True for item in items):
        return True
    if all(item is False for item in items):
        return False
    return None


def _list_contains(args: Arguments) -> object:
    items, needle = args
    if not isinstance(items, list):
        return None
    return any(feel_equal(item, needle) is True for item in items)


def _sublist(args: Arguments) -> object:
    items, start = args[0], _integer(args[1])
    length = _integer(args[2]) if len(args) > 2 else None
    if not isinstance(items, list) or start is None or (len(args) > 2 and (length is None or length < 0)):
        return None
    if start == 0:
        return None
    index = max(start - 1 if start > 0 else len(items) + start, 0)
    return items[index:] if length is None else items[index : index + length]


def _append(args: Arguments) -> object:
    if not isinstance(args[0], list):
        return None
    return [*args[0], *args[1:]]


def _concatenate(args: Arguments) -> object:
    result: list[object] = []
    for item in args:
        if not isinstance(item, list):
            return None
        result.extend(item)
    return result


def _position(items: list[object], position: object, *, allow_end: bool = False) -> int | None:
    number = _integer(position)
    if number is None or number == 0:
        return None
    size = len(items) + (1 if allow_end else 0)
    index = number - 1 if number > 0 else len(items) + number
    return index if 0 <= index < size else None


def _insert_before(args: Arguments) -> object:
    items = args[0]
    if not isinstance(items, list):
        return None
    index = _position(items, args[1], allow_end=True)
    if index is None:
        raise FeelInvocationError(f"position {to_feel_string(args[1])} is outside the list")
    return [*items[:index], args[2], *items[index:]]


def _remove(args: Arguments) -> object:
    items = args[0]
    if not isinstance(items, list):
        return None
    index = _position(items, args[1])
    if index is None:
        raise FeelInvocationError(f"position {to_feel_string(args[1])} is outside the list")
    return [*items[:index], *items[index + 1 :]]


def _list_replace(args: Arguments) -> object:
    items, where, new_item = args
    if not isinstance(items, list):
        return None
    if isinstance(where, FeelFunction):
        # list replace(list, match, newItem): match(item, newItem) decides which items are replaced.
        return [new_item if where.body([item, new_item]) is True else item for item in items]
    index = _position(items, where)
    if index is None:
        raise FeelInvocationError(f"position {to_feel_string(where)} is outside the list")
    return [*items[:index], new_item, *items[index + 1 :]]


def _reverse(args: Arguments) -> object:
    return list(reversed(args[0])) if isinstance(args[0], list) else None


def _index_of(args: Arguments) -> object:
    items, match = args
    if not isinstance(items, list):
        return None
    return [index + 1 for index, item in enumerate(items) if feel_equal(item, match) is True]


def _union(args: Arguments) -> object:
    joined = _concatenate(args)
    return None if joined is None else _distinct_values([joined])


def _distinct_values(args: Arguments) -> object:
    items = args[0]
    if not isinstance(items, list):
        return None
    result: list[object] = []
    for item in items:
        if not any(feel_equal(item, seen) is True for seen in result):
            result.append(item)
    return result


def _duplicate_values(args: Arguments) -> object:
    items = args[0]
    if not isinstance(items, list):
        return None
    result: list[object] = []
    for index, item in enumerate(items):
        seen_before = any(feel_equal(item, other) is True for other in items[:index])
        if seen_before and not any(feel_equal(item, kept) is True for kept in result):
            result.append(item)
    return result


def _flatten(args: Arguments) -> object:
    items = args[0]
    if not isinstance(items, list):
        return None
    result: list[object] = []
    stack: list[Iterator[object]] = [iter(items)]
    while stack:  # iterative: a deeply nested list cannot exhaust the Python stack
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            result.append(item)
        else:
            stack.pop()
    return result


def _sort(args: Arguments) -> object:
    items, precedes = args
    if not isinstance(items, list) or not isinstance(precedes, FeelFunction):
        return None
    result: list[object] = []
    for item in items:  # insertion sort on the user's "precedes" (stable; lists in expressions are short)
        position = len(result)
        while position > 0 and precedes.body([item, result[position - 1]]) is True:
            position -= 1
        result.insert(position, item)
    return result


def _is_empty(args: Arguments) -> object:
    return len(args[0]) == 0 if isinstance(args[0], list) else None


def _partition(args: Arguments) -> object:
    items, size = args[0], _integer(args[1])
    if not isinstance(items, list) or size is None or size <= 0:
        return None
    return [items[index : index + size] for index in range(0, len(items), size)]


# -- numbers -------------------------------------------------------------------------------------------

_ROUNDING = {
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
    "round up": decimal.ROUND_UP,
    "round down": decimal.ROUND_DOWN,
    "round half up": decimal.ROUND_HALF_UP,
    "round half down": decimal.ROUND_HALF_DOWN,
    "decimal": decimal.ROUND_HALF_EVEN,
}


def _rounding(mode: str) -> Implementation:
    rounding = _ROUNDING[mode]

    def round_(args: Arguments) -> object:
        number = to_number(args[0])
        scale = _integer(args[1]) if len(args) > 1 else 0
        if number is None or scale is None:
            return None
        if not -6111 <= scale <= 6176:
            raise FeelInvocationError(f"scale {scale} is outside -6111..6176")
        rounded = Decimal(number).quantize(Decimal(1).scaleb(-scale), rounding=rounding, context=DECIMAL128)
        return normalize(rounded)

    return round_


def _abs(args: Arguments) -> object:
    value = args[0]
    if isinstance(value, dt.timedelta):
        return abs(value)
    if isinstance(value, YearsMonthsDuration):
        return YearsMonthsDuration(abs(value.months))
    number = to_number(value)
    return None if number is None else normalize(abs(number))  # type: ignore[arg-type]


def _modulo(args: Arguments) -> object:
    dividend, divisor = to_number(args[0]), to_number(args[1])
    if dividend is None or divisor is None:
        return None
    if divisor == 0:
        raise FeelInvocationError("division by zero")
    if type(dividend) is int and type(divisor) is int:
        return dividend % divisor  # Python's % takes the divisor's sign, as FEEL's modulo does
    a, b = Decimal(dividend), Decimal(divisor)
    # modulo(dividend, divisor) = dividend - divisor * floor(dividend / divisor) (DMN 1.5, 10.3.4.4)
    quotient = DECIMAL128.divide(a, b).to_integral_value(rounding=decimal.ROUND_FLOOR)
    return normalize(DECIMAL128.subtract(a, DECIMAL128.multiply(b, quotient)))


def _sqrt(args: Arguments) -> object:
    number = to_number(args[0])
    if number is None:
        return None
    if number < 0:
        raise FeelInvocationError(f"square root of a negative number {number}")
    return normalize(DECIMAL128.sqrt(Decimal(number)))


def _log(args: Arguments) -> object:
    number = to_number(args[0])
    if number is None:
        return None
    if number <= 0:
        raise FeelInvocationError(f"logarithm of a number that is not positive: {number}")
    return normalize(DECIMAL128.ln(Decimal(number)))


def _exp(args: Arguments) -> object:
    number = to_number(args[0])
    return None if number is None else normalize(DECIMAL128.exp(Decimal(number)))


def _parity(remainder: int) -> Implementation:
    def parity(args: Arguments) -> object:
        number = to_number(args[0])
        if number is None:
            return None
        if type(number) is not int:
            return False
        return number % 2 == remainder

    return parity


def _random_number(args: Arguments) -> object:
    import random

    # Not for secrets: FEEL's random number() is documented as a plain pseudo-random number in [0, 1).
    return normalize(DECIMAL128.create_decimal(repr(random.random())))  # noqa: S311


# -- contexts ----------------------------------------------------------------------------------------------


def _keys(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(key, str) for key in value):
        return value
    return None


def _get_value(args: Arguments) -> object:
    context, keys = args[0], _keys(args[1])
    if not isinstance(context, Mapping) or keys is None:
        return None
    value: object = context
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _get_entries(args: Arguments) -> object:
    context = args[0]
    if not isinstance(context, Mapping):
        return None
    return [{"key": key, "value": value} for key, value in context.items()]


def _context_put(args: Arguments) -> object:
    context, keys, value = args[0], _keys(args[1]), args[2]
    if not isinstance(context, Mapping) or keys is None:
        return None
    return _put(context, keys, value)


def _put(context: Mapping[str, object], keys: list[str], value: object) -> dict[str, object]:
    result = dict(context)
    if len(keys) == 1:
        result[keys[0]] = value
        return result
    inner = result.get(keys[0])
    result[keys[0]] = _put(inner if isinstance(inner, Mapping) else {}, keys[1:], value)
    return result


def _context_merge(args: Arguments) -> object:
    contexts = _list_argument(args)
    if contexts is None or not all(isinstance(context, Mapping) for context in contexts):
        return None
    result: dict[str, object] = {}
    for context in contexts:
        result.update(context)  # type: ignore[call-overload]
    return result


# -- ranges (DMN 1.5, 10.3.4.8: Allen's interval relations, points as degenerate ranges) --------------------


def _as_range(value: object) -> Range | None:
    if isinstance(value, Range):
        return value
    if isinstance(value, UnaryTest) or value is None:
        return None
    return Range(value, value, True, True)


def _lt(a: object, b: object) -> bool:
    order = feel_compare(a, b)
    if order is None:
        raise FeelInvocationError(f"can't compare {type_name(a)} with {type_name(b)}")
    return order < 0


def _eq(a: object, b: object) -> bool:
    order = feel_compare(a, b)
    if order is None:
        raise FeelInvocationError(f"can't compare {type_name(a)} with {type_name(b)}")
    return order == 0


def _range_relation(relation: Callable[[Range, Range], bool]) -> Implementation:
    def apply(args: Arguments) -> object:
        first, second = _as_range(args[0]), _as_range(args[1])
        if first is None or second is None or None in (first.start, first.end, second.start, second.end):
            return None
        return relation(first, second)

    return apply


def _before(a: Range, b: Range) -> bool:
    return _lt(a.end, b.start) or (_eq(a.end, b.start) and not (a.end_included and b.start_included))


def _meets(a: Range, b: Range) -> bool:
    return a.end_included and b.start_included and _eq(a.end, b.start)


def _overlaps(a: Range, b: Range) -> bool:
    return not _before(a, b) and not _before(b, a)


def _overlaps_before(a: Range, b: Range) -> bool:
    starts_first = _lt(a.start, b.start) or (_eq(a.start, b.start) and a.start_included and not b.start_included)
    ends_inside = (_lt(b.start, a.end) or (_eq(b.start, a.end) and a.end_included and b.start_included)) and (
        _lt(a.end, b.end) or (_eq(a.end, b.end) and (not a.end_included or b.end_included))
    )
    return starts_first and ends_inside


def _finishes(a: Range, b: Range) -> bool:
    same_end = _eq(a.end, b.end) and a.end_included == b.end_included
    inside = _lt(b.start, a.start) or (_eq(b.start, a.start) and (b.start_included or not a.start_included))
    return same_end and inside


def _includes(a: Range, b: Range) -> bool:
    start_ok = _lt(a.start, b.start) or (_eq(a.start, b.start) and (a.start_included or not b.start_included))
    end_ok = _lt(b.end, a.end) or (_eq(b.end, a.end) and (a.end_included or not b.end_included))
    return start_ok and end_ok


def _starts(a: Range, b: Range) -> bool:
    same_start = _eq(a.start, b.start) and a.start_included == b.start_included
    inside = _lt(a.end, b.end) or (_eq(a.end, b.end) and (b.end_included or not a.end_included))
    return same_start and inside


def _coincides(a: Range, b: Range) -> bool:
    return (
        _eq(a.start, b.start)
        and _eq(a.end, b.end)
        and a.start_included == b.start_included
        and a.end_included == b.end_included
    )


# -- temporal ------------------------------------------------------------------------------------------


def _now(args: Arguments) -> object:
    return dt.datetime.now(dt.timezone.utc)


def _today(args: Arguments) -> object:
    return dt.date.today()


def _date_of(args: Arguments) -> dt.date | None:
    value = args[0]
    return value if isinstance(value, dt.date) else None


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date_property(extract: Callable[[dt.date], object]) -> Implementation:
    def call(args: Arguments) -> object:
        value = _date_of(args)
        return None if value is None else extract(value)

    return call


def _last_day_of_month(value: dt.date) -> int:
    import calendar

    return calendar.monthrange(value.year, value.month)[1]


# -- connector functions (Camunda's connector runtime, "Error handling" / "Connector functions") ------------


def _require(function: str, parameter: str, value: object, expected: str, accepts: bool) -> None:
    if not accepts:
        raise FeelEvaluationError(
            f"{function}() expects {parameter} to be {expected}, got {type_name(value)}"
            + (f" {to_feel_string(value)!r}" if isinstance(value, (str, int, float, Decimal)) else "")
        )


def _variables(function: str, args: Arguments, index: int) -> dict[str, object]:
    value = args[index] if len(args) > index else None
    _require(function, "variables", value, "a context", value is None or isinstance(value, Mapping))
    return dict(value) if isinstance(value, Mapping) else {}


def _bpmn_error(args: Arguments) -> object:
    code = args[0]
    message = args[1] if len(args) > 1 else ""
    # A null code is allowed: the runtime ignores such a result.
    _require("bpmnError", "errorCode", code, "a string", code is None or isinstance(code, str))
    _require("bpmnError", "errorMessage", message, "a string", message is None or isinstance(message, str))
    return {
        "errorType": "bpmnError",
        "errorCode": code,
        "errorMessage": message,
        "variables": _variables("bpmnError", args, 2),
    }


def _job_error(args: Arguments) -> object:
    message = args[0]
    _require("jobError", "errorMessage", message, "a string", message is None or isinstance(message, str))
    variables = _variables("jobError", args, 1)
    retries = args[2] if len(args) > 2 else 0
    retries_number = to_number(retries)
    _require(
        "jobError",
        "retries",
        retries,
        "an integer number",
        retries is None or type(retries_number) is int,
    )
    backoff = args[3] if len(args) > 3 else None
    _require(
        "jobError",
        "retryBackoff",
        backoff,
        'a duration such as duration("PT30S")',
        backoff is None or isinstance(backoff, dt.timedelta),
    )
    return {
        "errorType": "jobError",
        "errorMessage": message,
        "variables": variables,
        "retries": retries_number if type(retries_number) is int else 0,
        "retryBackoff": backoff if isinstance(backoff, dt.timedelta) else dt.timedelta(0),
    }


def _ignore_error(args: Arguments) -> object:
    return {"errorType": "ignoreError", "variables": _variables("ignoreError", args, 0)}


def _fn(implementation: Implementation, *signatures: str, variadic: bool = False) -> FunctionSpec:
    """An entry: each signature is its parameter names, comma-separated, as Camunda's docs write them."""
    parsed = tuple(tuple(name.strip() for name in signature.split(",") if name.strip()) for signature in signatures)
    return FunctionSpec(parsed, implementation, variadic)


FUNCTIONS: dict[str, FunctionSpec] = {
    # conversion
    "string": _fn(_string, "from"),
    "number": _fn(_number, "from", "from, grouping separator", "from, grouping separator, decimal separator"),
    "context": _fn(_context, "entries"),
    "date": _fn(_date, "from", "year, month, day"),
    "time": _fn(_time, "from", "hour, minute, second", "hour, minute, second, offset"),
    "date and time": _fn(_date_and_time, "from", "date, time"),
    "duration": _fn(_duration, "from"),
    "years and months duration": _fn(_years_and_months_duration, "from, to"),
    "range": _fn(_range, "from"),
    # boolean
    "not": _fn(_not, "negand"),
    # feel-scala's documented semantics: "checks if a given value is not null" (a missing variable is null too).
    "is defined": _fn(lambda args: args[0] is not None, "value"),
    "get or else": _fn(_get_or_else, "value, default"),
    "assert": _fn(_assert, "value, condition", "value, condition, cause"),
    # strings
    "substring": _fn(_substring, "string, start position", "string, start position, length"),
    "string length": _fn(_string_function(_code_points), "string"),
    "upper case": _fn(_string_function(str.upper), "string"),
    "lower case": _fn(_string_function(str.lower), "string"),
    "substring before": _fn(_string_function(_substring_before), "string, match"),
    "substring after": _fn(_string_function(_substring_after), "string, match"),
    "contains": _fn(_string_function(lambda text, match: match in text), "string, match"),
    "starts with": _fn(_string_function(lambda text, match: text.startswith(match)), "string, match"),
    "ends with": _fn(_string_function(lambda text, match: text.endswith(match)), "string, match"),
    "matches": _fn(_matches, "input, pattern", "input, pattern, flags"),
    "replace": _fn(_replace, "input, pattern, replacement", "input, pattern, replacement, flags"),
    "split": _fn(_split, "string, delimiter"),
    "extract": _fn(_extract, "string, pattern"),
    "trim": _fn(_string_function(_trim), "string"),
    "uuid": _fn(lambda args: str(uuid.uuid4()), ""),
    "to base64": _fn(_string_function(_to_base64), "value"),
    "is blank": _fn(_string_function(lambda text: _trim(text) == ""), "string"),
    "string join": _fn(_string_join, "list", "list, delimiter", "list, delimiter, prefix, suffix"),
    # lists
    "list contains": _fn(_list_contains, "list, element"),
    "count": _fn(_count, "list"),
    "min": _fn(_extreme(-1), "list", variadic=True),
    "max": _fn(_extreme(1), "list", variadic=True),
    "sum": _fn(_sum, "list", variadic=True),
    "product": _fn(_product, "list", variadic=True),
    "mean": _fn(_mean, "list", variadic=True),
    "median": _fn(_median, "list", variadic=True),
    "stddev": _fn(_stddev, "list", variadic=True),
    "mode": _fn(_mode, "list", variadic=True),
    "all": _fn(_all, "list", variadic=True),
    "and": _fn(_all, "list", variadic=True),
    "any": _fn(_any, "list", variadic=True),
    "or": _fn(_any, "list", variadic=True),
    "sublist": _fn(_sublist, "list, start position", "list, start position, length"),
    "append": _fn(_append, "list, items", variadic=True),
    "concatenate": _fn(_concatenate, "lists", variadic=True),
    "insert before": _fn(_insert_before, "list, position, newItem"),
    "remove": _fn(_remove, "list, position"),
    "reverse": _fn(_reverse, "list"),
    "index of": _fn(_index_of, "list, match"),
    "union": _fn(_union, "lists", variadic=True),
    "distinct values": _fn(_distinct_values, "list"),
    "duplicate values": _fn(_duplicate_values, "list"),
    "flatten": _fn(_flatten, "list"),
    "sort": _fn(_sort, "list, precedes"),
    "is empty": _fn(_is_empty, "list"),
    "partition": _fn(_partition, "list, size"),
    "list replace": _fn(_list_replace, "list, position, newItem", "list, match, newItem"),
    # numbers
    "decimal": _fn(_rounding("decimal"), "n, scale"),
    "floor": _fn(_rounding("floor"), "n", "n, scale"),
    "ceiling": _fn(_rounding("ceiling"), "n", "n, scale"),
    "round up": _fn(_rounding("round up"), "n", "n, scale"),
    "round down": _fn(_rounding("round down"), "n", "n, scale"),
    "round half up": _fn(_rounding("round half up"), "n", "n, scale"),
    "round half down": _fn(_rounding("round half down"), "n", "n, scale"),
    "abs": _fn(_abs, "n"),
    "modulo": _fn(_modulo, "dividend, divisor"),
    "sqrt": _fn(_sqrt, "number"),
    "log": _fn(_log, "number"),
    "exp": _fn(_exp, "number"),
    "odd": _fn(_parity(1), "number"),
    "even": _fn(_parity(0), "number"),
    "random number": _fn(_random_number, ""),
    # contexts
    "get value": _fn(_get_value, "context, key", "context, keys"),
    "get entries": _fn(_get_entries, "context"),
    "context put": _fn(_context_put, "context, key, value", "context, keys, value"),
    "context merge": _fn(_context_merge, "contexts", variadic=True),
    # ranges
    "before": _fn(_range_relation(_before), "point1, point2", "point, range", "range, point", "range1, range2"),
    "after": _fn(
        _range_relation(lambda a, b: _before(b, a)), "point1, point2", "point, range", "range, point", "range1, range2"
    ),
    "meets": _fn(_range_relation(_meets), "range1, range2"),
    "met by": _fn(_range_relation(lambda a, b: _meets(b, a)), "range1, range2"),
    "overlaps": _fn(_range_relation(_overlaps), "range1, range2"),
    "overlaps before": _fn(_range_relation(_overlaps_before), "range1, range2"),
    "overlaps after": _fn(_range_relation(lambda a, b: _overlaps_before(b, a)), "range1, range2"),
    "finishes": _fn(_range_relation(_finishes), "point, range", "range1, range2"),
    "finished by": _fn(_range_relation(lambda a, b: _finishes(b, a)), "range, point", "range1, range2"),
    "includes": _fn(_range_relation(_includes), "range, point", "range1, range2"),
    "during": _fn(_range_relation(lambda a, b: _includes(b, a)), "point, range", "range1, range2"),
    "starts": _fn(_range_relation(_starts), "point, range", "range1, range2"),
    "started by": _fn(_range_relation(lambda a, b: _starts(b, a)), "range, point", "range1, range2"),
    "coincides": _fn(_range_relation(_coincides), "point1, point2", "range1, range2"),
    # temporal
    "now": _fn(_now, ""),
    "today": _fn(_today, ""),
    "day of week": _fn(_date_property(lambda value: _WEEKDAYS[value.weekday()]), "date"),
    "day of year": _fn(_date_property(lambda value: value.timetuple().tm_yday), "date"),
    "week of year": _fn(_date_property(lambda value: value.isocalendar()[1]), "date"),
    "month of year": _fn(_date_property(lambda value: _MONTHS[value.month - 1]), "date"),
    "last day of month": _fn(_date_property(_last_day_of_month), "date"),
    # Camunda connector functions
    "bpmnError": _fn(_bpmn_error, "code", "code, message", "code, message, variables"),
    "jobError": _fn(
        _job_error,
        "message",
        "message, variables",
        "message, variables, retries",
        "message, variables, retries, retryBackoff",
    ),
    "ignoreError": _fn(_ignore_error, "", "variables"),
}

MAX_FUNCTION_NAME_WORDS = max(name.count(" ") + 1 for name in FUNCTIONS)
