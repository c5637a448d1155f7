"""Errors raised by the FEEL engine.

::

    ValueError
    └── FeelError                      any FEEL problem
        ├── FeelSyntaxError            the text is not a FEEL expression (has .position)
        │   └── FeelUnsupportedError   FEEL this engine refuses (external functions, names with spaces)
        └── FeelEvaluationError        a runtime failure that FEEL does not turn into null
"""

from __future__ import annotations


class FeelError(ValueError):
    """Base class of every error raised by :mod:`uipath_connector.feel`."""


class FeelSyntaxError(FeelError):
    """The expression cannot be parsed.

    ``position`` is the 0-based character offset in the text given to :func:`parse` (a leading ``=``
    and whitespace count), ``message`` the text without the position suffix.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class FeelUnsupportedError(FeelSyntaxError):
    """FEEL that this engine refuses: an ``external`` (Java) function, a name with spaces outside backticks, or a
    multi-word function name that is no built-in."""


class FeelEvaluationError(FeelError):
    """Evaluation failed in a way FEEL does not map to null.

    Raised for wrong argument types of the connector functions ``bpmnError``, ``jobError`` and
    ``ignoreError`` (Camunda's connector error handling: their argument types are strict), and for a failed
    ``assert()`` (Camunda: "the evaluation fails with an assertion failure").
    """
