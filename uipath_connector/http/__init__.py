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

from ._auth import Authenticator, BearerAuthenticator, OAuthClientCredentials, TokenTransport, read_token_response
from ._clock import SYSTEM_CLOCK, Clock, current_clock, use_clock
from ._errors import MALFORMED_RESPONSE, HttpConnectionError, TokenEndpointError, response_variables
from ._requester import AnswerError, Requester, SendCount, query_string, unreadable_json
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

__all__ = [
    "LIFETIME_WITHOUT_EXPIRES_IN",
    "MALFORMED_RESPONSE",
    "PROCESS_TOKEN_CACHE",
    "REFRESH_SKEW_SECONDS",
    "SYSTEM_CLOCK",
    "AnswerError",
    "Authenticator",
    "BearerAuthenticator",
    "Clock",
    "Decision",
    "HttpConnectionError",
    "IssuedToken",
    "OAuthClientCredentials",
    "Requester",
    "Retrier",
    "RetryPolicy",
    "SendCount",
    "ThreadSessions",
    "TokenCache",
    "TokenEndpointError",
    "TokenTransport",
    "TokenWaitTimeout",
    "current_clock",
    "decide_get",
    "decide_post",
    "decide_token",
    "query_string",
    "read_token_response",
    "response_variables",
    "retry_after_seconds",
    "transport_phase",
    "unreadable_json",
    "use_clock",
]
