"""The UiPath Orchestrator connector: records, Orchestrator client and the connector function.

>>> from uipath_connector.uipath import JOB_TYPE
>>> JOB_TYPE
'uipath-connector:uipath:1'
"""

from __future__ import annotations

from ._records import (
    AUTHENTICATION_TYPE_PROPERTY,
    MAX_TIMEOUT_SECONDS,
    OPERATION_TYPE_PROPERTY,
    AddQueueItemInput,
    AddQueueItemRequest,
    Authentication,
    BearerAuthentication,
    ClientAuthentication,
    Configuration,
    GetQueueItemInput,
    GetQueueItemRequest,
    OAuthClientCredentialsAuthentication,
    OperationRequest,
    Priority,
)

#: The job type the connector serves and the element template's ``zeebe:taskDefinition`` type.
JOB_TYPE = "uipath-connector:uipath:1"

__all__ = [
    "AUTHENTICATION_TYPE_PROPERTY",
    "JOB_TYPE",
    "MAX_TIMEOUT_SECONDS",
    "OPERATION_TYPE_PROPERTY",
    "AddQueueItemInput",
    "AddQueueItemRequest",
    "Authentication",
    "BearerAuthentication",
    "ClientAuthentication",
    "Configuration",
    "GetQueueItemInput",
    "GetQueueItemRequest",
    "OAuthClientCredentialsAuthentication",
    "OperationRequest",
    "Priority",
]
