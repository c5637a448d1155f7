"""``uipath-connector template --out FILE`` and stdout: the element template handed to a user, from any folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uipath_connector.cli import main
from uipath_connector.cli._template_command import is_repository_root
from uipath_connector.templates import render_template
from uipath_connector.uipath import uipath_template

ROOT = Path(__file__).resolve().parent.parent
GENERATED = render_template(uipath_template())


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder outside the repository, even one with an element-templates/ folder of the user's own."""
    (tmp_path / "element-templates").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_out_writes_the_template_anywhere(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", "modeler/uipath.json"]) == 2
    assert capsys.readouterr().err == (
        "uipath-connector template: cannot write modeler/uipath.json: No such file or directory\n"
    )
    (elsewhere / "modeler").mkdir()
    assert main(["template", "-o", "modeler/uipath.json"]) == 0
    assert capsys.readouterr().out == "wrote modeler/uipath.json\n"
    assert (elsewhere / "modeler" / "uipath.json").read_text(encoding="utf-8") == GENERATED
    assert sorted(path.name for path in (elsewhere / "element-templates").iterdir()) == []


def test_out_into_a_folder_uses_the_template_file_name(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", "element-templates"]) == 0
    assert capsys.readouterr().out == "wrote element-templates/uipath-connector.json\n"
    assert json.loads((elsewhere / "element-templates" / "uipath-connector.json").read_text("utf-8"))["id"]


def test_out_overwrites_a_users_older_copy_without_version_rules(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = elsewhere / "uipath.json"
    old.write_text('{"version": 99}', encoding="utf-8")
    assert main(["template", "--out", str(old)]) == 0
    assert old.read_text(encoding="utf-8") == GENERATED
    assert not (elsewhere / "versioned").exists()


def test_out_dash_and_no_option_outside_a_clone_print_it(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", "-"]) == 0
    assert capsys.readouterr().out == GENERATED
    assert main(["template"]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (GENERATED, "")
    assert "repository root" not in GENERATED


def test_out_and_output_together_are_refused(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", "a.json", "--output", "b.json"]) == 2
    assert (
        capsys.readouterr().err == "uipath-connector template: --out and --output do not go together; use --out FILE\n"
    )
    assert list(elsewhere.glob("*.json")) == []


def test_the_repository_root_is_recognised_and_nothing_else() -> None:
    assert is_repository_root(ROOT)
    assert not is_repository_root(ROOT / "docs")
    assert not is_repository_root(ROOT / "element-templates")


def test_the_generated_template_is_the_committed_one() -> None:
    # What --out writes from an installed wheel equals the file the wheel ships (copied from element-templates/).
    assert (ROOT / "element-templates" / "uipath-connector.json").read_text(encoding="utf-8") == GENERATED


# -- every shipped template: --list, --name, --template-version ------------------------------------------------


def _committed() -> dict[tuple[str, int], str]:
    found = {}
    for path in sorted((ROOT / "element-templates").rglob("*.json")):
        version = json.loads(path.read_text(encoding="utf-8"))["version"]
        name = path.stem.removesuffix(f"-{version}") if path.parent.name == "versioned" else path.stem
        found[(name, version)] = path.read_text(encoding="utf-8")
    return found


def test_list_names_every_shipped_template_and_version(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = []
    for (name, version), text in sorted(_committed().items()):
        template = json.loads(text)
        expected.append(f"{name}  version {version}  {template['id']}  {template['name']}")
    assert lines == expected
    assert any(line.startswith("uipath-connector  version ") for line in lines)


def test_each_shipped_template_and_version_is_written_as_committed(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for (name, version), text in _committed().items():
        target = elsewhere / f"{name}-{version}.json"
        assert main(["template", "--name", name, "--template-version", str(version), "--out", str(target)]) == 0
        assert target.read_text(encoding="utf-8") == text
    capsys.readouterr()
    newest = max(version for (name, version) in _committed() if name == "uipath-connector")
    assert main(["template", "--template-version", str(newest)]) == 0
    assert capsys.readouterr().out == GENERATED


def test_an_unknown_name_or_version_says_what_exists(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ", ".join(sorted({name for (name, _) in _committed()}))
    assert main(["template", "--name", "uipath"]) == 2
    assert capsys.readouterr().err == f"uipath-connector template: no template named 'uipath'; shipped: {names}\n"
    versions = ", ".join(str(v) for (n, v) in sorted(_committed()) if n == "uipath-connector")
    assert main(["template", "--template-version", "99"]) == 2
    assert (
        capsys.readouterr().err
        == f"uipath-connector template: uipath-connector has no version 99; shipped: {versions}\n"
    )
    with pytest.raises(SystemExit):
        main(["template", "--template-version", "0"])
    assert "--template-version: 0 is not allowed: give 1 or more" in capsys.readouterr().err
