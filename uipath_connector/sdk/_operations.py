"""Operations as a first-class concept: each declared once, everything else derived from the registry.

Camunda's Java SDK marks each operation of a connector with ``@Operation(id = ..., name = ...)``; the runtime
dispatches on the operation id and the element-template generator makes the operation dropdown from the same
annotations. Here an :class:`OperationRegistry` plays that part: a connector declares each :class:`Operation`
once (id, label, request record, handler, result-expression preset, step text, CLI name) and derives

* the discriminator: the request records are tagged with their operation id on registration, and
  :meth:`OperationRegistry.request_type` is the tagged union the job variables are bound to;
* the template's operation dropdown (:meth:`OperationRegistry.dropdown`), steps, presets and result expressions;
* the command line's subcommands and the dispatch (:meth:`OperationRegistry.for_request`);
* the variables a worker fetches (:meth:`OperationRegistry.input_variables`) and the docs' operation table.

>>> import attrs
>>> from uipath_connector.sdk import TemplateHints, variable
>>> @attrs.frozen(kw_only=True)
... class Hello:
...     name: str = variable("name")
>>> greetings = OperationRegistry("operationType", TemplateHints(label="Operation", group="operation"))
>>> @greetings.operation(id="hello", label="Say hello", request=Hello, command="hello")
... def hello(client: object, request: Hello) -> str:
...     return f"hello {request.name}"
>>> [choice.value for choice in greetings.dropdown().choices], greetings.get("hello").handler is hello
(['hello'], True)
"""

from __future__ import annotations

import threading
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Union

import attrs

from ._binding import record_plan
from ._fields import Choice, TemplateHints, discriminator, record_discriminator

__all__ = ["Operation", "OperationRegistry", "ResultPreset"]

_F = typing.TypeVar("_F", bound=Callable[..., Any])


@attrs.frozen
class ResultPreset:
    """A result expression the template prefills for an operation: its property id and the FEEL text."""

    property_id: str
    expression: str


def _strings(values: typing.Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _flags(values: Mapping[str, str]) -> Mapping[str, str]:
    return dict(values)


@attrs.frozen(kw_only=True)
class Operation:
    """One operation of a connector, declared once.

    * ``id``: the discriminator value (``operationType``) in job variables and the template;
    * ``label``: the dropdown entry and the template step's name;
    * ``request``: the record the job variables of this operation are bound to;
    * ``handler``: ``handler(client, input) -> result``; what ``client`` and ``input`` are is the connector's
      convention (the UiPath connector passes its Orchestrator client and ``request.input``);
    * ``input``: the record a Python caller passes for this operation (the request's operation-specific part),
      when the connector has one;
    * ``result_expression``: the template's prefilled result expression;
    * ``description``/``keywords``: the template step's text and search words;
    * ``command``: the command-line subcommand; ``cli_aliases``: extra flags for variables (``queueName`` ->
      ``--queue``) besides the one derived from the variable name (``--queue-name``).
    """

    id: str
    label: str
    request: type[Any]
    handler: Callable[[Any, Any], object]
    input: type[Any] | None = None
    result_expression: ResultPreset | None = None
    description: str = ""
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    command: str | None = None
    cli_aliases: Mapping[str, str] = attrs.field(factory=dict, converter=_flags)


class OperationRegistry:
    """The operations of one connector, in the order they were registered (the dropdown's order).

    ``variable`` is the discriminator variable (``operationType``); ``hints`` describe its dropdown in the
    template (label, group, description, property id) without choices: those come from the operations.
    """

    def __init__(self, variable: str, hints: TemplateHints):
        self.variable = variable
        self._hints = hints
        self._operations: dict[str, Operation] = {}
        self._lock = threading.Lock()
        self._request_type: Any = None
        self._by_request: dict[type[Any], Operation] = {}
        self._by_input: dict[type[Any], Operation] = {}

    def __repr__(self) -> str:
        return f"OperationRegistry({self.variable!r}, {list(self._operations)!r})"

    def __iter__(self) -> Iterator[Operation]:
        return iter(tuple(self._operations.values()))

    def __len__(self) -> int:
        return len(self._operations)

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self._operations

    def register(self, operation: Operation) -> Operation:
        """Add an operation; tags its request record with ``variable = operation.id``.

        A second operation with the same id, command, request or input record is refused (``ValueError``).
        """
        with self._lock:
            clash = next(
                (
                    other
                    for other in self._operations.values()
                    if other.id == operation.id
                    or other.request is operation.request
                    or (operation.command is not None and other.command == operation.command)
                    or (operation.input is not None and other.input is operation.input)
                ),
                None,
            )
            if clash is not None:
                raise ValueError(f"operation {operation.id!r} clashes with the registered operation {clash.id!r}")
            tag = record_discriminator(operation.request)
            if tag is not None and tag != (self.variable, operation.id):
                raise ValueError(f"{operation.request.__name__} is already tagged {tag[0]}={tag[1]!r}")
            discriminator(self.variable, operation.id)(operation.request)
            self._operations[operation.id] = operation
            self._forget_derived()
        return operation

    def unregister(self, operation_id: str) -> None:
        """Remove an operation (tests that register a temporary one)."""
        with self._lock:
            self._operations.pop(operation_id)
            self._forget_derived()

    def operation(
        self,
        *,
        id: str,
        label: str,
        request: type[Any],
        input: type[Any] | None = None,
        result_expression: ResultPreset | None = None,
        description: str = "",
        keywords: typing.Iterable[str] = (),
        command: str | None = None,
        cli_aliases: Mapping[str, str] | None = None,
    ) -> Callable[[_F], _F]:
        """Register the decorated function as the handler of a new operation (the ``@Operation`` of Java)."""

        def decorate(handler: _F) -> _F:
            self.register(
                Operation(
                    id=id,
                    label=label,
                    request=request,
                    handler=handler,
                    input=input,
                    result_expression=result_expression,
                    description=description,
                    keywords=tuple(keywords),
                    command=command,
                    cli_aliases=cli_aliases or {},
                )
            )
            return handler

        return decorate

    def _forget_derived(self) -> None:
        self._request_type = None
        self._by_request = {operation.request: operation for operation in self._operations.values()}
        self._by_input = {op.input: op for op in self._operations.values() if op.input is not None}

    # -- what derives from the registry ------------------------------------------------------------------

    def get(self, operation_id: str) -> Operation:
        """The operation with this id (``KeyError`` naming the known ids otherwise)."""
        try:
            return self._operations[operation_id]
        except KeyError:
            raise KeyError(f"no operation {operation_id!r}; known: {', '.join(self._operations)}") from None

    def for_request(self, request: object) -> Operation:
        """The operation whose request record ``request`` is (the dispatch)."""
        operation = self._by_request.get(type(request))
        if operation is None:
            raise TypeError(f"{type(request).__name__} is the request record of no registered operation")
        return operation

    def for_input(self, value: object) -> Operation:
        """The operation whose input record ``value`` is (a Python caller's ``client.run(input)``)."""
        operation = self._by_input.get(type(value))
        if operation is None:
            raise TypeError(f"{type(value).__name__} is the input record of no registered operation")
        return operation

    def request_type(self) -> Any:
        """The tagged union of every operation's request record: what job variables are bound to."""
        derived = self._request_type
        if derived is None:
            requests = tuple(operation.request for operation in self._operations.values())
            if not requests:
                raise ValueError("no operation is registered")
            derived = requests[0] if len(requests) == 1 else Union[requests]  # noqa: UP007 - built at run time
            self._request_type = derived
        return derived

    def dropdown(self) -> TemplateHints:
        """The template hints of the discriminator dropdown, one choice per operation."""
        choices = tuple(Choice(operation.id, operation.label) for operation in self._operations.values())
        hints = self._hints
        return attrs.evolve(hints, type="Dropdown", choices=choices, property_id=hints.property_id or self.variable)

    def input_variables(self) -> tuple[str, ...]:
        """Every top-level variable some operation reads, sorted: what a worker fetches for a job."""
        names: set[str] = {self.variable}
        for operation in self._operations.values():
            names |= record_plan(operation.request).known
        return tuple(sorted(names))

    def markdown_table(self) -> str:
        """The operations as a Markdown table (the docs' operation table is this text, checked by a test).

        >>> print(OperationRegistry("op", TemplateHints()).markdown_table())
        | `op` | operation | command | result expression preset |
        | --- | --- | --- | --- |
        """
        lines = [
            f"| `{self.variable}` | operation | command | result expression preset |",
            "| --- | --- | --- | --- |",
        ]
        for operation in self._operations.values():
            command = f"`{operation.command}`" if operation.command else ""
            preset = f"`{operation.result_expression.expression}`" if operation.result_expression else ""
            lines.append(f"| `{operation.id}` | {operation.label} | {command} | {preset} |")
        return "\n".join(lines)
