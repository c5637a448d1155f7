"""FEEL values as Python values, and the operations that FEEL defines on them.

Representation (docs/feel.md "Values"):

=========================== ==========================================================================
FEEL type                   Python
=========================== ==========================================================================
null                        ``None``
boolean                     ``bool``
number                      ``int`` while integral and below 10**34, else ``decimal.Decimal`` rounded to 34
                            significant digits, half-even (IEEE 754 decimal128, the ``MathContext.DECIMAL128``
                            of Camunda's engine); ``float`` from callers is read as the decimal it prints as
string                      ``str``
date                        ``datetime.date``
time                        ``datetime.time`` (local, or with an offset or a zone)
date and time               ``datetime.datetime`` (local, or with an offset or a zone)
days and time duration      ``datetime.timedelta``
years and months duration   :class:`YearsMonthsDuration`
list / context              ``list`` / ``dict`` (any ``Mapping`` from callers)
range                       :class:`Range`
function                    :class:`FeelFunction`
=========================== ==========================================================================
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ._temporal import (
    YearsMonthsDuration,
    format_date,
    format_datetime,
    format_datetime_as_variable,
    format_duration,
    format_time,
)

Number = int | Decimal

DECIMAL128 = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=6144,
    Emin=-6143,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The arithmetic context of every FEEL number operation (Java's ``MathContext.DECIMAL128``)."""

_INT_LIMIT = 10**34


def normalize(value: int | Decimal) -> int | Decimal:
    """Integral results below 10**34 as ``int`` (exact and fast); everything else a 34-digit Decimal."""
    if type(value) is int:
        if -_INT_LIMIT < value < _INT_LIMIT:
            return value
        try:
            return DECIMAL128.plus(Decimal(value))
        except decimal.DecimalException:
            raise OverflowError("the number is beyond FEEL's range (decimal128: about 1E+6144)") from None
    assert isinstance(value, Decimal)
    if value.is_finite() and value == value.to_integral_value() and value.adjusted() < 34:
        return int(value)
    return value


def to_number(value: object) -> int | Decimal | None:
    """The FEEL number ``value`` holds, or None when it is not a number (booleans are not numbers)."""
    kind = type(value)
    if kind is int:
        if -_INT_LIMIT < value < _INT_LIMIT:  # type: ignore[operator]
            return value  # type: ignore[return-value]
        try:
            return normalize(value)  # type: ignore[arg-type]
        except OverflowError:
            return None
    if kind is Decimal:
        return value  # type: ignore[return-value]
    if kind is float:
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            return None
        # A JSON number from the caller: take the decimal it prints as (12.5, not 12.4999...).
        return normalize(DECIMAL128.create_decimal(repr(number)))
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return normalize(int(value))
        except OverflowError:
            return None
    if isinstance(value, Decimal):
        return normalize(value) if value.is_finite() else None
    if isinstance(value, float):
        return to_number(float(value))
    return None


@dataclass(frozen=True)
class Range:
    """A FEEL range (interval); an absent endpoint (``None``) is unbounded, as in ``< 10``."""

    start: object
    end: object
    start_included: bool
    end_included: bool

    def contains(self, value: object) -> bool | None:
        """``value in range``: null when ``value`` cannot be compared with the endpoints."""
        if self.start is not None:
            order = feel_compare(self.start, value)
            if order is None:
                return None
            if order > 0 or (order == 0 and not self.start_included):
                return False
        if self.end is not None:
            order = feel_compare(value, self.end)
            if order is None:
                return None
            if order > 0 or (order == 0 and not self.end_included):
                return False
        return True


@dataclass(frozen=True)
class UnaryTest:
    """A unary test used as a value (``!= 5``, ``not(1, 2)``): ``value in test`` applies it."""

    test: Callable[[object], object]
    text: str

    def __call__(self, value: object) -> object:
        return self.test(value)


@dataclass(frozen=True, eq=False)
class FeelFunction:
    """A function value: user-defined (``function(a, b) a + b``) or a built-in used as a value."""

    parameters: tuple[str, ...]
    body: Callable[[list[object]], object]
    name: str = "anonymous function"
    variadic: bool = False


def type_name(value: object) -> str:
    """The FEEL type of a value, as Camunda's messages and ``instance of`` name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, Decimal, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dt.timedelta):
        return "days and time duration"
    if isinstance(value, YearsMonthsDuration):
        return "years and months duration"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, Mapping):
        return "context"
    if isinstance(value, Range):
        return "range"
    if isinstance(value, (FeelFunction, UnaryTest)):
        return "function"
    return type(value).__name__


def _mixed_zones(left: object, right: object) -> bool:
    """A local and a zoned date-time (or time) cannot be compared (Python raises; FEEL gives null)."""
    return (
        isinstance(left, (dt.datetime, dt.time))
        and type(left) is type(right)
        and (left.tzinfo is None) != (right.tzinfo is None)
    )


def feel_equal(left: object, right: object) -> bool | None:
    """FEEL ``=``: null equals only null; values of different types are not comparable (null)."""
    if left is None or right is None:
        return left is None and right is None
    kind_of_left = type(left)
    if kind_of_left is type(right) and (kind_of_left is str or kind_of_left is int or kind_of_left is bool):
        return left == right  # the common case of a filter (`Status = "Failed"`), without the type dispatch
    kind = type_name(left)
    if kind != type_name(right):
        return None
    if kind == "number":
        a, b = to_number(left), to_number(right)
        return None if a is None or b is None else a == b
    if _mixed_zones(left, right):
        return None
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        if len(left) != len(right):
            return False
        return _all_equal(list(zip(left, right, strict=True)))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        if set(left) != set(right):
            return False
        return _all_equal([(left[key], right[key]) for key in left])
    if isinstance(left, dt.time) and isinstance(right, dt.time) and left.tzinfo is not None:
        return _time_key(left) == _time_key(right)
    if isinstance(left, Range) and isinstance(right, Range):
        return (
            left.start_included == right.start_included
            and left.end_included == right.end_included
            and feel_equal(left.start, right.start) is True
            and feel_equal(left.end, right.end) is True
        )
    if kind == "function":
        return left is right
    return bool(left == right)


def _all_equal(pairs: list[tuple[object, object]]) -> bool | None:
    result: bool | None = True
    for left, right in pairs:
        equal = feel_equal(left, right)
        if equal is False:
            return False
        if equal is None:
            result = None
    return result


def _time_key(value: dt.time) -> dt.timedelta:
    offset = value.utcoffset() or dt.timedelta(0)
    return (
        dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)
        - offset
    )


_ORDERED_KINDS = frozenset(
    {"number", "string", "date", "time", "date and time", "days and time duration", "years and months duration"}
)


def feel_compare(left: object, right: object) -> int | None:
    """-1, 0 or 1 for two ordered values of one type; None when FEEL cannot compare them."""
    kind = type_name(left)
    if kind not in _ORDERED_KINDS or kind != type_name(right) or _mixed_zones(left, right):
        return None
    if kind == "number":
        left, right = to_number(left), to_number(right)
        if left is None or right is None:  # beyond FEEL's range
            return None
    elif isinstance(left, dt.time) and isinstance(right, dt.time) and left.tzinfo is not None:
        left, right = _time_key(left), _time_key(right)
    elif isinstance(left, YearsMonthsDuration) and isinstance(right, YearsMonthsDuration):
        left, right = left.months, right.months
    if left < right:  # type: ignore[operator]
        return -1
    if left > right:  # type: ignore[operator]
        return 1
    return 0


def format_number(value: int | Decimal | float) -> str:
    """A number as FEEL's ``string()`` shows it: Java's ``BigDecimal.toString`` of the value without trailing
    zeros (plain from 1E-6 to below 1E+34, scientific beyond), which is what Camunda's engine prints.

    >>> format_number(Decimal("1.50")), format_number(10), format_number(Decimal("0.1") + Decimal("0.2"))
    ('1.5', '10', '0.3')
    >>> format_number(Decimal("0.0000001")), format_number(Decimal("1E+400"))
    ('1E-7', '1E+400')
    """
    if type(value) is int:
        return str(value)
    number = to_number(value)
    if number is None:
        return "null"
    if type(number) is int:
        return str(number)
    assert isinstance(number, Decimal)
    if -7 < number.adjusted() < 34:
        text = format(number, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    return str(number.normalize(DECIMAL128))


def to_feel_string(value: object) -> str | None:
    """FEEL ``string(value)``; null stays null."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return render(value)


def render(value: object) -> str:
    """A value as FEEL text: strings quoted inside lists and contexts, temporals in ISO form."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal, float)):
        return format_number(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, (dt.timedelta, YearsMonthsDuration)):
        return format_duration(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {render(item)}" for key, item in value.items()) + "}"
    if isinstance(value, Range):
        opening = "[" if value.start_included else "("
        closing = "]" if value.end_included else ")"
        return f"{opening}{render(value.start)}..{render(value.end)}{closing}"
    if isinstance(value, FeelFunction):
        return f"function({', '.join(value.parameters)})"
    if isinstance(value, UnaryTest):
        return value.text
    return str(value)


_MAX_JSON_INTEGER_DIGITS = 4300  # CPython's int/str conversion limit: json.dumps refuses longer integers


def to_json_value(value: object) -> object:
    """A FEEL value as a JSON-ready value, as Camunda writes FEEL results to process variables.

    Numbers become ``int`` or ``float`` (Zeebe stores variables as JSON numbers), dates, times and date-times
    ISO-8601 text, both kinds of durations ISO-8601 durations (``"PT1M"``, ``"P1Y2M"``), a range its FEEL text,
    a function null. Values of other types are returned unchanged, so callers can handle their own.

    >>> to_json_value({"n": Decimal("0.3"), "d": dt.date(2024, 1, 31), "t": dt.timedelta(minutes=1)})
    {'n': 0.3, 'd': '2024-01-31', 't': 'PT1M'}

    :raises OverflowError: for a number beyond the range of a JSON (double) number, such as ``10 ** 400``.
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if type(value) is int:
        if value.bit_length() > 3.3 * _MAX_JSON_INTEGER_DIGITS:
            return _json_float(Decimal(value))
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        if value == value.to_integral_value() and value.adjusted() < 34:
            return int(value)
        return _json_float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(item) for item in value]
    if isinstance(value, dt.datetime):
        return format_datetime_as_variable(value)  # the offset, not the zone id, as Camunda writes it
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return format_time(value)
    if isinstance(value, (dt.timedelta, YearsMonthsDuration)):
        return format_duration(value)
    if isinstance(value, Range):
        return render(value)
    if isinstance(value, (FeelFunction, UnaryTest)):
        return None
    return value


def _json_float(value: Decimal) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise OverflowError(f"the number {value:.6E} is too large for a JSON number (at most about 1.8E+308)")
    return number
