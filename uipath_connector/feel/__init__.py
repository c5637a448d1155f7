"""FEEL, the expression language of Camunda 8 and DMN 1.5, in pure Python (see ``docs/feel.md``).

>>> from uipath_connector.feel import evaluate
>>> response = {"body": {"value": [{"Status": "New"}]}}
>>> evaluate("= {itemStatus: response.body.value[1].Status}", {"response": response})
{'itemStatus': 'New'}

The whole language of DMN 1.5 chapter 10 plus Camunda's extensions; a failed function invocation or a type
mismatch is null with a warning (:func:`evaluate_with_warnings`), only text that is not FEEL raises
:class:`FeelSyntaxError`. This package imports nothing else of ``uipath_connector``.
"""

from __future__ import annotations

from ._errors import FeelError, FeelEvaluationError, FeelSyntaxError, FeelUnsupportedError
from ._expression import FeelExpression, FeelResult, evaluate, evaluate_with_warnings, parse
from ._temporal import YearsMonthsDuration, format_duration, parse_duration
from ._values import FeelFunction, Range, to_json_value
from ._warnings import FeelWarning

__all__ = [
    "FeelError",
    "FeelEvaluationError",
    "FeelExpression",
    "FeelFunction",
    "FeelResult",
    "FeelSyntaxError",
    "FeelUnsupportedError",
    "FeelWarning",
    "Range",
    "YearsMonthsDuration",
    "evaluate",
    "evaluate_with_warnings",
    "format_duration",
    "parse",
    "parse_duration",
    "to_json_value",
]
