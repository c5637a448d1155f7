"""The error types a connector raises, mirroring the Java Connector SDK.

::

    Exception
    ├── ConnectorError            error_code, message, variables  -> job fails with retries - 1
    │   └── ConnectorRetryError   + retries, backoff              -> the error chooses retries and backoff
    └── ConnectorInputError       problems (path, message)        -> zero retries: an incident at once

``ConnectorInputError`` is deliberately *not* a ``ConnectorError``: in Camunda's runtime an input exception
means "retrying cannot help", so it never consumes retries (Camunda's ConnectorJobHandler; Camunda's
OutboundConnectorExceptionHandler).
None of these types ever renders a value it was not given as text, so as long as callers build messages from
field names (as the binding layer does), their ``str`` and ``repr`` stay free of secret values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

import attrs

__all__ = ["ConnectorError", "ConnectorInputError", "ConnectorRetryError", "InputProblem"]


class ConnectorError(Exception):
    """A failure the process may react to, with Camunda's ``errorCode`` and error variables.

    >>> error = ConnectorError("404", "Queue does not exist.", {"response": {"body": None}})
    >>> error.error_code, str(error)
    ('404', 'Queue does not exist.')
    """

    def __init__(self, error_code: str | None, message: str, variables: Mapping[str, object] | None = None):
        super().__init__(message)
        self.error_code = error_code
        self.message = message
        self.variables: dict[str, object] = dict(variables) if variables is not None else {}

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(error_code={self.error_code!r}, message={self.message!r})"


class ConnectorRetryError(ConnectorError):
    """A :class:`ConnectorError` that chooses the job's remaining retries and the backoff before the next one.

    ``None`` keeps the runtime's default (``retries - 1`` and the ``retryBackoff`` header).

    >>> ConnectorRetryError("429", "Too many requests", retries=5, backoff=timedelta(seconds=30)).retries
    5
    """

    def __init__(
        self,
        error_code: str | None,
        message: str,
        variables: Mapping[str, object] | None = None,
        *,
        retries: int | None = None,
        backoff: timedelta | None = None,
    ):
        super().__init__(error_code, message, variables)
        self.retries = retries
        self.backoff = backoff

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(error_code={self.error_code!r}, message={self.message!r}, "
            f"retries={self.retries!r}, backoff={self.backoff!r})"
        )


@attrs.frozen
class InputProblem:
    """One invalid input field: its variable path (``authentication.token``) and what is wrong with it."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConnectorInputError(Exception):
    """The job's variables cannot be used: every failing field, by variable path, and what is wrong.

    Raised by :meth:`OutboundConnectorContext.bind_variables`; the runtime fails the job with zero retries.

    >>> print(ConnectorInputError([InputProblem("priority", "'Urgent' is not one of Low, Normal, High")]))
    Invalid input: priority: 'Urgent' is not one of Low, Normal, High
    """

    def __init__(self, problems: Iterable[InputProblem] | str):
        if isinstance(problems, str):
            problems = [InputProblem("", problems)]
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__(self._render())

    @property
    def paths(self) -> tuple[str, ...]:
        """The variable paths of the failing fields, in the order they were found."""
        return tuple(problem.path for problem in self.problems)

    def _render(self) -> str:
        if len(self.problems) == 1:
            return f"Invalid input: {self.problems[0]}"
        lines = "".join(f"\n - {problem}" for problem in self.problems)
        return f"Invalid input ({len(self.problems)} problems):{lines}"

    def __str__(self) -> str:
        return self._render()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(map(str, self.problems))!r})"
