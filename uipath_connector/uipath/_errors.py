"""Errors of the Orchestrator client, all :class:`~uipath_connector.sdk.ConnectorError` so Camunda's codes hold.

::

    ConnectorError                      error_code = Camunda's code, variables = {"response": {headers, body}}
    ├── OrchestratorError               an HTTP answer >= 400: status, uipath_error_code, trace_id, response
    │   ├── OrchestratorAuthenticationError   401: the token was refused
    │   ├── OrchestratorPermissionError       403: scope, folder role or folder assignment missing
    │   ├── OrchestratorNotFoundError         404: unknown queue (1002), org, tenant or item
    │   ├── DuplicateReferenceError           409 with errorCode 1016: the reference is already used
    │   ├── OrchestratorServerError           5xx
    │   └── OrchestratorRateLimitError        429 (a ConnectorRetryError: backoff = Retry-After when given)
    ├── TokenEndpointError              the identity server refused or could not issue a token (from ``http``)
    └── HttpConnectionError             no HTTP answer: Camunda's network codes (from ``http``)
        └── OrchestratorConnectionError     ... from Orchestrator ("408", "500", "SSL_HANDSHAKE_FAILED")
            └── QueueItemMayExistError      an Add whose fate is unknown and could not be settled: code "408"

``error_code`` is Camunda's code (the HTTP status as text for answers, Camunda's ConnectorExceptionMapper), so
error expressions written for Camunda's connector (``error.code = "404"``) keep working. UiPath's own numeric
``errorCode`` is :attr:`OrchestratorError.uipath_error_code`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta

from ..http import HttpConnectionError, TokenEndpointError, response_variables
from ..sdk import ConnectorError, ConnectorRetryError, HttpResponse

__all__ = [
    "DuplicateReferenceError",
    "OrchestratorAuthenticationError",
    "OrchestratorConnectionError",
    "OrchestratorError",
    "OrchestratorNotFoundError",
    "OrchestratorPermissionError",
    "OrchestratorRateLimitError",
    "OrchestratorServerError",
    "QueueItemMayExistError",
    "TokenEndpointError",
    "UiPathErrorDetails",
    "error_details",
    "orchestrator_error",
]

#: UiPath's errorCode for "Error creating Transaction. Duplicate Reference." (UiPath: API Response Codes).
DUPLICATE_REFERENCE = 1016
#: The fields of the item holding a reference that a :class:`DuplicateReferenceError` names in ``existingItem``;
#: never ``SpecificContent``, which may hold sensitive data.
EXISTING_ITEM_FIELDS = ("Id", "Key", "Status", "Reference", "CreationTime", "QueueDefinitionId")
_TEXT_LIMIT = 300


class UiPathErrorDetails:
    """What an Orchestrator error body says: ``message``, ``errorCode``, ``traceId`` (any letter case)."""

    __slots__ = ("error_code", "message", "trace_id")

    def __init__(self, message: str | None, error_code: int | None, trace_id: str | None):
        self.message = message
        self.error_code = error_code
        self.trace_id = trace_id


def _lookup(body: Mapping[str, object], name: str) -> object:
    folded = name.casefold()
    for key, value in body.items():
        if key.casefold() == folded:
            return value
    return None


def error_details(response: HttpResponse) -> UiPathErrorDetails:
    """Read UiPath's error body: camelCase, PascalCase or the ABP envelope; HTML and text described, not parsed.

    >>> details = error_details(HttpResponse(404, {}, {"message": "Q does not exist.", "errorCode": 1002}))
    >>> details.message, details.error_code
    ('Q does not exist.', 1002)
    """
    body = response.body
    if isinstance(body, Mapping):
        message = _lookup(body, "message")
        nested = _lookup(body, "error")  # ABP: {"error": {"code", "message", "details"}} (UiPath: API Response Codes)
        if isinstance(nested, Mapping):
            inner = _lookup(nested, "message")
            details = _lookup(nested, "details")
            if not isinstance(message, str) or not message:
                message = inner
            if isinstance(details, str) and details and details != message:
                message = f"{message} ({details})" if isinstance(message, str) and message else details
        if not isinstance(message, str) or not message:
            # OAuth-style or unknown JSON: show it compactly rather than nothing.
            oauth_error = _lookup(body, "error")
            message = oauth_error if isinstance(oauth_error, str) else None
        code = _lookup(body, "errorCode")
        trace = _lookup(body, "traceId")
        error_code = code if isinstance(code, int) and not isinstance(code, bool) else None
        if isinstance(code, str) and code.strip().lstrip("-").isdigit():
            error_code = int(code)
        return UiPathErrorDetails(message, error_code, trace if isinstance(trace, str) and trace else None)
    if isinstance(body, str):
        content_type = (response.header("Content-Type") or "").lower()
        if "html" in content_type or body.lstrip()[:1] == "<":
            return UiPathErrorDetails(
                "the answer is an HTML page, not an Orchestrator API error; check cloudUrl, cloudOrg and cloudTenant",
                None,
                None,
            )
        return UiPathErrorDetails(_shortened(" ".join(body.split())), None, None)
    if body is not None:
        # JSON that is not an object (an array, a number): shown compactly rather than as "[no message]".
        return UiPathErrorDetails(_shortened(json.dumps(body, ensure_ascii=False, separators=(",", ":"))), None, None)
    return UiPathErrorDetails(None, None, None)


def _shortened(text: str) -> str:
    return text[:_TEXT_LIMIT] + ("..." if len(text) > _TEXT_LIMIT else "")


class OrchestratorError(ConnectorError):
    """Orchestrator answered with an HTTP status >= 400.

    ``error_code`` is the status as text (Camunda's code); ``uipath_error_code`` is UiPath's numeric ``errorCode``.

    >>> error = orchestrator_error(HttpResponse(404, {}, {"message": "Q does not exist.", "errorCode": 1002,
    ...     "traceId": "00-abc-01"}, "Not Found"), "POST /odata/Queues/UiPathODataSvc.AddQueueItem")
    >>> type(error).__name__, error.error_code, error.uipath_error_code, error.trace_id
    ('OrchestratorNotFoundError', '404', 1002, '00-abc-01')
    >>> str(error)
    'Orchestrator answered 404 Not Found to POST /odata/Queues/UiPathODataSvc.AddQueueItem: Q does not exist. \
(errorCode 1002, traceId 00-abc-01)'
    """

    def __init__(
        self,
        message: str,
        *,
        response: HttpResponse,
        details: UiPathErrorDetails,
        variables: Mapping[str, object] | None = None,
    ):
        super().__init__(
            str(response.status), message, response_variables(response) if variables is None else variables
        )
        self.status = response.status
        self.response = response
        self.uipath_error_code = details.error_code
        self.trace_id = details.trace_id
        self.uipath_message = details.message


class OrchestratorAuthenticationError(OrchestratorError):
    """401: the token is missing, expired or not accepted (a fresh OAuth token was already tried once)."""


class OrchestratorPermissionError(OrchestratorError):
    """403: the application lacks a scope, a folder role, or is not assigned to the folder."""


class OrchestratorNotFoundError(OrchestratorError):
    """404: an unknown queue (errorCode 1002), item, organization or tenant."""


class DuplicateReferenceError(OrchestratorError):
    """409 with errorCode 1016: the queue enforces unique references and this one is taken.

    ``existing_item`` is the item holding the reference when the client could look it up (also the error
    variable ``existingItem``), else None.

    >>> error = orchestrator_error(HttpResponse(409, {}, {"message": "Duplicate Reference.", "errorCode": 1016},
    ...     "Conflict"), "POST /odata/Queues/UiPathODataSvc.AddQueueItem")
    >>> named = error.naming_holder({"Id": 7, "Status": "New", "SpecificContent": {"Iban": "..."}})
    >>> str(named)
    'Orchestrator answered 409 Conflict to POST /odata/Queues/UiPathODataSvc.AddQueueItem: Duplicate Reference. \
(errorCode 1016); queue item 7 (New) already has this reference'
    >>> sorted(named.variables["existingItem"])
    ['CreationTime', 'Id', 'Key', 'QueueDefinitionId', 'Reference', 'Status']
    """

    existing_item: Mapping[str, object] | None = None

    def naming_holder(self, item: Mapping[str, object]) -> DuplicateReferenceError:
        """This error, naming the queue item (a ``QueueItemDto``) that holds the reference."""
        existing = {name: item.get(name) for name in EXISTING_ITEM_FIELDS}
        details = UiPathErrorDetails(self.uipath_message, self.uipath_error_code, self.trace_id)
        named = DuplicateReferenceError(
            f"{self.message}; queue item {existing['Id']} ({existing['Status']}) already has this reference",
            response=self.response,
            details=details,
            variables={**self.variables, "existingItem": existing},
        )
        named.existing_item = existing
        return named


class OrchestratorServerError(OrchestratorError):
    """5xx: Orchestrator failed (retried where safe before this is raised)."""


class OrchestratorRateLimitError(OrchestratorError, ConnectorRetryError):
    """429: too many requests. ``backoff`` is the server's ``Retry-After`` when it sent one."""

    def __init__(
        self,
        message: str,
        *,
        response: HttpResponse,
        details: UiPathErrorDetails,
        retry_after: float | None = None,
    ):
        OrchestratorError.__init__(self, message, response=response, details=details)
        self.retries = None
        self.backoff = timedelta(seconds=retry_after) if retry_after is not None else None


def _class_for(status: int, uipath_error_code: int | None) -> type[OrchestratorError]:
    if status == 401:
        return OrchestratorAuthenticationError
    if status == 403:
        return OrchestratorPermissionError
    if status == 404:
        return OrchestratorNotFoundError
    if status == 409 and uipath_error_code == DUPLICATE_REFERENCE:
        return DuplicateReferenceError
    if status >= 500:
        return OrchestratorServerError
    return OrchestratorError


def orchestrator_error(
    response: HttpResponse, request: str, *, retry_after: float | None = None, note: str = ""
) -> OrchestratorError:
    """The error for an HTTP answer >= 400; ``request`` names it (``GET /odata/QueueItems``), never a secret."""
    details = error_details(response)
    reason = f" {response.reason}" if response.reason else ""
    said = details.message or "[no message]"
    facts = []
    if details.error_code is not None:
        facts.append(f"errorCode {details.error_code}")
    if details.trace_id is not None:
        facts.append(f"traceId {details.trace_id}")
    suffix = f" ({', '.join(facts)})" if facts else ""
    message = f"Orchestrator answered {response.status}{reason} to {request}: {said}{suffix}{note}"
    if response.status == 429:
        return OrchestratorRateLimitError(message, response=response, details=details, retry_after=retry_after)
    return _class_for(response.status, details.error_code)(message, response=response, details=details)


class OrchestratorConnectionError(HttpConnectionError):
    """No HTTP answer from Orchestrator: refused, reset, timed out or a TLS failure, with Camunda's network codes.
    ``request_sent`` says whether the request may have reached the server."""


class QueueItemMayExistError(OrchestratorConnectionError, ConnectorRetryError):
    """An Add Queue Item was sent, its fate is unknown, and it could not be settled whether the item exists.

    The connector never re-sends such a request blindly (that could add the item twice); see
    docs/errors-and-retries.md. ``retries`` is ``0`` when no automatic retry may repeat the Add (no reference to
    look it up by): the job then ends in an incident. ``error_code`` is the answer's status (``"503"``) or
    ``"408"`` when no answer came; ``variables`` hold the answer (``response``) when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        error_code: str = "408",
        variables: Mapping[str, object] | None = None,
        retries: int | None = None,
    ):
        super().__init__(error_code, message, request_sent=True)
        self.variables = dict(variables) if variables is not None else {}
        self.retries = retries
        self.backoff = None
