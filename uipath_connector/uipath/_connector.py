"""``UiPathConnector``: the connector function a runtime calls once per job."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from ..http import Clock, RetryPolicy, ThreadSessions, TokenCache, deadline_session
from ..sdk import HttpResponse, Operation, OutboundConnectorContext, outbound_connector, record_plan
from ._client import OrchestratorClient
from ._hosts import credential_hosts as _credential_hosts
from ._operations import OPERATIONS, load_operations
from ._records import AddQueueItemInput, AddQueueItemRequest, Authentication, Configuration

if TYPE_CHECKING:
    import requests

__all__ = ["INPUT_VARIABLES", "JOB_TYPE", "UiPathConnector"]

#: The job type the connector serves and the element template's ``zeebe:taskDefinition`` type: the project's
#: own namespace, never Camunda's ``io.camunda:``.
JOB_TYPE = "uipath-connector:uipath:1"

load_operations()

#: Connections (bound configuration and authentication with their client) a connector keeps, least recently used
#: first out: one per distinct set of connection variables a worker meets, so a handful in practice.
_CONNECTIONS_CACHED = 64
#: The variables of the connection part of every request record: the configuration and the authentication.
_CONNECTION_VARIABLES: tuple[str, ...] = tuple(
    sorted(
        name
        for field in record_plan(AddQueueItemRequest).fields
        if field.attribute != "input"
        for name in (field.embedded.known if field.embedded is not None else {field.spec.name})
    )
)


def _frozen(value: object) -> object:
    """A JSON value as a hashable one (objects as sorted pairs, lists as tuples)."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(name), _frozen(item)) for name, item in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


#: Every top-level variable the records read: what a worker fetches for a job.
INPUT_VARIABLES: tuple[str, ...] = OPERATIONS.input_variables()


def _element_template() -> object:
    from ._template import uipath_template  # the template generator is loaded only to write the template

    return uipath_template()


@outbound_connector(
    name="UiPath Connector",
    type=JOB_TYPE,
    input_variables=INPUT_VARIABLES,
    element_template=_element_template,
    template_file="uipath-connector.json",
)
class UiPathConnector:
    """Bind the job's variables, run the chosen operation, return the HTTP response envelope.

    >>> from uipath_connector.sdk import connector_metadata
    >>> connector_metadata(UiPathConnector).type
    'uipath-connector:uipath:1'

    One instance serves many jobs on many threads: each thread keeps its own ``requests.Session`` (kept-alive
    connections), and OAuth tokens come from the process-wide cache. ``retry_policy`` bounds retries
    (``RetryPolicy.disabled()`` in tests); ``allow_insecure_http`` permits ``http://`` URLs (the emulator on
    loopback) and cannot be switched on from job variables.

    Credentials are only sent to hosts on an allow-list: UiPath's cloud hosts (``cloud.uipath.com``,
    ``govcloud.uipath.us``, ``*.dedicated.uipath.com``), the hosts in the environment variable
    ``UIPATH_CONNECTOR_CREDENTIAL_HOSTS``, and ``credential_hosts``; with ``allow_insecure_http`` also loopback.
    A job whose ``cloudUrl`` or ``oauthTokenEndpoint`` points elsewhere fails before any request, with an input
    error naming the host and the setting.
    """

    def __init__(
        self,
        *,
        retry_policy: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        token_cache: TokenCache | None = None,
        session_factory: Callable[[], requests.Session] = deadline_session,
        clock: Clock | None = None,
        credential_hosts: Iterable[str] = (),
    ):
        self.retry_policy = retry_policy if retry_policy is not None else RetryPolicy()
        self.allow_insecure_http = allow_insecure_http
        # Read once, when the worker starts: UiPath's cloud hosts, the operator's setting, and what is passed here.
        # allow_insecure_http (never from job variables) also allows loopback: the emulator on 127.0.0.1.
        self.credential_hosts = _credential_hosts(credential_hosts, loopback=allow_insecure_http)
        self._token_cache = token_cache
        self._sessions = ThreadSessions(session_factory)
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: OrderedDict[object, OrchestratorClient] = OrderedDict()

    def __repr__(self) -> str:
        return f"UiPathConnector(retry_policy={self.retry_policy!r}, allow_insecure_http={self.allow_insecure_http})"

    def worst_case_duration(self, connection_timeout_seconds: float = 20.0) -> timedelta:
        """How long one job's call may take at most: what a worker's default job timeout is derived from.

        Three logical requests (the token, the Add or Get, a look-up by reference or the re-send after a 401), each
        bounded by the retry policy's total time plus one last attempt's connect and read timeouts (the default
        ``connectionTimeoutInSeconds``; a job with a longer one relies on the worker extending its deadline).

        >>> UiPathConnector().worst_case_duration()
        datetime.timedelta(seconds=300)
        """
        per_request = self.retry_policy.max_total_seconds + 2 * connection_timeout_seconds
        return timedelta(seconds=3 * per_request)

    def execute(self, context: OutboundConnectorContext) -> HttpResponse:
        """Run the job's operation; raises the client's errors, or ``ConnectorInputError`` for bad variables.

        The connection (configuration and authentication, bound and checked, and the client built from them) is
        cached per connection variables and secrets: jobs of the same process model bind only their input.
        """
        variables = context.variables
        operation = self._operation_named(variables.get(OPERATIONS.variable))
        key = self._connection_key(variables, context.secret_values) if operation is not None else None
        with self._lock:
            client = self._clients.get(key) if key is not None else None
            if client is not None:
                self._clients.move_to_end(key)
        if operation is None or client is None:
            request = context.bind_variables(OPERATIONS.request_type())  # every problem at once, by variable path
            operation = OPERATIONS.for_request(request)
            client = self._client(request.configuration, request.authentication, context.secret_values)
            operation_input = request.input
            if key is not None:
                with self._lock:
                    self._clients[key] = client
                    while len(self._clients) > _CONNECTIONS_CACHED:
                        self._clients.popitem(last=False)
        else:
            operation_input = context.bind_variables(operation.input)
        if isinstance(operation_input, AddQueueItemInput) and not operation_input.reference:
            operation_input = _reference_from_job_key(operation_input, context)
        # The job's key makes an Add with a reference idempotent across the job's attempts (_add_settling).
        result = operation.handler(client.for_job(context.job.key or None), operation_input)
        assert isinstance(result, HttpResponse)
        return result

    def _client(
        self, configuration: Configuration, authentication: Authentication, secret_values: tuple[str, ...]
    ) -> OrchestratorClient:
        return OrchestratorClient(
            configuration,
            authentication,
            sessions=self._sessions,
            retry_policy=self.retry_policy,
            allow_insecure_http=self.allow_insecure_http,
            token_cache=self._token_cache,
            clock=self._clock,
            secret_values=secret_values,
            credential_hosts=self.credential_hosts,
        )

    @staticmethod
    def _operation_named(value: object) -> Operation | None:
        """The operation a job names exactly, when it has an input record (else the full binding decides)."""
        if not isinstance(value, str) or value not in OPERATIONS:
            return None
        operation = OPERATIONS.get(value)
        return operation if operation.input is not None else None

    @staticmethod
    def _connection_key(variables: Mapping[str, object], secret_values: tuple[str, ...]) -> object:
        """The connection variables' values (secrets replaced) and the job's secrets, hashable; None if not."""
        try:
            key = (tuple(_frozen(variables.get(name)) for name in _CONNECTION_VARIABLES), secret_values)
            hash(key)
        except TypeError:
            return None
        return key


#: The custom header that opts an Add without a reference in to ``camunda-job-<job key>`` as its reference, so that
#: an Add whose fate is unknown can be settled and a retry of the job finds the item (docs/errors-and-retries.md).
REFERENCE_FROM_JOB_KEY_HEADER = "referenceFromJobKey"


def _reference_from_job_key(item: AddQueueItemInput, context: OutboundConnectorContext) -> AddQueueItemInput:
    opted_in = context.custom_headers.get(REFERENCE_FROM_JOB_KEY_HEADER, "").strip().lower() == "true"
    if not opted_in or not context.job.key:
        return item
    return attrs.evolve(item, reference=f"camunda-job-{context.job.key}")
