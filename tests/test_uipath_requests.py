"""Exact requests and envelopes of both operations, folder headers, URL shapes and injection attempts."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import requests
import responses
from conftest import ADD_URL, BASE, ITEMS_URL, FakeTime, job, make_connector, seed_envelope, seed_reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uipath_connector.sdk import ConnectorInputError, connector_metadata
from uipath_connector.uipath import (
    INPUT_VARIABLES,
    JOB_TYPE,
    AddQueueItemInput,
    BearerAuthentication,
    Configuration,
    OrchestratorClient,
    Priority,
    RetryPolicy,
    TokenCache,
    UiPathConnector,
)


def test_add_queue_item_exact_request_and_seed_envelope(
    mocked: responses.RequestsMock, connector: UiPathConnector
) -> None:
    seed_reply(mocked, "POST", ADD_URL, "add")
    envelope = connector.execute(job("addQueueItem")).to_dict()
    assert envelope == seed_envelope("add")
    request = mocked.calls[0].request
    assert request.url == ADD_URL
    assert request.headers["Authorization"] == "Bearer bearer-token-1"
    assert request.headers["X-UIPATH-OrganizationUnitId"] == "1964413"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert not any(name.startswith("X-UIPATH-Folder") for name in request.headers)
    assert request.body == (
        b'{"itemData":{"DeferDate":"2023-01-12T00:00:00Z","Priority":"Low","Name":"test",'
        b'"SpecificContent":{"test":"test"},"Reference":"test"}}'
    )


def test_add_omits_absent_keys(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    seed_reply(mocked, "POST", ADD_URL, "add")
    connector.execute(job("addQueueItem", deferDate=None, reference=None, specificContent=None, priority=None))
    assert json.loads(mocked.calls[0].request.body) == {"itemData": {"Priority": "Low", "Name": "test"}}


def test_get_queue_item_exact_request_and_seed_envelope(
    mocked: responses.RequestsMock, connector: UiPathConnector
) -> None:
    seed_reply(mocked, "GET", ITEMS_URL, "get")
    envelope = connector.execute(job("getItemById", itemId="436141352")).to_dict()
    assert envelope == seed_envelope("get")
    request = mocked.calls[0].request
    assert request.url == ITEMS_URL + "?$filter=Id%20eq%20436141352&$count=true"
    assert request.headers["Authorization"] == "Bearer bearer-token-1"
    assert request.headers["X-UIPATH-OrganizationUnitId"] == "1964413"
    assert "Content-Type" not in request.headers
    # The result expression of Camunda's template `response.body.value[1].Status` (FEEL is 1-based).
    assert envelope["body"]["value"][0]["Status"] == "New"  # type: ignore[index]


def test_connector_metadata() -> None:
    metadata = connector_metadata(UiPathConnector)
    assert metadata.type == JOB_TYPE == "uipath-connector:uipath:1"
    assert metadata.name == "UiPath Connector"
    assert metadata.input_variables == INPUT_VARIABLES
    assert "operationType" in INPUT_VARIABLES
    assert "authentication" in INPUT_VARIABLES


@pytest.mark.parametrize(
    ("folder", "header", "value"),
    [
        ({"folderPath": "Shared/Finance"}, "X-UIPATH-FolderPath", "Shared/Finance"),
        ({"folderPath": "Finanças/Contas"}, "X-UIPATH-FolderPath-Encoded", "RgBpAG4AYQBuAOcAYQBzAC8AQwBvAG4AdABhAHMA"),
        ({"folderPath": "/Shared"}, "X-UIPATH-FolderPath-Encoded", "LwBTAGgAYQByAGUAZAA="),
        (
            {"folderKey": "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50"},
            "X-UIPATH-FolderKey",
            "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50",
        ),
    ],
)
def test_folder_headers(
    mocked: responses.RequestsMock, connector: UiPathConnector, folder: dict[str, str], header: str, value: str
) -> None:
    seed_reply(mocked, "GET", ITEMS_URL, "get")
    connector.execute(job("getItemById", organizationUnitId=None, **folder))
    headers = mocked.calls[0].request.headers
    assert headers[header] == value
    assert [name for name in headers if name.upper().startswith("X-UIPATH-")] == [header]


@pytest.mark.parametrize(
    ("variables", "base", "token_endpoint"),
    [
        (
            {"cloudUrl": "cloud.uipath.com:8443"},
            "https://cloud.uipath.com:8443/camunda1/DefaultTenant/orchestrator_",
            "https://cloud.uipath.com:8443/identity_/connect/token",
        ),
        (
            {"cloudUrl": "https://suite.example.com/org/tenant/orchestrator_/"},
            "https://suite.example.com/org/tenant/orchestrator_",
            "https://suite.example.com/identity_/connect/token",
        ),
        (
            {"cloudUrl": "https://orch.example.com", "cloudOrg": None, "cloudTenant": None},
            "https://orch.example.com",
            "https://orch.example.com/identity/connect/token",
        ),
        (
            {"cloudOrg": "my org/..", "cloudTenant": "t?x=1#f%"},
            "https://cloud.uipath.com/my%20org%2F../t%3Fx%3D1%23f%25/orchestrator_",
            "https://cloud.uipath.com/identity_/connect/token",
        ),
    ],
)
def test_url_shapes(variables: dict[str, Any], base: str, token_endpoint: str) -> None:
    request = job("getItemById", **variables).bind_variables(
        __import__("uipath_connector.uipath").uipath.OperationRequest
    )
    client = OrchestratorClient(request.configuration, request.authentication)
    assert client.base_url == base
    assert client.token_endpoint == token_endpoint


def test_http_refused_unless_allowed(fake_time: FakeTime, token_cache: TokenCache) -> None:
    strict = make_connector(fake_time, token_cache)
    with pytest.raises(ConnectorInputError) as caught:
        strict.execute(job("getItemById", cloudUrl="http://127.0.0.1:8080", cloudOrg=None))
    assert str(caught.value) == (
        "Invalid input: cloudUrl: http:// is refused because it would send credentials unencrypted; use https:// "
        "(plain http is only possible when the connector is created with allow_insecure_http=True)"
    )
    relaxed = make_connector(fake_time, token_cache, allow_insecure_http=True)
    with responses.RequestsMock() as mock:
        mock.add("GET", "http://127.0.0.1:8080/odata/QueueItems", json={"value": []})
        assert relaxed.execute(job("getItemById", cloudUrl="http://127.0.0.1:8080")).body == {"value": []}


def test_python_api_with_records(mocked: responses.RequestsMock) -> None:
    seed_reply(mocked, "POST", ADD_URL, "add")
    client = OrchestratorClient(
        Configuration(cloud_org="camunda1", cloud_tenant="DefaultTenant", organization_unit_id=1964413),
        BearerAuthentication(token="tok"),
        retry_policy=RetryPolicy.disabled(),
    )
    response = client.add_queue_item(
        AddQueueItemInput(queue_name="test", priority=Priority.HIGH, specific_content={"a": 1}, reference="r")
    )
    assert response.status == 201
    assert response.body["Id"] == 436141352
    assert json.loads(mocked.calls[0].request.body) == {
        "itemData": {"Priority": "High", "Name": "test", "SpecificContent": {"a": 1}, "Reference": "r"}
    }


def test_python_client_keeps_one_session_per_thread(
    mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests.Session is not thread-safe: a client shared by threads must not share one.
    users: dict[int, set[int]] = {}
    lock = threading.Lock()
    original = requests.Session.request

    def recording_request(self: requests.Session, *args: Any, **kwargs: Any) -> requests.Response:
        with lock:
            users.setdefault(id(self), set()).add(threading.get_ident())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording_request)
    mocked.add("GET", ITEMS_URL, json={"value": []})
    client = OrchestratorClient(
        Configuration(cloud_org="camunda1", cloud_tenant="DefaultTenant", organization_unit_id=1964413),
        BearerAuthentication(token="tok"),
    )
    barrier = threading.Barrier(4)

    def calls(_: int) -> None:
        barrier.wait(5)
        for _ in range(5):
            client.get_queue_item(1)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(calls, range(4)))
    assert len(mocked.calls) == 20
    assert len(users) == 4
    assert all(len(threads) == 1 for threads in users.values())


def test_records_are_valid_when_constructed_and_name_the_keyword() -> None:
    # The same rules and messages as binding, named by the Python keyword instead of the job variable.
    with pytest.raises(ConnectorInputError) as caught:
        AddQueueItemInput(queue_name="q" * 51)
    assert [str(p) for p in caught.value.problems] == ["queue_name: must be at most 50 characters long, got 51"]
    with pytest.raises(ConnectorInputError) as caught:
        AddQueueItemInput(queue_name="q", specific_content={"x": {"y": 1}})
    assert str(caught.value) == (
        "Invalid input: specific_content: Property values must be simple (like numbers or text): 'x' is an object"
    )
    with pytest.raises(ConnectorInputError, match=r"^Invalid input: queue_name: must not be empty$"):
        AddQueueItemInput(queue_name="")
    with pytest.raises(ConnectorInputError, match=r"^Invalid input: queue_name: must be str, got int$"):
        AddQueueItemInput(queue_name=5)  # type: ignore[arg-type]
    with pytest.raises(ConnectorInputError, match=r"^Invalid input: priority: must be Priority, got str$"):
        AddQueueItemInput(queue_name="q", priority="High")  # type: ignore[arg-type]
    with pytest.raises(ConnectorInputError, match=r"connection_timeout_in_seconds: must be at most 300, got 301"):
        Configuration(cloud_org="o", cloud_tenant="t", organization_unit_id=1, connection_timeout_in_seconds=301)
    with pytest.raises(ConnectorInputError, match=r"token: must not be empty"):
        BearerAuthentication(token=" ")


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({}, "organization_unit_id: is required (or give folder_path or folder_key instead)"),
        (
            {"organization_unit_id": 1, "folder_path": "Shared"},
            "organization_unit_id, folder_path: give only one folder (the server would use just one of them)",
        ),
        (
            {"folder_path": "Shared", "folder_key": "2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50"},
            "folder_path, folder_key: give only one folder (the server would use just one of them)",
        ),
        (
            {"organization_unit_id": 1, "cloud_org": None},
            "cloud_org: is required when cloud_url is a host name (the organization is part of the URL)",
        ),
        ({"organization_unit_id": 1, "cloud_tenant": ".."}, "cloud_tenant: '..' is not a valid tenant name"),
        (
            {"organization_unit_id": 1, "cloud_org": "a\ud800"},
            "cloud_org: contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text",
        ),
        (
            {"organization_unit_id": 1, "cloud_url": "cloud.uipath.com/evil"},
            "cloud_url: a host name must not contain '/'; give a full https:// URL for Automation Suite or on-premises",
        ),
    ],
)
def test_configuration_checks_across_fields_name_the_keywords(keywords: dict[str, Any], message: str) -> None:
    # The same checks name job variables for a job (tests/test_uipath_records.py); a Python caller reads keywords.
    arguments: dict[str, Any] = {"cloud_org": "o", "cloud_tenant": "t", **keywords}
    with pytest.raises(ConnectorInputError) as caught:
        Configuration(**arguments)
    assert str(caught.value) == f"Invalid input: {message}"


def test_clients_check_their_arguments_naming_the_keyword() -> None:
    client = OrchestratorClient(
        Configuration(cloud_org="o", cloud_tenant="t", organization_unit_id=1), BearerAuthentication(token="tok")
    )
    with pytest.raises(ConnectorInputError, match=r"item_id: must be at least 1, got 0"):
        client.get_queue_item(0)
    with pytest.raises(ConnectorInputError, match=r"^Invalid input: configuration: must be a Configuration record$"):
        OrchestratorClient({"cloudOrg": "o"}, BearerAuthentication(token="tok"))  # type: ignore[arg-type]


def test_reference_filter_escapes_quotes(ordered: responses.RequestsMock, connector: UiPathConnector) -> None:
    import requests

    ordered.add("POST", ADD_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    ordered.add("GET", ITEMS_URL, json={"value": [{"Id": 7, "CreationTime": "2023-01-20T10:13:21Z"}]})
    connector.execute(job("addQueueItem", reference="O'Brien & Co #1 50%", queueName="Q'1"))
    query = urlsplit(ordered.calls[1].request.url).query
    assert query == (
        "$filter=Reference%20eq%20'O''Brien%20%26%20Co%20%231%2050%25'%20and%20QueueDefinitionName%20eq%20'Q''1'"
        "&$orderby=Id%20desc&$top=10"
    )
    assert (
        unquote(query.split("&")[0]) == "$filter=Reference eq 'O''Brien & Co #1 50%' and QueueDefinitionName eq 'Q''1'"
    )


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda t: t.strip() not in ("", ".", "..") and t == t.strip()
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(org=_TEXT, tenant=_TEXT)
def test_any_org_and_tenant_stay_one_segment_each(org: str, tenant: str) -> None:
    client = OrchestratorClient(
        Configuration(cloud_org=org, cloud_tenant=tenant, organization_unit_id=1), BearerAuthentication(token="t")
    )
    parts = urlsplit(client.base_url + "/odata/QueueItems")
    assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("https", "cloud.uipath.com", "", "")
    segments = parts.path.split("/")
    assert len(segments) == 6
    assert [unquote(segments[1]), unquote(segments[2])] == [org, tenant]
    assert segments[3:] == ["orchestrator_", "odata", "QueueItems"]


@settings(max_examples=100)
@given(reference=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=128))
def test_any_reference_makes_one_well_formed_literal(reference: str) -> None:
    from uipath_connector.uipath._urls import odata_string

    literal = odata_string(reference)
    inner = literal[1:-1]
    assert literal[0] == literal[-1] == "'"
    # Every quote inside is doubled, so the literal cannot end early.
    assert inner.replace("''", "").count("'") == 0
    assert inner.replace("''", "'") == reference


def test_base_url_constant() -> None:
    assert BASE.endswith("/orchestrator_")
