"""Evaluation warnings: what Camunda's engine reports next to a null that came from a failure.

In Camunda's engine a failed function invocation, an unknown function or a type mismatch does not fail the
expression; the result is null and the failure is reported as a warning (feel-scala's "suppressed failures",
with types such as ``NO_FUNCTION_FOUND`` and ``FUNCTION_INVOCATION_FAILURE``). Warnings are collected per
evaluation, on the calling thread, only while :func:`collecting` is active, so the plain evaluation path
pays nothing for them. Messages name types, never values: a value may be a secret, and warnings go to logs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple


class FeelWarning(NamedTuple):
    """One failure that evaluation turned into null: ``kind`` as Camunda names it, and a message."""

    kind: str
    message: str


NO_FUNCTION_FOUND = "NO_FUNCTION_FOUND"
FUNCTION_INVOCATION_FAILURE = "FUNCTION_INVOCATION_FAILURE"
INVALID_TYPE = "INVALID_TYPE"
NOT_COMPARABLE = "NOT_COMPARABLE"
TOO_MANY_ITERATIONS = "TOO_MANY_ITERATIONS"

MAX_WARNINGS = 100
"""Warnings kept per evaluation; a filter over a long list could otherwise produce one per item."""

_state = threading.local()


def warn(kind: str, message: str) -> None:
    """Record a warning for the evaluation running on this thread, if anyone is collecting."""
    sink: list[FeelWarning] | None = getattr(_state, "sink", None)
    if sink is not None and len(sink) < MAX_WARNINGS:
        sink.append(FeelWarning(kind, message))


@contextmanager
def collecting() -> Iterator[list[FeelWarning]]:
    """Collect the warnings of the evaluations inside the block (nested blocks each get their own)."""
    previous = getattr(_state, "sink", None)
    sink: list[FeelWarning] = []
    _state.sink = sink
    try:
        yield sink
    finally:
        _state.sink = previous
