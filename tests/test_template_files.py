"""Versioning of the committed template files, and the `uipath-connector template` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uipath_connector.cli import main
from uipath_connector.templates import (
    TemplateFileError,
    render_template,
    version_problem,
    versioned_path,
    versioning_problems,
    write_template_files,
)
from uipath_connector.uipath import uipath_template
from uipath_connector.uipath._template import TEMPLATE_VERSION


def _text(version: int, name: str = "T") -> str:
    return render_template({"id": "t", "name": name, "version": version})


def test_same_content_or_a_higher_version_may_be_written() -> None:
    assert version_problem(None, _text(1)) is None
    assert version_problem(_text(1), _text(1)) is None
    assert version_problem(_text(1), _text(2, name="U")) is None


def test_a_change_without_a_version_bump_is_refused() -> None:
    problem = version_problem(_text(3), _text(3, name="U"))
    assert problem is not None
    assert problem.startswith("the template changed but its version is still 3: a change a modeler can see needs a")
    assert "TEMPLATE_VERSION = 4" in problem


def test_a_lower_version_is_refused() -> None:
    assert version_problem(_text(3), _text(2)) == (
        "the generated template has version 2, older than the committed version 3"
    )


def test_a_version_bump_freezes_the_previous_file(tmp_path: Path) -> None:
    latest = tmp_path / "element-templates" / "t.json"
    assert write_template_files(latest, _text(1)).written == (latest,)

    result = write_template_files(latest, _text(2, name="U"))

    frozen = tmp_path / "element-templates" / "versioned" / "t-1.json"
    assert result.frozen == (frozen,)
    assert frozen.read_text(encoding="utf-8") == _text(1)
    assert latest.read_text(encoding="utf-8") == _text(2, name="U")


def test_a_frozen_file_is_never_edited(tmp_path: Path) -> None:
    latest = tmp_path / "t.json"
    latest.write_text(_text(1), encoding="utf-8")
    frozen = versioned_path(latest, 1)
    frozen.parent.mkdir()
    frozen.write_text(_text(1, name="other"), encoding="utf-8")

    with pytest.raises(TemplateFileError, match="exists with other content; frozen versions are never edited"):
        write_template_files(latest, _text(2))
    assert frozen.read_text(encoding="utf-8") == _text(1, name="other")


def test_same_version_is_allowed_only_when_asked(tmp_path: Path) -> None:
    latest = tmp_path / "t.json"
    latest.write_text(_text(1), encoding="utf-8")
    with pytest.raises(TemplateFileError, match="version is still 1"):
        write_template_files(latest, _text(1, name="U"))
    assert latest.read_text(encoding="utf-8") == _text(1)

    assert write_template_files(latest, _text(1, name="U"), same_version=True).written == (latest,)
    assert not (tmp_path / "versioned").exists()


def _tree(tmp_path: Path, latest: str, frozen: dict[str, str]) -> Path:
    path = tmp_path / "t.json"
    path.write_text(latest, encoding="utf-8")
    (tmp_path / "versioned").mkdir()
    for name, text in frozen.items():
        (tmp_path / "versioned" / name).write_text(text, encoding="utf-8")
    return path


def test_a_consistent_set_of_versions_has_no_problems(tmp_path: Path) -> None:
    latest = _tree(tmp_path, _text(3), {"t-1.json": _text(1), "t-2.json": _text(2)})
    assert versioning_problems(latest) == []


def test_versioning_problems_are_named(tmp_path: Path) -> None:
    other_id = render_template({"id": "other", "version": 1})
    latest = _tree(tmp_path, _text(2), {"t-1.json": other_id, "t-3.json": _text(3), "t-4.json": _text(2)})
    assert versioning_problems(latest) == [
        "t-1.json has id 'other', not 't'",
        "t-3.json holds version 3, not older than the latest t.json (2)",
        "t-4.json holds version 2, not the version its name says",
        "t-4.json holds version 2, not older than the latest t.json (2)",
    ]


# --- the command ------------------------------------------------------------------------------------------


def test_template_writes_the_generated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    assert main(["template", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_template(uipath_template())
    assert capsys.readouterr().out == f"wrote {target}\n"

    assert main(["template", "--output", str(target)]) == 0
    assert capsys.readouterr().out == f"{target} is up to date\n"


def test_check_exits_1_and_says_how_to_regenerate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    assert main(["template", "--check", "--output", str(target)]) == 1
    assert capsys.readouterr().err == f"{target} is missing; run `uipath-connector template` to regenerate it\n"

    stale = json.loads(render_template(uipath_template()))
    stale["description"] = "old"
    target.write_text(render_template(stale), encoding="utf-8")
    assert main(["template", "--check", "--output", str(target)]) == 1
    assert capsys.readouterr().err == (
        f"{target} differs from what the records generate; run `uipath-connector template` to regenerate it\n"
    )
    assert json.loads(target.read_text(encoding="utf-8"))["description"] == "old"  # --check writes nothing


def test_writing_a_changed_template_without_a_bump_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    stale = json.loads(render_template(uipath_template()))
    stale["description"] = "old"
    target.write_text(render_template(stale), encoding="utf-8")

    assert main(["template", "--output", str(target)]) == 1
    error = capsys.readouterr().err
    still = f"the template changed but its version is still {TEMPLATE_VERSION}"
    assert error.startswith(f"uipath-connector template: {target}: {still}")

    assert main(["template", "--same-version", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_template(uipath_template())


def test_stdout_prints_the_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--stdout"]) == 0
    assert capsys.readouterr().out == render_template(uipath_template())


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "template" in capsys.readouterr().err


def test_outside_the_repository_it_prints_the_template_and_check_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["template"]) == 0
    assert capsys.readouterr().out == render_template(uipath_template())
    assert main(["template", "--check"]) == 2
    assert capsys.readouterr().err == (
        "uipath-connector template: --check and --same-version compare the repository's committed template; "
        "run them in a clone or pass --output PATH\n"
    )
    assert list(tmp_path.iterdir()) == []
