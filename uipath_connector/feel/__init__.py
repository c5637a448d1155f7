"""A small, documented subset of FEEL for result and error expressions (see ``docs/feel.md``).

>>> from uipath_connector.feel import evaluate
>>> response = {"body": {"value": [{"Status": "New"}]}}
>>> evaluate("= {itemStatus: response.body.value[1].Status}", {"response": response})
{'itemStatus': 'New'}

Anything outside the subset fails at parse time with :class:`FeelUnsupportedError`, naming the construct
and its position; feelin (npm) is the test oracle for everything inside it.
"""

from __future__ import annotations

from ._errors import FeelError, FeelEvaluationError, FeelSyntaxError, FeelUnsupportedError
from ._expression import FeelExpression, evaluate, parse
from ._temporal import format_duration, parse_duration

__all__ = [
    "FeelError",
    "FeelEvaluationError",
    "FeelExpression",
    "FeelSyntaxError",
    "FeelUnsupportedError",
    "evaluate",
    "format_duration",
    "parse",
    "parse_duration",
]
