"""FEEL values as plain Python values, and the operations that FEEL defines on them.

Representation (docs/feel.md "Values"): null ``None``; boolean ``bool``; number ``int`` when integral,
else ``float`` (IEEE-754 doubles, the number model of feelin, the oracle; feel-scala uses BigDecimal, so
``0.1 + 0.2`` is ``0.30000000000000004`` here and in feelin but ``0.3`` in the engine); string ``str``;
list ``list``; context ``dict``; date ``datetime.date``; date and time ``datetime.datetime``; days-and-time
duration ``datetime.timedelta``. Every number an operation produces goes through :func:`normalize_number`,
so results are JSON-ready: integral values are ``int``, non-finite ones null.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal

from ._temporal import format_date, format_datetime, format_duration

Number = int | float


def normalize_number(value: float | int) -> int | float | None:
    """Integral floats become ``int``, infinities and NaN become null (JSON has neither)."""
    if isinstance(value, int):
        return value
    if not math.isfinite(value):
        return None
    if value.is_integer():
        return int(value)
    return value


def as_number(value: object) -> int | float | None:
    """The number ``value`` holds (``Decimal`` accepted from callers), or None when it is not a number."""
    if type(value) is int or type(value) is float:
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (float, Decimal)):
        return normalize_number(float(value))
    return None


def _kind(value: object) -> str | None:
    """A coarse FEEL type tag used to decide whether two values are comparable."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "date and time"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.timedelta):
        return "duration"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, Mapping):
        return "context"
    return None


def _mixed_zones(left: object, right: object) -> bool:
    """A local and a zoned date-time cannot be compared (Python raises; FEEL gives null)."""
    return (
        isinstance(left, dt.datetime)
        and isinstance(right, dt.datetime)
        and (left.tzinfo is None) != (right.tzinfo is None)
    )


def feel_equal(left: object, right: object) -> bool | None:
    """FEEL ``=``: null equals only null; values of different types are not comparable (null)."""
    if left is None or right is None:
        return left is None and right is None
    kind = _kind(left)
    if kind is None or kind != _kind(right):
        return None
    if kind == "number":
        return as_number(left) == as_number(right)
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
    return left == right


def _all_equal(pairs: list[tuple[object, object]]) -> bool | None:
    result: bool | None = True
    for left, right in pairs:
        equal = feel_equal(left, right)
        if equal is False:
            return False
        if equal is None:
            result = None
    return result


_ORDERED_KINDS = frozenset({"number", "string", "date", "date and time", "duration"})


def feel_compare(left: object, right: object) -> int | None:
    """-1, 0 or 1 for two ordered values of one type (number, string, date, date-time, duration)."""
    kind = _kind(left)
    if kind not in _ORDERED_KINDS or kind != _kind(right) or _mixed_zones(left, right):
        return None
    if kind == "number":
        left, right = as_number(left), as_number(right)
    if left < right:  # type: ignore[operator]
        return -1
    if left > right:  # type: ignore[operator]
        return 1
    return 0


def format_number(value: int | float) -> str:
    """A number as FEEL's ``string()`` shows it in feelin (JavaScript's shortest round-trip form).

    >>> format_number(1.5), format_number(10), format_number(1e-7)
    ('1.5', '10', '1e-7')
    """
    if type(value) is int and abs(value) < 10**21:
        return str(value)
    number = float(value)
    if not math.isfinite(number):  # only from callers' values; FEEL arithmetic never yields these
        return "NaN" if math.isnan(number) else ("-Infinity" if number < 0 else "Infinity")
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    # Python's repr and JavaScript agree on the shortest digits; only the layout differs.
    digits_text, _, exponent_text = repr(abs(number)).partition("e")
    mantissa = Decimal(digits_text).normalize()
    _sign, digit_tuple, exponent = mantissa.as_tuple()
    exponent = int(exponent)  # finite input, so never the 'n'/'N'/'F' markers
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent + (int(exponent_text) if exponent_text else 0)  # digits before the point
    prefix = "-" if number < 0 else ""
    if -6 < point <= 21:
        if point <= 0:
            return f"{prefix}0.{'0' * -point}{digits}"
        if point >= len(digits):
            return f"{prefix}{digits}{'0' * (point - len(digits))}"
        return f"{prefix}{digits[:point]}.{digits[point:]}"
    exponent_value = point - 1
    exponent_sign = "+" if exponent_value >= 0 else "-"
    fraction = f".{digits[1:]}" if len(digits) > 1 else ""
    return f"{prefix}{digits[0]}{fraction}e{exponent_sign}{abs(exponent_value)}"


def to_feel_string(value: object) -> str | None:
    """FEEL ``string(value)``; null stays null. Lists and contexts use feelin's layout."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return _render(value)


def _render(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    number = as_number(value)
    if number is not None:
        return format_number(number)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_render(item)}" for key, item in value.items()) + "}"
    return str(value)
