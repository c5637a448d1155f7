"""docs/feel.md says what the engine does: its first example and its error table are checked here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import uipath_connector.feel as feel

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "feel.md").read_text(encoding="utf-8")


def _first_example() -> list[tuple[str, str]]:
    block = DOCS.split("```python\n", 1)[1].split("```", 1)[0]
    return [
        (line.split("#", 1)[0].strip(), line.split("#", 1)[1].strip())
        for line in block.splitlines()
        if "   # " in line and not line.startswith("#")
    ]


def test_the_first_example_prints_what_it_says() -> None:
    namespace: dict[str, object] = {}
    block = DOCS.split("```python\n", 1)[1].split("```", 1)[0]
    exec(block, namespace)  # the example as a reader would run it
    examples = _first_example()
    assert len(examples) >= 4
    for expression, shown in examples:
        if expression.startswith(("expression =", "result =")):
            continue
        assert repr(eval(expression, namespace)) == shown, expression


ERROR_ROWS = re.findall(r"^\| `(.+?)` \| `(Feel\w+Error): (.+)` \|$", DOCS.split("## Error messages", 1)[1], re.M)


@pytest.mark.parametrize(("expression", "kind", "message"), ERROR_ROWS, ids=[row[0] for row in ERROR_ROWS])
def test_the_error_table_is_exact(expression: str, kind: str, message: str) -> None:
    with pytest.raises(getattr(feel, kind)) as caught:
        feel.parse(expression)
    assert type(caught.value).__name__ == kind
    assert str(caught.value) == message.replace("``", "`")
