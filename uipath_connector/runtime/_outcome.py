"""The three things a job can end in: complete, throw a BPMN error, or fail.

Exactly one of these is sent to the engine per job (Camunda's ConnectorJobHandler step 6). The records hold
plain JSON values only, already masked (secret values replaced with ``***``), so an adapter sends them as they are.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeAlias

import attrs

__all__ = ["Complete", "Fail", "JobOutcome", "ThrowError"]


@attrs.frozen
class Complete:
    """Complete the job with these variables (possibly ``{}``).

    >>> Complete({"itemId": 7})
    Complete(variables={'itemId': 7})
    """

    variables: dict[str, object] = attrs.field(factory=dict)
    #: The ``Id`` in the body of the connector's response envelope (the queue item), for the job's log line only:
    #: never sent to the engine.
    response_id: int | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)


@attrs.frozen
class ThrowError:
    """Throw a BPMN error: boundary events match ``error_code``; ``variables`` are set on the task's scope.

    >>> ThrowError("404", "Queue item not found", {})
    ThrowError(error_code='404', message='Queue item not found', variables={})
    """

    error_code: str
    message: str
    variables: dict[str, object] = attrs.field(factory=dict)
    #: The ``Id`` in the body of the connector's response envelope (the queue item), for the job's log line only:
    #: never sent to the engine.
    response_id: int | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)


@attrs.frozen
class Fail:
    """Fail the job: Zeebe retries it after ``backoff`` while ``retries > 0``, else raises an incident.

    ``backoff`` is ``None`` when nothing chose one (no ``retryBackoff`` header): the engine retries at once.

    >>> Fail("503 Service Unavailable", 2, timedelta(seconds=30), {})
    Fail(message='503 Service Unavailable', retries=2, backoff=datetime.timedelta(seconds=30), variables={})
    """

    message: str
    retries: int
    backoff: timedelta | None = None
    variables: dict[str, object] = attrs.field(factory=dict)
    #: The ``Id`` in the body of the connector's response envelope (the queue item), for the job's log line only:
    #: never sent to the engine.
    response_id: int | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)

    @property
    def backoff_ms(self) -> int:
        """The backoff in whole milliseconds, as both job APIs take it (``0`` when there is none)."""
        if self.backoff is None:
            return 0
        return max(0, self.backoff // timedelta(milliseconds=1))


JobOutcome: TypeAlias = Complete | ThrowError | Fail
