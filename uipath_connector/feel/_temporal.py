"""ISO-8601 dates, times, date-times and both kinds of durations for FEEL.

Days-and-time durations are ``datetime.timedelta``; years-and-months durations (``P1Y2M``) are
:class:`YearsMonthsDuration`, a whole number of months. :func:`parse_duration` (the ``retryBackoff`` header)
takes days-and-time durations only, because a backoff of "one month" has no fixed length.
Text forms follow the canonical ISO form (``PT90S`` prints as ``PT1M30S``, ``PT36H`` as ``P1DT12H``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

from ._errors import FeelError


@dataclass(frozen=True, order=True)
class YearsMonthsDuration:
    """A FEEL years-and-months duration: ``P1Y2M`` is ``YearsMonthsDuration(14)``."""

    months: int

    def __neg__(self) -> YearsMonthsDuration:
        return YearsMonthsDuration(-self.months)


def add_months(value: dt.date, months: int) -> dt.date:
    """``value`` plus whole months; the day is clamped to the month's last day (Java's ``plusMonths``)."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (FEEL ``years and months duration(from, to)``, Java's Period)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    start_rest = (start.day, start.time() if isinstance(start, dt.datetime) else dt.time())
    end_rest = (end.day, end.time() if isinstance(end, dt.datetime) else dt.time())
    if months > 0 and end_rest < start_rest:
        months -= 1
    elif months < 0 and end_rest > start_rest:
        months += 1
    return months


_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)


class _YearsMonthsDuration(FeelError):
    pass


class _DurationParts(NamedTuple):
    """The components of an ISO-8601 duration as written (None when absent), in the order of ``_DURATION``."""

    sign: str | None
    years: str | None
    months: str | None
    weeks: str | None
    days: str | None
    hours: str | None
    minutes: str | None
    seconds: str | None


def _match_duration(text: str, *, case_sensitive: bool) -> _DurationParts | None:
    # Tuples and plain comparisons rather than dictionaries and generators: a temporal literal such as
    # @"PT1M" in an error expression is parsed on every cold parse of the expression.
    match = _DURATION.fullmatch(text if case_sensitive else text.upper())
    if match is None:
        return None
    parts: _DurationParts = tuple.__new__(_DurationParts, match.groups())
    _, years, months, weeks, days, hours, minutes, seconds = parts
    if hours is None and minutes is None and seconds is None:
        if years is None and months is None and weeks is None and days is None:
            return None  # "P" or "-P"
        if "T" in text or "t" in text:
            return None  # "P1DT": a T must be followed by a time component
    return parts


def _to_timedelta(text: str, parts: _DurationParts) -> dt.timedelta:
    sign, years, months, weeks, days, hours, minutes, seconds = parts
    if years is not None or months is not None:
        raise _YearsMonthsDuration(
            f"duration {text!r} has years or months, which a timedelta cannot hold; use days (e.g. 'P30D')"
        )
    seconds_text = "0" if seconds is None else seconds.replace(",", ".")
    delta = dt.timedelta(
        days=int(days or 0) + 7 * int(weeks or 0),
        seconds=int(hours or 0) * 3600 + int(minutes or 0) * 60,
    ) + dt.timedelta(seconds=float(seconds_text) if "." in seconds_text else int(seconds_text))
    return -delta if sign else delta


def parse_duration(text: str) -> dt.timedelta:
    """Parse an ISO-8601 days-and-time duration such as a ``retryBackoff`` header.

    Accepts ``PnW``, ``PnDTnHnMn.nS`` (any subset of the components), a leading ``-`` and lower-case
    letters (as Java's ``Duration.parse`` does, Camunda's ConnectorJobHandler). Years and months
    are rejected because a timedelta cannot hold them.

    >>> parse_duration("PT30S")
    datetime.timedelta(seconds=30)
    >>> parse_duration("-P1DT2H")
    datetime.timedelta(days=-2, seconds=79200)

    :raises FeelError: (a ``ValueError``) when ``text`` is not such a duration.
    """
    stripped = text.strip()
    parts = _match_duration(stripped, case_sensitive=False)
    if parts is None:
        raise FeelError(f"invalid ISO-8601 duration {text!r}: expected a form like 'PT30S' or 'P1DT2H'")
    return _to_timedelta(stripped, parts)


def feel_duration(text: str) -> dt.timedelta | YearsMonthsDuration | None:
    """FEEL ``duration(text)``: null for text that is not a duration; weeks are not FEEL (feelin agrees).

    ``P1Y2M`` is a years-and-months duration; days and time may not be mixed with years or months.
    """
    parts = _match_duration(text, case_sensitive=True)
    if parts is None or parts.weeks is not None:
        return None
    if parts.years is not None or parts.months is not None:
        if parts.days is not None or parts.hours is not None or parts.minutes is not None or parts.seconds is not None:
            return None
        months = int(parts.years or 0) * 12 + int(parts.months or 0)
        return YearsMonthsDuration(-months if parts.sign else months)
    try:
        return _to_timedelta(text, parts)
    except OverflowError:
        return None


def format_duration(value: dt.timedelta | YearsMonthsDuration) -> str:
    """The canonical ISO form of a duration: ``PT1M30S``, ``P1DT12H``, ``-PT5S``, ``PT0S``, ``P1Y2M``, ``P0M``."""
    if isinstance(value, YearsMonthsDuration):
        sign = "-" if value.months < 0 else ""
        years, months = divmod(abs(value.months), 12)
        if not years:
            return f"{sign}P{months}M"
        return f"{sign}P{years}Y" + (f"{months}M" if months else "")
    total = abs(value)
    sign = "-" if value < dt.timedelta(0) else ""
    days = total.days
    hours, remainder = divmod(total.seconds, 3600)
    minutes, seconds = divmod(remainder, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    time = ""
    if hours:
        time += f"{hours}H"
    if minutes:
        time += f"{minutes}M"
    if seconds or total.microseconds:
        time += f"{seconds}{_fraction(total.microseconds)}S"
    if time:
        text += f"T{time}"
    if text in ("P", "-P"):
        return "PT0S"
    return text


def _fraction(microseconds: int) -> str:
    if not microseconds:
        return ""
    return "." + f"{microseconds:06d}".rstrip("0")


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(Z|[+-]\d{2}:\d{2}|@[A-Za-z][A-Za-z0-9_+\-/]*)?)?"
)


_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}|@[A-Za-z][A-Za-z0-9_+\-/]*)?")


def parse_time(text: str) -> dt.time | None:
    """FEEL ``time(text)``: ``hh:mm:ss[.f]`` local, with ``Z``/``±hh:mm`` or ``@Zone/Id``; null otherwise."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hour, minute, second, fraction, zone = match.groups()
    try:
        return dt.time(
            int(hour), int(minute), int(second), int((fraction or "0")[:6].ljust(6, "0")), tzinfo=_zone(zone)
        )
    except (ValueError, LookupError):
        return None


def format_time(value: dt.time) -> str:
    """``hh:mm:ss[.f]`` with ``Z``, ``±hh:mm`` or ``@Zone/Id`` when the time has one."""
    text = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}"
    return text + _zone_suffix(value.tzinfo, value.utcoffset())


def parse_temporal(text: str) -> object:
    """The value of a temporal literal ``@"..."``: a date, time, date and time or duration; None if none fits."""
    if text.startswith(("P", "-P")):
        return feel_duration(text)
    if "T" in text:
        return parse_date_and_time(text)
    if ":" in text:
        return parse_time(text)
    return parse_date(text)


def parse_date(text: str) -> dt.date | None:
    """FEEL ``date(text)`` for ``yyyy-MM-dd``; null when the text is not a valid calendar date."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_date_and_time(text: str) -> dt.datetime | None:
    """FEEL ``date and time(text)``: local, ``Z``, ``±hh:mm`` or ``@Zone/Id``; a bare date means midnight."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        tzinfo = _zone(zone)
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=tzinfo,
        )
    except (ValueError, LookupError):
        return None


def _zone(zone: str | None) -> dt.tzinfo | None:
    if zone is None:
        return None
    if zone == "Z":
        return dt.timezone.utc
    if zone.startswith("@"):
        # stdlib; imported lazily because named zones are rare in connector expressions
        from zoneinfo import ZoneInfo

        try:
            return ZoneInfo(zone[1:])
        except Exception as exc:  # ZoneInfoNotFoundError, or a malformed key
            raise LookupError(zone) from exc
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def format_date(value: dt.date) -> str:
    return value.isoformat()


def format_datetime(value: dt.datetime) -> str:
    """ISO form as feelin prints it: no trailing zeros, ``Z`` for UTC, ``@Zone/Id`` for named zones."""
    text = f"{value.date().isoformat()}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    text += _fraction(value.microsecond)
    return text + _zone_suffix(value.tzinfo, value.utcoffset())


def format_datetime_as_variable(value: dt.datetime) -> str:
    """A date and time as Camunda writes it to a process variable: the offset, never the zone id.

    Camunda's connector runtime turns a FEEL date and time into a Java ``ZonedDateTime`` (feel-scala's
    ``DefaultValueMapper``) and writes it with Jackson's ``JavaTimeModule``, dates as text, whose format is
    ``DateTimeFormatter.ISO_OFFSET_DATE_TIME``; Zeebe writes a FEEL date and time to a variable with the same
    formatter (``FeelToMessagePackTransformer``). So ``2021-01-01T10:00:00@Europe/Paris`` is written as
    ``2021-01-01T10:00:00+01:00``, a zero offset as ``Z``, seconds always, a fraction without trailing zeros; a
    local date and time has no offset (``ISO_LOCAL_DATE_TIME``). ``string()`` keeps the zone id (feel-scala's
    ``string`` function), see :func:`format_datetime`.

    >>> import zoneinfo
    >>> format_datetime_as_variable(dt.datetime(2021, 7, 1, 10, 0, 0, 500000, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")))
    '2021-07-01T10:00:00.5+02:00'
    """
    text = f"{value.date().isoformat()}T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    text += _fraction(value.microsecond)
    offset = value.utcoffset()
    return text if offset is None else text + _offset_id(offset)


def _offset_id(offset: dt.timedelta) -> str:
    # Java's ZoneOffset.getId(): "Z" for zero, else +hh:mm, and :ss when the offset has seconds (old local times).
    if not offset:
        return "Z"
    sign = "-" if offset < dt.timedelta(0) else "+"
    seconds = int(abs(offset).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _zone_suffix(tzinfo: dt.tzinfo | None, offset: dt.timedelta | None) -> str:
    if tzinfo is None:
        return ""
    key = getattr(tzinfo, "key", None)
    if isinstance(key, str):
        return f"@{key}"
    if not offset:
        return "Z"
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def temporal_property(value: object, key: str) -> object:
    """``value.key`` for dates, times, date-times and durations (``d.year``, ``dur.hours``); null for others.

    Properties as documented for Camunda's engine ("FEEL data types"): ``year month day weekday`` of dates,
    ``hour minute second time offset timezone`` of times, all of them on date-times, ``years months`` and
    ``days hours minutes seconds`` of durations.
    """
    if isinstance(value, dt.date):
        if key in ("year", "month", "day"):
            return int(getattr(value, key))
        if key == "weekday":
            return value.isoweekday()
        if isinstance(value, dt.datetime):
            return _time_property(value.timetz(), key, value.utcoffset())
        return None
    if isinstance(value, dt.time):
        return _time_property(value, key, value.utcoffset())
    if isinstance(value, dt.timedelta):
        sign = -1 if value < dt.timedelta(0) else 1
        total = abs(value)
        if key == "days":
            return sign * total.days
        if key == "hours":
            return sign * (total.seconds // 3600)
        if key == "minutes":
            return sign * (total.seconds % 3600 // 60)
        if key == "seconds":
            return sign * (total.seconds % 60)
        return None
    if isinstance(value, YearsMonthsDuration):
        sign = -1 if value.months < 0 else 1
        if key == "years":
            return sign * (abs(value.months) // 12)
        if key == "months":
            return sign * (abs(value.months) % 12)
    return None


def _time_property(value: dt.time, key: str, offset: dt.timedelta | None) -> object:
    if key in ("hour", "minute", "second"):
        return int(getattr(value, key))
    if key == "time offset":
        return offset
    if key == "timezone":
        zone = getattr(value.tzinfo, "key", None)
        return zone if isinstance(zone, str) else None
    return None
