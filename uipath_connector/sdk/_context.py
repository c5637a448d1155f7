"""The outbound connector context: one job's variables, custom headers and facts, and ``bind_variables``.

``bind_variables(Record)`` does what Java's ``OutboundConnectorContext.bindVariables`` does, in the same order
(Camunda's ConnectorJobHandler; Camunda's connector secrets): (1) replace secrets in the serialized variables, (2)
structure the
variables into attrs records, (3) validate, raising one :class:`ConnectorInputError` for every failing field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar, overload

import attrs

from ._binding import bind
from ._errors import ConnectorInputError, InputProblem
from ._masking import SecretMask
from ._secrets import (
    MapSecretProvider,
    SecretProvider,
    replace_secrets,
    replace_secrets_in_variables,
    secret_names_in,
)

__all__ = ["JobInfo", "OutboundConnectorContext"]

_T = TypeVar("_T")


@attrs.frozen
class JobInfo:
    """Facts about the job being worked on (Java's ``JobContext`` without the variables and headers)."""

    key: int = 0
    type: str = ""
    retries: int = 0
    process_instance_key: int = 0
    bpmn_process_id: str = ""
    process_definition_version: int = 0
    process_definition_key: int = 0
    element_id: str = ""
    element_instance_key: int = 0
    tenant_id: str = "<default>"


class OutboundConnectorContext:
    """Everything a connector function needs from one job.

    ``variables`` is the job's variables as JSON text or as a mapping; dotted names nest as Zeebe nests them.

    >>> from uipath_connector.sdk import MapSecretProvider
    >>> context = OutboundConnectorContext(
    ...     {"authentication": {"token": "{{secrets.TOKEN}}"}}, secret_provider=MapSecretProvider({"TOKEN": "t"})
    ... )
    >>> context.variables["authentication"]["token"]
    't'
    """

    def __init__(
        self,
        variables: str | Mapping[str, object],
        *,
        custom_headers: Mapping[str, str] | None = None,
        job: JobInfo | None = None,
        secret_provider: SecretProvider | None = None,
    ):
        self._raw = variables
        self.custom_headers: Mapping[str, str] = dict(custom_headers or {})
        self.job = job if job is not None else JobInfo()
        self._secret_provider = secret_provider if secret_provider is not None else MapSecretProvider()
        self._variables_json: str | None = None
        self._variables: dict[str, object] | None = None
        self._secret_values: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"OutboundConnectorContext(job={self.job!r}, custom_headers={sorted(self.custom_headers)!r})"

    @property
    def variables_json(self) -> str:
        """The variables as JSON text with secrets replaced (Java's ``JobContext.getVariables``)."""
        self._resolve()
        if self._variables_json is None:
            # Replaced without the text (replace_secrets_in_variables): the same text, written on demand.
            self._variables_json = json.dumps(self._variables, ensure_ascii=False)
        return self._variables_json

    @property
    def variables(self) -> dict[str, object]:
        """The variables as a mapping with secrets replaced."""
        self._resolve()
        assert self._variables is not None
        return self._variables

    @property
    def secret_values(self) -> tuple[str, ...]:
        """The values of the secrets these variables referenced: what must be masked in anything printed."""
        self._resolve()
        return self._secret_values

    @overload
    def bind_variables(self, record_type: type[_T]) -> _T: ...
    @overload
    def bind_variables(self, record_type: object) -> Any: ...
    def bind_variables(self, record_type: object) -> Any:
        """Replace secrets, structure the variables into ``record_type`` and validate them.

        ``record_type`` is an attrs record class or a union of records tagged with ``discriminator``.
        Raises :class:`ConnectorInputError` naming every failing field by its variable path.
        """
        variables = self.variables
        try:
            return bind(variables, record_type)
        except ConnectorInputError as error:
            if not self._secret_values:
                raise
            # A value that came from a secret is never quoted, not even cut short or in repr form: the problem
            # keeps its field and what was expected, and the mask covers what is left.
            secret_paths = self._secret_paths()
            mask = SecretMask(self._secret_values)
            masked = [
                InputProblem(
                    mask.text(p.path),
                    mask.text(_without_value(p.message) if _holds_secret(p.path, secret_paths) else p.message),
                )
                for p in error.problems
            ]
            raise ConnectorInputError(masked) from None

    def _secret_paths(self) -> frozenset[str]:
        """The variable paths whose text referred to a secret placeholder (before replacement)."""
        raw = self._raw
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except (ValueError, RecursionError):
                return frozenset()
        paths: set[str] = set()
        _collect_secret_paths(raw, "", paths)
        return frozenset(paths)

    def _resolve(self) -> None:
        if self._variables is not None:
            return
        raw = self._raw
        if isinstance(raw, str):
            text = raw
            try:
                original: object = json.loads(raw) if "secrets." in raw else None
            except (ValueError, RecursionError):
                original = None
        else:
            original = raw
            # The job's variables as Camunda treats them (secrets replaced in their JSON text, parsed back), but
            # without writing and parsing the text whenever that gives the same result: the common case.
            walked = replace_secrets_in_variables(raw, self._secret_provider)
            if walked is not None and not walked[1].missing:
                self._variables, used = walked[0], walked[1].used
                self._secret_values = tuple(used.values())
                return
            try:
                text = json.dumps(raw, ensure_ascii=False, default=_unserializable)
            except RecursionError:
                raise ConnectorInputError(_TOO_DEEP) from None
            except (ValueError, TypeError) as error:  # ints beyond int→text limits, keys that are not text
                raise ConnectorInputError(f"the job's variables cannot be written as JSON: {error}") from None
        replacement = replace_secrets(text, self._secret_provider)
        if replacement.missing:
            raise ConnectorInputError(
                [
                    InputProblem(_where(original, name), f"Secret with name '{name}' is not available")
                    for name in replacement.missing
                ]
            )
        try:
            parsed = json.loads(replacement.text)
        except RecursionError:
            raise ConnectorInputError(_TOO_DEEP) from None
        except ValueError as error:
            raise ConnectorInputError(f"the job's variables are not valid JSON: {error}") from None
        if not isinstance(parsed, dict):
            raise ConnectorInputError(f"the job's variables must be a JSON object, got {type(parsed).__name__}")
        self._variables_json = replacement.text
        self._variables = parsed
        self._secret_values = tuple(replacement.used.values())


# Python's json recurses once per nesting level; a job nested deeper than the interpreter's stack allows is refused
# as input rather than crashing the worker.
_TOO_DEEP = "the job's variables are nested too deeply"


def _unserializable(value: object) -> object:
    raise ConnectorInputError(f"the job's variables must be JSON values, got {type(value).__name__}")


def _collect_secret_paths(variables: object, path: str, paths: set[str]) -> None:
    if isinstance(variables, str):
        if "secrets." in variables and secret_names_in(json.dumps(variables, ensure_ascii=False)):
            paths.add(path)
    elif isinstance(variables, Mapping):
        for key, value in variables.items():
            _collect_secret_paths(value, f"{path}.{key}" if path else str(key), paths)
    elif isinstance(variables, list):
        for index, value in enumerate(variables):
            _collect_secret_paths(value, f"{path}[{index}]", paths)


def _holds_secret(problem_path: str, secret_paths: frozenset[str]) -> bool:
    """Whether a problem's field is, or lies inside or around, a value that referred to a secret.

    A problem without a path comes from a record's own validator, whose messages name fields, never values.
    """
    if not problem_path:
        return False
    return any(
        problem_path == path
        or problem_path.startswith((path + ".", path + "["))
        or path.startswith((problem_path + ".", problem_path + "["))
        for path in secret_paths
    )


def _without_value(message: str) -> str:
    """An input problem's message with the offending value left out (it came from a secret)."""
    expected, got, _ = message.partition(", got ")
    if got and expected.startswith(("expected ", "must be ")):
        return f"{expected}, got a value that came from a secret (not shown)"
    # "'<value>' is not one of ...", "'<value>' has no time zone offset": keep what is wrong, drop the value.
    verb = max(message.rfind(" is "), message.rfind(" has "))
    if verb > 0:
        return f"the value that came from a secret (not shown){message[verb:]}"
    return "is not valid (the value came from a secret and is not shown)"


def _where(variables: object, secret_name: str, path: str = "") -> str:
    """The variable path of the first text that refers to the secret ``secret_name`` (for the error)."""
    if isinstance(variables, str):
        return path if secret_name in secret_names_in(json.dumps(variables, ensure_ascii=False)) else ""
    if isinstance(variables, Mapping):
        for key, value in variables.items():
            found = _where(value, secret_name, f"{path}.{key}" if path else str(key))
            if found:
                return found
    if isinstance(variables, list):
        for index, value in enumerate(variables):
            found = _where(value, secret_name, f"{path}[{index}]")
            if found:
                return found
    return ""
