"""Where the reconciler keeps its place per queue: a watermark and the message ids published near it.

The watermark is the ``EndProcessing`` of the newest item the reconciler has published (Orchestrator's clock, never
the local one). Next to it the store keeps the ids of messages published within the overlap window before it, so
that after a restart the window is read again (nothing skipped) and what was already sent is not sent again
(nothing repeated), whether or not Zeebe still holds the ids.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol

import attrs

from ._events import parse_timestamp

__all__ = ["FileWatermarkStore", "MemoryWatermarkStore", "Watermark", "WatermarkStore"]

#: At most this many published ids are kept per queue; past it the oldest go (Zeebe's id check still holds them).
MAX_REMEMBERED_IDS = 10_000
# A watermark file larger than this is not a watermark file: refuse to read it rather than load it whole.
_MAX_FILE_BYTES = 16 * 1024 * 1024


def _as_dict(value: Mapping[str, datetime]) -> dict[str, datetime]:
    return dict(value)


def _moment(value: object) -> datetime | None:
    return parse_timestamp(value) if isinstance(value, str) else None


@attrs.frozen
class Watermark:
    """A queue's place: items that ended up to ``ended_at`` were published; ``published`` names the recent ones."""

    ended_at: datetime
    published: Mapping[str, datetime] = attrs.field(factory=dict, converter=_as_dict)


class WatermarkStore(Protocol):
    """Keeps one :class:`Watermark` per queue across restarts."""

    def load(self, queue: str) -> Watermark | None:
        """The queue's watermark, or None before the first save."""
        ...  # pragma: no cover

    def save(self, queue: str, watermark: Watermark) -> None:
        """Replace the queue's watermark; when this returns it survives a crash."""
        ...  # pragma: no cover


class MemoryWatermarkStore:
    """Watermarks in memory (tests, or a reconciler that may start over from its initial look-back)."""

    def __init__(self) -> None:
        self._marks: dict[str, Watermark] = {}

    def load(self, queue: str) -> Watermark | None:
        """The queue's watermark, or None."""
        return self._marks.get(queue)

    def save(self, queue: str, watermark: Watermark) -> None:
        """Keep ``watermark``."""
        self._marks[queue] = watermark


class FileWatermarkStore:
    """Watermarks in one small JSON file, replaced atomically (write a temporary file, fsync, rename).

    >>> import tempfile, pathlib
    >>> from datetime import datetime, timezone
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "watermarks.json"
    >>> FileWatermarkStore(path).save("Invoices", Watermark(datetime(2026, 11, 28, tzinfo=timezone.utc)))
    >>> FileWatermarkStore(path).load("Invoices").ended_at.isoformat()
    '2026-11-28T00:00:00+00:00'
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self, queue: str) -> Watermark | None:
        """The queue's watermark from the file; None when the file or the queue is not there yet."""
        with self._lock:
            entry = self._read().get(queue)
        if entry is None:
            return None
        ended = entry.get("endedAt") if isinstance(entry, Mapping) else None
        ended_at = parse_timestamp(ended) if isinstance(ended, str) else None
        published = entry.get("published") if isinstance(entry, Mapping) else None
        times = (
            {key: parse_timestamp(value) if isinstance(value, str) else None for key, value in published.items()}
            if isinstance(published, Mapping)
            else None
        )
        if ended_at is None or times is None or any(value is None for value in times.values()):
            raise ValueError(f"{self.path}: the watermark of queue {queue!r} is not readable; fix or delete the file")
        return Watermark(ended_at, {key: value for key, value in times.items() if value is not None})

    def save(self, queue: str, watermark: Watermark) -> None:
        """Write the queue's watermark; the other queues' entries are kept."""
        with self._lock:
            data = self._read()
            data[queue] = {
                "endedAt": watermark.ended_at.isoformat(),
                "published": {key: watermark.published[key].isoformat() for key in sorted(watermark.published)},
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                    json.dump(data, file, indent=1, sort_keys=True)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    def _read(self) -> dict[str, object]:
        try:
            with self.path.open("rb") as file:
                raw = file.read(_MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return {}
        if len(raw) > _MAX_FILE_BYTES:
            raise ValueError(f"{self.path}: larger than {_MAX_FILE_BYTES} bytes, not a watermark file")
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            raise ValueError(f"{self.path}: not JSON; fix or delete the file") from None
        if not isinstance(data, dict):
            raise ValueError(f"{self.path}: not a JSON object; fix or delete the file")
        return data
