"""The HTTP response envelope, in the exact shape Camunda's REST connector returns.

``{"status": 201, "headers": {...}, "body": {...}, "reason": "Created"}`` (Camunda's HttpCommonResult):

* ``body`` is the text decoded as UTF-8, parsed when it is JSON, kept as text otherwise, ``null`` when blank;
* ``headers`` keep the server's casing (Camunda ≥ 8.6); a header sent once is a string, a header sent several
  times is a list of its values in order, a header without a value is ``""``.

The response examples of Camunda's UiPath connector docs show this shape; process expressions such as
``response.body.value[1].Status`` and ``response.headers.location`` depend on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

__all__ = ["HttpResponse", "flatten_headers", "parse_body"]


def flatten_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Group header ``(name, value)`` pairs: one value stays a string, repeated names become a list.

    Names are matched without regard to case and keep the casing they were first seen with.

    >>> flatten_headers([("Set-Cookie", "a=1"), ("Content-Type", "application/json"), ("set-cookie", "b=2")])
    {'Set-Cookie': ['a=1', 'b=2'], 'Content-Type': 'application/json'}
    """
    grouped: dict[str, list[str]] = {}
    casing: dict[str, str] = {}
    for name, value in pairs:
        folded = name.lower()
        key = casing.setdefault(folded, name)
        grouped.setdefault(key, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def parse_body(content: bytes | str | None) -> object:
    """Decode a response body as Camunda does: blank → ``None``, JSON → parsed, anything else → the text.

    >>> parse_body(b'{"Id": 1}'), parse_body(b"Too Many Requests\\r\\n"), parse_body(b"  ")
    ({'Id': 1}, 'Too Many Requests\\r\\n', None)
    """
    if content is None:
        return None
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    if not text.strip():
        return None
    try:
        return json.loads(text, parse_constant=_not_json)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser can follow
        return text


def _not_json(constant: str) -> object:
    """``NaN``/``Infinity`` are not JSON; Jackson refuses them, so such a body stays text (and stays valid JSON)."""
    raise ValueError(f"{constant} is not a JSON value")


@attrs.frozen
class HttpResponse:
    """One HTTP response as a process sees it: ``status``, ``headers``, ``body`` and the ``reason`` phrase.

    >>> HttpResponse.from_parts(201, "Created", [("Content-Type", "application/json")], b'{"Id": 7}').to_dict()
    {'status': 201, 'headers': {'Content-Type': 'application/json'}, 'body': {'Id': 7}, 'reason': 'Created'}
    """

    status: int
    headers: Mapping[str, str | list[str]] = attrs.field(factory=dict)
    body: Any = None
    reason: str | None = None

    @classmethod
    def from_parts(
        cls,
        status: int,
        reason: str | None,
        header_pairs: Iterable[tuple[str, str]],
        content: bytes | str | None,
    ) -> HttpResponse:
        """Build the envelope from what the wire carried: status line, header pairs and body bytes."""
        return cls(status=status, headers=flatten_headers(header_pairs), body=parse_body(content), reason=reason)

    def header(self, name: str) -> str | None:
        """The first value of a header, matched without regard to case; ``None`` when absent."""
        folded = name.lower()
        for key, value in self.headers.items():
            if key.lower() == folded:
                return value[0] if isinstance(value, list) else value
        return None

    def to_dict(self) -> dict[str, object]:
        """The envelope as job variables: ``{"status", "headers", "body", "reason"}``."""
        return {
            "status": self.status,
            "headers": {name: list(v) if isinstance(v, list) else v for name, v in self.headers.items()},
            "body": self.body,
            "reason": self.reason,
        }
