"""The error of an answer whose body is larger than the requester's cap.

It is a ``requests`` exception (callers that catch ``requests.RequestException`` catch it too), so this module
imports ``requests`` at its top and is itself imported only when the error is raised or named
(``uipath_connector.http`` exports it on first access).
"""

from __future__ import annotations

import requests

__all__ = ["ResponseTooLargeError"]


class ResponseTooLargeError(requests.exceptions.RequestException):
    """The answer's decoded body is larger than the requester's cap (``max_body_bytes``).

    >>> str(ResponseTooLargeError(1024))
    "the answer's body is larger than 1,024 bytes"
    """

    def __init__(self, limit: int):
        super().__init__(f"the answer's body is larger than {limit:,} bytes")
        self.limit = limit
