"""The committed template files and the versioning rule that protects them.

Layout (as Camunda's connectors, camunda/connectors "Template versioning convention"):

* ``element-templates/<stem>.json`` holds the latest version;
* ``element-templates/versioned/<stem>-<N>.json`` holds every earlier version, frozen and never edited.

A template whose content changes must get a higher version, because Modeler keys what a task was built with on
``(id, version)``. :func:`version_problem` says when a write would break that rule; :func:`write_template_files`
refuses such a write and freezes the previous latest file when the version goes up.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs

__all__ = ["TemplateFileError", "version_problem", "versioned_path", "versioning_problems", "write_template_files"]


class TemplateFileError(RuntimeError):
    """Writing the template would edit a released version or a frozen file."""


def versioned_path(latest: Path, version: int) -> Path:
    """Where version ``version`` of the template at ``latest`` is frozen.

    >>> versioned_path(Path("element-templates/uipath-connector.json"), 3).as_posix()
    'element-templates/versioned/uipath-connector-3.json'
    """
    return latest.parent / "versioned" / f"{latest.stem}-{version}.json"


def _version(text: str) -> int:
    version = json.loads(text).get("version")
    if not isinstance(version, int):
        raise TemplateFileError("the template has no integer 'version'")
    return version


def version_problem(committed: str | None, generated: str) -> str | None:
    """Why ``generated`` may not replace ``committed`` (``None`` when it may).

    >>> version_problem('{"version": 1, "name": "a"}', '{"version": 1, "name": "b"}')[:40]
    'the template changed but its version is '
    """
    if committed is None or committed == generated:
        return None
    old, new = _version(committed), _version(generated)
    if new < old:
        return f"the generated template has version {new}, older than the committed version {old}"
    if new == old:
        return (
            f"the template changed but its version is still {old}: a change a modeler can see needs a new "
            f"version (set TEMPLATE_VERSION = {old + 1} in uipath_connector/uipath/_template.py, "
            "add a CHANGELOG line, run `uipath-connector template` again); "
            f"pass --same-version only while version {old} is unreleased"
        )
    return None


def versioning_problems(latest: Path) -> list[str]:
    """What breaks the versioning convention around the latest template file ``latest`` (empty when nothing).

    Every ``versioned/<stem>-<N>.json`` must hold version ``N`` of the same template id, and the latest file's
    version must be greater than every frozen one.

    >>> versioning_problems(Path("element-templates/uipath-connector.json"))
    []
    """
    problems: list[str] = []
    current = json.loads(latest.read_text(encoding="utf-8"))
    for path in sorted((latest.parent / "versioned").glob(f"{latest.stem}-*.json")):
        frozen = json.loads(path.read_text(encoding="utf-8"))
        version = frozen.get("version")
        if not isinstance(version, int) or path != versioned_path(latest, version):
            problems.append(f"{path.name} holds version {version!r}, not the version its name says")
        if frozen.get("id") != current.get("id"):
            problems.append(f"{path.name} has id {frozen.get('id')!r}, not {current.get('id')!r}")
        if isinstance(version, int) and version >= current["version"]:
            problems.append(
                f"{path.name} holds version {version}, not older than the latest {latest.name} ({current['version']})"
            )
    return problems


@attrs.frozen
class WrittenFiles:
    """What :func:`write_template_files` did."""

    written: tuple[Path, ...]
    frozen: tuple[Path, ...]


def write_template_files(latest: Path, generated: str, *, same_version: bool = False) -> WrittenFiles:
    """Write ``generated`` to ``latest``, freezing the previous version under ``versioned/`` when it goes up.

    Raises :class:`TemplateFileError` when the content changes without a version bump (unless ``same_version``),
    when the version goes down, or when a frozen file of the same version already exists with other content.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_template_files(Path(tmp) / "t.json", '{"version": 1}\\n').written[0].name
    't.json'
    """
    committed = latest.read_text(encoding="utf-8") if latest.exists() else None
    problem = version_problem(committed, generated)
    if problem is not None and not (
        same_version and committed is not None and _version(committed) == _version(generated)
    ):
        raise TemplateFileError(f"{latest}: {problem}")
    frozen: list[Path] = []
    if committed is not None and _version(committed) < _version(generated):
        target = versioned_path(latest, _version(committed))
        if target.exists() and target.read_text(encoding="utf-8") != committed:
            raise TemplateFileError(f"{target} exists with other content; frozen versions are never edited")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(committed, encoding="utf-8")
            frozen.append(target)
    if committed == generated:
        return WrittenFiles(written=(), frozen=tuple(frozen))
    latest.parent.mkdir(parents=True, exist_ok=True)
    latest.write_text(generated, encoding="utf-8")
    return WrittenFiles(written=(latest,), frozen=tuple(frozen))
