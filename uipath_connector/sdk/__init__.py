"""A Python mirror of the Camunda Connector SDK: the connector contract, context, secrets, binding, errors.

This package imports no HTTP library and nothing else of the project (see ``docs/connector-sdk.md``).

>>> import attrs
>>> from uipath_connector.sdk import OutboundConnectorContext, variable
>>> @attrs.frozen(kw_only=True)
... class Greeting:
...     name: str = variable("name", not_empty=True)
>>> OutboundConnectorContext({"name": "Ada"}).bind_variables(Greeting)
Greeting(name='Ada')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._binding import bind, record_plan
from ._context import JobInfo, OutboundConnectorContext
from ._envelope import HttpResponse, flatten_headers, parse_body
from ._errors import ConnectorError, ConnectorInputError, ConnectorRetryError, InputProblem
from ._fields import (
    Choice,
    Condition,
    TemplateHints,
    VariableSpec,
    discriminator,
    problem_names,
    record_discriminator,
    variable,
)
from ._function import ConnectorMetadata, OutboundConnectorFunction, connector_metadata, outbound_connector
from ._masking import SecretMask, mask_secrets
from ._operations import Operation, OperationRegistry, ResultPreset
from ._secrets import (
    EnvironmentSecretProvider,
    MapSecretProvider,
    SecretProvider,
    SecretReplacement,
    replace_secrets,
)

if TYPE_CHECKING:
    from ._binding import converter

__all__ = [
    "Choice",
    "Condition",
    "ConnectorError",
    "ConnectorInputError",
    "ConnectorMetadata",
    "ConnectorRetryError",
    "EnvironmentSecretProvider",
    "HttpResponse",
    "InputProblem",
    "JobInfo",
    "MapSecretProvider",
    "Operation",
    "OperationRegistry",
    "OutboundConnectorContext",
    "OutboundConnectorFunction",
    "ResultPreset",
    "SecretMask",
    "SecretProvider",
    "SecretReplacement",
    "TemplateHints",
    "VariableSpec",
    "bind",
    "connector_metadata",
    "converter",
    "discriminator",
    "flatten_headers",
    "mask_secrets",
    "outbound_connector",
    "parse_body",
    "problem_names",
    "record_discriminator",
    "record_plan",
    "replace_secrets",
    "variable",
]


def __getattr__(name: str) -> object:
    # ``converter`` is built on first use: importing cattrs at package import would cost tens of milliseconds.
    if name == "converter":
        from . import _binding

        return _binding.converter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
