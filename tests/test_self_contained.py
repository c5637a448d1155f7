"""The repository is self-contained: nothing in it reads or cites a file that lives outside it.

A fresh clone is all a user or a CI run has, so a test that opens a file beside the clone skips (or fails) there,
and a comment citing a section of a private reference file sends the reader nowhere. Facts are copied in with
their public origin instead (the short names are listed under "Sources" in docs/index.md).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: What is scanned: everything a user reads or runs. tests/data holds copied public documents, quoted verbatim
#: (its README, ours, is scanned).
SCANNED = ("README.md", "docs", "uipath_connector", "tests", "benchmarks", "examples", ".ci", "package.json")
SKIPPED = tuple(f"tests/data/{name}" for name in ("orchestrator-queues-openapi.json", "seed_"))
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

#: (pattern, why it is refused). Case-insensitive.
FORBIDDEN = (
    (r"(?-i:\.\./shared\b)", "a path outside the repository"),
    (r"\bshared/(reference|seeds)\b", "the development machine's private reference folder"),
    (r"\breference/[\w.-]+\.(md|json)\b", "a private reference file; cite the public document instead"),
    (r"\b(DESIGN|STYLE)\.md\b", "a design file that is not in the repository"),
    (r"\bthe seeds?\b|\bseeds/", "the private seed file; cite Camunda's UiPath connector docs instead"),
    (r"\breference\s*§", "a section of a private reference file"),
    # A section sign cites a numbered document; only RFCs (public) are cited that way here.
    (r"(?<!RFC \d{4} )(?<!RFC \d{3} )§", "a section citation of a private document"),
)


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *SCANNED],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout.decode()
        names = [name for name in listed.split("\0") if name]
    except (OSError, subprocess.SubprocessError):  # not a git checkout (an unpacked sdist): walk the folders
        names = [
            path.relative_to(ROOT).as_posix()
            for entry in SCANNED
            for path in ([ROOT / entry] if (ROOT / entry).is_file() else sorted((ROOT / entry).rglob("*")))
            if path.is_file() and ".venv" not in path.parts and "node_modules" not in path.parts
        ]
    return [ROOT / name for name in names if not name.startswith(SKIPPED) and name != THIS_FILE]


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # binary files cite nothing


def problems_in(line: str) -> list[str]:
    """Why ``line`` points outside the repository (empty when it does not)."""
    return [why for pattern, why in FORBIDDEN if re.search(pattern, line, re.IGNORECASE)]


def find_outside_references(files: list[Path]) -> list[str]:
    """Every line citing or reading something outside the repository, as ``path:line: why: text``."""
    hits = []
    for path in files:
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for why in problems_in(line):
                hits.append(f"{path.relative_to(ROOT).as_posix()}:{number}: {why}: {line.strip()[:120]}")
    return hits


def test_nothing_cites_or_reads_outside_the_repository() -> None:
    files = _tracked_files()
    assert any(path.name == "README.md" for path in files), "the scan found no files: the test would prove nothing"
    assert find_outside_references(files) == []


@pytest.mark.parametrize(
    "line",
    [
        # Written in pieces so that this file does not itself match the scans it demonstrates.
        "SPEC = json.loads((ROOT / '../"
        + "sha"
        + "red/"
        + "refer"
        + "ence/orchestrator-queues-openapi.json').read_text())",
        "# " + "reference/" + "uipath-orchestrator-api.md §5.3: at most 100 filter expressions",
        "(reference §8.2)",
        "Reference §2: only the encoded header takes relative paths",
        "the oracle named in " + "DESIGN" + ".md",
        "as the seed's 201 body shows",
        "(§4.7)",
    ],
)
def test_the_scan_catches_each_form_seen_before(line: str) -> None:
    assert problems_in(line) != []


@pytest.mark.parametrize(
    "line",
    [
        "# RFC 6749 §2.3.1: id and secret are form-urlencoded",
        "# UiPath: Queue Items Requests (https://docs.uipath.com/...): $top at most 100",
        "reference = 'INV-1'  # a queue item's Reference",
        "see the Sources table in docs/index.md",
    ],
)
def test_public_citations_pass_the_scan(line: str) -> None:
    assert problems_in(line) == []
