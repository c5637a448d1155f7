"""The requester: one logical HTTP request, from a path to an envelope or an error.

A one-way pipeline (httpx's shape): URL and headers -> authentication -> retried exchange -> envelope -> error
mapping. What is specific to one service (its base URL, fixed headers such as UiPath's folder header, how its
error bodies read) comes in through the constructor; everything else lives here:

* every request carries ``Authorization: Bearer <token>`` and ``Accept: application/json``; ``Content-Type``
  only with a body; redirects are not followed (a redirect is an answer, not a success);
* retries follow the caller's decision function (see ``_retry``) within one time budget per operation, and a
  401 is sent once more with a fresh token when the authenticator can refresh;
* transport failures become :class:`~._errors.HttpConnectionError` (or the connector's subclass) with the
  network codes of Camunda's HTTP client; answers >= 400 become the connector's errors;
* every message, error variable and log line is masked with every secret value the requester knows: the
  credentials, the secrets the job used, and the access tokens it sent.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast
from urllib.parse import quote, urlsplit

import attrs

from ..sdk import ConnectorError, HttpResponse, mask_secrets
from . import _observers
from ._auth import Authenticator
from ._bodies import DEFAULT_MAX_BODY_BYTES, read_body
from ._clock import Clock
from ._deadlines import request_deadline
from ._errors import (
    MALFORMED_RESPONSE,
    RESPONSE_TOO_LARGE,
    UNEXPECTED_RESPONSE,
    HttpConnectionError,
    TokenEndpointError,
    response_variables,
)
from ._lazy import LazyModule
from ._retry import Decision, Retrier, RetryPolicy, decide_token, retry_after_seconds, transport_phase
from ._sessions import ThreadSessions

if TYPE_CHECKING:
    import requests

    from ._transport import SessionTransport
else:
    # Read in ``except`` clauses and error mapping only, once sending has loaded it (``_lazy``).
    requests = LazyModule("requests")

__all__ = [
    "MAX_JSON_DEPTH",
    "AnswerError",
    "Requester",
    "SendCount",
    "SuccessCheck",
    "describe_body",
    "json_body_problem",
    "json_depth",
    "query_string",
    "unreadable_json",
]

_LOG = logging.getLogger("uipath_connector.http")
_current_mask = threading.local()


class _MaskingFilter(logging.Filter):
    """Masks urllib3's own DEBUG line (``"GET /acme/Prod%20Tenant/... HTTP/1.1" 200``) with the secrets of the
    request the current thread is sending: urllib3 cannot know them, the requester does."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask: Callable[[str], str] | None = getattr(_current_mask, "mask", None)
        if mask is not None:
            record.msg = mask(record.getMessage())
            record.args = ()
        return True


_URLLIB3_FILTER = _MaskingFilter()
# The loggers urllib3 writes request lines and retries to (a filter applies to its own logger only).
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection"):
    logging.getLogger(_name).addFilter(_URLLIB3_FILTER)


#: Says why a 2xx envelope is not the success an operation documents (``None``: it is).
SuccessCheck = Callable[[HttpResponse], "str | None"]


def describe_body(envelope: HttpResponse) -> str:
    """What came back, in words for an error message: ``no body``, ``an HTML page``, ``text``, ``JSON ...``."""
    body = envelope.body
    content_type = str(envelope.header("Content-Type") or "").lower()
    if body is None:
        return "no body"
    if isinstance(body, str):
        return "an HTML page" if "html" in content_type or body.lstrip()[:1] == "<" else "a body that is not JSON"
    if isinstance(body, Mapping):
        return "an empty JSON object" if not body else "a JSON object"
    return "JSON that is not an object"


def json_body_problem(envelope: HttpResponse) -> str | None:
    """The default success check: a 2xx whose body is JSON (every operation here returns JSON)."""
    body = envelope.body
    if body is None or isinstance(body, str):
        return f"with {describe_body(envelope)}"
    return None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


class AnswerError(Protocol):
    """Maps an answer >= 400 (already masked) to the connector's error; ``what`` names the request."""

    def __call__(
        self, envelope: HttpResponse, what: str, /, *, retry_after: float | None, note: str
    ) -> ConnectorError: ...


def _generic_answer_error(envelope: HttpResponse, what: str, *, retry_after: float | None, note: str) -> ConnectorError:
    reason = f" {envelope.reason}" if envelope.reason else ""
    return ConnectorError(
        str(envelope.status),
        f"the server answered {envelope.status}{reason} to {what}{note}",
        response_variables(envelope),
    )


@attrs.define
class SendCount:
    """How many times one logical request went out (retries and the re-send after a 401 included)."""

    count: int = 0


#: Causes underneath a transport failure, innermost first wins, in words a person can act on.
_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset by the server"),
    (ConnectionAbortedError, "connection aborted"),
    (TimeoutError, "no answer in time"),
)


def network_cause(error: BaseException) -> str:
    """What lies underneath a transport failure, e.g. ``connection refused`` or ``host name not found``.

    Follows ``__cause__``/``__context__`` and exception arguments (urllib3 wraps the socket error in its own
    errors, requests wraps those) to the innermost error, at most 10 deep.

    >>> network_cause(requests.ConnectionError(ConnectionRefusedError(111, "Connection refused")))
    'connection refused'
    """
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10 and current not in chain:
        chain.append(current)
        inner = current.__cause__ or current.__context__
        if inner is None:
            inner = next((arg for arg in current.args if isinstance(arg, BaseException)), None)
        if inner is None:
            inner = (
                getattr(current, "reason", None)
                if isinstance(getattr(current, "reason", None), BaseException)
                else None
            )
        current = inner
    for link in reversed(chain):
        if type(link).__name__ in ("gaierror", "NameResolutionError"):
            return "host name not found (DNS)"
        for kind, words in _CAUSES:
            if isinstance(link, kind):
                return words
    innermost = chain[-1]
    text = str(innermost) or ("" if innermost is error else type(innermost).__name__)
    # urllib3 prefixes the connection object's repr (`<...HTTPSConnection object at 0x...>: `), which says nothing.
    return re.sub(r"^(<[^>]*>|None): ", "", text)[:200]


def query_string(params: Mapping[str, str]) -> str:
    """Spaces as ``%20`` (as Camunda's Apache client sends them), quotes kept readable; ``&``, ``#``, ``%`` encoded.

    >>> query_string({"$filter": "Name eq 'a&b'"})
    "$filter=Name%20eq%20'a%26b'"
    """
    return "&".join(f"{name}={quote(value, safe=chr(39))}" for name, value in params.items())


def _header_pairs(response: requests.Response) -> list[tuple[str, str]]:
    raw_headers = getattr(response.raw, "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "iteritems"):
        return [(str(name), str(value)) for name, value in raw_headers.iteritems()]
    return list(response.headers.items())


def unreadable_json(response: requests.Response, body: object) -> bool:
    """A body that says it is JSON but does not parse: a broken or cut answer.

    Camunda's REST connector would hand such a body on as text, and a result expression such as
    ``response.body.Id`` would then quietly give null; here it is an error instead. ``body`` is the envelope's,
    already read: parsed JSON needs no second parse, only the check that its bytes were UTF-8 (the envelope
    decodes with replacement, ``json.loads`` would refuse).
    """
    if "json" not in response.headers.get("Content-Type", "").lower() or not response.content.strip():
        return False
    try:
        if body is None or isinstance(body, str):
            json.loads(response.content)
        else:
            response.content.decode("utf-8", "surrogatepass")  # as json.loads decodes bytes
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's parser follows
        return True
    # Parsed, but nested deeper than any answer of these APIs: everything downstream (masking, expressions,
    # the engine's JSON) would recurse that deep, so it is as unreadable as broken JSON.
    return json_depth(body) > MAX_JSON_DEPTH


#: How deeply an answer's JSON may nest (Orchestrator's answers nest a handful of levels).
MAX_JSON_DEPTH = 64


def json_depth(value: object) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0), counted without recursion.

    Runs on every answer: scalars (most of an answer's values) are never queued, and the plain ``dict``/``list``
    that ``json`` builds are recognised by type before the slower ``Mapping`` check.
    """
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        current, depth = pending.pop()
        kind = type(current)
        if kind is dict:
            children: Iterable[object] = cast("dict[object, object]", current).values()
        elif kind is list:
            children = cast("list[object]", current)
        elif isinstance(current, Mapping):
            children = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                return deepest
        for child in children:
            if child is not None and type(child) not in _JSON_SCALARS:
                pending.append((child, depth))
    return deepest


_JSON_SCALARS = frozenset({str, int, float, bool})


class Requester:
    """Sends logical requests to one service with one authenticator.

    >>> from uipath_connector.http import BearerAuthenticator
    >>> Requester("https://api.example/v1", BearerAuthenticator("eyJ..."), timeout_seconds=20).base_url
    'https://api.example/v1'

    ``sessions`` hands each thread its kept-alive session (one per requester by default); ``session`` pins one
    session for every thread (only for a requester used by one thread). ``clock`` is fixed when given, else the
    installed one (:func:`~._clock.use_clock`). ``server_name`` starts the messages of answers that the
    connector's ``answer_error`` does not word itself; ``logger`` is where attempts and retries are logged (a
    connector's own logger, so its users configure one name).
    """

    def __init__(
        self,
        base_url: str,
        authenticator: Authenticator,
        *,
        timeout_seconds: float,
        headers: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        sessions: ThreadSessions | None = None,
        session: requests.Session | None = None,
        secret_values: Iterable[str] = (),
        answer_error: AnswerError = _generic_answer_error,
        connection_error: type[HttpConnectionError] = HttpConnectionError,
        server_name: str = "the server",
        logger: logging.Logger = _LOG,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        request_deadline_seconds: float | None = None,
    ):
        self.base_url = base_url
        self.max_body_bytes = max_body_bytes
        # A wall-clock bound on one request, from sending to the last byte of the answer, that a server trickling
        # its answer cannot stretch: by default the connect timeout plus the read timeout.
        self.request_deadline_seconds = (
            request_deadline_seconds if request_deadline_seconds is not None else 2 * float(timeout_seconds)
        )
        self.server_name = server_name
        self.authenticator = authenticator
        self.timeout = (float(timeout_seconds), float(timeout_seconds))
        self._base_path = urlsplit(base_url).path
        # Every request's headers but the token and the content type, merged with the session's once per thread
        # (``_transport``): only what read_body decodes with a bound is accepted as an encoding.
        self._fixed_headers: tuple[tuple[str, str], ...] = (
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept", "application/json"),
            *dict(headers or {}).items(),
        )
        self._form_headers: tuple[tuple[str, str], ...] = (("Accept-Encoding", "gzip, deflate"),)
        self.policy = retry_policy if retry_policy is not None else RetryPolicy()
        self.retrier = Retrier(self.policy, clock=clock, logger=logger)
        self._log = logger
        self._sessions = sessions if sessions is not None else ThreadSessions()
        self._pinned: SessionTransport | None = None
        if session is not None:
            from ._transport import SessionTransport  # the caller's session: requests is loaded already

            self._pinned = SessionTransport(session)
        self._answer_error = answer_error
        self._connection_error = connection_error
        self._secret_values = tuple(value for value in (*authenticator.secret_values, *secret_values) if value)
        # Access tokens this requester sent (the last two: the one before and after a refresh), masked like
        # secrets in case an error body echoes one; they are not job secrets, so the runtime cannot mask them.
        self._sent_tokens: tuple[str, ...] = ()
        # A thread waiting for another thread's token request waits at most as long as that request may take.
        self.token_wait_seconds = self.policy.max_total_seconds + sum(self.timeout) + self.policy.max_backoff_seconds

    def __repr__(self) -> str:
        return f"Requester(base_url={self.mask(self.base_url)!r}, authenticator={self.authenticator!r})"

    @property
    def clock(self) -> Clock:
        """The clock of this requester's retries and budgets."""
        return self.retrier.clock

    # -- sending ---------------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        decide: Callable[[requests.Response | BaseException, datetime], Decision],
        started: float,
        sends: SendCount | None = None,
    ) -> requests.Response:
        """One logical request: retried per ``decide``, and sent once more with a fresh token after a 401.

        ``path`` is relative to the base URL; ``started`` (a ``retrier.now()`` reading) is when the operation
        began, so its retries share one time budget; ``sends`` counts attempts. Transport failures are raised as
        ``requests`` exceptions for the caller to judge (:meth:`network_error` words them).
        """
        sends = sends if sends is not None else SendCount()
        url = self.base_url + path + (f"?{query_string(params)}" if params else "")
        log_path = self._base_path + path
        operation = _observers.operation_label(method, path) if _observers.observing() else ""
        token = self._access_token()
        for refreshed in (False, True):
            if refreshed:
                _observers.request_retried(operation)
            self._remember_token(token)
            headers = {"Authorization": f"Bearer {token}"}
            if body is not None:
                headers["Content-Type"] = "application/json"

            def attempt(number: int, headers: Mapping[str, str] = headers) -> requests.Response:
                sends.count += 1
                if number > 1:
                    _observers.request_retried(operation)
                return self._exchange(method, url, log_path, self._fixed_headers, headers, body, number, operation)

            response: requests.Response = self.retrier.call(attempt, decide, what=f"{method} {path}", started=started)
            if response.status_code != 401 or refreshed or not self.authenticator.refreshes:
                return response
            self.authenticator.refused(token)
            self._log.info("%s %s: the server refused the token (401); fetching a new one once", method, path)
            token = self._access_token()
        raise AssertionError("unreachable")  # pragma: no cover

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
        decide: Callable[[requests.Response | BaseException, datetime], Decision],
        what: str | None = None,
        expect: SuccessCheck | None = None,
    ) -> HttpResponse:
        """:meth:`send`, then :meth:`result`: the envelope of a success or the mapped error, for requests that may
        be retried per ``decide`` without further thought. ``what`` names the request in errors (default
        ``"METHOD path"``).

        >>> import responses
        >>> from uipath_connector.http import BearerAuthenticator, decide_get
        >>> requester = Requester("https://api.example", BearerAuthenticator("t"), timeout_seconds=5)
        >>> with responses.RequestsMock() as mock:
        ...     _ = mock.get("https://api.example/items", json={"value": []})
        ...     requester.request("GET", "/items", decide=decide_get).body
        {'value': []}
        """
        what = what or f"{method} {path}"
        sends = SendCount()
        try:
            response = self.send(
                method, path, params=params, body=body, decide=decide, started=self.retrier.now(), sends=sends
            )
        except requests.RequestException as error:
            raise self.network_error(error, what, attempts=sends.count) from None
        return self.result(response, what, expect=expect)

    def post_form(self, url: str, headers: Mapping[str, str], form: Mapping[str, str]) -> HttpResponse:
        """POST a form to an absolute URL (a token endpoint): retried like a GET, answered as an envelope.

        Answers >= 400 are returned, masked, for the caller to read; transport failures raise the connection error.
        """
        endpoint_path = urlsplit(url).path
        operation = _observers.operation_label("POST", endpoint_path) if _observers.observing() else ""

        def attempt(number: int) -> requests.Response:
            if number > 1:
                _observers.request_retried(operation)
            return self._exchange("POST", url, endpoint_path, self._form_headers, headers, form, number, operation)

        try:
            response = self.retrier.call(
                attempt,
                decide_token,
                what="token request",
            )
        except requests.RequestException as error:
            raise self.network_error(error, f"POST {url} (token)") from None
        envelope = self.envelope(response)
        return envelope if 200 <= envelope.status < 300 else self.masked_envelope(envelope)

    def _access_token(self) -> str:
        try:
            return self.authenticator.access_token(self)
        except (TokenEndpointError, HttpConnectionError) as error:
            self.mask_error(error)
            raise

    def _exchange(
        self,
        method: str,
        url: str,
        log_path: str,
        fixed_headers: tuple[tuple[str, str], ...],
        headers: Mapping[str, str],
        body: bytes | Mapping[str, str] | None,
        attempt: int,
        operation: str = "",
    ) -> requests.Response:
        transport = self._pinned if self._pinned is not None else self._sessions.transport()
        monotonic = self.clock.monotonic
        began = monotonic()
        deadline = began + self.request_deadline_seconds
        # Each socket read is bounded by the read timeout, never by more than the time left before the deadline.
        timeout = (self.timeout[0], min(self.timeout[1], self.request_deadline_seconds))
        _current_mask.mask = self.mask
        try:
            try:
                with request_deadline(deadline, monotonic):
                    response = transport.send(
                        method, url, fixed_headers=fixed_headers, headers=headers, body=body, timeout=timeout
                    )
                    read_body(response, deadline=deadline, monotonic=monotonic, max_bytes=self.max_body_bytes)
            except requests.RequestException as error:
                _observers.request_finished(operation, type(error).__name__, monotonic() - began)
                if self._log.isEnabledFor(logging.DEBUG):
                    self._log.debug(
                        "%s %s -> %s after %.1f ms (attempt %d)",
                        method,
                        self.mask(log_path),
                        type(error).__name__,
                        (monotonic() - began) * 1000,
                        attempt,
                    )
                raise
            _observers.request_finished(operation, str(response.status_code), monotonic() - began)
            if self._log.isEnabledFor(logging.DEBUG):
                # Masking the path costs a scan per secret: only paid when the line is written.
                self._log.debug(
                    "%s %s -> %d in %.1f ms (attempt %d)",
                    method,
                    self.mask(log_path),
                    response.status_code,
                    (monotonic() - began) * 1000,
                    attempt,
                )
            return response
        finally:
            _current_mask.mask = None

    def _remember_token(self, token: str) -> None:
        if self.authenticator.refreshes and token not in self._sent_tokens:
            self._sent_tokens = (*self._sent_tokens[-1:], token)

    # -- answers ---------------------------------------------------------------------------------------

    def envelope(self, response: requests.Response) -> HttpResponse:
        """Camunda's response envelope of an answer (not masked: a success is the caller's data)."""
        return HttpResponse.from_parts(response.status_code, response.reason, _header_pairs(response), response.content)

    def result(
        self,
        response: requests.Response,
        what: str,
        envelope: HttpResponse | None = None,
        *,
        expect: SuccessCheck | None = None,
        json_checked: bool = False,
    ) -> HttpResponse:
        """The envelope of a success, or the error of anything else.

        A success is what the operation documents, nothing less: an answer >= 400 is the connector's error; a
        redirect (never followed) is an error whose code is its status; a 2xx whose JSON does not parse is
        ``MALFORMED_RESPONSE``; a 2xx that ``expect`` refuses (by default: any body that is not JSON, such as a
        proxy's or single sign-on's HTML login page, or no body at all) is ``UNEXPECTED_RESPONSE``.
        ``json_checked`` says the caller has already found a 2xx's JSON readable (:func:`unreadable_json`), so the
        body is not checked a second time.
        """
        envelope = envelope if envelope is not None else self.envelope(response)
        if envelope.status >= 400:
            raise self.answer_error(envelope, what)
        if not 200 <= envelope.status < 300:
            raise self.unexpected_answer(envelope, what, self._redirect_problem(envelope))
        if not json_checked and unreadable_json(response, envelope.body):
            raise ConnectorError(
                MALFORMED_RESPONSE,
                self.mask(
                    f"{self.server_name} answered {envelope.status} {envelope.reason or ''} to {what} with a body "
                    "that is not valid JSON, so the result cannot be read"
                ),
            )
        problem = (expect or json_body_problem)(envelope)
        if problem is not None:
            raise self.unexpected_answer(envelope, what, problem)
        return envelope

    def unexpected_answer(self, envelope: HttpResponse, what: str, problem: str) -> ConnectorError:
        """The error for an answer below 400 that is not the documented success (its envelope, masked, as variables).

        A redirect's code is its status (``"302"``), as Camunda codes every status it treats as an error; anything
        else is ``UNEXPECTED_RESPONSE``.
        """
        masked = self.masked_envelope(envelope)
        code = str(envelope.status) if 300 <= envelope.status < 400 else UNEXPECTED_RESPONSE
        reason = f" {envelope.reason}" if envelope.reason else ""
        message = self.mask(
            f"{self.server_name} answered {envelope.status}{reason} to {what} {problem}, which is not a success: "
            "nothing was read from it"
        )
        return ConnectorError(code, message, response_variables(masked))

    def _redirect_problem(self, envelope: HttpResponse) -> str:
        if not 300 <= envelope.status < 400:
            return "with a status that is neither a success nor an error"
        location = envelope.header("Location")
        target = self.mask(_cut(location, 200)) if location else "nowhere"
        return (
            f"with a redirect to {target} (redirects are not followed: a proxy or single sign-on login page answers "
            "this way, and following it would send the credentials elsewhere)"
        )

    def answer_error(self, envelope: HttpResponse, what: str) -> ConnectorError:
        """The error for an answer >= 400, with every secret value masked in its message and variables."""
        envelope = self.masked_envelope(envelope)
        retry_after = retry_after_seconds(envelope.header("Retry-After"), self.clock.wall())
        note = " (also with a freshly fetched token)" if envelope.status == 401 and self.authenticator.refreshes else ""
        error = self._answer_error(envelope, what, retry_after=retry_after, note=note)
        self.mask_error(error)
        return error

    def network_error(
        self, error: requests.RequestException, what: str, *, attempts: int | None = None
    ) -> HttpConnectionError:
        """The network codes and messages of Camunda's HTTP client for transport failures.

        Camunda's message is kept as it is (error expressions may match on it); what a person needs to act on it
        follows in parentheses: the request, the host it went to, the cause underneath, and the attempts made.
        """
        from ._too_large import ResponseTooLargeError  # a transport failure: requests is loaded

        phase = transport_phase(error)
        if phase == "tls":
            code = "SSL_HANDSHAKE_FAILED"
            root: BaseException = error
            while root.__cause__ is not None or (root.args and isinstance(root.args[0], BaseException)):
                root = root.__cause__ if root.__cause__ is not None else root.args[0]
            message = f"TLS handshake failed: {str(root)[:200] or type(root).__name__}. Check the server's certificate"
        elif isinstance(error, ResponseTooLargeError):
            code = RESPONSE_TOO_LARGE
            message = (
                f"{self.server_name} answered with a body larger than the cap of {error.limit:,} bytes "
                "(max_body_bytes); it was not read further"
            )
        elif isinstance(error, requests.Timeout):
            code, message = "408", "The request timed out. Please try increasing the read and connection timeouts."
        elif isinstance(error, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            # A body cut off mid-stream is an IOException in Camunda's client too, hence its "408".
            code, message = "408", "An error occurred while executing the request, or the connection was aborted"
        else:
            code, message = "500", f"Error while executing an HTTP request: {type(error).__name__}"
        details = [what] if "://" in what else [what, f"host {self._host_of(error)}"]
        cause = network_cause(error)
        if cause and code != "SSL_HANDSHAKE_FAILED":  # the TLS message already carries its cause
            details.append(cause)
        if attempts is not None and attempts > 1:
            details.append(f"{attempts} attempts")
        message = f"{message} ({'; '.join(details)})"
        return self._connection_error(code, self.mask(message), request_sent=phase == "after-send")

    def _host_of(self, error: requests.RequestException) -> str:
        request = getattr(error, "request", None)
        url = getattr(request, "url", None) or self.base_url
        return urlsplit(str(url)).netloc.rpartition("@")[2] or "?"

    # -- masking: the one place that applies the SDK's secret mask to what leaves the requester ------------

    def mask(self, text: str) -> str:
        """``text`` with every secret value this requester knows replaced by ``***``."""
        secrets = (*self._secret_values, *self._sent_tokens)
        return mask_secrets(text, secrets) if secrets else text

    def masked(self, value: object) -> object:
        """A JSON-like value with every string (keys included) masked."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, Mapping):
            return {self.mask(str(key)): self.masked(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.masked(item) for item in value]
        return value

    def masked_envelope(self, envelope: HttpResponse) -> HttpResponse:
        """An answer with every secret value masked (an error's body and headers become error variables)."""
        headers = self.masked(dict(envelope.headers))
        assert isinstance(headers, dict)
        return HttpResponse(envelope.status, headers, self.masked(envelope.body), envelope.reason)

    def mask_error(self, error: ConnectorError) -> None:
        """Mask an error's message and variables in place."""
        masked = self.mask(error.message)
        error.message = masked
        error.args = (masked,)
        variables = self.masked(error.variables)
        assert isinstance(variables, dict)
        error.variables = variables
