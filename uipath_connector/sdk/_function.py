"""The connector function contract: ``execute(context) -> object`` plus its declared metadata.

Mirrors Java's ``OutboundConnectorFunction`` and ``@OutboundConnector(name, type, inputVariables)`` of Camunda's
Connector SDK: the ``type`` is the job type the worker subscribes to, and the ``input_variables`` are the only
variables a worker fetches for the job. ``element_template`` plays the part of Java's ``@ElementTemplate``: a
function that builds the connector's template (called only by whoever writes the template, so the template
generator is not imported with the connector), and ``template_file`` its file name under ``element-templates/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

import attrs

if TYPE_CHECKING:
    from ._context import OutboundConnectorContext

__all__ = ["ConnectorMetadata", "OutboundConnectorFunction", "connector_metadata", "outbound_connector"]

_METADATA_ATTRIBUTE = "__connector_metadata__"
_T = TypeVar("_T")


@runtime_checkable
class OutboundConnectorFunction(Protocol):
    """What a connector implements. The return value becomes the job's result (see the runtime)."""

    def execute(self, context: OutboundConnectorContext) -> object:
        """Bind the context's variables, do the work, return the result or raise a connector error."""
        ...


@attrs.frozen
class ConnectorMetadata:
    """What ``@outbound_connector`` declares: display name, job type, the variables to fetch, the template."""

    name: str
    type: str
    input_variables: tuple[str, ...]
    element_template: Callable[[], object] | None = None
    template_file: str | None = None


def outbound_connector(
    *,
    name: str,
    type: str,
    input_variables: Iterable[str],
    element_template: Callable[[], object] | None = None,
    template_file: str | None = None,
) -> Callable[[_T], _T]:
    """Declare a connector function's metadata, as ``@OutboundConnector`` does in Java.

    >>> @outbound_connector(name="Echo", type="io.example:echo:1", input_variables=["text"])
    ... class Echo:
    ...     def execute(self, context): return {"text": "hi"}
    >>> connector_metadata(Echo).type
    'io.example:echo:1'
    """
    metadata = ConnectorMetadata(
        name=name,
        type=type,
        input_variables=tuple(input_variables),
        element_template=element_template,
        template_file=template_file,
    )
    if not metadata.type.strip():
        raise ValueError("a connector's job type must not be blank")

    def decorate(target: _T) -> _T:
        setattr(target, _METADATA_ATTRIBUTE, metadata)
        return target

    return decorate


def connector_metadata(connector: object) -> ConnectorMetadata:
    """The metadata declared on a connector class or instance; ``TypeError`` when it has none."""
    metadata = getattr(connector, _METADATA_ATTRIBUTE, None)
    if not isinstance(metadata, ConnectorMetadata):
        raise TypeError(f"{connector!r} is not decorated with @outbound_connector")
    return metadata
