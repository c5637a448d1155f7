"""Authentication as an object with one job: give the requester an access token, and forget one that was refused.

Two implementations of the :class:`Authenticator` protocol:

* :class:`BearerAuthenticator`: a token given as is (a personal access token); a 401 cannot be cured.
* :class:`OAuthClientCredentials`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), tokens from the
  process-wide :class:`~._tokens.TokenCache`; after a 401 the refused token is forgotten and a fresh one fetched
  once by the requester.

The token request itself goes through the requester (:class:`TokenTransport`), so it gets the same timeouts,
retries, network error codes and secret masking as every other request.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from typing import Protocol

from ..sdk import HttpResponse
from . import _observers
from ._errors import TokenEndpointError, response_variables
from ._tokens import PROCESS_TOKEN_CACHE, IssuedToken, TokenCache, TokenWaitTimeout

__all__ = [
    "Authenticator",
    "BearerAuthenticator",
    "OAuthClientCredentials",
    "TokenTransport",
    "read_token_response",
]


class TokenTransport(Protocol):
    """What an authenticator needs from the requester to ask an identity server for a token."""

    #: How long a thread may wait for another thread's token request before giving up.
    token_wait_seconds: float

    def post_form(self, url: str, headers: Mapping[str, str], form: Mapping[str, str]) -> HttpResponse:
        """POST a form (retried like a GET: asking twice changes nothing) and return the answer's envelope."""


class Authenticator(Protocol):
    """Supplies the bearer token of each request."""

    #: Values that must never appear in logs, messages or envelopes (the credentials themselves).
    secret_values: tuple[str, ...]
    #: Whether a refused token can be replaced by a fresh one (a 401 is then retried once).
    refreshes: bool

    def access_token(self, transport: TokenTransport) -> str:
        """The token for the next request."""

    def refused(self, token: str) -> None:
        """The server answered 401 to ``token``: do not hand it out again."""


class BearerAuthenticator:
    """A fixed bearer token.

    >>> BearerAuthenticator("eyJ...")
    BearerAuthenticator(token='***')
    """

    refreshes = False

    def __init__(self, token: str):
        self._token = token
        self.secret_values: tuple[str, ...] = (token,) if token else ()

    def __repr__(self) -> str:
        return "BearerAuthenticator(token='***')"

    def access_token(self, transport: TokenTransport) -> str:
        return self._token

    def refused(self, token: str) -> None:
        return None


def _plain_message(response: HttpResponse) -> str | None:
    body = response.body
    if isinstance(body, Mapping):
        message = body.get("message")
        return message if isinstance(message, str) and message else None
    return body if isinstance(body, str) and body else None


class OAuthClientCredentials:
    """Tokens of the OAuth 2.0 client-credentials grant, shared through a :class:`~._tokens.TokenCache`.

    ``credentials_in_body`` sends ``client_id`` and ``client_secret`` as form fields; otherwise they go in a
    ``Basic base64(id:secret)`` header of the raw UTF-8 text, as Camunda's connector sends them. ``describe``
    reads the server's own error message from an answer (each identity server words its errors differently).

    >>> OAuthClientCredentials("https://id.example/token", "app", "s3cret", "OR.Queues")
    OAuthClientCredentials(token_endpoint='https://id.example/token', client_id='***', scopes='OR.Queues')
    """

    refreshes = True

    def __init__(
        self,
        token_endpoint: str,
        client_id: str,
        client_secret: str,
        scopes: str,
        *,
        credentials_in_body: bool = False,
        token_cache: TokenCache | None = None,
        describe: Callable[[HttpResponse], str | None] = _plain_message,
    ):
        self.token_endpoint = token_endpoint
        self._client_id = client_id
        self._client_secret = client_secret
        self.scopes = " ".join(scopes.split())
        self._scopes_as_given = scopes
        self._credentials_in_body = credentials_in_body
        self._cache = token_cache if token_cache is not None else PROCESS_TOKEN_CACHE
        self._describe = describe
        self.secret_values = tuple(value for value in (client_id, client_secret) if value)
        # One token per endpoint, client, secret, scopes and mode for the whole process; the key is a hash, so
        # neither the client id nor the secret is kept in it.
        secret_digest = hashlib.sha256(client_secret.encode("utf-8")).hexdigest()
        mode = "credentialsBody" if credentials_in_body else "basicAuthHeader"
        parts = (token_endpoint, client_id, secret_digest, self.scopes, mode)
        self._cache_key = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        return (
            f"OAuthClientCredentials(token_endpoint={self.token_endpoint!r}, client_id='***', scopes={self.scopes!r})"
        )

    def token_request(self) -> tuple[dict[str, str], dict[str, str]]:
        """Headers and form fields of the token request."""
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        form = {"grant_type": "client_credentials"}
        if self._credentials_in_body:
            form["client_id"] = self._client_id
            form["client_secret"] = self._client_secret
        else:
            pair = f"{self._client_id}:{self._client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        if self.scopes:
            form["scope"] = self.scopes
        return headers, form

    def access_token(self, transport: TokenTransport) -> str:
        wait = transport.token_wait_seconds
        try:
            return self._cache.get(self._cache_key, lambda: self._fetch(transport), wait_seconds=wait)
        except TokenWaitTimeout:
            raise TokenEndpointError(
                "408",
                f"no token within {wait:g} s: another thread's request to the token endpoint "
                f"{self.token_endpoint} has not finished",
            ) from None

    def refused(self, token: str) -> None:
        self._cache.invalidate(self._cache_key, token)

    def _fetch(self, transport: TokenTransport) -> IssuedToken:
        headers, form = self.token_request()
        try:
            answer = transport.post_form(self.token_endpoint, headers, form)
            issued = read_token_response(answer, self.token_endpoint, self._scopes_as_given, describe=self._describe)
        except Exception:
            _observers.token_fetched("failed")
            raise
        _observers.token_fetched("ok")
        return issued


def _expires_in(body: Mapping[str, object]) -> float | None:
    value = body.get("expires_in")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        return parsed if parsed >= 0 else None
    return None


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as an HTTP header value (``None``: it can).

    HTTP/1.1 header values are Latin-1 octets without line breaks (RFC 9110, "Field Values"); ``requests`` would
    refuse a line break and ``http.client`` a character beyond Latin-1, both only while sending.

    >>> header_value_problem("eyJ.abc"), header_value_problem("a\\r\\nX-Injected: 1")
    (None, 'contains a line break or another control character')
    """
    if any((ord(character) < 0x20 and character != "\t") or character == "\x7f" for character in value):
        return "contains a line break or another control character"
    if any(ord(character) > 0xFF for character in value):
        return "contains a character outside Latin-1 (only ASCII is safe in an HTTP header)"
    if value != value.strip(" \t"):
        return "starts or ends with white space"
    return None


def read_token_response(
    response: HttpResponse,
    endpoint: str,
    scopes: str,
    *,
    describe: Callable[[HttpResponse], str | None] = _plain_message,
) -> IssuedToken:
    """The token from the identity server's answer, or a :class:`TokenEndpointError` that says plainly why not.

    >>> read_token_response(HttpResponse(200, {}, {"access_token": "t", "expires_in": 3600}), "https://id/t", "")
    IssuedToken(access_token='***', expires_in=3600.0)
    """
    body = response.body
    if 200 <= response.status < 300:
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if isinstance(token, str) and token:
            problem = header_value_problem(token)
            if problem is not None:
                raise TokenEndpointError(
                    "OAUTH_TOKEN_ERROR",
                    f"the token endpoint {endpoint} issued an access token that {problem}, so it cannot be sent",
                    status=response.status,
                )
            return IssuedToken(token, _expires_in(body) if isinstance(body, Mapping) else None)
        what = describe(response) if isinstance(body, str) else None
        raise TokenEndpointError(
            "OAUTH_TOKEN_ERROR",
            f"OAuth token response does not contain an access_token field (token endpoint {endpoint}"
            + (f": {what}" if what else "")
            + ")",
            status=response.status,
        )
    oauth_error = body.get("error") if isinstance(body, Mapping) else None
    oauth_error = oauth_error if isinstance(oauth_error, str) else None
    description = body.get("error_description") if isinstance(body, Mapping) else None
    detail = f": {description}" if isinstance(description, str) and description else ""
    if oauth_error == "invalid_client":
        message = (
            f"the client id or secret was rejected by the token endpoint {endpoint} (invalid_client){detail}; "
            "check authentication.clientId, authentication.clientSecret and authentication.clientAuthentication"
        )
    elif oauth_error == "invalid_scope":
        message = (
            f"the token endpoint {endpoint} refused the scopes {scopes!r} (invalid_scope){detail}; "
            "grant them to the external application or change authentication.scopes"
        )
    elif oauth_error is not None:
        message = f"the token endpoint {endpoint} refused to issue a token ({oauth_error}){detail}"
    else:
        said = describe(response) or "[no message]"
        message = f"the token endpoint {endpoint} answered {response.status} {response.reason or ''}".rstrip()
        message += f": {said}"
    raise TokenEndpointError(
        str(response.status),
        message,
        status=response.status,
        oauth_error=oauth_error,
        variables=response_variables(response),
    )
