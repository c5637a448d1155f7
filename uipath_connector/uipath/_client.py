"""The Orchestrator client: Add Queue Item and Get Queue Item by id over one ``requests.Session``.

Requests are those of Camunda's connector (Camunda's UiPath connector docs) against the Orchestrator contract
(UiPath: Building API Requests, folder headers; UiPath's Orchestrator OpenAPI v20), with these deliberate choices:

* Dates go out as RFC 3339 date-times (``2023-01-12`` as ``2023-01-12T00:00:00Z``): the spec's format, and
  the same instant Orchestrator reads from the date alone (``_records.wire_date``).
* Add sends only the keys that have a value (Camunda sends ``null`` for empty ones; Orchestrator accepts both),
  in Camunda's order: ``DeferDate, DueDate, Priority, Name, SpecificContent, Reference``.
* Get sends ``$filter=Id eq N`` and ``$count=true`` to ``/odata/QueueItems``: the answer keeps the collection
  shape of Camunda's UiPath docs (``value[1].Status`` in FEEL) including ``@odata.count``, which current Automation
  Cloud
  only returns when asked (UiPath: Queue Items Requests).
* Exactly one folder header; ``Content-Type`` only on requests with a body.
* Every error message names the request relative to the Orchestrator base (``POST
  /odata/Queues/UiPathODataSvc.AddQueueItem``) and is masked with every secret value the client knows.
"""

from __future__ import annotations

import base64
import enum
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import attrs
import requests

from ..sdk import ConnectorError, ConnectorInputError, HttpResponse, InputProblem, bind, mask_secrets, record_plan
from ._auth import (
    PROCESS_TOKEN_CACHE,
    IssuedToken,
    TokenCache,
    TokenWaitTimeout,
    read_token_response,
    token_cache_key,
    token_request,
)
from ._errors import (
    DUPLICATE_REFERENCE,
    DuplicateReferenceError,
    OrchestratorConnectionError,
    OrchestratorError,
    QueueItemMayExistError,
    TokenEndpointError,
    error_details,
    orchestrator_error,
)
from ._records import (
    MAX_TIMEOUT_SECONDS,
    AddQueueItemInput,
    Authentication,
    BearerAuthentication,
    Configuration,
    GetQueueItemInput,
    OAuthClientCredentialsAuthentication,
    parse_orchestrator_date,
    wire_date,
)
from ._retry import (
    Decision,
    Retrier,
    RetryPolicy,
    decide_get,
    decide_post,
    decide_token,
    retry_after_seconds,
    transport_phase,
)
from ._urls import odata_string, orchestrator_urls

__all__ = ["RECOVERED_HEADER", "OrchestratorClient"]

_LOG = logging.getLogger("uipath_connector.uipath")
_T = TypeVar("_T")

ADD_QUEUE_ITEM_PATH = "/odata/Queues/UiPathODataSvc.AddQueueItem"
QUEUE_ITEMS_PATH = "/odata/QueueItems"
#: Marks an Add Queue Item envelope that was settled by looking the item's reference up (docs/errors-and-retries.md).
RECOVERED_HEADER = "X-UiPath-Connector-Recovered"
#: ``error_code`` of a 2xx answer whose JSON body does not parse (Orchestrator always answers JSON).
MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
#: How much earlier than the first attempt (client clock) a found item may have been created and still count as
#: this request's item: tolerates clock skew between client and Orchestrator.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)
#: Statuses of items that no longer reserve their Reference (UiPath: API Response Codes).
_RELEASED_REFERENCE_STATUSES = frozenset({"Deleted", "Retried"})


def _record_variables(record: object) -> dict[str, object]:
    """The job variables a record was (or would have been) bound from: the inverse of binding."""
    plan = record_plan(type(record))
    variables: dict[str, object] = {}
    if plan.tag is not None:
        variables[plan.tag[0]] = plan.tag[1]
    for field in plan.fields:
        value = getattr(record, field.attribute)
        if field.embedded is not None:
            variables.update(_record_variables(value))
        elif value is not None:
            variables[field.spec.name] = _plain(value)
    return variables


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(type(value)):
        return _record_variables(value)
    return value


def _checked(record: _T) -> _T:
    """Validate a record built in Python exactly as binding validates job variables (same messages)."""
    checked: _T = bind(_record_variables(record), type(record))
    return checked


def _input_error(message: str) -> ConnectorInputError:
    path, _, text = message.partition(": ")
    return ConnectorInputError([InputProblem(path, text)]) if text else ConnectorInputError(message)


def _folder_header(configuration: Configuration) -> tuple[str, str]:
    """The one folder header (UiPath: Building API Requests, folder headers)."""
    if configuration.organization_unit_id is not None:
        return "X-UIPATH-OrganizationUnitId", str(configuration.organization_unit_id)
    if configuration.folder_key is not None:
        return "X-UIPATH-FolderKey", configuration.folder_key
    path = configuration.folder_path or ""
    # Only the encoded header takes non-ASCII text and relative paths ('/', '.', '..'); base64 of UTF-16LE.
    if path.isascii() and not path.startswith(("/", ".")):
        return "X-UIPATH-FolderPath", path
    return "X-UIPATH-FolderPath-Encoded", base64.b64encode(path.encode("utf-16-le")).decode("ascii")


def _query(params: Mapping[str, str]) -> str:
    # Spaces as %20 (as Camunda's Apache client sends them), quotes kept readable; '&', '#', '%' are encoded.
    return "&".join(f"{name}={quote(value, safe=chr(39))}" for name, value in params.items())


def _header_pairs(response: requests.Response) -> list[tuple[str, str]]:
    raw_headers = getattr(response.raw, "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "iteritems"):
        return [(str(name), str(value)) for name, value in raw_headers.iteritems()]
    return list(response.headers.items())


@attrs.frozen
class _ReferenceHolder:
    """The newest item of a queue with a given reference (a ``QueueItemDto``) and the look-up's envelope."""

    item: Mapping[str, Any]
    envelope: HttpResponse


class _ReferenceLookupError(Exception):
    """Looking a reference up got no usable answer; the text (masked) says why."""


def _created_since(item: Mapping[str, Any], started: datetime) -> bool:
    created = item.get("CreationTime")
    created_at = parse_orchestrator_date(created) if isinstance(created, str) else None
    return created_at is None or created_at >= started - CLOCK_SKEW_ALLOWANCE


@attrs.define
class _Sends:
    """How many times one logical request went out (retries and the re-send after a 401 included)."""

    count: int = 0


def _unreadable_json(response: requests.Response, body: object) -> bool:
    """A body that says it is JSON (every Orchestrator answer does) but does not parse: a broken or cut answer.

    Camunda's REST connector would hand such a body on as text (Camunda's HttpCommonResult), and a
    result expression such as ``response.body.Id`` would then quietly give null; here it is an error instead.
    ``body`` is the envelope's, which ``parse_body`` already read: parsed JSON needs no second parse, only the
    check that its bytes were UTF-8 (``parse_body`` decodes with replacement, ``json.loads`` would refuse).
    """
    if "json" not in response.headers.get("Content-Type", "").lower() or not response.content.strip():
        return False
    try:
        if body is None or isinstance(body, str):
            json.loads(response.content)
        else:
            response.content.decode("utf-8", "surrogatepass")  # as json.loads decodes bytes
    except ValueError:
        return True
    return False


def _item_body(item: AddQueueItemInput) -> dict[str, object]:
    data: dict[str, object] = {}
    if item.defer_date is not None:
        data["DeferDate"] = wire_date(item.defer_date)
    if item.due_date is not None:
        data["DueDate"] = wire_date(item.due_date)
    data["Priority"] = item.priority.value
    data["Name"] = item.queue_name
    if item.specific_content is not None:
        data["SpecificContent"] = item.specific_content
    if item.reference:
        data["Reference"] = item.reference
    return {"itemData": data}


class OrchestratorClient:
    """Orchestrator's queue API for one configuration and one set of credentials.

    >>> from uipath_connector.uipath import BearerAuthentication, Configuration
    >>> client = OrchestratorClient(
    ...     Configuration(cloud_org="acme", cloud_tenant="DefaultTenant", organization_unit_id=1964413),
    ...     BearerAuthentication(token="eyJ..."),
    ... )
    >>> client.base_url
    'https://cloud.uipath.com/acme/DefaultTenant/orchestrator_'

    Then ``client.add_queue_item(AddQueueItemInput(queue_name="Invoices", reference="INV-1"))`` or
    ``client.get_queue_item(436141352)``; both return the :class:`~uipath_connector.sdk.HttpResponse` envelope
    and raise :class:`OrchestratorError` (status >= 400), :class:`OrchestratorConnectionError`,
    :class:`TokenEndpointError` or :class:`~uipath_connector.sdk.ConnectorInputError`.

    The client is thread-safe: without ``session`` every thread gets its own ``requests.Session`` (kept-alive
    connections; a ``Session`` is not thread-safe). A ``session`` passed in is used as given, by whichever
    thread calls, so pass one only to a client used by one thread. ``token_cache`` is the process-wide cache by
    default. ``sleep``, ``clock``, ``wall_clock`` and ``rng`` exist for tests.
    ``allow_insecure_http`` permits ``http://`` URLs, e.g. the emulator on loopback; never set it for real use.
    """

    def __init__(
        self,
        configuration: Configuration,
        authentication: Authentication,
        *,
        session: requests.Session | None = None,
        retry_policy: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        token_cache: TokenCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        rng: Callable[[], float] = random.random,
        secret_values: Iterable[str] = (),
        _validated: bool = False,
    ):
        if not _validated:
            configuration = _checked(configuration)
            authentication = _checked(authentication)
        self._configuration = configuration
        self._authentication = authentication
        token_endpoint = (
            authentication.oauth_token_endpoint
            if isinstance(authentication, OAuthClientCredentialsAuthentication)
            else None
        )
        try:
            urls = orchestrator_urls(
                configuration.cloud_url,
                configuration.cloud_org,
                configuration.cloud_tenant,
                token_endpoint=token_endpoint,
                allow_insecure_http=allow_insecure_http,
            )
        except ValueError as error:
            raise _input_error(str(error)) from None
        self.base_url = urls.base
        self.token_endpoint = urls.token_endpoint
        seconds = configuration.connection_timeout_in_seconds or MAX_TIMEOUT_SECONDS
        self._timeout = (float(seconds), float(seconds))
        self._given_session = session
        self._thread_sessions = threading.local()
        self._policy = retry_policy if retry_policy is not None else RetryPolicy()
        self._retrier = Retrier(self._policy, sleep=sleep, clock=clock, wall_clock=wall_clock, rng=rng)
        self._clock = clock
        self._wall_clock = wall_clock
        self._token_cache = token_cache if token_cache is not None else PROCESS_TOKEN_CACHE
        own_secrets = (
            [authentication.token]
            if isinstance(authentication, BearerAuthentication)
            else [authentication.client_id, authentication.client_secret]
        )
        self._secret_values = tuple(value for value in (*own_secrets, *secret_values) if value)
        # Access tokens this client sent (the last two: the one before and after a refresh), masked like secrets
        # in case an error body echoes one; they are not job secrets, so the runtime cannot mask them.
        self._sent_tokens: tuple[str, ...] = ()
        # A thread waiting for another thread's token request waits at most as long as that request may take.
        self._token_wait_seconds = (
            self._policy.max_total_seconds + sum(self._timeout) + self._policy.max_backoff_seconds
        )
        self._folder_header = _folder_header(configuration)

    def __repr__(self) -> str:
        return f"OrchestratorClient(base_url={self._mask(self.base_url)!r}, authentication={self._authentication!r})"

    # -- operations ------------------------------------------------------------------------------------

    def add_queue_item(self, item: AddQueueItemInput, *, _validated: bool = False) -> HttpResponse:
        """Add one item to a queue; the envelope of Orchestrator's ``201`` (``body.Id`` is the new item's id).

        A request whose fate is unknown (sent, then a read timeout or a reset) is never re-sent blindly: with a
        ``reference`` the item is looked up first, without one :class:`QueueItemMayExistError` is raised.
        """
        if not _validated:
            item = _checked(item)
        data = json.dumps(_item_body(item), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        what = f"POST {ADD_QUEUE_ITEM_PATH}"
        started = self._wall_clock()
        budget = self._retrier.now()
        sends = _Sends()
        try:
            response = self._send(
                "POST", ADD_QUEUE_ITEM_PATH, body=data, decide=decide_post, started=budget, sends=sends
            )
        except requests.RequestException as error:
            if transport_phase(error) != "after-send":
                raise self._network_error(error, what) from None
            lost = "the request timed out" if isinstance(error, requests.Timeout) else "the connection was lost"
            return self._settle_unknown_add(item, data, started, budget, lost, " before an answer came back")
        envelope = self._envelope(response)
        if response.status_code < 400 and _unreadable_json(response, envelope.body):
            # A 2xx means the item was created, but its Id cannot be read: settle it like a lost answer, by
            # reference, instead of failing the job into a retry that would add it twice.
            answer = f"its answer ({response.status_code} {response.reason}) was not valid JSON"
            return self._settle_unknown_add(item, data, started, budget, answer, "")
        # Re-sent after a 503/429/refusal, a 409/1016 may be the earlier attempt's item (a proxy's 503 does not
        # prove the request was not processed); on a first attempt it names the item holding the reference.
        own = self._settle_duplicate(item, response, envelope, started, budget, resent=sends.count > 1)
        if own is not None:
            return own
        return self._result(response, what, envelope)

    def get_queue_item(self, item_id: int | str) -> HttpResponse:
        """The queue item with this ``Id`` as the collection envelope (``body.value[0]``; FEEL ``value[1]``).

        An unknown id is not an error: ``body.value`` is empty, as with Camunda's connector.
        """
        checked: GetQueueItemInput = bind({"itemId": item_id}, GetQueueItemInput)
        return self._get_queue_item(checked.item_id)

    def _get_queue_item(self, item_id: int) -> HttpResponse:
        params = {"$filter": f"Id eq {item_id}", "$count": "true"}
        what = f"GET {QUEUE_ITEMS_PATH}"
        try:
            response = self._send(
                "GET", QUEUE_ITEMS_PATH, params=params, decide=decide_get, started=self._retrier.now()
            )
        except requests.RequestException as error:
            raise self._network_error(error, what) from None
        return self._result(response, what)

    # -- duplicate-safe settling of an Add whose fate is unknown ----------------------------------------

    def _settle_unknown_add(
        self, item: AddQueueItemInput, data: bytes, started: datetime, budget: float, lost: str, when: str
    ) -> HttpResponse:
        queue = self._mask(repr(item.queue_name))
        if not item.reference:
            raise QueueItemMayExistError(
                f"Add Queue Item to queue {queue} was sent but {lost}{when}, so the item may "
                "have been created. It was not sent again, because without a reference it cannot be looked up "
                "and a second request could add it twice: check the queue before retrying, or give items a "
                "reference (on a queue that enforces unique references) so the connector can settle this itself"
            )
        what = f"POST {ADD_QUEUE_ITEM_PATH}"
        _LOG.warning("add queue item: %s after sending; looking its reference up before re-sending", lost)
        retry_number = 0
        while True:
            retry_number += 1
            # The backoff before the look-up gives a request still being processed time to commit, so that
            # the look-up sees it (docs/errors-and-retries.md: the remaining race). No time left: look once more.
            may_resend = self._retrier.pause(retry_number, budget)
            found = self._find_by_reference(item, started, budget)
            if found is not None:
                return found
            if not may_resend:
                raise QueueItemMayExistError(
                    f"Add Queue Item to queue {queue} was sent but {lost}, and a look-up by its reference found no "
                    "item; the retry policy allows no further attempt. The item may still appear if Orchestrator "
                    "was slow to process the request: on a queue that enforces unique references a retry of the "
                    "job cannot add it twice (it is answered 409), on other queues check the queue first"
                )
            sends = _Sends()
            try:
                response = self._send(
                    "POST", ADD_QUEUE_ITEM_PATH, body=data, decide=decide_post, started=budget, sends=sends
                )
            except requests.RequestException as error:
                if transport_phase(error) != "after-send":
                    raise self._network_error(error, what) from None
                continue
            envelope = self._envelope(response)
            own = self._settle_duplicate(item, response, envelope, started, budget, resent=True)
            if own is not None:
                return own
            return self._result(response, what, envelope)

    def _settle_duplicate(
        self,
        item: AddQueueItemInput,
        response: requests.Response,
        envelope: HttpResponse,
        started: datetime,
        budget: float,
        *,
        resent: bool,
    ) -> HttpResponse | None:
        """A 409/1016 answer to an Add with a reference: the earlier attempt's item when a re-sent Add meets it.

        Otherwise it raises :class:`DuplicateReferenceError` naming the item that holds the reference when a
        look-up finds it (the idempotency key of UiPath: Queue Items Requests: a retried job can
        carry on with that item). None for any other answer.
        """
        if response.status_code != 409 or not item.reference:
            return None
        if error_details(envelope).error_code != DUPLICATE_REFERENCE:
            return None
        holder: _ReferenceHolder | None
        if resent:
            holder = self._holder_after_send(item, budget)
            if holder is not None and _created_since(holder.item, started):
                return self._recovered(holder)
        else:
            # A first attempt: the item was added earlier (by an earlier job attempt whose answer was lost, or by
            # anyone), so any holder counts, whatever its age. The look-up only adds facts to the error: when it
            # fails the error is the plain 409.
            try:
                holder = self._newest_with_reference(item, budget)
            except _ReferenceLookupError as failure:
                _LOG.info("add queue item: 409/1016, and looking up the item holding the reference failed: %s", failure)
                holder = None
        error = self._answer_error(envelope, f"POST {ADD_QUEUE_ITEM_PATH}")
        if holder is not None and isinstance(error, DuplicateReferenceError):
            status = holder.item.get("Status")
            item_id = holder.item.get("Id")
            if (
                isinstance(item_id, int)
                and not isinstance(item_id, bool)
                and status not in _RELEASED_REFERENCE_STATUSES
            ):
                masked = self._masked(dict(holder.item))
                assert isinstance(masked, dict)
                error = error.naming_holder(masked)
                self._mask_error(error)
        raise error

    def _find_by_reference(self, item: AddQueueItemInput, started: datetime, budget: float) -> HttpResponse | None:
        """The item an earlier attempt of this Add created, as a synthetic 201 envelope, when a look-up finds it."""
        holder = self._holder_after_send(item, budget)
        return self._recovered(holder) if holder is not None and _created_since(holder.item, started) else None

    def _holder_after_send(self, item: AddQueueItemInput, budget: float) -> _ReferenceHolder | None:
        """:meth:`_newest_with_reference` after an Add that may have landed: a failed look-up leaves that open."""
        try:
            return self._newest_with_reference(item, budget)
        except _ReferenceLookupError as failure:
            raise QueueItemMayExistError(
                "Add Queue Item was sent but no answer came back, so the item may have been created; looking its "
                f"reference up failed too: {failure}"
            ) from None

    def _newest_with_reference(self, item: AddQueueItemInput, budget: float) -> _ReferenceHolder | None:
        """The queue's newest item with ``item.reference``, of any age; :class:`_ReferenceLookupError` on failure."""
        assert item.reference is not None
        params = {
            "$filter": f"Reference eq {odata_string(item.reference)} and "
            f"QueueDefinitionName eq {odata_string(item.queue_name)}",
            "$orderby": "Id desc",
            "$top": "1",
        }
        what = f"GET {QUEUE_ITEMS_PATH} (look-up by reference)"
        try:
            response = self._send("GET", QUEUE_ITEMS_PATH, params=params, decide=decide_get, started=budget)
        except requests.RequestException as error:
            raise _ReferenceLookupError(self._network_error(error, what).message) from None
        envelope = self._envelope(response)
        if response.status_code >= 400:
            failure = orchestrator_error(self._masked_envelope(envelope), what)
            raise _ReferenceLookupError(self._mask(failure.message))
        body = envelope.body
        values = body.get("value") if isinstance(body, Mapping) else None
        candidate = values[0] if isinstance(values, list) and values and isinstance(values[0], Mapping) else None
        return _ReferenceHolder(candidate, envelope) if candidate is not None else None

    def _recovered(self, holder: _ReferenceHolder) -> HttpResponse:
        """The found item as the 201 envelope its Add would have had, marked with :data:`RECOVERED_HEADER`."""
        entity: dict[str, Any] = {"@odata.context": f"{self.base_url}/odata/$metadata#QueueItems/$entity"}
        entity.update((key, value) for key, value in holder.item.items() if not key.startswith("@odata."))
        headers = dict(holder.envelope.headers)
        headers[RECOVERED_HEADER] = "reference-lookup"
        return HttpResponse(status=201, headers=headers, body=entity, reason="Created")

    # -- HTTP ------------------------------------------------------------------------------------------

    def _token(self) -> str:
        authentication = self._authentication
        if isinstance(authentication, BearerAuthentication):
            return authentication.token
        key = token_cache_key(self.token_endpoint, authentication)
        try:
            return self._token_cache.get(key, self._fetch_token, wait_seconds=self._token_wait_seconds)
        except TokenWaitTimeout:
            raise TokenEndpointError(
                "408",
                f"no token within {self._token_wait_seconds:g} s: another thread's request to the token endpoint "
                f"{self._mask(self.token_endpoint)} has not finished",
            ) from None

    def _invalidate(self, token: str) -> bool:
        authentication = self._authentication
        if isinstance(authentication, BearerAuthentication):
            return False
        self._token_cache.invalidate(token_cache_key(self.token_endpoint, authentication), token)
        return True

    def _fetch_token(self) -> IssuedToken:
        authentication = self._authentication
        assert isinstance(authentication, OAuthClientCredentialsAuthentication)
        headers, form = token_request(authentication)
        endpoint_path = urlsplit(self.token_endpoint).path
        what = f"POST {self.token_endpoint} (token)"
        try:
            response = self._retrier.call(
                lambda attempt: self._exchange("POST", self.token_endpoint, endpoint_path, headers, form, attempt),
                decide_token,
                what="token request",
            )
        except requests.RequestException as error:
            raise self._network_error(error, what) from None
        envelope = self._envelope(response)
        if not 200 <= envelope.status < 300:
            envelope = self._masked_envelope(envelope)
        try:
            return read_token_response(envelope, self.token_endpoint, authentication.scopes)
        except TokenEndpointError as error:
            self._mask_error(error)
            raise

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        decide: Callable[[requests.Response | BaseException, datetime], Decision],
        started: float,
        sends: _Sends | None = None,
    ) -> requests.Response:
        """One logical request: retried per ``decide``, and sent once more with a fresh token after a 401.

        ``started`` is when the operation began (its retries share one time budget); ``sends`` counts attempts.
        """
        sends = sends if sends is not None else _Sends()
        url = self.base_url + path + (f"?{_query(params)}" if params else "")
        log_path = urlsplit(self.base_url).path + path
        header_name, header_value = self._folder_header
        token = self._token()
        for refreshed in (False, True):
            self._remember_token(token)
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", header_name: header_value}
            if body is not None:
                headers["Content-Type"] = "application/json"

            def attempt(number: int, headers: Mapping[str, str] = headers) -> requests.Response:
                sends.count += 1
                return self._exchange(method, url, log_path, headers, body, number)

            response: requests.Response = self._retrier.call(attempt, decide, what=f"{method} {path}", started=started)
            if response.status_code != 401 or refreshed or not self._invalidate(token):
                return response
            _LOG.info("%s %s: Orchestrator refused the token (401); fetching a new one once", method, path)
            token = self._token()
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(
        self,
        method: str,
        url: str,
        log_path: str,
        headers: Mapping[str, str],
        body: bytes | Mapping[str, str] | None,
        attempt: int,
    ) -> requests.Response:
        started = self._clock()
        # Masking the path costs a scan per secret; only pay it when the line is written.
        debug = _LOG.isEnabledFor(logging.DEBUG)
        try:
            response = self._session().request(
                method, url, headers=dict(headers), data=body, timeout=self._timeout, allow_redirects=False
            )
        except requests.RequestException as error:
            if debug:
                _LOG.debug(
                    "%s %s -> %s after %.1f ms (attempt %d)",
                    method,
                    self._mask(log_path),
                    type(error).__name__,
                    (self._clock() - started) * 1000,
                    attempt,
                )
            raise
        if debug:
            _LOG.debug(
                "%s %s -> %d in %.1f ms (attempt %d)",
                method,
                self._mask(log_path),
                response.status_code,
                (self._clock() - started) * 1000,
                attempt,
            )
        return response

    def _session(self) -> requests.Session:
        if self._given_session is not None:
            return self._given_session
        session: requests.Session | None = getattr(self._thread_sessions, "session", None)
        if session is None:
            session = requests.Session()
            self._thread_sessions.session = session
        return session

    def _remember_token(self, token: str) -> None:
        if token not in self._sent_tokens and not isinstance(self._authentication, BearerAuthentication):
            self._sent_tokens = (*self._sent_tokens[-1:], token)

    def _envelope(self, response: requests.Response) -> HttpResponse:
        return HttpResponse.from_parts(response.status_code, response.reason, _header_pairs(response), response.content)

    def _result(self, response: requests.Response, what: str, envelope: HttpResponse | None = None) -> HttpResponse:
        envelope = envelope if envelope is not None else self._envelope(response)
        if envelope.status < 400 and _unreadable_json(response, envelope.body):
            raise ConnectorError(
                MALFORMED_RESPONSE,
                f"Orchestrator answered {envelope.status} {envelope.reason or ''} to {what} with a body that is not "
                "valid JSON, so the result cannot be read",
            )
        if envelope.status < 400:
            return envelope
        raise self._answer_error(envelope, what)

    def _answer_error(self, envelope: HttpResponse, what: str) -> OrchestratorError:
        """The error for an answer >= 400, with every secret value masked in its message and variables."""
        envelope = self._masked_envelope(envelope)
        retry_after = retry_after_seconds(envelope.header("Retry-After"), self._wall_clock())
        note = ""
        if envelope.status == 401 and isinstance(self._authentication, OAuthClientCredentialsAuthentication):
            note = " (also with a freshly fetched token)"
        error = orchestrator_error(envelope, what, retry_after=retry_after, note=note)
        self._mask_error(error)
        return error

    def _network_error(self, error: requests.RequestException, what: str) -> OrchestratorConnectionError:
        """Camunda's codes and messages for transport failures (Camunda's ConnectorExceptionMapper)."""
        phase = transport_phase(error)
        if phase == "tls":
            code = "SSL_HANDSHAKE_FAILED"
            root: BaseException = error
            while root.__cause__ is not None or (root.args and isinstance(root.args[0], BaseException)):
                root = root.__cause__ if root.__cause__ is not None else root.args[0]
            message = f"TLS handshake failed: {str(root)[:200] or type(root).__name__}. Check the server's certificate"
        elif isinstance(error, requests.Timeout):
            code, message = "408", "The request timed out. Please try increasing the read and connection timeouts."
        elif isinstance(error, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            # A body cut off mid-stream is an IOException in Camunda's client too, hence its "408".
            code, message = "408", "An error occurred while executing the request, or the connection was aborted"
        else:
            code, message = "500", f"Error while executing an HTTP request: {type(error).__name__}"
        return OrchestratorConnectionError(code, self._mask(f"{message} ({what})"), request_sent=phase == "after-send")

    def _mask(self, text: str) -> str:
        secrets = (*self._secret_values, *self._sent_tokens)
        return mask_secrets(text, secrets) if secrets else text

    def _masked(self, value: object) -> object:
        if isinstance(value, str):
            return self._mask(value)
        if isinstance(value, Mapping):
            return {self._mask(str(key)): self._masked(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._masked(item) for item in value]
        return value

    def _masked_envelope(self, envelope: HttpResponse) -> HttpResponse:
        """An error answer with every secret value masked: its body and headers become error variables."""
        headers = self._masked(dict(envelope.headers))
        assert isinstance(headers, dict)
        return HttpResponse(envelope.status, headers, self._masked(envelope.body), envelope.reason)

    def _mask_error(self, error: Exception) -> None:
        message = getattr(error, "message", None)
        if isinstance(message, str):
            masked = self._mask(message)
            error.message = masked  # type: ignore[attr-defined]
            error.args = (masked,)
