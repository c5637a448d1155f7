"""A fluent builder of connector contexts for tests, mirroring Java's ``OutboundConnectorContextBuilder``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from ..sdk import JobInfo, MapSecretProvider, OutboundConnectorContext, SecretProvider

__all__ = ["OutboundConnectorContextBuilder"]


class OutboundConnectorContextBuilder:
    """Build an :class:`OutboundConnectorContext` step by step.

    >>> context = (
    ...     OutboundConnectorContextBuilder.create()
    ...     .variables({"operationType": "getItemById", "itemId": 7})
    ...     .variable("authentication.token", "{{secrets.TOKEN}}")
    ...     .secret("TOKEN", "t0k3n")
    ...     .header("resultExpression", "={itemId: response.body.Id}")
    ...     .build()
    ... )
    >>> context.variables["authentication"]
    {'token': 't0k3n'}
    """

    def __init__(self) -> None:
        self._variables: dict[str, Any] = {}
        self._headers: dict[str, str] = {}
        self._secrets: dict[str, str] = {}
        self._provider: SecretProvider | None = None
        self._job = JobInfo()

    @classmethod
    def create(cls) -> OutboundConnectorContextBuilder:
        """A new, empty builder."""
        return cls()

    def variables(self, variables: str | Mapping[str, object]) -> OutboundConnectorContextBuilder:
        """Merge variables given as JSON text or a mapping (dotted names nest)."""
        parsed = json.loads(variables) if isinstance(variables, str) else variables
        if not isinstance(parsed, Mapping):
            raise TypeError("variables must be a JSON object or a mapping")
        for name, value in parsed.items():
            self.variable(str(name), value)
        return self

    def variable(self, name: str, value: object) -> OutboundConnectorContextBuilder:
        """Set one variable; a dotted name (``authentication.token``) nests as Zeebe nests input targets."""
        *parents, leaf = name.split(".")
        target = self._variables
        for parent in parents:
            child = target.get(parent)
            if not isinstance(child, dict):
                child = {}
                target[parent] = child
            target = child
        target[leaf] = value
        return self

    def secret(self, name: str, value: str) -> OutboundConnectorContextBuilder:
        """Make ``{{secrets.NAME}}`` resolve to ``value``."""
        self._secrets[name] = value
        return self

    def secrets(self, provider: SecretProvider) -> OutboundConnectorContextBuilder:
        """Use a secret provider (secrets set with :meth:`secret` take precedence)."""
        self._provider = provider
        return self

    def header(self, name: str, value: str) -> OutboundConnectorContextBuilder:
        """Set one custom task header (``resultExpression``, ``retryBackoff``...)."""
        self._headers[name] = value
        return self

    def job(self, **facts: Any) -> OutboundConnectorContextBuilder:
        """Set job facts such as ``key``, ``retries``, ``bpmn_process_id`` (see :class:`JobInfo`)."""
        self._job = attrs.evolve(self._job, **facts)
        return self

    def build(self) -> OutboundConnectorContext:
        """The context. Secrets are replaced lazily, on first use, as in a real job."""
        return OutboundConnectorContext(
            json.loads(json.dumps(self._variables)),
            custom_headers=self._headers,
            job=self._job,
            secret_provider=_LayeredSecrets(MapSecretProvider(self._secrets), self._secrets, self._provider),
        )


class _LayeredSecrets:
    """Secrets set on the builder first, then the builder's provider."""

    def __init__(self, own: SecretProvider, names: Mapping[str, str], fallback: SecretProvider | None):
        self._own = own
        self._names = names
        self._fallback = fallback

    def get_secret(self, name: str) -> str | None:
        if name in self._names or self._fallback is None:
            return self._own.get_secret(name)
        return self._fallback.get_secret(name)

    def __repr__(self) -> str:
        return f"_LayeredSecrets(names={sorted(self._names)!r}, fallback={self._fallback!r})"
