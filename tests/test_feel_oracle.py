"""Differential tests: the FEEL subset against feelin (npm, pinned), the cross-check ("oracle") that decides what
the right answer is where it agrees with Camunda.

The whole corpus (tests/feel_corpus.py) goes through ONE node process (tests/feel_oracle.mjs) per test
session. Without node or node_modules/feelin the tests are skipped with a visible reason.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from feel_corpus import CASES, CONTEXTS, KNOWN_DIFFERENCES

from uipath_connector.feel import FeelError, FeelFunction, Range, YearsMonthsDuration, evaluate
from uipath_connector.feel._temporal import format_date, format_datetime, format_duration, format_time

ROOT = Path(__file__).resolve().parent.parent
ORACLE = ROOT / "tests" / "feel_oracle.mjs"


def encode(value: object) -> object:
    """Our value in the oracle's JSON encoding (see tests/feel_oracle.mjs); decimals as the double feelin holds."""
    if isinstance(value, (dt.timedelta, YearsMonthsDuration)):
        return {"$duration": format_duration(value)}
    if isinstance(value, dt.datetime):
        return {"$dateTime": format_datetime(value)}
    if isinstance(value, dt.date):
        return {"$date": format_date(value)}
    if isinstance(value, dt.time):
        return {"$time": format_time(value)}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Range):
        return {"$range": [encode(value.start), encode(value.end), value.start_included, value.end_included]}
    if isinstance(value, FeelFunction):
        return {"$function": True}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


def same(ours: object, theirs: object) -> bool:
    """Structural equality that keeps booleans apart from numbers and int 5 equal to JSON 5.0."""
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return type(ours) is type(theirs) and ours == theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return ours == theirs
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs, strict=True))
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same(ours[k], theirs[k]) for k in ours)
    return type(ours) is type(theirs) and ours == theirs


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: FEEL oracle tests skipped")
    if not (ROOT / "node_modules" / "feelin" / "package.json").is_file():
        pytest.skip("node_modules/feelin not installed (run `npm ci`): FEEL oracle tests skipped")
    return node


def _ask_oracle(cases: list[tuple[str, str]]) -> list[dict[str, object]]:
    lines = "".join(
        json.dumps({"expression": expression, "context": CONTEXTS[context]}) + "\n" for expression, context in cases
    )
    completed = subprocess.run(
        [_node(), str(ORACLE)],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(answers) == len(cases), completed.stderr
    return answers


@pytest.fixture(scope="module")
def oracle() -> dict[tuple[str, str], dict[str, object]]:
    cases = list(CASES) + [(expression, context) for expression, context, *_ in KNOWN_DIFFERENCES]
    return dict(zip(cases, _ask_oracle(cases), strict=True))


def test_corpus_is_large_and_has_no_duplicates() -> None:
    assert len(CASES) >= 200
    assert len(set(CASES)) == len(CASES)


def test_corpus_agrees_with_feelin(oracle: dict[tuple[str, str], dict[str, object]]) -> None:
    mismatches = []
    for expression, context in CASES:
        answer = oracle[(expression, context)]
        try:
            ours: object = encode(evaluate(expression, CONTEXTS[context]))
        except FeelError as exc:
            ours = f"raised {type(exc).__name__}: {exc}"
        if "error" in answer or not same(ours, answer["value"]):
            mismatches.append(f"{expression!r} [{context}]: ours={ours!r} feelin={answer}")
    assert not mismatches, f"{len(mismatches)} of {len(CASES)} differ:\n" + "\n".join(mismatches)


@pytest.mark.parametrize(
    ("expression", "context", "ours", "feelin", "why"),
    KNOWN_DIFFERENCES,
    ids=[case[0] for case in KNOWN_DIFFERENCES],
)
def test_known_differences_stay_as_documented(
    oracle: dict[tuple[str, str], dict[str, object]],
    expression: str,
    context: str,
    ours: object,
    feelin: object,
    why: str,
) -> None:
    assert same(encode(evaluate(expression, CONTEXTS[context])), ours), why
    answer = oracle[(expression, context)]
    assert "value" in answer, answer
    assert same(answer["value"], feelin), f"feelin changed: {answer} ({why})"
