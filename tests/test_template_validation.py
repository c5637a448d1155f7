"""Every committed template passes Camunda's own validator (@bpmn-io/element-templates-validator).

Runs ``tests/validate_templates.mjs`` with Node against ``@bpmn-io/element-templates-validator`` 2.26.0 and
``@camunda/zeebe-element-templates-json-schema`` 0.46.0 from ``node_modules`` (``npm ci``). Skipped, with the
reason shown by ``-ra``, when Node or the packages are missing; CI has both.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "validate_templates.mjs"
TEMPLATES = sorted((ROOT / "element-templates").rglob("*.json"))
NODE = shutil.which("node")
VALIDATOR = ROOT / "node_modules" / "@bpmn-io" / "element-templates-validator"

needs_node = pytest.mark.skipif(
    NODE is None or not VALIDATOR.is_dir(),
    reason="template validation needs node and node_modules (run `npm ci --no-audit --no-fund`)",
)


def _validate(*files: Path) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(  # bounded: the validator reads local files only
        [NODE, str(SCRIPT), *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_there_are_templates_to_validate() -> None:
    assert ROOT / "element-templates" / "uipath-connector.json" in TEMPLATES


@needs_node
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_template_is_valid_for_camunda_modeler(template: Path) -> None:
    result = _validate(template)
    assert result.returncode == 0, f"{template.name} is not a valid element template:\n{result.stdout}{result.stderr}"
    assert result.stdout.splitlines()[0] == "schema @camunda/zeebe-element-templates-json-schema@0.46.0"
    assert result.stdout.splitlines()[1].startswith(f"OK {template}")


@needs_node
def test_errors_name_the_property_that_caused_them(tmp_path: Path) -> None:
    template = json.loads((ROOT / "element-templates" / "uipath-connector.json").read_text(encoding="utf-8"))
    index = next(i for i, p in enumerate(template["properties"]) if p.get("id") == "priority")
    del template["properties"][index]["choices"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(template, indent=2), encoding="utf-8")

    result = _validate(broken)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[1] == f"FAIL {broken} uipath-connector.UiPath.v1@{template['version']}"
    assert any(
        line.endswith(f'/properties/{index} must provide choices=[] with "Dropdown" type (property {index}: priority)')
        for line in lines
    ), result.stdout
    assert not any(line.endswith("/ must be array") for line in lines), "schema noise must be filtered"


SCHEMA_PACKAGE = ROOT / "node_modules" / "@camunda" / "zeebe-element-templates-json-schema"


@pytest.mark.skipif(
    not (SCHEMA_PACKAGE / "resources" / "schema.json").is_file(),
    reason="the pinned @camunda/zeebe-element-templates-json-schema is not installed (run `npm ci`): node check",
)
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_template_matches_the_pinned_json_schema_package_itself(template: Path) -> None:
    """The validator bundles a compiled copy of the schema; check against the pinned package's own file too."""
    from jsonschema import Draft7Validator

    package = json.loads((SCHEMA_PACKAGE / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/@camunda/zeebe-element-templates-json-schema"]["version"]
    assert package["version"] == pinned == "0.46.0"
    schema = json.loads((SCHEMA_PACKAGE / "resources" / "schema.json").read_text(encoding="utf-8"))
    document = json.loads(template.read_text(encoding="utf-8"))
    errors = sorted(
        f"/{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in Draft7Validator(schema).iter_errors(document)
    )
    assert errors == []


@pytest.mark.skipif(
    not (SCHEMA_PACKAGE / "resources" / "schema.json").is_file(),
    reason="the pinned @camunda/zeebe-element-templates-json-schema is not installed (run `npm ci`): node check",
)
def test_the_json_schema_check_catches_a_broken_dropdown() -> None:
    from jsonschema import Draft7Validator

    schema = json.loads((SCHEMA_PACKAGE / "resources" / "schema.json").read_text(encoding="utf-8"))
    template = json.loads((ROOT / "element-templates" / "uipath-connector.json").read_text(encoding="utf-8"))
    index = next(i for i, p in enumerate(template["properties"]) if p.get("id") == "priority")
    del template["properties"][index]["choices"]
    assert list(Draft7Validator(schema).iter_errors(template))


@needs_node
def test_warnings_are_printed_and_only_unavoidable_ones_pass(tmp_path: Path) -> None:
    latest = ROOT / "element-templates" / "uipath-connector.json"
    result = _validate(latest)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout
    assert not [line for line in lines if line.startswith("  warning:")], result.stdout
    assert lines[-1] == "  12 warnings, 0 avoidable"
    assert any("(property 17: deferDate) [needed: engines.camunda ^8.3 includes versions" in line for line in lines)

    # The same template declared for Camunda 8.8+ only: `optional` is then the template's own warning.
    template = json.loads(latest.read_text(encoding="utf-8"))
    template["engines"] = {"camunda": "^8.8"}
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(template, indent=2), encoding="utf-8")
    result = _validate(newer)
    assert result.returncode == 1
    assert "  12 warnings, 9 avoidable" in result.stdout.splitlines()
    assert any(
        line.startswith("  warning: /properties/17 'optional' with 'zeebe:input' binding is deprecated")
        for line in result.stdout.splitlines()
    )
