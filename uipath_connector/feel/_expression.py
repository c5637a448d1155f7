"""The public face of FEEL: parse (cached), evaluate, and turn results into job variables."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

from ._errors import FeelError, FeelEvaluationError
from ._evaluator import Compiled, compile_tree
from ._parser import parse_tree
from ._warnings import FeelWarning, collecting

_EMPTY: Mapping[str, object] = {}


class FeelResult(NamedTuple):
    """A value and the warnings of the evaluation that produced it (failures that became null)."""

    value: object
    warnings: tuple[FeelWarning, ...]


class FeelExpression:
    """A parsed FEEL expression; evaluate it any number of times, from any thread.

    >>> expression = parse("= {itemId: response.body.Id}")
    >>> expression.evaluate({"response": {"body": {"Id": 42}}})
    {'itemId': 42}
    """

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str, compiled: Compiled) -> None:
        self.source = source
        self._compiled = compiled

    def __repr__(self) -> str:
        return f"FeelExpression({self.source!r})"

    def evaluate(self, context: Mapping[str, object] | None = None) -> object:
        """Evaluate against ``context`` (the variables); a missing variable or key is null.

        >>> parse("count(items[Status = \\"Failed\\"])").evaluate({"items": [{"Status": "Failed"}]})
        1

        :raises FeelEvaluationError: for the few failures FEEL does not turn into null (wrong argument
            types of ``bpmnError``/``jobError``/``ignoreError``).
        """
        try:
            return self._compiled(_EMPTY if context is None else context)
        except FeelError:
            raise
        except (RecursionError, MemoryError, ArithmeticError, TypeError, ValueError, AttributeError) as exc:
            # A safety net: the evaluator maps type mismatches to null, so reaching this is a bug or an
            # input Python cannot represent; never let it escape as a non-FEEL error.
            raise FeelEvaluationError(f"evaluating {self.source!r} failed: {type(exc).__name__}: {exc}") from exc

    def evaluate_with_warnings(self, context: Mapping[str, object] | None = None) -> FeelResult:
        """Evaluate and also return the warnings: why a part of the result is null.

        >>> [warning.kind for warning in parse('{n: number("x"), f: foo(1)}').evaluate_with_warnings({}).warnings]
        ['FUNCTION_INVOCATION_FAILURE', 'NO_FUNCTION_FOUND']
        """
        with collecting() as warnings:
            value = self.evaluate(context)
        return FeelResult(value, tuple(warnings))


@functools.lru_cache(maxsize=1024)
def parse(expression: str) -> FeelExpression:
    """Parse a FEEL expression; the same text returns the same cached :class:`FeelExpression`.

    A leading ``=`` (as in Camunda's headers) and surrounding whitespace are ignored.

    >>> parse("=upper case(name)").evaluate({"name": "robot"})
    'ROBOT'

    :raises FeelSyntaxError: when the text is not FEEL; its ``position`` is an offset into ``expression``.
    """
    return FeelExpression(expression, compile_tree(parse_tree(expression)))


def evaluate(expression: str, context: Mapping[str, object] | None = None) -> object:
    """Parse (cached) and evaluate a FEEL expression.

    >>> evaluate('if error.code = "404" then bpmnError("404", "Got a 404") else null',
    ...          {"error": {"code": "404"}})
    {'errorType': 'bpmnError', 'errorCode': '404', 'errorMessage': 'Got a 404', 'variables': {}}
    """
    return parse(expression).evaluate(context)


def evaluate_with_warnings(expression: str, context: Mapping[str, object] | None = None) -> FeelResult:
    """Parse (cached) and evaluate, returning the value and the evaluation's warnings.

    >>> result = evaluate_with_warnings('matches("a", "(")', {})
    >>> result.value, result.warnings[0].kind
    (None, 'FUNCTION_INVOCATION_FAILURE')
    >>> result.warnings[0].message
    "failed to invoke function 'matches': invalid regular expression '(': missing ')' at position 1"
    """
    return parse(expression).evaluate_with_warnings(context)
