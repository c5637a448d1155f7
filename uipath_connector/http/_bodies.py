"""Reading an answer's body within a wall-clock deadline and a size cap, decoding gzip/deflate with a limit.

A socket timeout bounds each read, not the whole answer: a server that sends one byte per second never trips it
and can hold a request for as long as it likes. And ``requests`` decodes ``Content-Encoding: gzip`` into memory
without a bound, so one megabyte of gzip can expand to a gigabyte. Here the body is read in pieces of at most one
socket read each (``read1``), the deadline is checked between pieces and the socket timeout is never longer than
the time left, and compressed bodies are decompressed with ``max_length`` so that no more than the cap (plus one
piece) is ever held.

What a too-long or too-large answer becomes is the requester's business: a
:class:`~._too_large.ResponseTooLargeError` or a ``requests.ReadTimeout`` (Camunda's "408"), both raised *after*
the request was sent. ``requests`` and ``urllib3`` are named through :class:`~._lazy.LazyModule`: only a failure
reads them here, after sending loaded them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._lazy import LazyModule

if TYPE_CHECKING:
    import requests
    import urllib3
else:
    requests = LazyModule("requests")
    urllib3 = LazyModule("urllib3")

__all__ = ["DEFAULT_MAX_BODY_BYTES", "read_body"]

#: The default cap on a decoded answer body: far above any answer of the operations here (an Orchestrator page
#: holds at most 1,000 items), far below what would hurt a worker.
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
_PIECE = 64 * 1024


class _Decoder:
    """gzip or deflate (zlib-wrapped or raw, as servers send both) decoding with a bounded output per call."""

    def __init__(self, encoding: str):
        self._gzip = encoding in ("gzip", "x-gzip")
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._first = True

    def decode(self, data: bytes, room: int) -> bytes:
        """At most ``room + 1`` decoded bytes from ``data`` and what earlier calls left unconsumed."""
        try:
            out = self._inflate.decompress(self._pending() + data, room + 1)
        except zlib.error:
            if not self._first or self._gzip:
                raise
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, room + 1)
        self._first = False
        return out

    def _pending(self) -> bytes:
        return self._inflate.unconsumed_tail

    def more(self, room: int) -> bytes:
        """Decoded bytes still held back by ``max_length`` (empty when none)."""
        if not self._inflate.unconsumed_tail:
            return b""
        return self._inflate.decompress(b"", room + 1)


def read_body(response: requests.Response, *, deadline: float, monotonic: Callable[[], float], max_bytes: int) -> None:
    """Read a streamed ``response``'s body into ``response.content``, bounded by ``deadline`` and ``max_bytes``.

    Raises ``requests.ReadTimeout`` after the deadline, :class:`ResponseTooLargeError` beyond the cap, and the
    ``requests`` exception for a broken stream; the connection is closed then (never reused half-read).
    """
    raw = response.raw
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    decoder = _Decoder(encoding) if encoding in ("gzip", "x-gzip", "deflate") else None
    body = bytearray()
    read_piece = _piece_reader(raw)
    try:
        while True:
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise requests.exceptions.ReadTimeout(
                    "the answer did not arrive within the request's deadline", response=response
                )
            _shorten_socket_timeout(raw, remaining)
            piece = read_piece()
            if decoder is not None:
                decoded = decoder.decode(piece, max_bytes - len(body)) if piece else decoder.more(max_bytes - len(body))
                body += decoded
                while len(body) <= max_bytes and (extra := decoder.more(max_bytes - len(body))):
                    body += extra
            else:
                body += piece
            if len(body) > max_bytes:
                from ._too_large import ResponseTooLargeError  # a requests exception: loaded with requests

                raise ResponseTooLargeError(max_bytes)
            if not piece:
                break
    except requests.exceptions.RequestException:  # ResponseTooLargeError included
        response.close()
        raise
    except urllib3.exceptions.ReadTimeoutError as error:
        response.close()
        raise requests.exceptions.ReadTimeout(error, response=response) from error
    except urllib3.exceptions.SSLError as error:
        response.close()
        raise requests.exceptions.SSLError(error, response=response) from error
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, zlib.error) as error:
        response.close()
        raise requests.exceptions.ChunkedEncodingError(error, response=response) from error
    except OSError as error:
        response.close()
        raise requests.exceptions.ConnectionError(error, response=response) from error
    response._content = bytes(body)
    response._content_consumed = True  # type: ignore[attr-defined]
    release = getattr(raw, "release_conn", None)
    if callable(release):
        release()


def _piece_reader(raw: object) -> Callable[[], bytes]:
    """One socket read's worth of undecoded bytes per call (``b""`` at the end)."""
    read1 = getattr(raw, "read1", None)
    read = getattr(raw, "read")  # noqa: B009 - every urllib3 response and test double has it
    if callable(read1):

        def piece() -> bytes:
            try:
                data = read1(_PIECE, decode_content=False)
            except NotImplementedError:  # an HTTPResponse double without read1
                data = read(_PIECE, decode_content=False)
            return bytes(data or b"")

        return piece

    def whole_pieces() -> bytes:  # urllib3 1.x: no read1; pieces block until full, the socket timeout bounds them
        return bytes(read(_PIECE, decode_content=False) or b"")

    return whole_pieces


def _shorten_socket_timeout(raw: object, remaining: float) -> None:
    """Never let one socket read outlast the deadline (urllib3 keeps the connection on the response)."""
    connection = getattr(raw, "connection", None) or getattr(raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    settimeout = getattr(sock, "settimeout", None)
    gettimeout = getattr(sock, "gettimeout", None)
    if not callable(settimeout) or not callable(gettimeout):
        return
    try:
        current = gettimeout()
        if current is None or current > remaining:
            settimeout(max(remaining, 0.001))
    except OSError:
        pass
