"""The UiPath Orchestrator connector: records, Orchestrator client and the connector function.

Two entry points:

* ``UiPathConnector().execute(context)``: the connector function a runtime calls per job (job variables in,
  :class:`~uipath_connector.sdk.HttpResponse` envelope out);
* ``OrchestratorClient(configuration, authentication).add_queue_item(AddQueueItemInput(...))`` /
  ``.get_queue_item(item_id)``: the same operations for Python code, with records instead of job variables.

>>> from uipath_connector.uipath import JOB_TYPE
>>> JOB_TYPE
'uipath-connector:uipath:1'
"""

from __future__ import annotations

from ..http import LIFETIME_WITHOUT_EXPIRES_IN, PROCESS_TOKEN_CACHE, REFRESH_SKEW_SECONDS, RetryPolicy, TokenCache
from ._client import RECOVERED_HEADER, OrchestratorClient
from ._connector import INPUT_VARIABLES, JOB_TYPE, UiPathConnector
from ._errors import (
    DuplicateReferenceError,
    OrchestratorAuthenticationError,
    OrchestratorConnectionError,
    OrchestratorError,
    OrchestratorNotFoundError,
    OrchestratorPermissionError,
    OrchestratorRateLimitError,
    OrchestratorServerError,
    QueueItemMayExistError,
    TokenEndpointError,
)
from ._operations import OPERATIONS
from ._records import (
    AUTHENTICATION_TYPE_PROPERTY,
    MAX_TIMEOUT_SECONDS,
    AddQueueItemInput,
    AddQueueItemRequest,
    Authentication,
    BearerAuthentication,
    BulkAddQueueItemsInput,
    BulkAddQueueItemsRequest,
    BulkQueueItem,
    ClientAuthentication,
    CommitType,
    Configuration,
    GetQueueItemInput,
    GetQueueItemRequest,
    OAuthClientCredentialsAuthentication,
    OperationRequest,
    Priority,
    parse_orchestrator_date,
)

__all__ = [
    "AUTHENTICATION_TYPE_PROPERTY",
    "INPUT_VARIABLES",
    "JOB_TYPE",
    "LIFETIME_WITHOUT_EXPIRES_IN",
    "MAX_TIMEOUT_SECONDS",
    "OPERATIONS",
    "PROCESS_TOKEN_CACHE",
    "RECOVERED_HEADER",
    "REFRESH_SKEW_SECONDS",
    "AddQueueItemInput",
    "AddQueueItemRequest",
    "Authentication",
    "BearerAuthentication",
    "BulkAddQueueItemsInput",
    "BulkAddQueueItemsRequest",
    "BulkQueueItem",
    "ClientAuthentication",
    "CommitType",
    "Configuration",
    "DuplicateReferenceError",
    "GetQueueItemInput",
    "GetQueueItemRequest",
    "OAuthClientCredentialsAuthentication",
    "OperationRequest",
    "OrchestratorAuthenticationError",
    "OrchestratorClient",
    "OrchestratorConnectionError",
    "OrchestratorError",
    "OrchestratorNotFoundError",
    "OrchestratorPermissionError",
    "OrchestratorRateLimitError",
    "OrchestratorServerError",
    "Priority",
    "QueueItemMayExistError",
    "RetryPolicy",
    "TokenCache",
    "TokenEndpointError",
    "UiPathConnector",
    "parse_orchestrator_date",
    "uipath_template",
    "uipath_template_path",
]

#: Names loaded on first use: the element template needs the template generator, which running jobs never do.
_TEMPLATE_NAMES = frozenset({"uipath_template", "uipath_template_path"})


def __getattr__(name: str) -> object:
    if name in _TEMPLATE_NAMES:
        from . import _template

        return getattr(_template, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
