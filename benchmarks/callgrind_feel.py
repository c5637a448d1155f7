"""Instructions per cold parse of FEEL expressions, counted by valgrind's callgrind.

Wall-clock figures move with the load of a shared machine; instruction counts repeat to within a fraction of a
percent, so they show what a change to the lexer or parser gained. The script runs Python under callgrind twice,
once without and once with ``PARSES`` cold parses of each expression, and prints the difference per parse.

Run: ``.venv/bin/python benchmarks/callgrind_feel.py`` (needs ``valgrind``; takes about a minute).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from bench_feel import ERROR_EXPRESSION, RESULT_EXPRESSION, TYPICAL_ERROR_EXPRESSION

PARSES = 200
EXPRESSIONS = {
    "typical error expression": TYPICAL_ERROR_EXPRESSION,
    "Camunda's documented error expression": ERROR_EXPRESSION,
    "result expression": RESULT_EXPRESSION,
}
_COLLECTED = re.compile(r"Collected : (\d+)")


def _parse_repeatedly(expression: str, count: int) -> None:
    from uipath_connector.feel import parse

    parse(expression)  # imports, the built-in table and first-call caches are outside the difference
    for _ in range(count):
        parse.cache_clear()
        parse(expression)


def _instructions(expression: str, count: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--run", expression, str(count)]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same string hashes, so the same dict probes
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, check=True, timeout=600)
    found = _COLLECTED.search(finished.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in callgrind's output: {finished.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--run":
        _parse_repeatedly(sys.argv[2], int(sys.argv[3]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    for label, expression in EXPRESSIONS.items():
        per_parse = (_instructions(expression, PARSES) - _instructions(expression, 0)) / PARSES
        print(f"  {label:<40} {per_parse:12,.0f} instructions per cold parse")


if __name__ == "__main__":
    main()
