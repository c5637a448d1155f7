"""Built-in functions of the FEEL subset, and the connector functions of Camunda's runtime.

Every function takes its arguments positionally and returns null for arguments of the wrong type, as
FEEL does, except the connector functions ``bpmnError``, ``jobError`` and ``ignoreError``, whose argument
types are strict (Camunda's connector error handling) and raise :class:`FeelEvaluationError`.
Arity is checked by the parser, so a wrong argument count fails at parse time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ._errors import FeelEvaluationError
from ._temporal import feel_duration, parse_date, parse_date_and_time
from ._values import as_number, feel_compare, feel_equal, normalize_number, to_feel_string

Arguments = Sequence[object]


@dataclass(frozen=True)
class FunctionSpec:
    """A function the parser accepts: its arity and its implementation.

    ``arities`` lists the accepted argument counts when they are not a contiguous range.
    """

    min_arguments: int
    max_arguments: int | None
    implementation: Callable[[Arguments], object]
    arities: frozenset[int] | None = None

    def accepts(self, count: int) -> bool:
        if self.arities is not None:
            return count in self.arities
        return count >= self.min_arguments and (self.max_arguments is None or count <= self.max_arguments)

    def describe_arity(self) -> str:
        if self.arities is not None:
            return " or ".join(str(count) for count in sorted(self.arities)) + " arguments"
        if self.max_arguments == self.min_arguments:
            count = self.min_arguments
            return f"{count} argument" + ("" if count == 1 else "s")
        if self.max_arguments is None:
            return f"at least {self.min_arguments} argument" + ("" if self.min_arguments == 1 else "s")
        return f"{self.min_arguments} to {self.max_arguments} arguments"


def _strings(args: Arguments) -> list[str] | None:
    if all(isinstance(arg, str) for arg in args):
        return list(args)  # type: ignore[arg-type]
    return None


# -- conversion ---------------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _number(args: Arguments) -> object:
    text = args[0]
    if not isinstance(text, str) or _NUMBER_TEXT.fullmatch(text) is None:
        return None
    value = float(text)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return normalize_number(value)


def _string(args: Arguments) -> object:
    return to_feel_string(args[0])


# -- strings --------------------------------------------------------------------------------------------


def _string_function(function: Callable[..., object]) -> Callable[[Arguments], object]:
    def call(args: Arguments) -> object:
        strings = _strings(args)
        return None if strings is None else function(*strings)

    return call


def _substring(args: Arguments) -> object:
    text, start = args[0], as_number(args[1])
    length = as_number(args[2]) if len(args) > 2 else None
    if not isinstance(text, str) or start is None or (len(args) > 2 and length is None):
        return None
    # Positions count code points, 1-based; a negative start counts from the end (FEEL spec 10.3.4.3).
    first = int(start)
    characters = len(text)
    index = first - 1 if first > 0 else characters + first
    index = max(index, 0)
    if length is None:
        return text[index:]
    if length < 0:
        return None
    return text[index : index + int(length)]


def _substring_before(text: str, match: str) -> str:
    position = text.find(match)
    return "" if position < 0 else text[:position]


def _substring_after(text: str, match: str) -> str:
    if match == "":
        return text
    position = text.find(match)
    return "" if position < 0 else text[position + len(match) :]


_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


def _regex(pattern: str, flags: str) -> re.Pattern[str] | None:
    value = 0
    for flag in flags:
        if flag not in _FLAGS:
            return None
        value |= _FLAGS[flag]
    try:
        return re.compile(pattern, value)
    except re.error:
        return None


def _replacement(template: str, groups: int) -> str | None:
    """XPath's replacement syntax (``$1``, ``\\$``, ``\\\\``) as a Python template; ``None`` where XPath raises.

    fn:replace: a ``$`` not followed by a digit is an error (FORX0004), as it is for Java's ``replaceAll``
    behind feel-scala, so FEEL gives null; ``$12`` takes as many digits as name an existing group.
    """
    out: list[str] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\":
            if index + 1 == len(template):
                return None
            out.append("\\\\" if template[index + 1] == "\\" else template[index + 1])
            index += 2
        elif char == "$":
            end = index + 1
            if end == len(template) or not template[end].isdigit():
                return None
            group = template[end]
            end += 1
            while end < len(template) and template[end].isdigit() and int(group + template[end]) <= groups:
                group += template[end]
                end += 1
            if int(group) > groups:
                return None
            out.append(f"\\g<{group}>")
            index = end
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _replace(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    text, pattern, replacement = strings[:3]
    regex = _regex(pattern, strings[3] if len(strings) > 3 else "")
    template = None if regex is None else _replacement(replacement, regex.groups)
    if regex is None or template is None:
        return None
    try:
        return regex.sub(template, text)
    except (re.error, IndexError):
        return None


def _matches(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    regex = _regex(strings[1], strings[2] if len(strings) > 2 else "")
    return None if regex is None else regex.search(strings[0]) is not None


def _split(args: Arguments) -> object:
    strings = _strings(args)
    if strings is None:
        return None
    regex = _regex(strings[1], "")
    if regex is None:
        return None
    # Empty matches at the start, at the end or right after another match do not split, as in Java's
    # String.split (feel-scala) and JavaScript's (feelin): split("abc", "") is ["a", "b", "c"], which Python's
    # re.split would frame with two empty strings.
    text, pieces, last = strings[0], [], 0
    for match in regex.finditer(text):
        start, end = match.span()
        if start == end and start in (0, len(text), last):
            continue
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return pieces


def _string_join(args: Arguments) -> object:
    items = args[0]
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        return None
    delimiter = args[1] if len(args) > 1 else ""
    if delimiter is None:
        delimiter = ""
    if not isinstance(delimiter, str):
        return None
    parts = [item for item in items if item is not None]
    if not all(isinstance(part, str) for part in parts):
        return None
    return delimiter.join(parts)


# -- lists and numbers -------------------------------------------------------------------------------


def _list_argument(args: Arguments) -> list[object] | None:
    """``f(list)`` or ``f(a, b, c)``: the numbers functions accept both forms."""
    if len(args) == 1:
        value = args[0]
        return value if isinstance(value, list) else None
    return list(args)


def _count(args: Arguments) -> object:
    return len(args[0]) if isinstance(args[0], list) else None


def _sum(args: Arguments) -> object:
    items = _list_argument(args)
    if not items:
        return None
    numbers = [as_number(item) for item in items]
    if any(number is None for number in numbers):
        return None
    if all(type(number) is int for number in numbers):
        return sum(numbers)  # type: ignore[arg-type]
    return normalize_number(math.fsum(numbers))  # type: ignore[arg-type]


def _extreme(sign: int) -> Callable[[Arguments], object]:
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


def _numeric(function: Callable[[int | float], int | float]) -> Callable[[Arguments], object]:
    def call(args: Arguments) -> object:
        number = as_number(args[0])
        return None if number is None else normalize_number(function(number))

    return call


def _abs(args: Arguments) -> object:
    if isinstance(args[0], dt.timedelta):
        return abs(args[0])
    number = as_number(args[0])
    return None if number is None else abs(number)


def _list_contains(args: Arguments) -> object:
    items, needle = args
    if not isinstance(items, list):
        return None
    return any(feel_equal(item, needle) is True for item in items)


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


def _distinct_values(args: Arguments) -> object:
    items = args[0]
    if not isinstance(items, list):
        return None
    result: list[object] = []
    for item in items:
        if not any(feel_equal(item, seen) is True for seen in result):
            result.append(item)
    return result


def _not(args: Arguments) -> object:
    value = args[0]
    return (not value) if isinstance(value, bool) else None


def _get_value(args: Arguments) -> object:
    context, key = args
    if not isinstance(context, Mapping) or not isinstance(key, str):
        return None
    return context.get(key)


# -- temporal ------------------------------------------------------------------------------------------


def _now(args: Arguments) -> object:
    return dt.datetime.now(dt.timezone.utc)


def _today(args: Arguments) -> object:
    return dt.date.today()


def _date(args: Arguments) -> object:
    if len(args) == 3:
        numbers = [as_number(arg) for arg in args]
        if any(type(number) is not int for number in numbers):
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


def _date_and_time(args: Arguments) -> object:
    value = args[0]
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return parse_date_and_time(value) if isinstance(value, str) else None


def _duration(args: Arguments) -> object:
    value = args[0]
    if isinstance(value, dt.timedelta):
        return value
    if not isinstance(value, str):
        return None
    try:
        return feel_duration(value)
    except ValueError as exc:  # years and months
        raise FeelEvaluationError(str(exc)) from exc


# -- connector functions (Camunda's connector error handling, current shapes) ---------------------


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if as_number(value) is not None:
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "context"
    if isinstance(value, dt.timedelta):
        return "duration"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def _require(function: str, parameter: str, value: object, expected: str, accepts: bool) -> None:
    if not accepts:
        raise FeelEvaluationError(
            f"{function}() expects {parameter} to be {expected}, got {_type_name(value)}"
            + (f" {to_feel_string(value)!r}" if isinstance(value, (str, int, float)) else "")
        )


def _variables(function: str, args: Arguments, index: int) -> dict[str, object]:
    value = args[index] if len(args) > index else None
    _require(function, "variables", value, "a context", value is None or isinstance(value, Mapping))
    return dict(value) if isinstance(value, Mapping) else {}


def _bpmn_error(args: Arguments) -> object:
    code, message = args[0], args[1]
    # A null code is allowed: the runtime ignores such a result (Camunda's connector error handling).
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
    retries_number = as_number(retries)
    _require(
        "jobError",
        "retries",
        retries,
        "an integer number",
        retries is None or (retries_number is not None and float(retries_number).is_integer()),
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
        "retries": int(retries_number) if retries_number is not None else 0,
        "retryBackoff": backoff if isinstance(backoff, dt.timedelta) else dt.timedelta(0),
    }


def _ignore_error(args: Arguments) -> object:
    return {"errorType": "ignoreError", "variables": _variables("ignoreError", args, 0)}


def _spec(
    minimum: int,
    maximum: int | None,
    implementation: Callable[[Arguments], object],
    arities: frozenset[int] | None = None,
) -> FunctionSpec:
    return FunctionSpec(minimum, maximum, implementation, arities)


FUNCTIONS: dict[str, FunctionSpec] = {
    # conversion
    "string": _spec(1, 1, _string),
    "number": _spec(1, 1, _number),
    # strings
    "contains": _spec(2, 2, _string_function(lambda text, match: match in text)),
    "starts with": _spec(2, 2, _string_function(lambda text, match: text.startswith(match))),
    "ends with": _spec(2, 2, _string_function(lambda text, match: text.endswith(match))),
    "upper case": _spec(1, 1, _string_function(str.upper)),
    "lower case": _spec(1, 1, _string_function(str.lower)),
    "substring": _spec(2, 3, _substring),
    "substring before": _spec(2, 2, _string_function(_substring_before)),
    "substring after": _spec(2, 2, _string_function(_substring_after)),
    "string length": _spec(1, 1, _string_function(len)),
    "replace": _spec(3, 4, _replace),
    "matches": _spec(2, 3, _matches),
    "split": _spec(2, 2, _split),
    "string join": _spec(1, 2, _string_join),
    # lists and numbers
    "count": _spec(1, 1, _count),
    "sum": _spec(1, None, _sum),
    "min": _spec(1, None, _extreme(-1)),
    "max": _spec(1, None, _extreme(1)),
    "abs": _spec(1, 1, _abs),
    "floor": _spec(1, 1, _numeric(math.floor)),
    "ceiling": _spec(1, 1, _numeric(math.ceil)),
    "list contains": _spec(2, 2, _list_contains),
    "append": _spec(1, None, _append),
    "concatenate": _spec(1, None, _concatenate),
    "distinct values": _spec(1, 1, _distinct_values),
    # logic and contexts
    "not": _spec(1, 1, _not),
    # feel-scala's documented semantics: "checks if a given value is not null" (a missing variable is
    # null too). feelin lacks this Camunda extension, so the oracle cannot check it.
    "is defined": _spec(1, 1, lambda args: args[0] is not None),
    "get value": _spec(2, 2, _get_value),
    # temporal
    "now": _spec(0, 0, _now),
    "today": _spec(0, 0, _today),
    "date": _spec(1, 3, _date, frozenset({1, 3})),
    "date and time": _spec(1, 1, _date_and_time),
    "duration": _spec(1, 1, _duration),
    # Camunda connector functions
    "bpmnError": _spec(2, 3, _bpmn_error),
    "jobError": _spec(1, 4, _job_error),
    "ignoreError": _spec(0, 1, _ignore_error),
}

MAX_FUNCTION_NAME_WORDS = max(name.count(" ") + 1 for name in FUNCTIONS)
