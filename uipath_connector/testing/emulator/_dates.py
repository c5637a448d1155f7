"""Orchestrator's date-time wire formats (UiPath's Orchestrator OpenAPI v20)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import attrs

_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<fraction>\d{1,7}))?"
    r"(?P<zone>Z|z|[+-]\d{2}:\d{2})?)?$"
)


@attrs.frozen
class WireDate:
    """A date-time as Orchestrator received it: the UTC instant and its 201 echo text."""

    instant: datetime
    echo: str


def parse_wire_date(text: str) -> WireDate:
    """Read a date-time the way the emulator documents it.

    * ``2021-03-11T14:19:56.4407392Z`` or ``…+02:00``: the instant, converted to UTC;
    * an offset-less date-time is read as UTC (UiPath's Orchestrator OpenAPI v20: undocumented, read as UTC, inferred);
    * a date-only ``2023-01-12`` is midnight UTC, echoed ``2023-01-12T00:00:00Z`` as in the 201 body of Camunda's
    UiPath docs.

    >>> parse_wire_date("2023-01-12").echo
    '2023-01-12T00:00:00Z'
    >>> parse_wire_date("2021-03-11T16:19:56.4407392+02:00").echo
    '2021-03-11T14:19:56.4407392Z'
    """
    match = _DATE_TIME.match(text)
    if match is None:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}")
    time = match["time"] or "00:00:00"
    if len(time) == 5:
        time += ":00"
    fraction = match["fraction"] or ""
    zone = match["zone"] or "Z"
    micro = int((fraction + "000000")[:6]) if fraction else 0
    try:
        naive = datetime.fromisoformat(f"{match['date']}T{time}").replace(microsecond=micro)
    except ValueError as exc:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}") from exc
    if zone in ("Z", "z"):
        offset = timedelta(0)
    else:
        sign = 1 if zone[0] == "+" else -1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    try:
        instant = naive.replace(tzinfo=timezone(offset)).astimezone(timezone.utc)
    except (OverflowError, ValueError) as exc:  # 0001-01-01T00:00+01:00 lies before year 1 in UTC
        raise ValueError(f"date-time out of range: {text!r}") from exc
    echo = _seconds(instant) + (f".{fraction}" if fraction else "") + "Z"
    return WireDate(instant=instant, echo=echo)


def format_stored(instant: datetime) -> str:
    """Format as a later GET does: milliseconds, trailing zeros trimmed, ``Z`` (UiPath's Orchestrator OpenAPI v20).

    >>> format_stored(datetime(2021, 3, 11, 14, 19, 56, 440739, tzinfo=timezone.utc))
    '2021-03-11T14:19:56.44Z'
    """
    instant = instant.astimezone(timezone.utc)
    millis = f"{instant.microsecond // 1000:03d}".rstrip("0")
    return _seconds(instant) + (f".{millis}" if millis else "") + "Z"


def format_echo(instant: datetime) -> str:
    """Format with seven fractional digits, as the 201 body shows ``CreationTime``.

    >>> format_echo(datetime(2023, 1, 20, 10, 13, 20, 660395, tzinfo=timezone.utc))
    '2023-01-20T10:13:20.6603950Z'
    """
    instant = instant.astimezone(timezone.utc)
    return _seconds(instant) + f".{instant.microsecond:06d}0Z"


def _seconds(instant: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` with a four-digit year: RFC 3339 needs ``0140``, which ``strftime("%Y")`` on glibc
    writes as ``140``.

    >>> _seconds(datetime(140, 10, 1, tzinfo=timezone.utc))
    '0140-10-01T00:00:00'
    """
    return (
        f"{instant.year:04d}-{instant.month:02d}-{instant.day:02d}"
        f"T{instant.hour:02d}:{instant.minute:02d}:{instant.second:02d}"
    )
