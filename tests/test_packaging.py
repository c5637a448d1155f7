"""The built distribution works where users get it: a wheel installed into a fresh venv, not the source tree.

Builds the sdist and the wheel once (``python -m build``), checks their metadata (``twine check``), installs the
wheel (not editable) into a new virtual environment outside the repository and runs the README's demo and the
template command from there. About 15 s; ``pytest -m 'not packaging'`` leaves it out while iterating.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "element-templates" / "uipath-connector.json"

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        importlib.util.find_spec("build") is None or importlib.util.find_spec("twine") is None,
        reason="build and twine are not installed: .venv/bin/pip install -e '.[test]'",
    ),
]


def _run(command: list[str], *, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a command with a deadline; fail the test with its output when it fails."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env=environment
    )
    assert done.returncode == 0, f"{command} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@attrs.frozen
class Installed:
    wheel: Path
    sdist: Path
    bin: Path  # the fresh venv's bin/ (Scripts\\ on Windows)
    workdir: Path  # a folder outside the repository


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    dist = base / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], cwd=base)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    venv = base / "fresh-venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=base)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=base)
    workdir = base / "elsewhere"
    workdir.mkdir()
    return Installed(wheel, sdist, bin_dir, workdir)


def test_twine_accepts_both_distributions(installed: Installed) -> None:
    checked = _run(
        [sys.executable, "-m", "twine", "check", "--strict", str(installed.wheel), str(installed.sdist)],
        cwd=installed.workdir,
    )
    assert checked.stdout.count("PASSED") == 2, checked.stdout


def test_the_wheel_ships_the_element_templates_and_the_typing_marker(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        shipped = wheel.read("uipath_connector/element-templates/uipath-connector.json").decode("utf-8")
    assert shipped == TEMPLATE.read_text(encoding="utf-8")
    assert "uipath_connector/py.typed" in names
    frozen = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "element-templates").rglob("*.json"))
    assert sorted(n.removeprefix("uipath_connector/") for n in names if n.endswith(".json")) == frozen


def test_the_sdist_holds_what_the_test_suite_needs(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in (
        "tests/conftest.py",
        "tests/data/README.md",
        "element-templates/uipath-connector.json",
        "package-lock.json",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
    ):
        assert needed in names


def test_the_installed_package_is_the_wheel_not_the_source_tree(installed: Installed) -> None:
    where = _run(
        [str(installed.bin / "python"), "-c", "import uipath_connector; print(uipath_connector.__file__)"],
        cwd=installed.workdir,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.bin.parent)
    version = _run([str(installed.bin / "uipath-connector"), "--version"], cwd=installed.workdir).stdout
    assert version.startswith("uipath-connector ")


def test_the_demo_runs_from_the_installed_wheel(installed: Installed) -> None:
    demo = _run([str(installed.bin / "uipath-connector"), "demo", "--json"], cwd=installed.workdir, timeout=120)
    document = json.loads(demo.stdout)
    assert (document["statusAfterAdd"], document["statusAfterRobot"]) == ("New", "Successful")


def test_the_template_command_writes_the_shipped_template_from_any_folder(installed: Installed) -> None:
    target = installed.workdir / "uipath-connector.json"
    written = _run([str(installed.bin / "uipath-connector"), "template", "--out", str(target)], cwd=installed.workdir)
    assert written.stdout == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == TEMPLATE.read_text(encoding="utf-8")
    printed = _run([str(installed.bin / "uipath-connector"), "template"], cwd=installed.workdir)
    assert printed.stdout == TEMPLATE.read_text(encoding="utf-8")
    from_resources = _run(
        [
            str(installed.bin / "python"),
            "-c",
            "from importlib.resources import files; import sys; "
            "sys.stdout.write((files('uipath_connector') / 'element-templates' / 'uipath-connector.json').read_text())",
        ],
        cwd=installed.workdir,
    )
    assert from_resources.stdout == TEMPLATE.read_text(encoding="utf-8")


def test_every_shipped_template_can_be_listed_and_written_from_the_wheel(installed: Installed) -> None:
    listed = _run([str(installed.bin / "uipath-connector"), "template", "--list"], cwd=installed.workdir).stdout
    committed = sorted((ROOT / "element-templates").rglob("*.json"))
    assert len(listed.splitlines()) == len(committed)
    for path in committed:
        version = json.loads(path.read_text(encoding="utf-8"))["version"]
        name = path.stem.removesuffix(f"-{version}") if path.parent.name == "versioned" else path.stem
        command = ["template", "--name", name, "--template-version", str(version)]
        printed = _run([str(installed.bin / "uipath-connector"), *command], cwd=installed.workdir).stdout
        assert printed == path.read_text(encoding="utf-8"), path
