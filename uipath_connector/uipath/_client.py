"""The Orchestrator client: Add Queue Item and Get Queue Item by id for Python callers.

Requests are those of Camunda's UiPath connector against the Orchestrator queue API ("Orchestrator API guide -
Queue Items", UiPath), with these deliberate choices:

* exactly one folder header (``X-UIPATH-OrganizationUnitId``, ``X-UIPATH-FolderKey``, ``X-UIPATH-FolderPath`` or
  its ``-Encoded`` form);
* every error message names the request relative to the Orchestrator base (``POST
  /odata/Queues/UiPathODataSvc.AddQueueItem``) and is masked with every secret value the client knows.

Sending, authentication, retries and masking are the HTTP layer's (:class:`uipath_connector.http.Requester`);
the duplicate-safe Add is ``_add_settling``; each operation's handler is registered in ``OPERATIONS``.
"""

from __future__ import annotations

import base64
import copy
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..http import Clock, CredentialHosts, Requester, RetryPolicy, ThreadSessions, TokenCache, decide_get
from ..sdk import ConnectorInputError, HttpResponse, InputProblem, bind
from ._add_settling import QUEUE_ITEMS_PATH, RECOVERED_HEADER, DuplicateSafeAdd, collection_problem
from ._auth import authenticator_for
from ._errors import OrchestratorConnectionError, orchestrator_error
from ._hosts import CREDENTIAL_HOSTS_ENV
from ._operations import OPERATIONS
from ._records import (
    MAX_TIMEOUT_SECONDS,
    AddQueueItemInput,
    Authentication,
    BearerAuthentication,
    Configuration,
    GetQueueItemInput,
    OAuthClientCredentialsAuthentication,
)
from ._urls import orchestrator_urls

if TYPE_CHECKING:
    import requests

__all__ = ["RECOVERED_HEADER", "OrchestratorClient"]

_LOG = logging.getLogger("uipath_connector.uipath")


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


def _check_credential_hosts(
    base_url: str, token_endpoint: str, authentication: Authentication, allowed: CredentialHosts
) -> None:
    """Refuse, before any request, to send credentials to a host the worker's operator did not allow."""
    problems: list[InputProblem] = []
    base_host = urlsplit(base_url).hostname or ""
    if not allowed.allows(base_host):
        problems.append(InputProblem("cloudUrl", _not_allowed(base_host, allowed)))
    if isinstance(authentication, OAuthClientCredentialsAuthentication):
        token_host = urlsplit(token_endpoint).hostname or ""
        if not allowed.allows(token_host):
            # Derived from cloudUrl when not given: then cloudUrl is the field to fix (and is already named).
            field = "authentication.oauthTokenEndpoint" if authentication.oauth_token_endpoint else "cloudUrl"
            if not any(problem.path == field for problem in problems):
                problems.append(InputProblem(field, _not_allowed(token_host, allowed)))
    if problems:
        raise ConnectorInputError(problems)


def _not_allowed(host: str, allowed: CredentialHosts) -> str:
    return (
        f"the host {host or '(none)'} is not one credentials may be sent to; the worker's operator allows hosts "
        f"with the setting {CREDENTIAL_HOSTS_ENV} (allowed now: {allowed.describe()})"
    )


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
    default. ``clock`` (monotonic and wall time, sleep, jitter) is for tests, as is
    :func:`~uipath_connector.http.use_clock`, which sets the clock of every component at once.
    ``allow_insecure_http`` permits ``http://`` URLs, e.g. the emulator on loopback; never set it for real use.
    ``credential_hosts``, when given, is the allow-list of hosts this client may send credentials to: a URL on
    another host is an input error before any request (the job path always passes one; see
    :class:`~uipath_connector.uipath.UiPathConnector`).
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
        clock: Clock | None = None,
        secret_values: Iterable[str] = (),
        sessions: ThreadSessions | None = None,
        credential_hosts: CredentialHosts | None = None,
        job_key: int | None = None,
    ):
        # The records checked themselves when constructed; only their kinds are left to check here.
        if not isinstance(configuration, Configuration):
            raise ConnectorInputError([InputProblem("configuration", "must be a Configuration record")])
        if not isinstance(authentication, (BearerAuthentication, OAuthClientCredentialsAuthentication)):
            raise ConnectorInputError(
                [InputProblem("authentication", "must be BearerAuthentication or OAuthClientCredentialsAuthentication")]
            )
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
        if credential_hosts is not None:
            _check_credential_hosts(urls.base, urls.token_endpoint, authentication, credential_hosts)
        self.base_url = urls.base
        self.token_endpoint = urls.token_endpoint
        header_name, header_value = _folder_header(configuration)
        self._requester = Requester(
            urls.base,
            authenticator_for(authentication, urls.token_endpoint, token_cache),
            timeout_seconds=configuration.connection_timeout_in_seconds or MAX_TIMEOUT_SECONDS,
            headers={header_name: header_value},
            retry_policy=retry_policy,
            clock=clock,
            sessions=sessions,
            session=session,
            secret_values=secret_values,
            answer_error=orchestrator_error,
            connection_error=OrchestratorConnectionError,
            server_name="Orchestrator",
            logger=_LOG,
        )
        self.adds = DuplicateSafeAdd(self._requester, job_key=job_key)

    def __repr__(self) -> str:
        masked_url = self._requester.mask(self.base_url)
        return f"OrchestratorClient(base_url={masked_url!r}, authentication={self._authentication!r})"

    def for_job(self, job_key: int | None) -> OrchestratorClient:
        """This client for one Zeebe job: the same connection, its Adds scoped to the job's key (``_add_settling``).

        Cheap: the requester (URLs, authentication, sessions) is shared, so a connector keeps one client per
        connection and hands each job its own view.
        """
        view = copy.copy(self)
        view.adds = DuplicateSafeAdd(self._requester, job_key=job_key)
        return view

    @property
    def requester(self) -> Requester:
        """The HTTP layer's requester for this Orchestrator and these credentials (operation handlers use it)."""
        return self._requester

    def run(self, operation_input: object) -> HttpResponse:
        """Run the operation whose input record ``operation_input`` is (any registered operation).

        ``client.run(AddQueueItemInput(queue_name="Invoices"))`` is ``client.add_queue_item(...)``.
        """
        operation = OPERATIONS.for_input(operation_input)
        result = operation.handler(self, operation_input)
        assert isinstance(result, HttpResponse)
        return result

    def add_queue_item(self, item: AddQueueItemInput) -> HttpResponse:
        """Add one item to a queue; the envelope of Orchestrator's ``201`` (``body.Id`` is the new item's id).

        A request whose fate is unknown (sent, then a read timeout or a reset) is never re-sent blindly: with a
        ``reference`` the item is looked up first, without one :class:`QueueItemMayExistError` is raised.
        """
        return self.run(item)

    def get_queue_item(self, item_id: int | str) -> HttpResponse:
        """The queue item with this ``Id`` as the collection envelope (``body.value[0]``; FEEL ``value[1]``).

        An unknown id is not an error: ``body.value`` is empty, as with Camunda's connector.
        """
        if isinstance(item_id, str):  # its decimal text, read as a job variable is
            try:
                item_id = bind({"itemId": item_id}, GetQueueItemInput).item_id
            except ConnectorInputError as error:
                raise ConnectorInputError([InputProblem("item_id", p.message) for p in error.problems]) from None
        return self.run(GetQueueItemInput(item_id=item_id))

    def query_queue_items(self, params: Mapping[str, str]) -> HttpResponse:
        """``GET /odata/QueueItems`` with the OData query options ``params`` (``$filter``, ``$orderby``, ``$top``...).

        Retried, authenticated and masked like every other request; an answer >= 400 raises
        :class:`OrchestratorError`. Used by the webhook reconciler to read items that reached a final state.
        """
        return self._requester.request(
            "GET", QUEUE_ITEMS_PATH, params=dict(params), decide=decide_get, expect=collection_problem
        )
