"""The committed UiPath element template: generated from the records, agreeing with them in both directions."""

from __future__ import annotations

import itertools
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from uipath_connector.cli import main
from uipath_connector.runtime import Complete, Fail, run_job
from uipath_connector.sdk import (
    ConnectorInputError,
    MapSecretProvider,
    bind,
    connector_metadata,
    outbound_connector,
    record_discriminator,
    record_plan,
    replace_secrets,
)
from uipath_connector.templates import (
    ModelerError,
    model_task,
    render_template,
    versioning_problems,
)
from uipath_connector.uipath import (
    INPUT_VARIABLES,
    JOB_TYPE,
    AddQueueItemRequest,
    BearerAuthentication,
    ClientAuthentication,
    GetQueueItemRequest,
    OAuthClientCredentialsAuthentication,
    OperationRequest,
    Priority,
    UiPathConnector,
    uipath_template,
    uipath_template_path,
)
from uipath_connector.uipath._template import TEMPLATE_VERSION

ROOT = Path(__file__).resolve().parent.parent
LATEST = ROOT / "element-templates" / "uipath-connector.json"
VERSIONED = sorted((ROOT / "element-templates" / "versioned").glob("uipath-connector-*.json"))


def _committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LATEST.read_text(encoding="utf-8"))
    return data


def _inputs(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in template["properties"] if p["binding"]["type"] == "zeebe:input"]


def test_the_committed_template_is_what_the_records_generate() -> None:
    generated = render_template(uipath_template())
    committed = LATEST.read_text(encoding="utf-8") if LATEST.exists() else ""
    assert committed == generated, (
        "element-templates/uipath-connector.json is out of date with the records: "
        "run `uipath-connector template` to regenerate it (and bump TEMPLATE_VERSION if a modeler can see the change)"
    )


def test_the_check_command_agrees(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["template", "--check"]) == 0
    assert capsys.readouterr().out == "element-templates/uipath-connector.json is up to date\n"


def test_the_task_type_is_the_runtime_job_type() -> None:
    task_types = [
        p for p in _committed()["properties"] if p["binding"] == {"type": "zeebe:taskDefinition", "property": "type"}
    ]
    assert len(task_types) == 1
    assert task_types[0]["type"] == "Hidden"
    assert task_types[0]["value"] == JOB_TYPE == "uipath-connector:uipath:1"


def _variables_read(target: Any, prefix: str = "") -> set[str]:
    """Every variable path the records read, walked independently of the generator."""
    members = [m for m in typing.get_args(target) if m is not type(None)]
    if members and all(record_discriminator(m) for m in members):
        tag = record_discriminator(members[0])
        assert tag is not None
        names = {prefix + tag[0]}
        for member in members:
            names |= _variables_read(member, prefix)
        return names
    names = set()
    for field in record_plan(target).fields:
        if field.embedded is not None:
            names |= _variables_read(field.embedded.cls, prefix)
        elif typing.get_args(field.target) and all(record_discriminator(m) for m in typing.get_args(field.target)):
            names |= _variables_read(field.target, f"{prefix}{field.spec.name}.")
        else:
            names.add(prefix + field.spec.name)
    return names


def test_every_input_binding_is_a_variable_the_records_read_and_back() -> None:
    read = _variables_read(OperationRequest)
    bound = {p["binding"]["name"] for p in _inputs(_committed())}
    assert bound - read == set(), "the template maps variables the records do not read"
    assert read - bound == set(), "the records read variables that the template cannot set"
    for prop in _inputs(_committed()):
        if prop["type"] == "Hidden":  # deliberately hidden: must carry the value it sends
            assert prop.get("value") not in (None, ""), prop


def test_the_records_read_the_variables_of_camunda_template() -> None:
    camunda_v7_variables = {
        "operationType",
        "authentication.type",
        "authentication.token",
        "authentication.oauthTokenEndpoint",
        "authentication.clientId",
        "authentication.clientSecret",
        "authentication.scopes",
        "authentication.clientAuthentication",
        "cloudUrl",
        "cloudOrg",
        "cloudTenant",
        "organizationUnitId",
        "queueName",
        "deferDate",
        "dueDate",
        "priority",
        "specificContent",
        "reference",
        "itemId",
        "connectionTimeoutInSeconds",
    }
    bound = {p["binding"]["name"] for p in _inputs(_committed())}
    assert camunda_v7_variables <= bound
    assert bound - camunda_v7_variables == {"folderPath", "folderKey", "commitType", "queueItems"}


def test_template_level_facts() -> None:
    template = _committed()
    assert template["$schema"] == "https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json"
    assert template["id"] == "uipath-connector.UiPath.v1"
    assert not template["id"].startswith("io.camunda")
    assert template["engines"] == {"camunda": "^8.3"}
    assert template["appliesTo"] == ["bpmn:Task"]
    assert template["elementType"] == {"value": "bpmn:ServiceTask"}
    assert template["category"] == {"id": "connectors", "name": "Connectors"}
    assert template["icon"]["contents"].startswith("data:image/svg+xml;utf8,%3Csvg ")
    assert [g["id"] for g in template["groups"]] == [
        "operation",
        "authentication",
        "configuration",
        "input",
        "connector",
        "output",
        "errors",
        "retries",
    ]
    headers = {p["id"]: p.get("value") for p in template["properties"] if p["binding"]["type"] == "zeebe:taskHeader"}
    assert headers["id"] == template["id"]
    assert headers["version"] == str(template["version"])
    assert headers["retryBackoff"] == "PT30S"
    retries = next(p for p in template["properties"] if p["binding"].get("property") == "retries")
    assert retries["value"] == "3"
    assert [s["presetId"] for s in template["steps"]] == [
        "operationType_addQueueItem",
        "operationType_getItemById",
        "operationType_bulkAddQueueItems",
    ]
    assert template["presets"] == [
        {"id": "operationType_addQueueItem", "properties": {"operationType": "addQueueItem"}},
        {"id": "operationType_getItemById", "properties": {"operationType": "getItemById"}},
        {"id": "operationType_bulkAddQueueItems", "properties": {"operationType": "bulkAddQueueItems"}},
    ]
    assert render_template(template).endswith("}\n")


def test_secret_fields_hint_at_secret_placeholders() -> None:
    by_binding = {p["binding"]["name"]: p for p in _inputs(_committed())}
    for name in ("authentication.token", "authentication.clientId", "authentication.clientSecret"):
        assert re.search(r"\{\{secrets\.[A-Z_]+\}\}", by_binding[name]["placeholder"]), name


# --- versioning ---------------------------------------------------------------------------------------------


def test_versioned_files_are_older_versions_of_the_same_template() -> None:
    assert versioning_problems(LATEST) == []
    for path in VERSIONED:  # also frozen means: still a valid template of the same id (validated elsewhere)
        assert json.loads(path.read_text(encoding="utf-8"))["id"] == _committed()["id"]


# --- the Modeler applies the template: the job variables bind -------------------------------------------------

SECRETS = MapSecretProvider(
    {"UIPATH_BEARER_TOKEN": "pat-123", "UIPATH_CLIENT_ID": "app-id", "UIPATH_CLIENT_SECRET": "app-secret"}
)
AUTH_VALUES: dict[str, dict[str, str]] = {
    "bearer": {"authenticationType": "bearer", "authentication.token": "{{secrets.UIPATH_BEARER_TOKEN}}"},
    "oauth-client-credentials-flow": {
        "authenticationType": "oauth-client-credentials-flow",
        "authentication.clientId": "{{secrets.UIPATH_CLIENT_ID}}",
        "authentication.clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
    },
}
FOLDER_VALUES: dict[str, dict[str, str]] = {
    "organizationUnitId": {"organizationUnitId": "1964413"},
    "folderPath": {"folderSelection": "folderPath", "folderPath": "Shared/Finance"},
    "folderKey": {"folderSelection": "folderKey", "folderKey": "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50"},
}
OPERATION_VALUES: dict[str, dict[str, str]] = {
    "operationType_addQueueItem": {"queueName": "Invoices"},
    "operationType_getItemById": {"itemId": "436141352"},
}
COMMON = {"cloudOrg": "acme", "cloudTenant": "DefaultTenant"}


def _feel_literal(expression: str) -> object:
    """The FEEL values these tests type are JSON-compatible literals (a context with quoted keys)."""
    return json.loads(expression)


def _bind_as_the_runtime_does(variables: dict[str, Any]) -> Any:
    replaced = replace_secrets(json.dumps(variables), SECRETS)
    assert replaced.missing == ()
    return bind(json.loads(replaced.text), OperationRequest)


@pytest.mark.parametrize(
    ("preset", "auth", "folder"),
    list(itertools.product(OPERATION_VALUES, AUTH_VALUES, FOLDER_VALUES)),
)
def test_each_preset_with_defaults_binds(preset: str, auth: str, folder: str) -> None:
    values = {**COMMON, **AUTH_VALUES[auth], **FOLDER_VALUES[folder], **OPERATION_VALUES[preset]}
    task = model_task(_committed(), preset=preset, values=values, evaluate_feel=_feel_literal)

    request = _bind_as_the_runtime_does(task.variables)

    assert task.task_definition == {"type": JOB_TYPE, "retries": "3"}
    assert task.extension_properties == {"folderSelection": folder}
    configuration = request.configuration
    assert configuration.cloud_url == "cloud.uipath.com"
    assert configuration.connection_timeout_in_seconds == 20
    folder_value = {
        "organizationUnitId": configuration.organization_unit_id,
        "folderPath": configuration.folder_path,
        "folderKey": configuration.folder_key,
    }
    assert [name for name, value in folder_value.items() if value is not None] == [folder]
    if auth == "bearer":
        assert request.authentication == BearerAuthentication(token="pat-123")
        assert set(task.variables["authentication"]) == {"type", "token"}
    else:
        assert request.authentication == OAuthClientCredentialsAuthentication(
            client_id="app-id",
            client_secret="app-secret",
            scopes="OR.Queues",
            client_authentication=ClientAuthentication.BASIC_AUTH_HEADER,
            oauth_token_endpoint=None,
        )
    if preset == "operationType_addQueueItem":
        assert isinstance(request, AddQueueItemRequest)
        assert request.input.queue_name == "Invoices"
        assert request.input.priority is Priority.LOW
        assert task.headers["resultExpression"] == "={itemId: response.body.Id}"
        assert "itemId" not in task.variables
    else:
        assert isinstance(request, GetQueueItemRequest)
        assert request.input.item_id == 436141352
        assert task.headers["resultExpression"] == "={itemStatus: response.body.value[1].Status}"
        assert "queueName" not in task.variables
        assert "priority" not in task.variables
    assert task.headers == {
        "resultExpression": task.headers["resultExpression"],
        "retryBackoff": "PT30S",
        "elementTemplateVersion": str(TEMPLATE_VERSION),
        "elementTemplateId": "uipath-connector.UiPath.v1",
    }


def test_every_field_filled_binds_with_the_values_typed() -> None:
    values = {
        **COMMON,
        **AUTH_VALUES["oauth-client-credentials-flow"],
        **FOLDER_VALUES["organizationUnitId"],
        "authentication.scopes": "OR.Queues.Write",
        "authentication.clientAuthentication": "credentialsBody",
        "authentication.oauthTokenEndpoint": "https://uipath.example.com/identity_/connect/token",
        "cloudUrl": "https://uipath.example.com/acme/DefaultTenant/orchestrator_",
        "connectionTimeoutInSeconds": "45",
        "queueName": "Invoices",
        "deferDate": "2026-01-15",
        "dueDate": "2026-02-01T09:30:00Z",
        "priority": "High",
        "specificContent": '={"InvoiceId": "INV-1", "Amount": 12.5, "Urgent": true}',
        "reference": "INV-1",
        "resultVariable": "uipathResponse",
        "errorExpression": '=if error.code = "404" then bpmnError("404", "no queue") else null',
        "retryCount": "5",
        "retryBackoff": "PT1M",
        "jobTimeout": "PT5M",
    }
    task = model_task(_committed(), preset="operationType_addQueueItem", values=values, evaluate_feel=_feel_literal)
    request = _bind_as_the_runtime_does(task.variables)

    assert request.input.specific_content == {"InvoiceId": "INV-1", "Amount": 12.5, "Urgent": True}
    assert request.input.priority is Priority.HIGH
    assert (request.input.defer_date, request.input.due_date) == ("2026-01-15", "2026-02-01T09:30:00Z")
    assert request.authentication.client_authentication is ClientAuthentication.CREDENTIALS_BODY
    assert request.authentication.scopes == "OR.Queues.Write"
    assert request.configuration.connection_timeout_in_seconds == 45
    assert task.task_definition["retries"] == "5"
    assert task.headers["jobTimeout"] == "PT5M"
    assert task.headers["resultVariable"] == "uipathResponse"
    assert task.headers["errorExpression"].startswith("=if error.code")


def test_the_modeler_flags_a_missing_queue_name() -> None:
    values = {**COMMON, **AUTH_VALUES["bearer"], **FOLDER_VALUES["organizationUnitId"]}
    with pytest.raises(ModelerError, match=r"^queueName: must not be empty$"):
        model_task(_committed(), preset="operationType_addQueueItem", values=values)


def test_the_modeler_flags_an_empty_chosen_folder() -> None:
    values = {**COMMON, **AUTH_VALUES["bearer"], "folderSelection": "folderPath", "itemId": "7"}
    with pytest.raises(ModelerError, match=r"^folderPath: must not be empty$"):
        model_task(_committed(), preset="operationType_getItemById", values=values)


ACCEPTED_DATES = ["2026-01-15", "2026-01-15T09:30:00Z", "2026-01-15T09:30:00.1234567+02:00", "2026-01-15t09:30Z"]
REFUSED_DATES = ["15/01/2026", "2026-1-15", "tomorrow", "20260115", " 2026-01-15", "2026-01-15T09:30:00"]
ADD_VALUES = {**COMMON, **AUTH_VALUES["bearer"], **FOLDER_VALUES["organizationUnitId"], "queueName": "Q"}


DATE_MESSAGE = (
    "deferDate: Must be a date yyyy-MM-dd or an ISO-8601 date-time with an offset (Z or ±hh:mm), "
    "e.g. 2026-01-15 or 2026-01-15T09:30:00Z"
)


def _template_accepts(date: str) -> bool:
    try:
        model_task(_committed(), preset="operationType_addQueueItem", values={**ADD_VALUES, "deferDate": date})
    except ModelerError as error:
        if str(error) != DATE_MESSAGE:  # any other complaint is a mistake in the test's own values
            raise
        return False
    return True


def _records_accept(date: str) -> bool:
    variables = model_task(_committed(), preset="operationType_addQueueItem", values=ADD_VALUES).variables
    try:
        _bind_as_the_runtime_does({**variables, "deferDate": date})
    except ConnectorInputError:
        return False
    return True


@pytest.mark.parametrize("date", ACCEPTED_DATES)
def test_the_date_constraint_lets_through_what_the_records_accept(date: str) -> None:
    assert _records_accept(date)
    assert _template_accepts(date)


@pytest.mark.parametrize("date", REFUSED_DATES)
def test_malformed_dates_are_flagged_in_the_modeler_and_refused_by_the_records(date: str) -> None:
    assert not _records_accept(date)
    assert not _template_accepts(date)


# --- what the Modeler lets through, the worker accepts --------------------------------------------------------

GET_VALUES = {**COMMON, **AUTH_VALUES["bearer"], **FOLDER_VALUES["organizationUnitId"], "itemId": "436141352"}


def _modeler_message(preset: str, values: dict[str, str], property_id: str) -> str | None:
    """The Modeler's complaint about ``property_id`` (``None`` when it has none); other complaints fail the test."""
    try:
        model_task(_committed(), preset=preset, values=values, evaluate_feel=lambda expression: 7)
    except ModelerError as error:
        message = str(error)
    else:
        return None
    assert message.startswith(f"{property_id}: "), message
    return message


def test_a_feel_value_is_allowed_in_every_patterned_field() -> None:
    """Zeebe evaluates any input mapping that starts with `=`; Camunda's template lets modelers type one anywhere."""
    inputs = {p["id"]: p for p in _inputs(_committed()) if p.get("constraints", {}).get("pattern")}
    assert set(inputs) >= {"deferDate", "dueDate", "folderKey", "organizationUnitId", "itemId"}
    for property_id, prop in inputs.items():
        assert re.search(prop["constraints"]["pattern"]["value"], "=someVariable"), property_id

    values = {**ADD_VALUES, "deferDate": "=deferUntil", "dueDate": '=string(date("2026-02-01"))'}
    evaluated = {"deferUntil": "2026-01-15", 'string(date("2026-02-01"))': "2026-02-01"}
    task = model_task(
        _committed(), preset="operationType_addQueueItem", values=values, evaluate_feel=evaluated.__getitem__
    )
    request = _bind_as_the_runtime_does(task.variables)
    assert (request.input.defer_date, request.input.due_date) == ("2026-01-15", "2026-02-01")


@pytest.mark.parametrize(
    ("property_id", "text"),
    [("itemId", "436141352"), ("itemId", "007"), ("organizationUnitId", "1964413"), ("itemId", "{{secrets.ITEM}}")],
)
def test_whole_number_fields_accept_what_the_records_accept(property_id: str, text: str) -> None:
    values = {**GET_VALUES, property_id: text}
    assert _modeler_message("operationType_getItemById", values, property_id) is None
    secrets = MapSecretProvider({"ITEM": "42"})
    task = model_task(_committed(), preset="operationType_getItemById", values=values)
    bind(json.loads(replace_secrets(json.dumps(task.variables), secrets).text), OperationRequest)


@pytest.mark.parametrize(
    ("property_id", "text"),
    [("itemId", "abc"), ("itemId", "0"), ("itemId", "42.0"), ("organizationUnitId", "Shared"), ("itemId", "-5")],
)
def test_whole_number_fields_flag_what_the_records_refuse(property_id: str, text: str) -> None:
    values = {**GET_VALUES, property_id: text}
    assert _modeler_message("operationType_getItemById", values, property_id) == (
        f"{property_id}: Must be a positive whole number"
    )
    variables = {**model_task(_committed(), preset="operationType_getItemById", values=GET_VALUES).variables}
    variables[property_id] = text
    with pytest.raises(ConnectorInputError, match=property_id):
        _bind_as_the_runtime_does(variables)


class _Seed:
    """A connector that answers every job with one of the response envelopes of Camunda's UiPath docs."""

    def __init__(self, name: str) -> None:
        self.envelope = json.loads((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))

    def execute(self, context: object) -> object:
        return self.envelope


def _run(headers: dict[str, str], seed: str = "seed_add_queue_item_response.json") -> Any:
    function = outbound_connector(name="Seed", type=JOB_TYPE, input_variables=[])(_Seed)(seed)
    return run_job(function, variables={}, custom_headers=headers, retries=3)


@pytest.mark.parametrize(
    ("preset", "seed", "expected"),
    [
        ("operationType_addQueueItem", "seed_add_queue_item_response.json", {"itemId": 436141352}),
        ("operationType_getItemById", "seed_get_queue_item_response.json", {"itemStatus": "New"}),
    ],
)
def test_the_prefilled_result_expression_maps_the_seed_response(
    preset: str, seed: str, expected: dict[str, object]
) -> None:
    values = {**COMMON, **AUTH_VALUES["bearer"], **FOLDER_VALUES["organizationUnitId"], **OPERATION_VALUES[preset]}
    headers = model_task(_committed(), preset=preset, values=values, evaluate_feel=_feel_literal).headers
    assert _run(headers, seed) == Complete(expected)


@pytest.mark.parametrize("duration", ["PT30S", "PT5M", "P1DT2H", "PT0.5S", "PT1H30M", "P2D"])
def test_durations_the_modeler_accepts_run(duration: str) -> None:
    for property_id in ("retryBackoff", "jobTimeout"):
        values = {**GET_VALUES, property_id: duration}
        assert _modeler_message("operationType_getItemById", values, property_id) is None
        headers = model_task(_committed(), preset="operationType_getItemById", values=values).headers
        assert isinstance(_run(headers), Complete), (property_id, duration)


@pytest.mark.parametrize("duration", ["PT0S", "P0D", "PT0.000S"])
def test_a_zero_job_timeout_is_flagged_because_the_worker_refuses_it(duration: str) -> None:
    values = {**GET_VALUES, "jobTimeout": duration}
    assert _modeler_message("operationType_getItemById", values, "jobTimeout") == (
        "jobTimeout: Must be an ISO-8601 duration longer than zero, such as PT30S, PT5M or P1DT2H"
    )
    outcome = _run({"jobTimeout": duration})
    assert isinstance(outcome, Fail)
    assert outcome.retries == 0
    # A zero backoff is fine: the retry happens at once.
    assert _modeler_message("operationType_getItemById", {**GET_VALUES, "retryBackoff": duration}, "x") is None


@pytest.mark.parametrize("duration", ["30", "PT", "P1DT", "30s", "PT-5S", "P1Y"])
def test_malformed_durations_are_flagged(duration: str) -> None:
    for property_id in ("retryBackoff", "jobTimeout"):
        values = {**GET_VALUES, property_id: duration}
        assert _modeler_message("operationType_getItemById", values, property_id) is not None, (property_id, duration)


def test_the_worker_fetches_every_variable_the_template_maps_and_nothing_else() -> None:
    """Workers fetch only INPUT_VARIABLES (as Camunda's fetchVariables); a mapped variable outside it would be lost."""
    mapped = {p["binding"]["name"].split(".")[0] for p in _inputs(_committed())}
    assert mapped == set(INPUT_VARIABLES)
    assert connector_metadata(UiPathConnector).input_variables == INPUT_VARIABLES
    assert connector_metadata(UiPathConnector).type == JOB_TYPE


# --- docs/element-template.md describes the committed file ----------------------------------------------------


def _documented_fields() -> list[tuple[str, list[str], str]]:
    """(field labels, variable names, default) of each row of the field table in docs/element-template.md."""
    text = (ROOT / "docs" / "element-template.md").read_text(encoding="utf-8")
    table = text.split("## Fields and the job variables they set", 1)[1].split("\n\n")[2]
    rows: list[tuple[str, list[str], str]] = []
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if cells[2].startswith("`") and not cells[2].startswith("`zeebe:"):  # the other rows name their binding
            rows.append((cells[1], re.findall(r"`([^`]+)`", cells[2]), cells[4]))
    return rows


def test_the_docs_field_table_matches_the_template() -> None:
    by_name = {p["binding"]["name"]: p for p in _inputs(_committed())}
    documented = {name for _, names, _ in _documented_fields() for name in names}
    assert documented == set(by_name), "docs/element-template.md's field table and the template's inputs differ"
    for labels, names, default in _documented_fields():
        for label, name in zip(labels.split(", "), names, strict=True):
            assert by_name[name]["label"] == label, name
            documented_default = re.fullmatch(r"`([^`]+)`", default)
            if documented_default:
                assert by_name[name].get("value") == documented_default.group(1), name


# --- what a modeler meets in a real Modeler (issue: migration, false errors, order, menu) ---------------------

CAMUNDA_TEMPLATES = ROOT / "node_modules" / "@camunda" / "connectors-element-templates" / "src" / "element-templates"


def _committed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(uipath_template_path(ROOT).read_text(encoding="utf-8"))
    return loaded


def test_every_optional_pattern_accepts_the_empty_value_the_panel_tests() -> None:
    # The properties panel tests a pattern against an empty field too; every field a modeler may leave empty
    # (no notEmpty) must accept "" or a fresh task shows red errors on fields the modeler never needs.
    checked = []
    for prop in _committed()["properties"]:
        constraints = prop.get("constraints", {})
        if "pattern" in constraints and not constraints.get("notEmpty"):
            # "" as the Problems panel's lint rule tests it, "undefined" as the properties panel does.
            assert re.search(constraints["pattern"]["value"], "") is not None, prop["id"]
            assert re.search(constraints["pattern"]["value"], "undefined") is not None, prop["id"]
            assert re.search(constraints["pattern"]["value"], "not valid") is None, prop["id"]
            checked.append(prop["id"])
    assert checked == [
        "deferDate",
        "dueDate",
        "connectionTimeoutInSeconds",
        "jobTimeout",
    ]


def test_sections_come_in_camundas_order_input_output_error_handling() -> None:
    template = _committed()
    order: list[str] = []
    for prop in template["properties"]:
        group = prop.get("group")
        if group and prop["type"] != "Hidden" and group not in order:
            order.append(group)
    assert order == ["operation", "authentication", "configuration", "input", "output", "errors", "retries"]
    assert [group["id"] for group in template["groups"]] == [
        "operation",
        "authentication",
        "configuration",
        "input",
        "connector",
        "output",
        "errors",
        "retries",
    ]


def test_applied_without_a_step_the_operation_is_add_queue_item() -> None:
    operation = next(p for p in _committed()["properties"] if p.get("id") == "operationType")
    assert operation["value"] == "addQueueItem"
    task = model_task(_committed(), values={"organizationUnitId": "1", "queueName": "Q", "authentication.token": "t"})
    assert task.variables["operationType"] == "addQueueItem"


def test_the_organization_unit_id_does_not_depend_on_the_folder_selector_value() -> None:
    # Changing a task from Camunda's template evaluates our conditions before folderSelection exists.
    unit = next(p for p in _committed()["properties"] if p.get("id") == "organizationUnitId")
    assert unit["condition"] == {
        "allMatch": [{"property": "folderPath", "isActive": False}, {"property": "folderKey", "isActive": False}]
    }


def test_documentation_ref_is_the_projects_own_page() -> None:
    ref = _committed()["documentationRef"]
    assert not ref.startswith("https://docs.camunda.io"), "the link must lead to this project's documentation"
    # [project.urls] entries (read without tomllib, which Python 3.10 lacks): Documentation, then Homepage/Repository.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[project\.urls\]\n((?:(?!\[).*\n)*)", pyproject, re.MULTILINE)
    urls = dict(re.findall(r'^"?(\w+)"?\s*=\s*"([^"]+)"', section.group(1), re.MULTILINE)) if section else {}
    home = urls.get("Documentation") or urls.get("Homepage") or urls.get("Repository")
    if home:
        assert ref.startswith(home.rstrip("/")), f"documentationRef should point under [project.urls]: {home}"
    else:
        assert ref == "https://pypi.org/project/uipath-connector/"


@pytest.mark.skipif(
    not CAMUNDA_TEMPLATES.is_dir(),
    reason="Camunda's templates come from node_modules (run `npm ci`): node check",
)
def test_step_names_differ_from_camundas_uipath_steps() -> None:
    camunda = json.loads((CAMUNDA_TEMPLATES / "uipath-connector.json").read_text(encoding="utf-8"))
    theirs = {step["name"] for version in camunda for step in version.get("steps", [])}
    ours = [step["name"] for step in _committed()["steps"]]
    assert theirs == {"Add queue item", "Get queue item result by ID"}
    assert ours == [
        "Add queue item (uipath-connector)",
        "Get queue item result by ID (uipath-connector)",
        "Bulk add queue items (uipath-connector)",
    ]
    assert not theirs & set(ours)
