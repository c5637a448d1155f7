"""Mount the emulator into ``responses`` (imported lazily: it is a test dependency, not a runtime one)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._http import EmulatorRequest, RequestProcessor

if TYPE_CHECKING:
    import requests


def _read_timeout(request: requests.PreparedRequest) -> float | None:
    # responses stores the keyword arguments of Session.send on the request (responses >= 0.17).
    timeout = getattr(request, "req_kwargs", {}).get("timeout")
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    return float(timeout) if isinstance(timeout, (int, float)) else None


def mount(processor: RequestProcessor, rsps: Any, base_host: str) -> None:
    """Register callbacks for every method on ``base_host`` (any org, tenant and path) in ``rsps``."""
    import requests

    pattern = re.compile(re.escape(base_host.rstrip("/")) + r"(?:/.*)?$")

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        response = processor.handle(
            EmulatorRequest(
                method=request.method or "GET",
                url=request.url or "",
                headers=dict(request.headers),
                body=body,
            )
        )
        if response.drop_connection:
            raise requests.exceptions.ConnectionError(
                "Connection aborted: the emulator closed the connection without a response", request=request
            )
        read_timeout = _read_timeout(request)
        if response.delay_seconds and read_timeout is not None and response.delay_seconds > read_timeout:
            raise requests.exceptions.ReadTimeout(
                f"Read timed out: the emulator held the response {response.delay_seconds:.3f}s "
                f"(read timeout {read_timeout}s)",
                request=request,
            )
        return response.status, response.headers, response.body

    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        rsps.add_callback(method, pattern, callback=callback, content_type=None)
