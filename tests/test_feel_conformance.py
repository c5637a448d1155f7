"""The conformance corpus (tests/feel_conformance.py): every case gives its expected value."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from feel_conformance import DOCUMENTED, Case, generated

from uipath_connector.feel import FeelError, FeelEvaluationError, Range, YearsMonthsDuration, evaluate, to_json_value
from uipath_connector.feel._temporal import format_datetime

CORPUS: list[Case] = DOCUMENTED + generated()


def plain(value: object) -> object:
    """The engine's value with temporal values as ISO text; numbers stay exact.

    A date and time is its FEEL text, as ``string()`` prints it, zone id included (``...@Europe/Paris``): the
    value keeps its zone; only a process variable gets the offset instead (``to_json_value``).
    """
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta, YearsMonthsDuration, Range)):
        return to_json_value(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def same(ours: object, expected: object) -> bool:
    if isinstance(ours, bool) or isinstance(expected, bool):
        return ours is expected
    if isinstance(ours, (int, Decimal)) and isinstance(expected, (int, Decimal)):
        return Decimal(ours) == Decimal(expected)
    if isinstance(ours, list) and isinstance(expected, list):
        return len(ours) == len(expected) and all(same(a, b) for a, b in zip(ours, expected, strict=True))
    if isinstance(ours, dict) and isinstance(expected, dict):
        return ours.keys() == expected.keys() and all(same(ours[key], expected[key]) for key in ours)
    return type(ours) is type(expected) and ours == expected


def test_the_corpus_is_large_and_covers_every_chapter() -> None:
    chapters = Counter(chapter for chapter, _, _ in CORPUS)
    assert len(CORPUS) >= 3000, len(CORPUS)
    assert len({expression for _, expression, _ in CORPUS}) >= 2900  # a few generated texts repeat on purpose
    for chapter in ("types", "boolean", "control", "paths", "functions", "temporal", "conversion", "string", "list"):
        assert chapters[chapter] > 0, chapter
    for chapter in ("numeric", "context", "range", "temporal functions", "connector", "argument kinds"):
        assert chapters[chapter] > 0, chapter


def test_every_case_gives_its_expected_value() -> None:
    failures = []
    for chapter, expression, expected in CORPUS:
        try:
            ours = plain(evaluate(expression, {}))
        except FeelError as error:
            ours = f"raised {type(error).__name__}: {error}"
        if not same(ours, expected):
            failures.append(f"[{chapter}] {expression!r}: got {ours!r}, expected {expected!r}")
    assert not failures, f"{len(failures)} of {len(CORPUS)} cases fail:\n" + "\n".join(failures)


def test_a_failed_assertion_fails_the_evaluation_as_in_camunda() -> None:
    with pytest.raises(FeelEvaluationError, match="assertion failed: too small"):
        evaluate('assert(5, 5 < 1, "too small")')
