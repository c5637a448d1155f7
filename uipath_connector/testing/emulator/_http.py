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
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

import attrs

from ._dates import format_echo
from ._errors import NOT_AUTHENTICATED, QUEUE_ITEM_NOT_FOUND, ROBOT_NOT_FOUND, EmulatorError, InvalidRequestError
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
    MAX_QUEUE_NAME,
    READ_SCOPES,
    WEBHOOK_READ_SCOPES,
    WEBHOOK_WRITE_SCOPES,
    WRITE_SCOPES,
    Actor,
    FailureKind,
    Folder,
    OrchestratorModel,
    QueueItem,
    QueueItemEvent,
    Robot,
    Scope,
    TokenGrant,
    _Tenant,
    parse_item_data,
    require_scope,
)
from ._odata import INT64_MAX, MAX_TOP, Property, QueueItemsQuery, ValueType, parse_query, table
from ._odata import apply as apply_query
from ._webhooks import EVENT_TYPES, Webhook, WebhookDispatcher

#: How many requests :attr:`RequestProcessor.requests` keeps by default (the newest).
DEFAULT_MAX_RECORDED_REQUESTS = 10_000
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


_ID = r"\((?P<id>[^)]+)\)"
# Functions are served under both namespaces Orchestrator's clients use (UiPathODataSvc and the fully qualified
# UiPath.Server.Configuration.OData): its OpenAPI definition names each function under one, clients use either.
_NS = r"(?:UiPathODataSvc|UiPath\.Server\.Configuration\.OData)\."
_ROUTES: list[tuple[str, re.Pattern[str], Endpoint]] = [
    (method, re.compile(pattern, re.I), endpoint)
    for method, pattern, endpoint in (
        ("POST", rf"Queues/{_NS}AddQueueItem", Endpoint.ADD_QUEUE_ITEM),
        ("POST", rf"Queues/{_NS}BulkAddQueueItems", Endpoint.BULK_ADD_QUEUE_ITEMS),
        ("POST", rf"Queues/{_NS}StartTransaction", Endpoint.START_TRANSACTION),
        ("POST", rf"Queues{_ID}/{_NS}SetTransactionResult", Endpoint.SET_TRANSACTION_RESULT),
        ("GET", r"QueueItems(?:\(\))?", Endpoint.LIST_QUEUE_ITEMS),
        ("GET", rf"QueueItems{_ID}", Endpoint.GET_QUEUE_ITEM),
        ("PUT", rf"QueueItems{_ID}", Endpoint.UPDATE_QUEUE_ITEM),
        ("DELETE", rf"QueueItems{_ID}", Endpoint.DELETE_QUEUE_ITEM),
        ("POST", rf"QueueItems{_ID}/{_NS}SetTransactionProgress", Endpoint.SET_TRANSACTION_PROGRESS),
        ("GET", rf"QueueItems{_ID}/{_NS}GetItemLastRetry", Endpoint.GET_ITEM_LAST_RETRY),
        ("GET", rf"QueueItems/{_NS}GetItemLastRetryByKey\(key=(?P<id>[^)]*)\)", Endpoint.GET_ITEM_LAST_RETRY_BY_KEY),
        ("POST", rf"QueueItems/{_NS}DeleteBulk", Endpoint.DELETE_BULK),
        ("GET", r"QueueItemEvents(?:\(\))?", Endpoint.QUEUE_ITEM_EVENTS),
        ("GET", rf"QueueItemEvents{_ID}", Endpoint.QUEUE_ITEM_EVENT),
        (
            "GET",
            rf"QueueItemEvents/{_NS}GetQueueItemEventsHistory\(queueItemId=(?P<id>[^)]*)\)",
            Endpoint.QUEUE_ITEM_EVENTS_HISTORY,
        ),
        ("GET", r"QueueDefinitions(?:\(\))?", Endpoint.LIST_QUEUE_DEFINITIONS),
        # Every folder the caller sees, whatever the folder header says (UiPath's TypeScript SDK lists queues so).
        ("GET", rf"QueueDefinitions/{_NS}GetQueuesAcrossFolders(?:\(\))?", Endpoint.LIST_QUEUES_ACROSS_FOLDERS),
        ("POST", r"QueueDefinitions(?:\(\))?", Endpoint.CREATE_QUEUE_DEFINITION),
        ("GET", rf"QueueDefinitions{_ID}", Endpoint.GET_QUEUE_DEFINITION),
        ("GET", r"Webhooks(?:\(\))?", Endpoint.LIST_WEBHOOKS),
        ("POST", r"Webhooks(?:\(\))?", Endpoint.CREATE_WEBHOOK),
        ("GET", rf"Webhooks/{_NS}GetEventTypes(?:\(\))?", Endpoint.WEBHOOK_EVENT_TYPES),
        ("GET", rf"Webhooks{_ID}", Endpoint.GET_WEBHOOK),
        ("PUT", rf"Webhooks{_ID}", Endpoint.UPDATE_WEBHOOK),
        ("DELETE", rf"Webhooks{_ID}", Endpoint.DELETE_WEBHOOK),
    )
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

    def __init__(
        self,
        model: OrchestratorModel,
        *,
        max_recorded_requests: int = DEFAULT_MAX_RECORDED_REQUESTS,
        max_page_size: int = MAX_TOP,
        webhooks: WebhookDispatcher | None = None,
    ) -> None:
        if not 1 <= max_page_size <= 10_000:
            raise ValueError("max_page_size lies within 1 and 10,000")
        self.model = model
        self.faults: list[FaultInjection] = []
        # Bounded everywhere: an emulator that serves 100,000 requests keeps only the newest records.
        self.requests: deque[RecordedRequest] = deque(maxlen=max_recorded_requests)
        self.max_page_size = max_page_size
        self.webhooks = webhooks if webhooks is not None else WebhookDispatcher(model)
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
            try:
                response = self._answer(request, route, split.query, fault)
            except Exception:  # an emulator bug must not become a traceback on the wire or a hung client
                response = self._error(500, "An unexpected error occurred.")
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
        except RecursionError:
            # Python's JSON parser gives up on deep nesting with RecursionError; Orchestrator answers 400.
            raise InvalidRequestError("The request body is nested too deeply.") from None
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
        item = self.model.add_item(queue, data, _actor(call.grant))
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
        failures = self.model.bulk_add(queue, commit_type, raw_items, _actor(call.grant))
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

    # -- queue items: reads ----------------------------------------------------------------------------

    def _scope_folders(self, call: _Call, *, ignore_header: bool = False) -> dict[int, Folder]:
        folder = None if ignore_header else self._folder(call, required=False)
        with self.model.lock:  # another thread may be adding a folder to this tenant
            folders = dict(call.home.folders)
        if folder is not None:
            return {folder.id: folder}
        if call.grant.folder_ids is not None:
            return {i: f for i, f in folders.items() if i in call.grant.folder_ids}
        return folders

    def _item_json(self, item: QueueItem, folder: Folder, query: QueueItemsQuery, *, listing: bool) -> dict[str, Any]:
        dto = item.to_dto(folder, with_folder_name=listing)
        for navigation in query.expand:
            if navigation == "Robot":
                robot = self.model.robot(item.robot_id) if item.robot_id is not None else None
                dto["Robot"] = robot.to_dto() if robot is not None else None
            elif navigation == "QueueDefinition":
                dto["QueueDefinition"] = self.model.queue(item.queue_id).to_dto(folder)
            else:  # ReviewerUser: the emulator has no reviewers
                dto[navigation] = None
        if query.select is not None:
            dto = {name: dto[name] for name in query.select}
        return dto

    def _query(self, call: _Call, *, entity: bool = False) -> QueueItemsQuery:
        params = parse_qs(call.query, keep_blank_values=True)
        return parse_query(params, dto_fields=QUEUE_ITEM_FIELDS, max_top=self.max_page_size, entity=entity)

    def _list_items(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        folders = self._scope_folders(call)
        query = self._query(call)
        # The stored items are filtered in place and only the page is serialised, all under the model's lock, so a
        # listing at 100,000 items copies nothing it does not return.
        with self.model.lock:
            queues = {queue.id: queue for queue in self.model.queues()}
            rows = [(item, queues[item.queue_id]) for item in self.model.stored_items() if item.folder_id in folders]
            page, total = apply_query(rows, query, lambda row: row[0].id, self.max_page_size)
            values = [self._item_json(item, folders[item.folder_id], query, listing=True) for item, _q in page]
        payload: dict[str, object] = {"@odata.context": f"{call.base}/odata/$metadata#QueueItems"}
        if query.count:
            payload["@odata.count"] = total
        payload["value"] = values
        return _json_response(200, payload)

    def _item_in_scope(self, call: _Call, text: str | None = None) -> tuple[int, Folder]:
        folder = self._folder(call, required=False)
        text = call.route.item_id or "" if text is None else text
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
            raise EmulatorError(404, QUEUE_ITEM_NOT_FOUND, 1002, resource_ids=True)
        return item_id, call.home.folders[item.folder_id]

    def _entity(self, call: _Call, item: QueueItem, folder: Folder) -> EmulatorResponse:
        query = self._query(call, entity=True)
        dto: dict[str, Any] = {"@odata.context": f"{call.base}/odata/$metadata#QueueItems/$entity"}
        dto.update(self._item_json(item, folder, query, listing=False))
        return _json_response(200, dto)

    def _get_item(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        item_id, folder = self._item_in_scope(call)
        return self._entity(call, self.model.item(item_id), folder)

    def _last_retry(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        item_id, folder = self._item_in_scope(call)
        return self._entity(call, self.model.last_retry(self.model.item(item_id).key), folder)

    def _last_retry_by_key(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        text = (call.route.item_id or "").strip("'")
        try:
            key = str(uuid.UUID(text))
        except ValueError:
            raise InvalidRequestError(f"'{text}' is not a valid queue item key.") from None
        latest = self.model.last_retry(key)
        _id, folder = self._item_in_scope(call, str(latest.id))
        return self._entity(call, latest, folder)

    # -- queue items: writes ---------------------------------------------------------------------------

    def _delete_item(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        self.model.delete(item_id, _actor(call.grant))
        return _empty(204)

    def _update_item(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        body = self._body(call)
        row_version = _row_version(body.get("RowVersion"), "RowVersion")
        # Orchestrator's definition: only Progress, Priority, DueDate, DeferDate and SpecificContent are updated
        # from the body; the other QueueItemDto fields it carries are ignored.
        current = self.model.item(item_id)
        merged = {"Name": self.model.queue(current.queue_id).name}
        merged.update({k: v for k, v in body.items() if k in _UPDATABLE})
        data = parse_item_data(merged)
        changes: dict[str, Any] = {}
        for field, attribute in _UPDATABLE.items():
            if field in body:
                changes[attribute] = getattr(data, attribute)
        for attribute in ("defer_date", "due_date"):
            if attribute in changes and changes[attribute] is not None:
                changes[attribute] = changes[attribute].instant
        self.model.update(item_id, changes, row_version, _actor(call.grant))
        return _empty(200)

    def _delete_bulk(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        folder = self._folder(call, required=True)
        assert folder is not None
        raw = {key.lower(): value for key, value in self._body(call).items()}.get("queueitems")
        if not isinstance(raw, list) or len(raw) > MAX_BULK_ITEMS:
            raise InvalidRequestError(f"queueItems: an array of at most {MAX_BULK_ITEMS} entries is required.")
        entries: list[tuple[int, int | None]] = []
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict) or not isinstance(entry.get("Id"), int) or isinstance(entry["Id"], bool):
                raise InvalidRequestError(f"queueItems[{index}].Id: an integer is required.")
            entries.append((entry["Id"], _row_version(entry.get("RowVersion"), f"queueItems[{index}].RowVersion")))
        failed = self.model.delete_bulk(entries, _actor(call.grant), lambda item: item.folder_id == folder.id)
        return _json_response(
            200,
            {
                "@odata.context": f"{call.base}/odata/$metadata#UiPath.Server.Configuration.OData."
                "BulkOperationResponseDto_1OfInt64",
                "Success": not failed,
                "Message": None if not failed else f"{len(failed)} of {len(entries)} queue items were not deleted.",
                "FailedItems": failed,
            },
        )

    # -- robot side ------------------------------------------------------------------------------------

    def _start_transaction(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        folder = self._folder(call, required=True)
        assert folder is not None
        raw = self._body(call).get("transactionData")
        if not isinstance(raw, dict):
            raise InvalidRequestError("transactionData: an object is required.")
        unknown = sorted(set(raw) - _TRANSACTION_DATA_FIELDS)
        if unknown:
            raise InvalidRequestError(
                f"transactionData: the property '{unknown[0]}' does not exist on type 'TransactionDataDto'."
            )
        robot = self._robot(call, raw.get("RobotIdentifier"))
        option = raw.get("ReferenceFilterOption", "Equals")
        if option not in ("Equals", "StartsWith"):
            raise InvalidRequestError("transactionData.ReferenceFilterOption: must be Equals or StartsWith.")
        item_fields = {k: v for k, v in raw.items() if k not in ("RobotIdentifier", "ReferenceFilterOption")}
        data = parse_item_data(item_fields, field="transactionData")
        queue = self.model.queue_for(folder, data.name)
        if robot is None:
            # UiPath's Orchestrator API guide: only robots get transactions; a user or an app gets none.
            return _empty(204)
        item = self.model.start_transaction(
            queue,
            robot,
            reference=data.reference,
            reference_starts_with=option == "StartsWith",
            data=data if "SpecificContent" in raw and raw["SpecificContent"] is not None else None,
            actor=Actor(robot_id=robot.id, client_id=call.grant.client_id),
        )
        if item is None:
            return _empty(204)
        return self._entity(call, item, folder)

    def _robot(self, call: _Call, identifier: object) -> Robot | None:
        if identifier is not None:
            if not isinstance(identifier, str):
                raise InvalidRequestError("transactionData.RobotIdentifier: a GUID is required.")
            try:
                key = str(uuid.UUID(identifier))
            except ValueError:
                raise InvalidRequestError("transactionData.RobotIdentifier: a GUID is required.") from None
            robot = self.model.robot_by_key(key)
            if robot is None:
                raise EmulatorError(404, ROBOT_NOT_FOUND, 1002, resource_ids=True)
            return robot
        return self.model.robot(call.grant.robot_id) if call.grant.robot_id is not None else None

    def _set_progress(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        body = {key.lower(): value for key, value in self._body(call).items()}
        progress = body.get("progress")
        if progress is not None and not isinstance(progress, str):
            raise InvalidRequestError("progress: a string is required.")
        self.model.set_progress(item_id, progress, _actor(call.grant))
        return _empty(200)

    def _set_result(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        self._folder(call, required=True)
        item_id, _folder = self._item_in_scope(call)
        result = self._body(call).get("transactionResult")
        if not isinstance(result, dict) or not isinstance(result.get("IsSuccessful"), bool):
            raise InvalidRequestError("transactionResult.IsSuccessful: a boolean is required.")
        output, analytics = result.get("Output"), result.get("Analytics")
        for name, value in (("Output", output), ("Analytics", analytics)):
            if value is not None and not isinstance(value, dict):
                raise InvalidRequestError(f"transactionResult.{name}: an object is required.")
        # The result of a robot's transaction is the robot's act (its webhook event names no user).
        robot_id = self.model.item(item_id).robot_id
        actor = _actor(call.grant) if robot_id is None else Actor(robot_id=robot_id, client_id=call.grant.client_id)
        # Orchestrator refuses a result for a transaction that was never started (the item must be InProgress);
        # the emulator answers that, like a result on a final item, with 409.
        if result["IsSuccessful"]:
            self.model.complete(item_id, output, analytics, must_be_started=True, actor=actor)
            return _empty(200)
        exception = result.get("ProcessingException")
        if exception is None:
            exception = {"Reason": "", "Type": "ApplicationException"}
        if not isinstance(exception, dict) or not isinstance(exception.get("Reason", ""), str):
            raise InvalidRequestError("transactionResult.ProcessingException.Reason: a string is required.")
        kind = FailureKind.BUSINESS if exception.get("Type") == "BusinessException" else FailureKind.APPLICATION
        details = exception.get("Details")
        self.model.fail(
            item_id,
            exception.get("Reason") or "",
            kind,
            details if isinstance(details, str) else None,
            output,
            analytics,
            must_be_started=True,
            actor=actor,
        )
        return _empty(200)

    # -- item events -----------------------------------------------------------------------------------

    def _event_rows(self, call: _Call, events: list[QueueItemEvent]) -> EmulatorResponse:
        folders = self._scope_folders(call)
        params = parse_qs(call.query, keep_blank_values=True)
        query = parse_query(
            params, dto_fields=EVENT_FIELDS, max_top=MAX_EVENTS_TOP, properties=EVENT_PROPERTIES, navigation=()
        )
        with self.model.lock:
            visible = []
            for event in events:
                try:
                    item = self.model.stored_item(event.queue_item_id)
                except EmulatorError:
                    continue
                if item.folder_id in folders:
                    visible.append((event,))
        page, total = apply_query(visible, query, lambda row: row[0].id, MAX_EVENTS_TOP)
        payload: dict[str, object] = {"@odata.context": f"{call.base}/odata/$metadata#QueueItemEvents"}
        if query.count:
            payload["@odata.count"] = total
        rows = [event.to_dto() for (event,) in page]
        if query.select is not None:
            rows = [{name: row[name] for name in query.select} for row in rows]
        payload["value"] = rows
        return _json_response(200, payload)

    def _list_events(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        return self._event_rows(call, list(self.model.all_events()))

    def _events_history(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        item_id, _folder = self._item_in_scope(call)
        return self._event_rows(call, self.model.item_events(item_id))

    def _get_event(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        text = call.route.item_id or ""
        event = next((e for e in self.model.all_events() if text.isdigit() and e.id == int(text)), None)
        if event is None:
            raise EmulatorError(404, "Queue Item Event does not exist.", 1002, resource_ids=True)
        self._item_in_scope(call, str(event.queue_item_id))
        dto: dict[str, Any] = {"@odata.context": f"{call.base}/odata/$metadata#QueueItemEvents/$entity"}
        dto.update(event.to_dto())
        return _json_response(200, dto)

    # -- queue definitions -----------------------------------------------------------------------------

    def _list_queues(self, call: _Call, *, across_folders: bool = False) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        folders = self._scope_folders(call, ignore_header=across_folders)
        params = parse_qs(call.query, keep_blank_values=True)
        query = parse_query(
            params, dto_fields=QUEUE_FIELDS, max_top=MAX_QUEUES_TOP, properties=QUEUE_PROPERTIES, navigation=()
        )
        rows = [(queue,) for queue in self.model.queues() if queue.folder_id in folders]
        page, total = apply_query(rows, query, lambda row: row[0].id, MAX_QUEUES_TOP)
        payload: dict[str, object] = {"@odata.context": f"{call.base}/odata/$metadata#QueueDefinitions"}
        if query.count:
            payload["@odata.count"] = total
        values = [queue.to_dto(folders[queue.folder_id]) for (queue,) in page]
        if query.select is not None:
            values = [{name: value[name] for name in query.select} for value in values]
        payload["value"] = values
        return _json_response(200, payload)

    def _list_queues_across_folders(self, call: _Call) -> EmulatorResponse:
        return self._list_queues(call, across_folders=True)

    def _get_queue(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, READ_SCOPES)
        folders = self._scope_folders(call)
        text = call.route.item_id or ""
        queue = None
        if text.isascii() and text.isdigit() and int(text) <= INT64_MAX:
            queue = next((q for q in self.model.queues() if q.id == int(text) and q.folder_id in folders), None)
        if queue is None:
            raise EmulatorError(404, "Queue does not exist.", 1002, resource_ids=True)
        dto: dict[str, Any] = {"@odata.context": f"{call.base}/odata/$metadata#QueueDefinitions/$entity"}
        dto.update(queue.to_dto(folders[queue.folder_id]))
        return _json_response(200, dto)

    def _create_queue(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WRITE_SCOPES)
        folder = self._folder(call, required=True)
        assert folder is not None
        body = self._body(call)
        name = body.get("Name")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_QUEUE_NAME:
            raise InvalidRequestError(f"Name: a queue name of 1 to {MAX_QUEUE_NAME} characters is required.")
        retries = body.get("MaxNumberOfRetries", 0)
        if not isinstance(retries, int) or isinstance(retries, bool) or not 0 <= retries <= 50:
            raise InvalidRequestError("MaxNumberOfRetries: an integer from 0 to 50 is required.")
        flags = {}
        for field in ("EnforceUniqueReference", "AcceptAutomaticallyRetry"):
            value = body.get(field)
            if value is not None and not isinstance(value, bool):
                raise InvalidRequestError(f"{field}: a boolean is required.")
            flags[field] = value
        description = body.get("Description")
        if description is not None and not isinstance(description, str):
            raise InvalidRequestError("Description: a string is required.")
        if self.model.find_queue(folder, name) is not None:
            raise EmulatorError(409, f"A queue named {name} already exists.", 0)
        queue = self.model.add_queue(
            folder,
            name,
            queue_id=None,
            enforce_unique_reference=bool(flags["EnforceUniqueReference"]),
            max_number_of_retries=retries,
            accept_automatically_retry=(
                retries > 0 if flags["AcceptAutomaticallyRetry"] is None else bool(flags["AcceptAutomaticallyRetry"])
            ),
            description=description,
        )
        dto: dict[str, Any] = {"@odata.context": f"{call.base}/odata/$metadata#QueueDefinitions/$entity"}
        dto.update(queue.to_dto(folder))
        return _json_response(201, dto, {"Location": f"{call.base}/odata/QueueDefinitions({queue.id})"})

    # -- webhooks --------------------------------------------------------------------------------------

    def _webhook_id(self, call: _Call) -> int:
        text = call.route.item_id or ""
        if not (text.isascii() and text.isdigit()) or int(text) > INT64_MAX:
            raise InvalidRequestError(f"'{text}' is not a valid webhook id.")
        return self.webhooks.get(int(text), org=call.home.org, tenant=call.home.name).id

    def _webhook_json(self, call: _Call, webhook: Webhook) -> dict[str, Any]:
        dto: dict[str, Any] = {"@odata.context": f"{call.base}/odata/$metadata#Webhooks/$entity"}
        dto.update(webhook.to_dto())
        return dto

    def _list_webhooks(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WEBHOOK_READ_SCOPES)
        hooks = self.webhooks.all(org=call.home.org, tenant=call.home.name)
        return _json_response(
            200, {"@odata.context": f"{call.base}/odata/$metadata#Webhooks", "value": [h.to_dto() for h in hooks]}
        )

    def _get_webhook(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WEBHOOK_READ_SCOPES)
        return _json_response(200, self._webhook_json(call, self.webhooks.get(self._webhook_id(call))))

    def _webhook_fields(self, body: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "Url" in body or not partial:
            fields["url"] = body.get("Url")
        for name, attribute in (("Enabled", "enabled"), ("AllowInsecureSsl", "allow_insecure_ssl")):
            if name in body:
                if not isinstance(body[name], bool):
                    raise InvalidRequestError(f"{name}: a boolean is required.")
                fields[attribute] = body[name]
        for name, attribute in (("Secret", "secret"), ("Name", "name"), ("Description", "description")):
            if name in body:
                if body[name] is not None and not isinstance(body[name], str):
                    raise InvalidRequestError(f"{name}: a string is required.")
                fields[attribute] = body[name]
        subscribe_all = body.get("SubscribeToAllEvents", False if not partial else None)
        if subscribe_all is not None and not isinstance(subscribe_all, bool):
            raise InvalidRequestError("SubscribeToAllEvents: a boolean is required.")
        raw_events = body.get("Events")
        if raw_events is not None:
            if not isinstance(raw_events, list) or len(raw_events) > 100:
                raise InvalidRequestError('Events: an array of at most 100 {"EventType": ...} objects is required.')
            events = []
            for index, entry in enumerate(raw_events):
                if not isinstance(entry, dict) or not isinstance(entry.get("EventType"), str):
                    raise InvalidRequestError(f"Events[{index}].EventType: a string is required.")
                if entry["EventType"] not in EVENT_TYPES:
                    raise InvalidRequestError(f"Events[{index}].EventType: unknown event type '{entry['EventType']}'.")
                events.append(entry["EventType"])
            fields["events"] = tuple(events)
        if subscribe_all is not None:
            fields["subscribe_to_all_events"] = subscribe_all
        if not partial and not subscribe_all and not fields.get("events"):
            raise InvalidRequestError("Events: subscribe to at least one event type, or set SubscribeToAllEvents.")
        return fields

    def _create_webhook(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WEBHOOK_WRITE_SCOPES)
        fields = self._webhook_fields(self._body(call), partial=False)
        all_events = fields.pop("subscribe_to_all_events")
        events = fields.pop("events", ())
        webhook = self.webhooks.register(
            fields.pop("url"),
            events=None if all_events else events,
            org=call.home.org,
            tenant=call.home.name,
            **fields,
        )
        return _json_response(
            201, self._webhook_json(call, webhook), {"Location": f"{call.base}/odata/Webhooks({webhook.id})"}
        )

    def _update_webhook(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WEBHOOK_WRITE_SCOPES)
        webhook_id = self._webhook_id(call)
        webhook = self.webhooks.update(webhook_id, **self._webhook_fields(self._body(call), partial=True))
        return _json_response(200, self._webhook_json(call, webhook))

    def _delete_webhook(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WEBHOOK_WRITE_SCOPES)
        self.webhooks.delete(self._webhook_id(call))
        return _empty(204)

    def _webhook_event_types(self, call: _Call) -> EmulatorResponse:
        require_scope(call.grant, WEBHOOK_READ_SCOPES)
        return _json_response(
            200,
            {
                "@odata.context": f"{call.base}/odata/$metadata#Collection(UiPath.Application.Dto.Webhooks."
                "EventTypeDto)",
                "value": [{"Name": event, "Group": "QueueItems"} for event in EVENT_TYPES],
            },
        )

    _handlers: Mapping[Endpoint, Callable[[RequestProcessor, _Call], EmulatorResponse]] = {
        Endpoint.ADD_QUEUE_ITEM: _add_queue_item,
        Endpoint.BULK_ADD_QUEUE_ITEMS: _bulk_add,
        Endpoint.LIST_QUEUE_ITEMS: _list_items,
        Endpoint.GET_QUEUE_ITEM: _get_item,
        Endpoint.UPDATE_QUEUE_ITEM: _update_item,
        Endpoint.DELETE_QUEUE_ITEM: _delete_item,
        Endpoint.DELETE_BULK: _delete_bulk,
        Endpoint.GET_ITEM_LAST_RETRY: _last_retry,
        Endpoint.GET_ITEM_LAST_RETRY_BY_KEY: _last_retry_by_key,
        Endpoint.START_TRANSACTION: _start_transaction,
        Endpoint.SET_TRANSACTION_PROGRESS: _set_progress,
        Endpoint.SET_TRANSACTION_RESULT: _set_result,
        Endpoint.QUEUE_ITEM_EVENTS: _list_events,
        Endpoint.QUEUE_ITEM_EVENT: _get_event,
        Endpoint.QUEUE_ITEM_EVENTS_HISTORY: _events_history,
        Endpoint.LIST_QUEUE_DEFINITIONS: _list_queues,
        Endpoint.LIST_QUEUES_ACROSS_FOLDERS: _list_queues_across_folders,
        Endpoint.GET_QUEUE_DEFINITION: _get_queue,
        Endpoint.CREATE_QUEUE_DEFINITION: _create_queue,
        Endpoint.LIST_WEBHOOKS: _list_webhooks,
        Endpoint.GET_WEBHOOK: _get_webhook,
        Endpoint.CREATE_WEBHOOK: _create_webhook,
        Endpoint.UPDATE_WEBHOOK: _update_webhook,
        Endpoint.DELETE_WEBHOOK: _delete_webhook,
        Endpoint.WEBHOOK_EVENT_TYPES: _webhook_event_types,
    }


def _actor(grant: TokenGrant) -> Actor:
    return Actor(user_id=grant.user_id, client_id=grant.client_id, robot_id=grant.robot_id)


def _row_version(value: object, field: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(f"{field}: a Base64 string is required.")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequestError(f"{field}: a Base64 string is required.") from None
    return int.from_bytes(raw, "big") if raw else None


# PUT QueueItems({id}): the body fields that change the item, and the attribute each one sets.
_UPDATABLE = {
    "Progress": "progress",
    "Priority": "priority",
    "DueDate": "due_date",
    "DeferDate": "defer_date",
    "SpecificContent": "specific_content",
}
_TRANSACTION_DATA_FIELDS = frozenset(
    {
        "Name",
        "RobotIdentifier",
        "SpecificContent",
        "DeferDate",
        "DueDate",
        "RiskSlaDate",
        "Reference",
        "ReferenceFilterOption",
        "ParentOperationId",
    }
)
MAX_BULK_ITEMS = 10_000
# Orchestrator's OpenAPI definition: "$top ... The maximum value is 1000" for item events and queue definitions.
MAX_EVENTS_TOP = 1000
MAX_QUEUES_TOP = 1000
QUEUE_ITEM_FIELDS: tuple[str, ...] = tuple(
    QueueItem(id=0, key="", queue_id=0, folder_id=0, row_version=0, creation_time=datetime.now(timezone.utc)).to_dto(
        Folder(id=0, path="", key="", org="", tenant=""), with_folder_name=False
    )
)
EVENT_FIELDS: tuple[str, ...] = (
    "QueueItemId",
    "Timestamp",
    "Action",
    "Data",
    "UserId",
    "UserName",
    "Status",
    "ReviewStatus",
    "ReviewerUserId",
    "ReviewerUserName",
    "ExternalClientId",
    "Id",
)
EVENT_PROPERTIES = table(
    Property("Id", ValueType.INT, lambda row: row[0].id),
    Property("QueueItemId", ValueType.INT, lambda row: row[0].queue_item_id),
    Property("Timestamp", ValueType.DATETIME, lambda row: row[0].timestamp),
    Property("Action", ValueType.STRING, lambda row: row[0].action.value),
    Property("Status", ValueType.STATUS, lambda row: row[0].status),
    Property("UserId", ValueType.INT, lambda row: row[0].user_id),
    Property("ExternalClientId", ValueType.STRING, lambda row: row[0].external_client_id),
)
QUEUE_FIELDS: tuple[str, ...] = (
    "Key",
    "Name",
    "Description",
    "MaxNumberOfRetries",
    "AcceptAutomaticallyRetry",
    "RetryAbandonedItems",
    "EnforceUniqueReference",
    "Encrypted",
    "SpecificDataJsonSchema",
    "OutputDataJsonSchema",
    "AnalyticsDataJsonSchema",
    "CreationTime",
    "ProcessScheduleId",
    "SlaInMinutes",
    "RiskSlaInMinutes",
    "ReleaseId",
    "IsProcessInCurrentFolder",
    "FoldersCount",
    "OrganizationUnitId",
    "OrganizationUnitFullyQualifiedName",
    "Tags",
    "Id",
)
QUEUE_PROPERTIES = table(
    Property("Id", ValueType.INT, lambda row: row[0].id),
    Property("Name", ValueType.STRING, lambda row: row[0].name),
    Property("Key", ValueType.GUID, lambda row: row[0].key),
    Property("Description", ValueType.STRING, lambda row: row[0].description),
    Property("MaxNumberOfRetries", ValueType.INT, lambda row: row[0].max_number_of_retries),
    Property("AcceptAutomaticallyRetry", ValueType.BOOL, lambda row: row[0].accept_automatically_retry),
    Property("EnforceUniqueReference", ValueType.BOOL, lambda row: row[0].enforce_unique_reference),
    Property("OrganizationUnitId", ValueType.INT, lambda row: row[0].folder_id),
    Property("CreationTime", ValueType.DATETIME, lambda row: row[0].creation_time),
)


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
