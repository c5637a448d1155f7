"""The test run ends by listing what was skipped and the command that would run it (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import enabling_command, skipped_summary

HERE = Path(__file__).resolve().parent


def test_the_summary_counts_each_reason_and_names_the_enabling_commands() -> None:
    lines = skipped_summary(
        [
            "node not found: FEEL oracle tests skipped",
            "node_modules/feelin not installed (run `npm ci`): FEEL oracle tests skipped",
            "node_modules/feelin not installed (run `npm ci`): FEEL oracle tests skipped",
            "docs/workers.md:12: needs a Zeebe cluster",
        ]
    )
    assert lines == [
        "   2 skipped: node_modules/feelin not installed (run `npm ci`): FEEL oracle tests skipped",
        "   1 skipped: node not found: FEEL oracle tests skipped",
        "   1 skipped: docs/workers.md:12: needs a Zeebe cluster",
        "To run them:",
        "  install Node.js 18 or newer (https://nodejs.org), then: npm ci --no-audit --no-fund",
        "  npm ci",
    ]


def test_a_command_named_in_the_reason_wins() -> None:
    assert enabling_command("no Chromium at /usr/bin/chromium (run `apt-get install chromium`)") == (
        "apt-get install chromium"
    )
    assert enabling_command("the pinned schema is not installed (run `npm ci`): node check") == "npm ci"
    assert (
        enabling_command("node_modules/feelin is missing") == "npm ci --no-audit --no-fund   (from the repository root)"
    )


def test_a_reason_without_a_known_tool_gets_no_command() -> None:
    assert enabling_command("needs a Zeebe cluster") is None
    assert skipped_summary([]) == []


def test_a_real_run_prints_the_summary(tmp_path: Path) -> None:
    """A separate pytest run whose conftest is this project's summary hook, on one skipped and one passed test."""
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            f"""
            import importlib.util

            _spec = importlib.util.spec_from_file_location("project_conftest", {str(HERE / "conftest.py")!r})
            _project = importlib.util.module_from_spec(_spec)
            _spec.loader.exec_module(_project)
            pytest_terminal_summary = _project.pytest_terminal_summary
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "test_sample.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def test_needs_node():
                pytest.skip("node not found: FEEL oracle tests skipped")

            def test_runs():
                pass
            """
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = run.stdout[run.stdout.index("what was skipped, and how to run it") :].splitlines()
    assert summary[1:4] == [
        "   1 skipped: node not found: FEEL oracle tests skipped",
        "To run them:",
        "  install Node.js 18 or newer (https://nodejs.org), then: npm ci --no-audit --no-fund",
    ]
