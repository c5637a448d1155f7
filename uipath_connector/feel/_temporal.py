"""ISO-8601 dates, date-times and durations for the FEEL subset.

Durations are ``datetime.timedelta``: FEEL's days-and-time durations. Years-and-months durations
(``P1Y``, ``P2M``) have no timedelta equivalent, so :func:`parse_duration` rejects them and the FEEL
``duration()`` function raises :class:`FeelEvaluationError` for them rather than returning a wrong value.
Text forms follow feelin's canonical ISO form (``PT90S`` prints as ``PT1M30S``, ``PT36H`` as ``P1DT12H``).
"""

from __future__ import annotations

import datetime as dt
import re

from ._errors import FeelError

_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)


class _YearsMonthsDuration(FeelError):
    pass


def _match_duration(text: str, *, case_sensitive: bool) -> dict[str, str | None] | None:
    match = _DURATION.fullmatch(text if case_sensitive else text.upper())
    if match is None:
        return None
    parts = match.groupdict()
    units = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
    if all(parts[unit] is None for unit in units):
        return None  # "P" or "-P"
    if "T" in text.upper() and all(parts[unit] is None for unit in ("hours", "minutes", "seconds")):
        return None  # "P1DT": a T must be followed by a time component
    return parts


def _to_timedelta(text: str, parts: dict[str, str | None]) -> dt.timedelta:
    if parts["years"] is not None or parts["months"] is not None:
        raise _YearsMonthsDuration(
            f"duration {text!r} has years or months, which a timedelta cannot hold; use days (e.g. 'P30D')"
        )
    seconds_text = (parts["seconds"] or "0").replace(",", ".")
    delta = dt.timedelta(
        weeks=int(parts["weeks"] or 0),
        days=int(parts["days"] or 0),
        hours=int(parts["hours"] or 0),
        minutes=int(parts["minutes"] or 0),
        seconds=float(seconds_text) if "." in seconds_text else int(seconds_text),
    )
    return -delta if parts["sign"] else delta


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


def feel_duration(text: str) -> dt.timedelta | None:
    """FEEL ``duration(text)``: null for text that is not a duration; weeks are not FEEL (feelin agrees)."""
    parts = _match_duration(text, case_sensitive=True)
    if parts is None or parts["weeks"] is not None:
        return None
    return _to_timedelta(text, parts)


def format_duration(value: dt.timedelta) -> str:
    """The canonical ISO form of a duration: ``PT1M30S``, ``P1DT12H``, ``-PT5S``, ``PT0S``."""
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
    tzinfo = value.tzinfo
    if tzinfo is None:
        return text
    key = getattr(tzinfo, "key", None)
    if isinstance(key, str):
        return f"{text}@{key}"
    offset = value.utcoffset() or dt.timedelta(0)
    if not offset:
        return f"{text}Z"
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = int(abs(offset).total_seconds()) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def temporal_property(value: object, key: str) -> object:
    """``value.key`` for dates, date-times and durations (``d.year``, ``dur.hours``); null for others."""
    if isinstance(value, dt.date):
        if key in ("year", "month", "day"):
            return int(getattr(value, key))
        if key == "weekday":
            return value.isoweekday()
        if isinstance(value, dt.datetime) and key in ("hour", "minute", "second"):
            return int(getattr(value, key))
        return None
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
