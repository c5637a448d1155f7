"""Differential tests: the FEEL engine against feelin (npm, pinned), the cross-check ("oracle") that decides what
the right answer is where it agrees with Camunda.

The whole corpus (tests/feel_corpus.py) goes through ONE node process (tests/feel_oracle.mjs) per test
session. Without node or node_modules/feelin the tests are skipped with a visible reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from collections import Counter
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


# -- the conformance corpus against feelin --------------------------------------------------------------------------

_EXTENSIONS = (
    "is defined",
    "get or else",
    "assert(",
    "extract(",
    "trim(",
    "uuid(",
    "to base64",
    "is blank",
    "is empty",
    "partition(",
    "duplicate values",
    "list replace",
    "last day of month",
    "random number",
    "range(",
    "before(",
    "after(",
    "meets(",
    "met by(",
    "overlaps",
    "finishes(",
    "finished by(",
    "includes(",
    "during(",
    "starts(",
    "started by(",
    "coincides(",
)


def _close_numbers(ours: object, theirs: object) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return False
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return abs(ours - theirs) <= 1e-12 * max(1.0, abs(ours), abs(theirs))
    return False


def oracle_difference(chapter: str, expression: str, ours: object, answer: dict[str, object]) -> str | None:
    """The documented kind of a difference from feelin (feel_conformance.ORACLE_DIFFERENCES), or None."""
    theirs = answer.get("value")
    if _close_numbers(ours, theirs):
        return "decimals"
    if any(name in expression for name in _EXTENSIONS) or expression.startswith(("and(", "or(")):
        return "camunda extensions"
    if "string join(" in expression and expression.count(",") >= 4:
        return "camunda extensions"
    if expression.startswith(("round up(", "round down(")) and expression.count(",") == 0:
        return "camunda extensions"
    if expression.startswith(("get value(", "context put(")) and "[" in expression:
        return "camunda extensions"
    if chapter == "argument kinds" and ours is None:
        return "singleton lists"
    if " between " in expression and ours is False and theirs is True:
        return "between"
    if chapter == "temporal" or "duration" in expression:
        return "temporal"
    if any(mark in expression for mark in ("E-", "`", "range<", "e3")) or re.search(r"\.\.[^\])]*\[", expression):
        return "syntax"  # feelin reads `1E-2` as 1 and fails on the others
    if expression.startswith("if ") and ours != theirs:
        return "conditions"
    if expression.startswith("context(["):
        return "context()"
    if expression.startswith("substring(") and ours is None:
        return "substring"
    return None


def test_conformance_corpus_agrees_with_feelin_except_documented_differences() -> None:
    from feel_conformance import DOCUMENTED, ORACLE_DIFFERENCES, generated

    corpus = [(chapter, expression) for chapter, expression, _ in DOCUMENTED + generated()]
    cases = [(expression, "empty") for _, expression in corpus]
    answers = _ask_oracle(cases)
    undocumented, kinds = [], Counter()
    for (chapter, expression), answer in zip(corpus, answers, strict=True):
        try:
            ours: object = encode(evaluate(expression, {}))
        except FeelError as exc:
            ours = f"raised {type(exc).__name__}: {exc}"
        if "error" not in answer and same(ours, answer["value"]):
            continue
        kind = oracle_difference(chapter, expression, ours, answer)
        if kind is None or kind not in ORACLE_DIFFERENCES:
            undocumented.append(f"[{chapter}] {expression!r}: ours={ours!r} feelin={answer}")
        kinds[kind] += 1
    assert not undocumented, f"{len(undocumented)} undocumented differences:\n" + "\n".join(undocumented)
    assert sum(kinds.values()) < len(corpus) // 10, kinds  # feelin agrees on the great majority
