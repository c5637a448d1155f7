"""Errors every HTTP connector shares, all :class:`~uipath_connector.sdk.ConnectorError` so Camunda's codes hold.

::

    ConnectorError
    ├── HttpConnectionError     no HTTP answer: Camunda's network codes ("408", "500", "SSL_HANDSHAKE_FAILED")
    └── TokenEndpointError      the identity server refused or could not issue a token

A connector maps answers >= 400 to its own errors (the requester takes that mapping) and may subclass
:class:`HttpConnectionError` so its users catch one family (``OrchestratorConnectionError`` does).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..sdk import ConnectorError, HttpResponse

__all__ = [
    "MALFORMED_RESPONSE",
    "RESPONSE_TOO_LARGE",
    "UNEXPECTED_RESPONSE",
    "HttpConnectionError",
    "TokenEndpointError",
    "response_variables",
]

#: ``error_code`` of a 2xx answer whose JSON body does not parse.
MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
#: ``error_code`` of an answer whose decoded body is larger than the requester's cap.
RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
#: ``error_code`` of an answer below 400 that is not the documented success: a 2xx without the body the operation
#: returns (``204``, ``201 {}``, an HTML page). A redirect's code is its status (``"302"``).
UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE"


def response_variables(response: HttpResponse) -> dict[str, object]:
    """Camunda's error variables: ``{"response": {"headers": ..., "body": ...}}`` (Camunda's REST connector).

    >>> response_variables(HttpResponse(404, {"A": "1"}, {"message": "gone"}))
    {'response': {'headers': {'A': '1'}, 'body': {'message': 'gone'}}}
    """
    envelope = response.to_dict()
    return {"response": {"headers": envelope["headers"], "body": envelope["body"]}}


class HttpConnectionError(ConnectorError):
    """No HTTP answer: refused, reset, timed out or a TLS failure, with the network codes of Camunda's HTTP client
    ("408" for timeouts and aborted connections, "500" otherwise). ``request_sent`` says whether the request may
    have reached the server."""

    def __init__(self, error_code: str, message: str, *, request_sent: bool):
        super().__init__(error_code, message)
        self.request_sent = request_sent


class TokenEndpointError(ConnectorError):
    """The identity server did not issue a token. ``error_code`` is its HTTP status as text (Camunda does the
    same), or ``"OAUTH_TOKEN_ERROR"`` when a 2xx answer carried no ``access_token``; ``oauth_error`` is the
    OAuth ``error`` value (``invalid_client``, ``invalid_scope``...) when there is one."""

    def __init__(
        self,
        error_code: str,
        message: str,
        *,
        status: int | None = None,
        oauth_error: str | None = None,
        variables: Mapping[str, object] | None = None,
    ):
        super().__init__(error_code, message, variables)
        self.status = status
        self.oauth_error = oauth_error
