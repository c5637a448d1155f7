"""HTTP semantics of the emulator: one function from a request to a response, shared by both ways to run it.

The in-process ``responses`` mount and the loopback server only translate their request objects into
:class:`EmulatorRequest` and write back the :class:`EmulatorResponse`; routing, auth, rate limits, faults and
the
wire formats all live here, so the two modes cannot drift apart.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import attrs

from ._dates import format_echo
from ._errors import NOT_AUTHENTICATED, EmulatorError, InvalidRequestError
from ._faults import (
    Delay,
    DropConnection,
    Endpoint,
    ErrorBody,
    Fault,
    FaultInjection,
    HtmlErrorPage,
    MalformedJson,
    ServerError,
    TooManyRequests,
)
from ._model import (
    READ_SCOPES,
    WRITE_SCOPES,
    FailureKind,
    Folder,
    OrchestratorModel,
    Scope,
    TokenGrant,
    _Tenant,
    parse_item_data,
    require_scope,
)
from ._odata import INT64_MAX, parse_query

ODATA_JSON = "application/json; odata.metadata=minimal; odata.streaming=true"
ERROR_JSON = "application/json; charset=utf-8"


@attrs.frozen
class EmulatorRequest:
    """A request as the emulator sees it (header names are matched case-insensitively)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == lowered), None)


@attrs.frozen
class EmulatorResponse:
    """The answer: status, headers and body, or ``drop_connection``; ``delay_seconds`` holds it back."""

    status: int
    headers: dict[str, str]
    body: bytes
    drop_connection: bool = False
    delay_seconds: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.frozen
class RecordedRequest:
    """One request in :attr:`OrchestratorEmulator.requests`; credentials are replaced by ``***``."""

    method: str
    url: str
    endpoint: Endpoint | None
    headers: dict[str, str]
    body: str
    status: int | None
    fault: str | None
    delay_seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


_ROUTES: list[tuple[str, re.Pattern[str], Endpoint]] = [
    ("POST", re.compile(r"Queues/UiPathODataSvc\.AddQueueItem", re.I), Endpoint.ADD_QUEUE_ITEM),
    ("POST", re.compile(r"Queues/UiPathODataSvc\.BulkAddQueueItems", re.I), Endpoint.BULK_ADD_QUEUE_ITEMS),
    ("GET", re.compile(r"QueueItems(?:\(\))?", re.I), Endpoint.LIST_QUEUE_ITEMS),
    ("GET", re.compile(r"QueueItems\((?P<id>[^)]+)\)", re.I), Endpoint.GET_QUEUE_ITEM),
    ("DELETE", re.compile(r"QueueItems\((?P<id>[^)]+)\)", re.I), Endpoint.DELETE_QUEUE_ITEM),
    (
        "POST",
        re.compile(r"QueueItems\((?P<id>[^)]+)\)/UiPathODataSvc\.SetTransactionProgress", re.I),
        Endpoint.SET_TRANSACTION_PROGRESS,
    ),
    (
        "POST",
        re.compile(r"Queues\((?P<id>[^)]+)\)/UiPathODataSvc\.SetTransactionResult", re.I),
        Endpoint.SET_TRANSACTION_RESULT,
    ),
]
# UiPath: Authenticating with an External Application: the cloud serves the token endpoint with and without the org
# segment.
_TOKEN_PATH = re.compile(r"^(?:/(?P<org>[^/]+))?/identity_/connect/token$", re.I)
_ORCHESTRATOR_PATH = re.compile(r"^/(?P<org>[^/]+)/(?P<tenant>[^/]+)/orchestrator_/odata/(?P<rest>.+)$", re.I)

_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head>"
    "<body><h1>{status} {title}</h1><p>The emulator answered with an HTML page.</p></body></html>\n"
)


@attrs.frozen
class _Route:
    endpoint: Endpoint | None
    method_allowed: bool
    org: str | None = None
    tenant: str | None = None
    item_id: str | None = None


def _route(method: str, path: str) -> _Route | None:
    if _TOKEN_PATH.match(path):
        return _Route(Endpoint.TOKEN, method == "POST")
    match = _ORCHESTRATOR_PATH.match(path)
    if match is None:
        return None
    rest = match["rest"]
    candidates = [(m, e, found) for m, pattern, e in _ROUTES if (found := pattern.fullmatch(rest)) is not None]
    if not candidates:
        return None
    for route_method, endpoint, found in candidates:
        if route_method == method:
            item_id = found.groupdict().get("id")
            return _Route(endpoint, True, match["org"], match["tenant"], item_id)
    return _Route(candidates[0][1], False, match["org"], match["tenant"])


def _json_response(status: int, payload: object, headers: Mapping[str, str] | None = None) -> EmulatorResponse:
    return EmulatorResponse(
        status=status,
        headers={"Content-Type": ODATA_JSON, "OData-Version": "4.0", **(headers or {})},
        body=json.dumps(payload, separators=(",", ":")).encode("utf-8"),
    )


def _html_response(status: int, title: str) -> EmulatorResponse:
    return EmulatorResponse(
        status=status,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=_HTML_PAGE.format(status=status, title=title).encode("utf-8"),
    )


def _too_many_requests(retry_after: int) -> EmulatorResponse:
    # UiPath: API Response Codes: the one 429 body on record is the text "Too Many Requests\r\n".
    return EmulatorResponse(
        status=429,
        headers={"Content-Type": "text/plain; charset=utf-8", "Retry-After": str(retry_after)},
        body=b"Too Many Requests\r\n",
    )


def _empty(status: int) -> EmulatorResponse:
    return EmulatorResponse(status=status, headers={}, body=b"")


def _redact_body(endpoint: Endpoint | None, body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    if endpoint is Endpoint.TOKEN:
        return re.sub(r"(client_secret=)[^&]*", r"\1***", text)
    return text


def _redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    redacted = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme = value.split(" ", 1)[0]
            value = f"{scheme} ***"
        redacted[name] = value
    return redacted


class RequestProcessor:
    """Turns :class:`EmulatorRequest` into :class:`EmulatorResponse` against an :class:`OrchestratorModel`."""

    def __init__(self, model: OrchestratorModel, *, max_recorded_requests: int | None = None) -> None:
        self.model = model
        self.faults: list[FaultInjection] = []
        # A long-running emulator (``uipath-connector emulator``) keeps only the newest records.
        self.requests: deque[RecordedRequest] = deque(maxlen=max_recorded_requests)
        self._lock = threading.Lock()

    # -- faults ----------------------------------------------------------------------------------------

    def inject(self, injection: FaultInjection) -> None:
        with self._lock:
            self.faults.append(injection)

    def recorded(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self.requests)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _take_faults(self, endpoint: Endpoint) -> tuple[Fault | None, float]:
        """The first answer-changing fault due for this request, and the total delay due."""
        chosen: Fault | None = None
        delay = 0.0
        with self._lock:
            for injection in self.faults:
                if not injection.matches(endpoint):
                    continue
                if isinstance(injection.fault, Delay):
                    jitter = injection.fault.jitter
                    extra = self.model.random.uniform(0, jitter) if jitter else 0.0
                    delay += injection.fault.seconds + extra
                    injection.consume()
                elif chosen is None:
                    chosen = injection.fault
                    injection.consume()
        return chosen, delay

    # -- entry point -----------------------------------------------------------------------------------

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        split = urlsplit(request.url)
        route = _route(request.method.upper(), split.path)
        fault: Fault | None = None
        delay = 0.0
        if route is None:
            response = _html_response(404, "Not Found")
        elif not route.method_allowed:
            response = self._error(405, f"The requested resource does not support http method '{request.method}'.")
        else:
            assert route.endpoint is not None
            fault, delay = self._take_faults(route.endpoint)
            response = self._answer(request, route, split.query, fault)
        if delay:
            response = attrs.evolve(response, delay_seconds=delay)
        self._record(request, route, response, fault)
        return response

    def _answer(self, request: EmulatorRequest, route: _Route, query: str, fault: Fault | None) -> EmulatorResponse:
        replaced = self._fault_response(fault)
        committed_first = isinstance(fault, (ServerError, TooManyRequests)) and fault.after_commit
        if replaced is not None and not committed_first:
            return replaced
        try:
            if route.endpoint is Endpoint.TOKEN:
                response = self._token(request)
            else:
                response = self._orchestrator(request, route, query)
        except EmulatorError as exc:
            response = self._error(exc.status, exc.message, exc.error_code, resource_ids=exc.resource_ids)
        if isinstance(fault, DropConnection):
            return attrs.evolve(response, drop_connection=True)
        if replaced is not None:  # processed, then answered with the fault (after_commit)
            return replaced
        return response

    def _fault_response(self, fault: Fault | None) -> EmulatorResponse | None:
        if isinstance(fault, ServerError):
            if fault.body is ErrorBody.JSON:
                return self._error(fault.status, "An unexpected error occurred. Please try again later.")
            if fault.body is ErrorBody.TEXT:
                return EmulatorResponse(
                    fault.status, {"Content-Type": "text/plain; charset=utf-8"}, b"Service Unavailable"
                )
            return _empty(fault.status)
        if isinstance(fault, TooManyRequests):
            return _too_many_requests(fault.retry_after)
        if isinstance(fault, MalformedJson):
            return EmulatorResponse(fault.status, {"Content-Type": ODATA_JSON}, b'{"@odata.context":"')
        if isinstance(fault, HtmlErrorPage):
            return _html_response(fault.status, "Bad Gateway" if fault.status == 502 else "Error")
        if isinstance(fault, DropConnection) and not fault.after_commit:
            return EmulatorResponse(0, {}, b"", drop_connection=True)
        return None

    def _record(
        self, request: EmulatorRequest, route: _Route | None, response: EmulatorResponse, fault: Fault | None
    ) -> None:
        endpoint = route.endpoint if route else None
        entry = RecordedRequest(
            method=request.method.upper(),
            url=request.url,
            endpoint=endpoint,
            headers=_redact_headers(request.headers),
            body=_redact_body(endpoint, request.body),
            status=None if response.drop_connection else response.status,
            fault=type(fault).__name__ if fault is not None else None,
            delay_seconds=response.delay_seconds,
        )
        with self._lock:
            self.requests.append(entry)

    def _error(self, status: int, message: str, error_code: int = 0, *, resource_ids: bool = False) -> EmulatorResponse:
        # UiPath: API Response Codes: camelCase, with "resourceIds": null on resource errors.
        payload: dict[str, object] = {
            "message": message,
            "errorCode": error_code,
            "traceId": self.model.new_trace_id(),
        }
        if resource_ids:
            payload["resourceIds"] = None
        headers = {"Content-Type": ERROR_JSON}
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return EmulatorResponse(status, headers, json.dumps(payload, separators=(",", ":")).encode("utf-8"))

    # -- identity --------------------------------------------------------------------------------------

    def _token(self, request: EmulatorRequest) -> EmulatorResponse:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", errors="replace")).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        authorization = request.header("Authorization") or ""
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return self._oauth_error("invalid_client")
            # RFC 6749 §2.3.1: id and secret are form-urlencoded before joining with ":".
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        grant_type = form.get("grant_type")
        if grant_type is None:
            return self._oauth_error("invalid_request")
        if grant_type != "client_credentials":
            return self._oauth_error("unsupported_grant_type")
        client = self.model.client(client_id or "")
        if client is None or secret is None or client.secret != secret:
            return self._oauth_error("invalid_client")
        requested = form.get("scope", "").split()
        try:
            scopes = frozenset(Scope(s) for s in requested) if requested else client.scopes
        except ValueError:
            return self._oauth_error("invalid_scope")
        if not scopes <= client.scopes:
            return self._oauth_error("invalid_scope")
        token, lifetime = self.model.issue_token(client, scopes)
        return EmulatorResponse(
            status=200,
            headers={
                "Content-Type": "application/json; charset=UTF-8",
                "Cache-Control": "no-store, no-cache",
            },
            body=json.dumps(
                {
                    "access_token": token,
                    "expires_in": lifetime,
                    "token_type": "Bearer",
                    "scope": " ".join(s.value for s in Scope if s in scopes),
                }
            ).encode("utf-8"),
        )

    def _oauth_error(self, error: str) -> EmulatorResponse:
        # UiPath: API Response Codes: {"error":"invalid_scope"} / {"error":"invalid_client"} with 400.
        return EmulatorResponse(
            400,
            {"Content-Type": "application/json; charset=UTF-8"},
            json.dumps({"error": error}).encode("utf-8"),
        )

    # -- orchestrator ----------------------------------------------------------------------------------

    def _orchestrator(self, request: EmulatorRequest, route: _Route, query: str) -> EmulatorResponse:
        assert route.org is not None
        assert route.tenant is not None
        assert route.endpoint is not None
        home = self.model.find_tenant(route.org, route.tenant)
        if home is None:
            # UiPath: API Response Codes: an unknown org or tenant answers 403, 404 or HTML; the emulator picks a 404
            # page.
            return _html_response(404, "Not Found")
        grant = self._authenticate(request)
        retry_after = self.model.take_rate_budget(home, route.endpoint.value)
        if retry_after is not None:
            return _too_many_requests(retry_after)
        split = urlsplit(request.url)
        base = f"{split.scheme}://{split.netloc}/{route.org}/{route.tenant}/orchestrator_"
        handler = self._handlers[route.endpoint]
        return handler(self, _Call(request, route, query, home, grant, base))

    def _authenticate(self, request: EmulatorRequest) -> TokenGrant:
        authorization = request.header("Authorization") or ""
        scheme, _, token = authorization.partition(" ")
        grant = self.model.grant_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if grant is None:
            raise EmulatorError(401, NOT_AUTHENTICATED, 0)
        return grant

    def _folder(self, call: _Call, *, required: bool) -> Folder | None:
        request = call.request
        path = request.header("X-UIPATH-FolderPath")
        encoded = request.header("X-UIPATH-FolderPath-Encoded")
        if encoded is not None:
            try:
                path = base64.b64decode(encoded.strip(), validate=True).decode("utf-16-le")
            except (binascii.Error, UnicodeDecodeError):
                path = "\x00"  # matches no folder: answered as "Folder does not exist"
        key = request.header("X-UIPATH-FolderKey")
        folder_id = request.header("X-UIPATH-OrganizationUnitId")
        if path is None and key is None and folder_id is None:
            if required:
                raise EmulatorError(400, "Folder does not exist or the user does not have access to the folder.", 1100)
            return None
        # UiPath: Building API Requests, folder headers: only the encoded header takes relative paths; a plain path is
        # matched as written.
        folder = self.model.find_folder(
            call.home, path=path, key=key, folder_id=folder_id, relative_path=encoded is not None
        )
        self.model.check_folder_access(call.grant, folder)
        return folder

    def _body(self, call: _Call) -> dict[str, Any]:
        try:
            # NaN/Infinity are not JSON (RFC 8259); Python's parser accepts them and would echo them back in
            # bodies that no other JSON parser reads.
            payload = json.loads(call.request.body or b"null", parse_constant=_reject_constant, parse_float=_finite)
        except (ValueError, UnicodeDecodeError):
            raise InvalidRequestError("The request body is not valid JSON.") from None
        if not isinstance(payload, dict):
            raise InvalidRequestError("The request body must be a JSON object.")
        return payload

    def _add_queue_item(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        folder = self._folder(call, required=True)
        assert folder is not None
        body = self._body(call)
        if set(body) - {"itemData"} or "itemData" not in body:
            raise InvalidRequestError("itemData: the field is required and is the only one accepted.")
        data = parse_item_data(body["itemData"])
        queue = self.model.queue_for(folder, data.name)
        item = self.model.add_item(queue, data)
        dto = {"@odata.context": f"{call.base}/odata/$metadata#QueueItems/$entity"}
        dto.update(item.to_dto(folder, with_folder_name=False))
        # UiPath's Orchestrator OpenAPI v20: the 201 body echoes the dates as sent; CreationTime shows seven fractional
        # digits.
        dto["CreationTime"] = format_echo(item.creation_time)
        for field, sent in (
            ("DeferDate", data.defer_date),
            ("DueDate", data.due_date),
            ("RiskSlaDate", data.risk_sla_date),
        ):
            if sent is not None:
                dto[field] = sent.echo
        return _json_response(201, dto, {"Location": f"{call.base}/odata/QueueItems({item.id})"})

    def _bulk_add(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        folder = self._folder(call, required=True)
        assert folder is not None
        # UiPath's Orchestrator OpenAPI v20, BulkAddQueueItems: v20 declares camelCase request keys; read them
        # case-insensitively.
        body = {key.lower(): value for key, value in self._body(call).items()}
        queue_name, commit_type, raw_items = (
            body.get("queuename"),
            body.get("committype"),
            body.get("queueitems"),
        )
        if not isinstance(queue_name, str) or not queue_name:
            raise InvalidRequestError("queueName: the field is required.")
        if commit_type not in ("AllOrNothing", "StopOnFirstFailure", "ProcessAllIndependently"):
            raise InvalidRequestError(
                "commitType: must be AllOrNothing, StopOnFirstFailure or ProcessAllIndependently."
            )
        if not isinstance(raw_items, list):
            raise InvalidRequestError("queueItems: an array is required.")
        queue = self.model.queue_for(folder, queue_name)
        failures = self.model.bulk_add(queue, commit_type, raw_items)
        message = None if not failures else f"{len(failures)} of {len(raw_items)} queue items failed."
        return _json_response(
            200,
            {
                "@odata.context": f"{call.base}/odata/$metadata#UiPath.Server.Configuration.OData."
                "BulkOperationResponseDto_1OfFailedQueueItemDto",
                "Success": not failures,
                "Message": message,
                "FailedItems": [
                    {"Ordinal": f.ordinal, "ErrorCode": f.error_code, "ErrorMessage": f.message} for f in failures
                ],
            },
        )

    def _list_items(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        folder = self._folder(call, required=False)
        options = parse_query(parse_qs(call.query, keep_blank_values=True))
        with self.model.lock:  # another thread may be adding a folder to this tenant
            folders = dict(call.home.folders)
        if folder is not None:
            folders = {folder.id: folder}
        elif call.grant.folder_ids is not None:
            folders = {i: f for i, f in folders.items() if i in call.grant.folder_ids}
        matches = []
        for item in self.model.items():
            if item.folder_id not in folders:
                continue
            queue = self.model.queue(item.queue_id)
            if all(predicate(item, queue) for predicate in options.predicates):
                matches.append(item)
        matches.sort(key=lambda i: i.id, reverse=options.descending)
        page = matches[options.skip :]
        if options.top is not None:
            page = page[: options.top]
        payload: dict[str, object] = {"@odata.context": f"{call.base}/odata/$metadata#QueueItems"}
        if options.count:
            payload["@odata.count"] = len(matches)
        payload["value"] = [i.to_dto(folders[i.folder_id], with_folder_name=True) for i in page]
        return _json_response(200, payload)

    def _item_in_scope(self, call: _Call) -> tuple[int, Folder]:
        folder = self._folder(call, required=False)
        text = call.route.item_id or ""
        # The key is an Edm.Int64 literal: ASCII digits within range.
        if not (text.isascii() and text.isdigit()) or int(text) > INT64_MAX:
            raise InvalidRequestError(f"'{text}' is not a valid queue item id.")
        item_id = int(text)
        item = self.model.item(item_id)
        allowed = call.grant.folder_ids
        in_tenant = item.folder_id in call.home.folders
        if (
            not in_tenant
            or (folder is not None and item.folder_id != folder.id)
            or (allowed is not None and item.folder_id not in allowed)
        ):
            raise EmulatorError(404, "Queue Item does not exist.", 1002, resource_ids=True)
        return item_id, call.home.folders[item.folder_id]

    def _get_item(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        item_id, folder = self._item_in_scope(call)
        dto = {"@odata.context": f"{call.base}/odata/$metadata#QueueItems/$entity"}
        dto.update(self.model.item(item_id).to_dto(folder, with_folder_name=False))
        return _json_response(200, dto)

    def _delete_item(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        self.model.delete(item_id)
        return _empty(204)

    def _set_progress(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        body = {key.lower(): value for key, value in self._body(call).items()}
        progress = body.get("progress")
        if progress is not None and not isinstance(progress, str):
            raise InvalidRequestError("progress: a string is required.")
        self.model.set_progress(item_id, progress)
        return _empty(200)

    def _set_result(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        result = self._body(call).get("transactionResult")
        if not isinstance(result, dict) or not isinstance(result.get("IsSuccessful"), bool):
            raise InvalidRequestError("transactionResult.IsSuccessful: a boolean is required.")
        output, analytics = result.get("Output"), result.get("Analytics")
        if result["IsSuccessful"]:
            self.model.complete(item_id, output, analytics)
            return _empty(200)
        exception = result.get("ProcessingException")
        if not isinstance(exception, dict) or not isinstance(exception.get("Reason"), str):
            raise InvalidRequestError("transactionResult.ProcessingException.Reason: a string is required.")
        kind = FailureKind.BUSINESS if exception.get("Type") == "BusinessException" else FailureKind.APPLICATION
        self.model.fail(item_id, exception["Reason"], kind, exception.get("Details"), output, analytics)
        return _empty(200)

    _handlers: Mapping[Endpoint, Callable[[RequestProcessor, _Call], EmulatorResponse]] = {
        Endpoint.ADD_QUEUE_ITEM: _add_queue_item,
        Endpoint.BULK_ADD_QUEUE_ITEMS: _bulk_add,
        Endpoint.LIST_QUEUE_ITEMS: _list_items,
        Endpoint.GET_QUEUE_ITEM: _get_item,
        Endpoint.DELETE_QUEUE_ITEM: _delete_item,
        Endpoint.SET_TRANSACTION_PROGRESS: _set_progress,
        Endpoint.SET_TRANSACTION_RESULT: _set_result,
    }


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is out of range")
    return value


@attrs.frozen
class _Call:
    request: EmulatorRequest
    route: _Route
    query: str
    home: _Tenant
    grant: TokenGrant
    base: str
