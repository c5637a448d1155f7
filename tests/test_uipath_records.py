"""The connector's records: binding, exact input-error messages, and complete element-template hints."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from uipath_connector.sdk import ConnectorInputError, bind, record_plan, variable
from uipath_connector.sdk._fields import variable_spec
from uipath_connector.uipath import (
    AUTHENTICATION_TYPE_PROPERTY,
    OPERATIONS,
    AddQueueItemInput,
    AddQueueItemRequest,
    BearerAuthentication,
    ClientAuthentication,
    Configuration,
    GetQueueItemRequest,
    OAuthClientCredentialsAuthentication,
    OperationRequest,
    Priority,
)

BASE: dict[str, Any] = {
    "authentication": {"type": "bearer", "token": "tok"},
    "cloudOrg": "acme",
    "cloudTenant": "DefaultTenant",
    "organizationUnitId": "1964413",
}


def add(**overrides: Any) -> dict[str, Any]:
    return {**BASE, "operationType": "addQueueItem", "queueName": "Invoices", **overrides}


def get(**overrides: Any) -> dict[str, Any]:
    return {**BASE, "operationType": "getItemById", "itemId": 436141352, **overrides}


def problems(variables: dict[str, Any]) -> list[str]:
    with pytest.raises(ConnectorInputError) as caught:
        bind(variables, OperationRequest)
    return [str(problem) for problem in caught.value.problems]


def test_add_binds_with_camunda_defaults() -> None:
    request = bind(add(), OperationRequest)
    assert isinstance(request, AddQueueItemRequest)
    assert request.configuration == Configuration(
        cloud_org="acme", cloud_tenant="DefaultTenant", organization_unit_id=1964413
    )
    assert request.configuration.cloud_url == "cloud.uipath.com"
    assert request.configuration.connection_timeout_in_seconds == 20
    assert request.input == AddQueueItemInput(queue_name="Invoices")
    assert request.input.priority is Priority.LOW
    assert request.authentication == BearerAuthentication(token="tok")


def test_get_binds_item_id_from_decimal_text() -> None:
    request = bind(get(itemId=" 42 "), OperationRequest)
    assert isinstance(request, GetQueueItemRequest)
    assert request.input.item_id == 42


def test_dotted_authentication_names_nest() -> None:
    variables = {k: v for k, v in get().items() if k != "authentication"}
    variables.update(
        {
            "authentication.type": "oauth-client-credentials-flow",
            "authentication.clientId": "app",
            "authentication.clientSecret": "sec",
        }
    )
    request = bind(variables, OperationRequest)
    assert request.authentication == OAuthClientCredentialsAuthentication(client_id="app", client_secret="sec")
    assert request.authentication.client_authentication is ClientAuthentication.BASIC_AUTH_HEADER
    assert request.authentication.scopes == "OR.Queues"


def test_specific_content_as_json_text() -> None:
    request = bind(
        add(specificContent='{"Name": "n", "Age": 43, "Ok": false, "Name@odata.type": "#String"}'), OperationRequest
    )
    assert request.input.specific_content == {"Name": "n", "Age": 43, "Ok": False, "Name@odata.type": "#String"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"itemId": 0}, "itemId: must be at least 1, got 0"),
        ({"itemId": -5}, "itemId: must be at least 1, got -5"),
        ({"itemId": "1.5"}, "itemId: expected an integer, got '1.5'"),
        ({"itemId": "abc"}, "itemId: expected an integer, got 'abc'"),
        ({"itemId": True}, "itemId: expected an integer, got true"),
        ({"itemId": None}, "itemId: is required"),
    ],
)
def test_item_id_errors(overrides: dict[str, Any], expected: str) -> None:
    assert problems(get(**overrides)) == [expected]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"queueName": ""}, "queueName: must not be empty"),
        ({"queueName": "q" * 51}, "queueName: must be at most 50 characters long, got 51"),
        ({"reference": "r" * 129}, "reference: must be at most 128 characters long, got 129"),
        ({"priority": "Urgent"}, "priority: 'Urgent' is not one of Low, Normal, High"),
        (
            {"deferDate": "15.01.2026"},
            "deferDate: '15.01.2026' is not a date yyyy-MM-dd or an ISO-8601 date-time with an offset "
            "(Z or ±hh:mm), e.g. 2026-01-15 or 2026-01-15T09:30:00Z",
        ),
        (
            {"dueDate": "2026-02-30"},
            "dueDate: '2026-02-30' is not a date yyyy-MM-dd or an ISO-8601 date-time with an offset "
            "(Z or ±hh:mm), e.g. 2026-01-15 or 2026-01-15T09:30:00Z",
        ),
        (
            {"dueDate": "2026-01-15T09:30:00"},
            "dueDate: '2026-01-15T09:30:00' has no time zone offset; add Z or ±hh:mm "
            "(Orchestrator would read it as UTC), or give a date yyyy-MM-dd",
        ),
        (
            {"specificContent": {"Address": {"City": "Berlin"}}},
            "specificContent: Property values must be simple (like numbers or text): 'Address' is an object",
        ),
        (
            {"specificContent": {"Tags": ["a"]}},
            "specificContent: Property values must be simple (like numbers or text): 'Tags' is a list",
        ),
        (
            {"specificContent": '{"a": [1]}'},
            "specificContent: Property values must be simple (like numbers or text): 'a' is a list",
        ),
        (
            {"specificContent": "{not json"},
            "specificContent: is not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        (
            {"specificContent": "[1, 2]"},
            "specificContent: must be an object of simple values (or its JSON text), got JSON that is not an object",
        ),
        (
            {"specificContent": {"a:b": 1}},
            "specificContent: key 'a:b' must not contain any of : . , @ \" (only 'Name@odata.type' annotations "
            "may use @)",
        ),
        ({"connectionTimeoutInSeconds": -1}, "connectionTimeoutInSeconds: must be at least 0, got -1"),
        ({"connectionTimeoutInSeconds": 301}, "connectionTimeoutInSeconds: must be at most 300, got 301"),
        ({"organizationUnitId": None}, "organizationUnitId: is required (or give folderPath or folderKey instead)"),
        (
            {"folderPath": "Shared"},
            "organizationUnitId, folderPath: give only one folder (the server would use just one of them)",
        ),
        (
            {"organizationUnitId": None, "folderKey": "nope"},
            "folderKey: must be a folder key (a GUID such as 2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50)",
        ),
        (
            {"organizationUnitId": None, "folderPath": "Shared/"},
            "folderPath: must not end with '/' (write Shared/Finance, not Shared/Finance/)",
        ),
        (
            {"cloudOrg": None},
            "cloudOrg: is required when cloudUrl is a host name (the organization is part of the URL)",
        ),
        ({"cloudTenant": ".."}, "cloudTenant: '..' is not a valid tenant name"),
        (
            {"cloudUrl": "cloud.uipath.com/evil"},
            "cloudUrl: a host name must not contain '/'; give a full https:// URL for Automation Suite or on-premises",
        ),
        ({"cloudUrl": "https://user:pw@host"}, "cloudUrl: must not contain user information (user:password@)"),
        ({"cloudUrl": "https://host/orchestrator_?x=1"}, "cloudUrl: must not contain a query ('?...')"),
        ({"cloudUrl": "https://host/#frag"}, "cloudUrl: must not contain a fragment ('#...')"),
        ({"cloudUrl": "ftp://host"}, "cloudUrl: the scheme must be https://, got 'ftp://'"),
        ({"cloudUrl": "https://host/a/../b"}, "cloudUrl: the path must not contain '.' or '..' segments"),
    ],
)
def test_add_errors(overrides: dict[str, Any], expected: str) -> None:
    assert problems(add(**overrides)) == [expected]


def test_missing_operation_type() -> None:
    variables = add()
    del variables["operationType"]
    assert problems(variables) == ["operationType: is required: one of addQueueItem, getItemById, bulkAddQueueItems"]


def test_unknown_authentication_type() -> None:
    assert problems(add(authentication={"type": "basic"})) == [
        "authentication.type: 'basic' is not one of bearer, oauth-client-credentials-flow"
    ]


def test_accepted_dates_pass_through_unchanged() -> None:
    for text in ("2026-01-15", "2026-01-15T09:30:00Z", "2021-03-11T14:19:56.4407392Z", "2026-01-15T09:30+02:00"):
        assert bind(add(deferDate=text), OperationRequest).input.defer_date == text


def test_secrets_hidden_in_repr() -> None:
    auth = OAuthClientCredentialsAuthentication(client_id="ID-SENTINEL", client_secret="SECRET-SENTINEL")
    assert "SENTINEL" not in repr(auth)
    assert "SENTINEL" not in str(BearerAuthentication(token="SENTINEL"))


def test_input_variables_are_every_variable_the_records_read() -> None:
    known = record_plan(AddQueueItemRequest).known | record_plan(GetQueueItemRequest).known
    assert sorted(known) == [
        "authentication",
        "cloudOrg",
        "cloudTenant",
        "cloudUrl",
        "connectionTimeoutInSeconds",
        "deferDate",
        "dueDate",
        "folderKey",
        "folderPath",
        "itemId",
        "operationType",
        "organizationUnitId",
        "priority",
        "queueName",
        "reference",
        "specificContent",
    ]


def _leaf_specs(cls: type) -> list[Any]:
    specs = []
    for field in attrs.fields(cls):
        spec = variable_spec(field)
        if spec.embedded:
            specs.extend(_leaf_specs(field.type if isinstance(field.type, type) else _resolve(cls, field.name)))
        else:
            specs.append(spec)
    return specs


def _resolve(cls: type, name: str) -> type:
    import typing

    resolved: type = typing.get_type_hints(cls)[name]
    return resolved


@pytest.mark.parametrize(
    "cls",
    [
        AddQueueItemRequest,
        GetQueueItemRequest,
        BearerAuthentication,
        OAuthClientCredentialsAuthentication,
    ],
)
def test_every_field_has_template_hints(cls: type) -> None:
    for spec in _leaf_specs(cls):
        hints = spec.template
        assert hints.label, spec.name
        assert hints.description, spec.name
        assert hints.group in {"operation", "authentication", "configuration", "input", "errors"}, spec.name
        assert hints.type in {"String", "Dropdown", "Text", "Hidden"}, spec.name
        if hints.type == "Dropdown":
            assert hints.choices, spec.name
            assert hints.property_id, spec.name
        if spec.secret:
            assert "{{secrets." in hints.description, spec.name


def test_template_hints_match_camunda_v7() -> None:
    specs = {spec.name: spec for spec in _leaf_specs(AddQueueItemRequest) + _leaf_specs(GetQueueItemRequest)}
    assert specs["cloudUrl"].template.default == "cloud.uipath.com"
    assert specs["connectionTimeoutInSeconds"].template.default == "20"
    assert specs["priority"].template.default == "Low"
    assert specs["specificContent"].template.feel == "required"
    assert specs["itemId"].template.feel == "optional"
    # Which operation shows a field is derived from the request records that read it, not hinted per field.
    from uipath_connector.templates import PropertyCondition, record_properties

    shown = {
        prop.binding.name: prop.condition
        for prop in record_properties(OPERATIONS.request_type(), discriminator=OPERATIONS.dropdown())
    }
    assert shown["itemId"] == PropertyCondition.of("operationType", "getItemById")
    assert shown["queueName"] == PropertyCondition.of("operationType", "addQueueItem", "bulkAddQueueItems")
    assert specs["organizationUnitId"].template.tooltip == "UiPath folder or organization unit ID"
    assert specs["deferDate"].template.placeholder == "2026-01-15"
    assert specs["authentication"].template == AUTHENTICATION_TYPE_PROPERTY
    assert [c.value for c in OPERATIONS.dropdown().choices][:2] == ["addQueueItem", "getItemById"]
    oauth = {spec.name: spec for spec in _leaf_specs(OAuthClientCredentialsAuthentication)}
    assert oauth["scopes"].template.default == "OR.Queues"
    assert oauth["clientAuthentication"].template.default == "basicAuthHeader"


def test_simple_defaults_become_template_defaults() -> None:
    @attrs.frozen
    class Example:
        text: str = variable("text", default="x")
        number: int = variable("number", default=3)
        flag: bool = variable("flag", default=False)
        nothing: str | None = variable("nothing", default=None)

    defaults = [variable_spec(field).template.default for field in attrs.fields(Example)]
    assert defaults == ["x", "3", "false", None]


def test_choice_entries_validate_and_become_dropdown_entries() -> None:
    from uipath_connector.sdk import Choice

    @attrs.frozen
    class Example:
        mode: str = variable("mode", choices=(Choice("a", "Mode A"), Choice("b", "Mode B")))

    spec = variable_spec(attrs.fields(Example)[0])
    assert spec.choices == ("a", "b")
    assert spec.template.choices == (Choice("a", "Mode A"), Choice("b", "Mode B"))
    with pytest.raises(ConnectorInputError, match=r"mode: 'c' is not one of a, b"):
        bind({"mode": "c"}, Example)
