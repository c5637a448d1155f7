"""``UiPathConnector``: the connector function a runtime calls once per job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs
import requests

from ..http import RetryPolicy, ThreadSessions, TokenCache
from ..sdk import HttpResponse, OutboundConnectorContext, outbound_connector
from ._client import OrchestratorClient
from ._operations import OPERATIONS, load_operations
from ._records import AddQueueItemInput

__all__ = ["INPUT_VARIABLES", "JOB_TYPE", "UiPathConnector"]

#: The job type the connector serves and the element template's ``zeebe:taskDefinition`` type: the project's
#: own namespace, never Camunda's ``io.camunda:``.
JOB_TYPE = "uipath-connector:uipath:1"

load_operations()

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
    """

    def __init__(
        self,
        *,
        retry_policy: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        token_cache: TokenCache | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        rng: Callable[[], float] | None = None,
    ):
        self.retry_policy = retry_policy if retry_policy is not None else RetryPolicy()
        self.allow_insecure_http = allow_insecure_http
        self._token_cache = token_cache
        self._sessions = ThreadSessions(session_factory)
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng

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
        """Run the job's operation; raises the client's errors, or ``ConnectorInputError`` for bad variables."""
        request = context.bind_variables(OPERATIONS.request_type())
        client = OrchestratorClient(
            request.configuration,
            request.authentication,
            sessions=self._sessions,
            retry_policy=self.retry_policy,
            allow_insecure_http=self.allow_insecure_http,
            token_cache=self._token_cache,
            sleep=self._sleep,
            clock=self._clock,
            wall_clock=self._wall_clock,
            rng=self._rng,
            secret_values=context.secret_values,
            # The job's key makes an Add with a reference idempotent across the job's attempts (_add_settling).
            job_key=context.job.key or None,
        )
        operation_input = request.input
        if isinstance(operation_input, AddQueueItemInput) and not operation_input.reference:
            operation_input = _reference_from_job_key(operation_input, context)
        result = OPERATIONS.for_request(request).handler(client, operation_input)
        assert isinstance(result, HttpResponse)
        return result


#: The custom header that opts an Add without a reference in to ``camunda-job-<job key>`` as its reference, so that
#: an Add whose fate is unknown can be settled and a retry of the job finds the item (docs/errors-and-retries.md).
REFERENCE_FROM_JOB_KEY_HEADER = "referenceFromJobKey"


def _reference_from_job_key(item: AddQueueItemInput, context: OutboundConnectorContext) -> AddQueueItemInput:
    opted_in = context.custom_headers.get(REFERENCE_FROM_JOB_KEY_HEADER, "").strip().lower() == "true"
    if not opted_in or not context.job.key:
        return item
    return attrs.evolve(item, reference=f"camunda-job-{context.job.key}")
