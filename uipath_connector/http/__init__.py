"""What every HTTP connector needs: one requester, authentication, token cache, retries, sessions, one clock.

This package sits between the SDK and the connectors (``sdk <- http <- uipath``): it imports the SDK and
``requests``/``tenacity``, and knows nothing of UiPath. A connector gives it a base URL, fixed headers, an
:class:`Authenticator` and how its error bodies read; the :class:`Requester` does the rest.

>>> from uipath_connector.http import BearerAuthenticator, Requester
>>> requester = Requester("https://api.example/v1", BearerAuthenticator("eyJ..."), timeout_seconds=20)
>>> requester
Requester(base_url='https://api.example/v1', authenticator=BearerAuthenticator(token='***'))
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from ._auth import (
    Authenticator,
    BearerAuthenticator,
    OAuthClientCredentials,
    TokenTransport,
    header_value_problem,
    read_token_response,
)
from ._bodies import DEFAULT_MAX_BODY_BYTES
from ._clock import SYSTEM_CLOCK, Clock, current_clock, use_clock
from ._deadlines import deadline_session
from ._errors import (
    MALFORMED_RESPONSE,
    RESPONSE_TOO_LARGE,
    UNEXPECTED_RESPONSE,
    HttpConnectionError,
    TokenEndpointError,
    response_variables,
)
from ._hosts import CredentialHosts
from ._lazy import LazyModule
from ._observers import RequestObserver, add_request_observer, operation_label, remove_request_observer
from ._requester import (
    AnswerError,
    Requester,
    SendCount,
    SuccessCheck,
    describe_body,
    query_string,
    unreadable_json,
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
from ._sessions import ThreadSessions
from ._tokens import (
    LIFETIME_WITHOUT_EXPIRES_IN,
    PROCESS_TOKEN_CACHE,
    REFRESH_SKEW_SECONDS,
    IssuedToken,
    TokenCache,
    TokenWaitTimeout,
)

if _typing.TYPE_CHECKING:
    from ._too_large import ResponseTooLargeError
    from ._transport import SessionTransport

#: Exported names whose modules import ``requests`` at their top: loaded on first access (PEP 562), so that
#: importing this package does not load the HTTP stack (``_lazy``).
_LOADED_ON_ACCESS = {"ResponseTooLargeError": "._too_large", "SessionTransport": "._transport"}

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "LIFETIME_WITHOUT_EXPIRES_IN",
    "MALFORMED_RESPONSE",
    "PROCESS_TOKEN_CACHE",
    "REFRESH_SKEW_SECONDS",
    "RESPONSE_TOO_LARGE",
    "SYSTEM_CLOCK",
    "UNEXPECTED_RESPONSE",
    "AnswerError",
    "Authenticator",
    "BearerAuthenticator",
    "Clock",
    "CredentialHosts",
    "Decision",
    "HttpConnectionError",
    "IssuedToken",
    "LazyModule",
    "OAuthClientCredentials",
    "RequestObserver",
    "Requester",
    "ResponseTooLargeError",
    "Retrier",
    "RetryPolicy",
    "SendCount",
    "SessionTransport",
    "SuccessCheck",
    "ThreadSessions",
    "TokenCache",
    "TokenEndpointError",
    "TokenTransport",
    "TokenWaitTimeout",
    "add_request_observer",
    "current_clock",
    "deadline_session",
    "decide_get",
    "decide_post",
    "decide_token",
    "describe_body",
    "header_value_problem",
    "operation_label",
    "query_string",
    "read_token_response",
    "remove_request_observer",
    "response_variables",
    "retry_after_seconds",
    "transport_phase",
    "unreadable_json",
    "use_clock",
]


if not _typing.TYPE_CHECKING:  # type checkers see the imports above; a module __getattr__ would hide misspelt names

    def __getattr__(name: str) -> object:
        module = _LOADED_ON_ACCESS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
