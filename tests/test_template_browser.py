"""The element template in a real browser Modeler: bpmn-js with the properties panel and element templates.

``tests/browser/build_page.mjs`` bundles a Camunda-Modeler-like page from the libraries Camunda Modeler is built
on (pinned in package.json); ``tests/browser/drive_modeler.mjs`` drives it in Debian's headless Chromium with
puppeteer-core, as a modeler would: the "Change element" menu, the fields of the properties panel, the XML
export. These tests then read the exported BPMN XML and build the job variables Zeebe would hand the worker
(:func:`uipath_connector.templates.job_variables`), and bind them with the connector's records.

Needs node, ``npm ci`` and ``/usr/bin/chromium`` (``apt-get install chromium``); skipped with the reason
otherwise, and failed instead under ``UIPATH_CONNECTOR_REQUIRE_NODE_TOOLS=1`` (CI). Set
``UIPATH_CONNECTOR_SCREENSHOTS=1`` to rewrite the panel screenshots in ``docs/images/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest

from uipath_connector.feel import evaluate
from uipath_connector.sdk import MapSecretProvider, bind, replace_secrets
from uipath_connector.templates import job_variables
from uipath_connector.uipath import JOB_TYPE, OperationRequest

ROOT = Path(__file__).resolve().parent.parent
BROWSER = ROOT / "tests" / "browser"
NODE = shutil.which("node")
CHROMIUM = Path(os.environ.get("UIPATH_CONNECTOR_CHROMIUM", "/usr/bin/chromium"))
MODULES = ROOT / "node_modules"
NEEDED = ("puppeteer-core", "esbuild", "bpmn-js", "bpmn-js-element-templates", "@camunda/connectors-element-templates")
IMAGES = ROOT / "docs" / "images"
REWRITE_SCREENSHOTS = os.environ.get("UIPATH_CONNECTOR_SCREENSHOTS") == "1"


def _missing() -> str | None:
    """Why the browser test cannot run here; every reason names node, so CI fails instead of skipping."""
    if NODE is None:
        return "the browser test needs node, which is not installed"
    absent = [name for name in NEEDED if not (MODULES / name).is_dir()]
    if absent:
        return f"the browser test needs node_modules with {', '.join(absent)} (run `npm ci`)"
    if not CHROMIUM.is_file():
        return f"the browser test (node, puppeteer-core) needs Chromium at {CHROMIUM} (`apt-get install chromium`)"
    return None


pytestmark = [pytest.mark.browser, pytest.mark.skipif(_missing() is not None, reason=str(_missing()))]

OURS_FILE = ROOT / "element-templates" / "uipath-connector.json"
CAMUNDA_FILE = (
    MODULES / "@camunda" / "connectors-element-templates" / "src" / "element-templates" / "uipath-connector.json"
)
ZEEBE = "{http://camunda.org/schema/zeebe/1.0}"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"

SECRETS = {"UIPATH_BEARER_TOKEN": "bearer-1", "UIPATH_CLIENT_ID": "app-id", "UIPATH_CLIENT_SECRET": "app-secret"}
#: Process variables the FEEL values typed below read.
PROCESS = {"invoiceId": "INV-7", "addResult": {"itemId": 436141352}}
#: Camunda's template computes the REST request in the diagram; these inputs are its, not the connector's.
CAMUNDA_REST_INPUTS = frozenset({"url", "method", "headers", "body", "queryParameters"})


def _ours() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(OURS_FILE.read_text(encoding="utf-8"))
    return loaded


def _camunda(version: int = 7) -> dict[str, Any]:
    versions: list[dict[str, Any]] = json.loads(CAMUNDA_FILE.read_text(encoding="utf-8"))
    return next(template for template in versions if template["version"] == version)


@pytest.fixture(scope="module")
def modeler_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert NODE is not None
    page = tmp_path_factory.mktemp("modeler-page")
    built = subprocess.run(  # bounded: bundles local files only
        [NODE, str(BROWSER / "build_page.mjs"), str(page)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return page


def drive(page: Path, tmp_path: Path, templates: list[dict[str, Any]], steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Run steps on a task in Chromium; fail on any console or page error."""
    return drive_scenario(page, tmp_path, {"templates": templates, "steps": steps})


def drive_scenario(page: Path, tmp_path: Path, scenario: dict[str, Any]) -> dict[str, Any]:
    """Run a whole scenario (templates, element, steps: see tests/browser/drive_modeler.mjs) in Chromium."""
    assert NODE is not None
    scenario_file = tmp_path / "scenario.json"
    scenario_file.write_text(json.dumps(scenario), encoding="utf-8")
    ran = subprocess.run(  # bounded: every browser wait has its own limit, the whole run this one
        [NODE, str(BROWSER / "drive_modeler.mjs"), str(page), str(scenario_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.stdout.strip(), f"no result from the browser run:\n{ran.stderr}"
    result: dict[str, Any] = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result.get("failure") is None, result["failure"]
    assert result["consoleErrors"] == [], result["consoleErrors"]
    assert result["pageErrors"] == [], result["pageErrors"]
    assert ran.returncode == 0, ran.stderr
    return result


@attrs.frozen
class ExportedTask:
    """The bindings of the one task of an exported BPMN file."""

    template: tuple[str | None, str | None]  # zeebe:modelerTemplate, zeebe:modelerTemplateVersion
    element: str  # the BPMN element's tag
    task_definition: dict[str, str]
    inputs: dict[str, str | None]  # target -> source (None: no source)
    headers: dict[str, str]
    properties: dict[str, str]

    @classmethod
    def parse(cls, xml: str) -> ExportedTask:
        process = ET.fromstring(xml.encode("utf-8")).find(f"{BPMN}process")
        assert process is not None
        (task,) = list(process)
        definition = task.find(f".//{ZEEBE}taskDefinition")
        return cls(
            template=(task.get(f"{ZEEBE}modelerTemplate"), task.get(f"{ZEEBE}modelerTemplateVersion")),
            element=task.tag.removeprefix(BPMN),
            task_definition=dict(definition.attrib) if definition is not None else {},
            inputs={i.attrib["target"]: i.get("source") for i in task.iter(f"{ZEEBE}input")},
            headers={h.attrib["key"]: h.attrib["value"] for h in task.iter(f"{ZEEBE}header")},
            properties={p.attrib["name"]: p.attrib["value"] for p in task.iter(f"{ZEEBE}property")},
        )

    def job_variables(self, *, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
        """What Zeebe hands the worker: the input mappings evaluated against :data:`PROCESS`."""
        mappings = [(target, source) for target, source in self.inputs.items() if target not in leave_out]
        return job_variables(mappings, evaluate_feel=lambda expression: evaluate(expression, PROCESS))


def bind_as_the_worker_does(variables: dict[str, Any]) -> Any:
    replaced = replace_secrets(json.dumps(variables), MapSecretProvider(SECRETS))
    assert replaced.missing == ()
    return bind(json.loads(replaced.text), OperationRequest)


def _set(group: str, label: str, value: str) -> dict[str, str]:
    return {"action": "set", "group": group, "label": label, "value": value}


def _screenshot(tmp_path: Path, name: str) -> tuple[dict[str, str], Path]:
    target = (IMAGES if REWRITE_SCREENSHOTS else tmp_path) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    return {"action": "screenshot", "file": str(target)}, target


SECTIONS = [
    "General",
    "Documentation",
    "Template",
    "Operation",
    "Authentication",
    "Configuration",
    "Input",
    "Output",
    "Error handling",
    "Retries",
    "Execution listeners",
]

# --- applied through the menu, every field switched and typed ------------------------------------------------


def test_add_queue_item_through_the_menu_binds_every_field(modeler_page: Path, tmp_path: Path) -> None:
    shot, image = _screenshot(tmp_path, "element-template-add-queue-item.png")
    steps = [
        {"action": "menu", "search": "uipath", "entry": "Add queue item (uipath-connector)"},
        {"action": "check", "name": "fresh"},
        _set("Authentication", "Type", "oauth-client-credentials-flow"),
        _set("Authentication", "Client ID", "{{secrets.UIPATH_CLIENT_ID}}"),
        _set("Authentication", "Client secret", "{{secrets.UIPATH_CLIENT_SECRET}}"),
        _set("Authentication", "Client authentication", "credentialsBody"),
        _set("Configuration", "UiPath organization", "acme"),
        _set("Configuration", "UiPath tenant", "DefaultTenant"),
        _set("Configuration", "Folder", "folderPath"),
        _set("Configuration", "Folder path", "Shared/Finance"),
        _set("Input", "Queue name", "Invoices"),
        _set("Input", "Defer date", "2026-01-15"),
        _set("Input", "Due date", "2026-01-20T09:30:00Z"),
        _set("Input", "Priority", "High"),
        _set("Input", "Specific content for a UiPath job", '={"InvoiceId": invoiceId, "Amount": 12}'),
        _set("Input", "Reference", "INV-7"),
        _set("Output", "Result variable", "addResult"),
        _set("Error handling", "Connection timeout", "45"),
        _set("Error handling", "Error expression", '=if error.code = "409" then ignoreError({}) else null'),
        _set("Retries", "Retries", "5"),
        _set("Retries", "Retry backoff", "PT1M"),
        _set("Retries", "Job timeout", "PT2M"),
        {"action": "check", "name": "filled"},
        {"action": "export", "name": "filled"},
        shot,
    ]
    result = drive(modeler_page, tmp_path, [_ours(), _camunda()], steps)

    fresh = result["checks"]["fresh"]
    assert fresh["sections"] == SECTIONS
    # A fresh task flags exactly the required fields nobody has filled yet; no optional field is an error.
    assert fresh["errors"] == {
        "Authentication/Bearer token": "Bearer token must not be empty.",
        "Configuration/Organization unit ID": "Organization unit ID must not be empty.",
        "Input/Queue name": "Queue name must not be empty.",
    }
    assert "Input/Defer date" in fresh["fields"]
    assert "Retries/Job timeout" in fresh["fields"]
    assert result["checks"]["filled"]["errors"] == {}
    assert "Configuration/Organization unit ID" not in result["checks"]["filled"]["fields"]

    task = ExportedTask.parse(result["exports"]["filled"])
    assert task.element == "serviceTask"
    assert task.template == ("uipath-connector.UiPath.v1", str(_ours()["version"]))
    assert task.task_definition == {"type": JOB_TYPE, "retries": "5"}
    assert task.inputs == {
        "operationType": "addQueueItem",
        "authentication.type": "oauth-client-credentials-flow",
        "authentication.clientId": "{{secrets.UIPATH_CLIENT_ID}}",
        "authentication.clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
        "authentication.scopes": "OR.Queues",
        "authentication.clientAuthentication": "credentialsBody",
        "cloudUrl": "cloud.uipath.com",
        "cloudOrg": "acme",
        "cloudTenant": "DefaultTenant",
        "folderPath": "Shared/Finance",
        "queueName": "Invoices",
        "deferDate": "2026-01-15",
        "dueDate": "2026-01-20T09:30:00Z",
        "priority": "High",
        "specificContent": '={"InvoiceId": invoiceId, "Amount": 12}',
        "reference": "INV-7",
        "connectionTimeoutInSeconds": "45",
    }
    assert task.headers == {
        "elementTemplateVersion": str(_ours()["version"]),
        "elementTemplateId": "uipath-connector.UiPath.v1",
        "resultVariable": "addResult",
        "resultExpression": "={itemId: response.body.Id}",
        "errorExpression": '=if error.code = "409" then ignoreError({}) else null',
        "retryBackoff": "PT1M",
        "jobTimeout": "PT2M",
    }
    assert task.properties == {"folderSelection": "folderPath"}

    request = bind_as_the_worker_does(task.job_variables())
    assert request.input.queue_name == "Invoices"
    assert request.input.specific_content == {"InvoiceId": "INV-7", "Amount": 12}
    assert request.input.priority.value == "High"
    assert request.configuration.folder_path == "Shared/Finance"
    assert request.configuration.organization_unit_id is None
    assert request.configuration.connection_timeout_in_seconds == 45
    assert (request.authentication.client_id, request.authentication.client_secret) == ("app-id", "app-secret")
    assert image.is_file()
    assert image.stat().st_size > 10_000


def test_get_queue_item_through_the_menu_binds_every_field(modeler_page: Path, tmp_path: Path) -> None:
    shot, image = _screenshot(tmp_path, "element-template-get-queue-item-result-by-id.png")
    steps = [
        {"action": "menu", "search": "uipath", "entry": "Get queue item result by ID (uipath-connector)"},
        {"action": "check", "name": "fresh"},
        _set("Authentication", "Bearer token", "{{secrets.UIPATH_BEARER_TOKEN}}"),
        _set("Configuration", "UiPath instance URL", "https://uipath.example.com/acme/DefaultTenant/orchestrator_"),
        _set("Configuration", "Folder", "folderKey"),
        _set("Configuration", "Folder key", "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50"),
        _set("Input", "Item ID", "436141352"),
        _set("Output", "Result expression", "={itemStatus: response.body.value[1].Status, done: true}"),
        {"action": "check", "name": "filled"},
        {"action": "export", "name": "filled"},
        shot,
    ]
    result = drive(modeler_page, tmp_path, [_ours(), _camunda()], steps)

    assert result["checks"]["fresh"]["errors"] == {
        "Authentication/Bearer token": "Bearer token must not be empty.",
        "Configuration/Organization unit ID": "Organization unit ID must not be empty.",
        "Input/Item ID": "Item ID must not be empty.",
    }
    assert result["checks"]["filled"]["errors"] == {}
    task = ExportedTask.parse(result["exports"]["filled"])
    assert task.inputs == {
        "operationType": "getItemById",
        "authentication.type": "bearer",
        "authentication.token": "{{secrets.UIPATH_BEARER_TOKEN}}",
        "cloudUrl": "https://uipath.example.com/acme/DefaultTenant/orchestrator_",
        "folderKey": "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50",
        "itemId": "436141352",
        "connectionTimeoutInSeconds": "20",
    }
    assert task.headers["resultExpression"] == "={itemStatus: response.body.value[1].Status, done: true}"
    assert task.task_definition == {"type": JOB_TYPE, "retries": "3"}
    assert task.properties == {"folderSelection": "folderKey"}
    request = bind_as_the_worker_does(task.job_variables())
    assert request.input.item_id == 436141352
    assert request.authentication.token == "bearer-1"
    assert request.configuration.folder_key == "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50"
    assert image.is_file()
    assert image.stat().st_size > 10_000


# --- migration from Camunda's UiPath template --------------------------------------------------------------


def _effective(request: Any) -> Any:
    """The request as the connector uses it: Camunda's fixed token endpoint equals the one derived for
    cloud.uipath.com (UiPath's identity endpoint ``https://cloud.uipath.com/identity_/connect/token``)."""
    authentication = request.authentication
    if getattr(authentication, "oauth_token_endpoint", None) == "https://cloud.uipath.com/identity_/connect/token":
        assert request.configuration.cloud_url == "cloud.uipath.com"
        authentication = attrs.evolve(authentication, oauth_token_endpoint=None)
    return attrs.evolve(request, authentication=authentication)


CAMUNDA_ADD = [
    {"action": "menu", "search": "add queue item", "entry": "Add queue item"},  # Camunda's step
    _set("Authentication", "Type", "bearer"),
    _set("Authentication", "Bearer token", "{{secrets.UIPATH_BEARER_TOKEN}}"),
    _set("Configuration", "UiPath organization", "acme"),
    _set("Configuration", "UiPath tenant", "DefaultTenant"),
    _set("Configuration", "Organization unit ID", "1964413"),
    _set("Input", "Queue name", "Invoices"),
    _set("Input", "Defer date", "2026-01-15"),
    _set("Input", "Due date", "2026-02-01"),
    _set("Input", "Priority", "Normal"),
    _set("Input", "Specific content for a UiPath job", '={"InvoiceId": invoiceId}'),
    _set("Input", "Reference", "INV-7"),
    _set("Output", "Result variable", "addResult"),
    _set("Error handling", "Connection timeout", "45"),
    _set("Error handling", "Error expression", '=if error.code = "404" then bpmnError("404", "gone") else null'),
    _set("Retries", "Retries", "4"),
    _set("Retries", "Retry backoff", "PT10S"),
    _set("Retries", "Job timeout", "PT5M"),
]
CAMUNDA_GET = [
    {"action": "menu", "search": "get queue item", "entry": "Get queue item result by ID"},  # Camunda's step
    _set("Authentication", "Type", "oauth-client-credentials-flow"),
    _set("Authentication", "Client ID", "{{secrets.UIPATH_CLIENT_ID}}"),
    _set("Authentication", "Client secret", "{{secrets.UIPATH_CLIENT_SECRET}}"),
    _set("Configuration", "UiPath organization", "acme"),
    _set("Configuration", "UiPath tenant", "DefaultTenant"),
    _set("Configuration", "Organization unit ID", "1964413"),
    _set("Input", "Item ID", "436141352"),
    _set("Output", "Result variable", "getResult"),
]
#: Two ways a modeler changes the template: the step of the same operation in the "Change element" menu, and
#: Template > Change (the template chooser applies the template without a preset).
MIGRATIONS = {
    "add, bearer, by the menu step": (
        CAMUNDA_ADD,
        {"action": "menu", "search": "uipath-connector", "entry": "Add queue item (uipath-connector)"},
    ),
    "get, oauth, by Template > Change": (
        CAMUNDA_GET,
        {"action": "apply", "templateId": "uipath-connector.UiPath.v1", "version": 2},
    ),
}


@pytest.mark.parametrize("how", list(MIGRATIONS))
def test_changing_from_camundas_template_keeps_every_value(modeler_page: Path, tmp_path: Path, how: str) -> None:
    fill, change = MIGRATIONS[how]
    change = {**change, "version": _ours()["version"]} if change["action"] == "apply" else change
    steps = [
        *fill,
        {"action": "check", "name": "camunda"},
        {"action": "export", "name": "before"},
        change,
        {"action": "check", "name": "migrated"},
        {"action": "export", "name": "after"},
    ]
    result = drive(modeler_page, tmp_path, [_camunda(), _ours()], steps)
    assert result["checks"]["camunda"]["errors"] == {}
    # Nothing to re-enter: no field of the migrated task is empty or invalid.
    assert result["checks"]["migrated"]["errors"] == {}

    before = ExportedTask.parse(result["exports"]["before"])
    after = ExportedTask.parse(result["exports"]["after"])
    assert before.template == ("io.camunda.connectors.UIPath.v1", "7")
    assert after.template == ("uipath-connector.UiPath.v1", str(_ours()["version"]))
    assert after.task_definition == {"type": JOB_TYPE, "retries": before.task_definition["retries"]}

    # Every value entered survives, under the same variable; only Camunda's REST mappings (and its fixed token
    # endpoint, derived by the worker instead) go.
    kept = {t: s for t, s in before.inputs.items() if t not in CAMUNDA_REST_INPUTS}
    kept.pop("authentication.oauthTokenEndpoint", None)
    assert {t: s for t, s in after.inputs.items() if t in kept} == kept
    assert "organizationUnitId" in after.inputs
    assert after.inputs["organizationUnitId"] == "1964413"
    assert not CAMUNDA_REST_INPUTS & set(after.inputs)
    for header in ("resultVariable", "resultExpression", "errorExpression", "retryBackoff", "jobTimeout"):
        assert after.headers.get(header) == before.headers.get(header), header
    assert after.properties == {"folderSelection": "organizationUnitId"}

    # The worker receives the same request before and after the change.
    request_before = bind_as_the_worker_does(before.job_variables(leave_out=CAMUNDA_REST_INPUTS))
    request_after = bind_as_the_worker_does(after.job_variables())
    assert _effective(request_after) == _effective(request_before)
    assert request_after.configuration.organization_unit_id == 1964413


# --- any other template of the project: applied through the menu, no error, every default bound -----------------

OTHER_TEMPLATES = sorted(p for p in (ROOT / "element-templates").glob("*.json") if p != OURS_FILE)


@pytest.mark.parametrize("path", OTHER_TEMPLATES, ids=lambda path: path.name)
def test_every_other_template_applies_through_the_menu_with_its_defaults(
    modeler_page: Path, tmp_path: Path, path: Path
) -> None:
    template = json.loads(path.read_text(encoding="utf-8"))
    element = template["elementType"]["value"]
    if element not in template["appliesTo"]:
        # A template for an element type it changes into (a task becoming a receive task) starts from its first.
        element = template["appliesTo"][0]
    steps = [
        {"action": "menu", "search": template["name"][:12], "entry": template["name"]},
        {"action": "check", "name": "fresh"},
        {"action": "export", "name": "applied"},
    ]
    scenario = {"templates": [template], "element": {"type": element, "id": "Element_1"}, "steps": steps}
    result = drive_scenario(modeler_page, tmp_path, scenario)

    assert result["checks"]["fresh"]["errors"] == {}
    root = ET.fromstring(result["exports"]["applied"].encode("utf-8"))
    process = root.find(f"{BPMN}process")
    assert process is not None
    (node,) = list(process)
    local = template["elementType"]["value"].removeprefix("bpmn:")
    assert node.tag == BPMN + local[0].lower() + local[1:]
    assert node.get(f"{ZEEBE}modelerTemplate") == template["id"]
    assert node.get(f"{ZEEBE}modelerTemplateVersion") == str(template["version"])
    messages = {m.get("id"): m for m in root.iter(f"{BPMN}message")}
    for prop in template["properties"]:
        binding = prop["binding"]
        if "value" not in prop:
            continue
        if binding["type"] == "bpmn:Message#property":
            assert [m.get(binding["name"]) for m in messages.values()] == [prop["value"]], prop
        elif binding["type"] == "bpmn:Message#zeebe:subscription#property":
            subscriptions = [s.get(binding["name"]) for m in messages.values() for s in m.iter(f"{ZEEBE}subscription")]
            assert subscriptions == [prop["value"]], prop
        elif binding["type"] == "zeebe:input":
            inputs = {i.get("target"): i.get("source") for i in node.iter(f"{ZEEBE}input")}
            assert inputs.get(binding["name"]) == prop["value"], prop
        elif binding["type"] == "zeebe:taskHeader":
            headers = {h.get("key"): h.get("value") for h in node.iter(f"{ZEEBE}header")}
            assert headers.get(binding["key"]) == prop["value"], prop


# --- every step of our template, fresh: only required fields without a value are flagged --------------------


@pytest.mark.parametrize("step", [step["name"] for step in json.loads(OURS_FILE.read_text("utf-8"))["steps"]])
def test_every_step_applied_fresh_flags_only_required_empty_fields(
    modeler_page: Path, tmp_path: Path, step: str
) -> None:
    steps = [
        {"action": "menu", "search": "uipath-connector", "entry": step},
        {"action": "check", "name": "fresh"},
        {"action": "export", "name": "fresh"},
    ]
    # The docs show each operation's panel: filled in by the tests above where there is one, as applied here.
    slug = step.removesuffix(" (uipath-connector)").lower().replace(" ", "-")
    if slug not in {"add-queue-item", "get-queue-item-result-by-id"}:
        shot, _ = _screenshot(tmp_path, f"element-template-{slug}.png")
        steps.append(shot)
    result = drive(modeler_page, tmp_path, [_ours(), _camunda()], steps)
    fresh = result["checks"]["fresh"]
    assert fresh["sections"] == SECTIONS
    task = ExportedTask.parse(result["exports"]["fresh"])
    required_labels = {
        prop["label"]
        for prop in _ours()["properties"]
        if prop.get("constraints", {}).get("notEmpty") and "value" not in prop
    }
    for field, error in fresh["errors"].items():
        label = field.split("/", 1)[1]
        assert label in required_labels, f"{field} is flagged but may be empty: {error}"
        assert error == f"{label} must not be empty.", field
    # What the step chose is in the XML, and the worker's job type with it.
    preset = next(
        p for p in _ours()["presets"] if p["id"] == next(s for s in _ours()["steps"] if s["name"] == step)["presetId"]
    )
    for property_id, value in preset["properties"].items():
        prop = next(p for p in _ours()["properties"] if p.get("id") == property_id)
        assert task.inputs[prop["binding"]["name"]] == value
    assert task.task_definition["type"] == JOB_TYPE
