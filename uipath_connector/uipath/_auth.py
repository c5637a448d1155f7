"""The connector's authentication records as :mod:`uipath_connector.http` authenticators.

``bearer`` is a personal access token or a token obtained elsewhere; ``oauth-client-credentials-flow`` asks
UiPath's identity server for tokens with the client-credentials grant of a confidential external application
("Accessing UiPath resources using external applications", UiPath Automation Cloud admin guide), the scopes
default ``OR.Queues``.
"""

from __future__ import annotations

from ..http import Authenticator, BearerAuthenticator, OAuthClientCredentials, TokenCache, header_value_problem
from ..sdk import ConnectorInputError, HttpResponse, InputProblem
from ._errors import error_details
from ._records import Authentication, BearerAuthentication, ClientAuthentication

__all__ = ["authenticator_for"]


def _uipath_message(response: HttpResponse) -> str | None:
    return error_details(response).message


def authenticator_for(
    authentication: Authentication, token_endpoint: str, token_cache: TokenCache | None = None
) -> Authenticator:
    """The authenticator of an authentication record; OAuth tokens come from ``token_endpoint`` via the cache."""
    if isinstance(authentication, BearerAuthentication):
        # Refused here, before any request, naming the field: sending it would fail inside the HTTP library (or,
        # with a line break, try to add a header of the token's choosing).
        problem = header_value_problem(authentication.token)
        if problem is not None:
            raise ConnectorInputError([InputProblem("authentication.token", f"the token {problem}")])
        return BearerAuthenticator(authentication.token)
    return OAuthClientCredentials(
        token_endpoint,
        authentication.client_id,
        authentication.client_secret,
        authentication.scopes,
        credentials_in_body=authentication.client_authentication is ClientAuthentication.CREDENTIALS_BODY,
        token_cache=token_cache,
        describe=_uipath_message,
    )
