"""Credentials go only to hosts the worker's operator allows: a job pointing elsewhere fails before any request."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from uipath_connector.http import CredentialHosts
from uipath_connector.runtime import Fail, run_job
from uipath_connector.sdk import MapSecretProvider
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

SECRETS = {"ID": "app-id-value", "SECRET": "app-secret-value", "TOKEN": "bearer-token-value"}
SETTING = "UIPATH_CONNECTOR_CREDENTIAL_HOSTS"


def job(**overrides: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "operationType": "getItemById",
        "authentication": {
            "type": "oauth-client-credentials-flow",
            "clientId": "{{secrets.ID}}",
            "clientSecret": "{{secrets.SECRET}}",
        },
        "cloudUrl": "cloud.uipath.com",
        "cloudOrg": "acme",
        "cloudTenant": "DefaultTenant",
        "organizationUnitId": "1",
        "itemId": 7,
    }
    variables.update(overrides)
    return variables


def run(connector: UiPathConnector, variables: dict[str, Any]) -> Fail:
    # No URL is registered: any request at all would fail the test with a ConnectionError from `responses`.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        outcome = run_job(connector, variables=variables, retries=3, secret_provider=MapSecretProvider(SECRETS))
        assert len(mock.calls) == 0
    assert isinstance(outcome, Fail)
    return outcome


@pytest.fixture
def connector(monkeypatch: pytest.MonkeyPatch) -> UiPathConnector:
    monkeypatch.delenv(SETTING, raising=False)
    return UiPathConnector(retry_policy=RetryPolicy.disabled(), token_cache=TokenCache())


def test_a_token_endpoint_elsewhere_is_refused_naming_the_field_the_host_and_the_setting(
    connector: UiPathConnector,
) -> None:
    variables = job()
    variables["authentication"]["oauthTokenEndpoint"] = "https://collector.evil.example/token"
    outcome = run(connector, variables)
    assert outcome.retries == 0
    assert outcome.message.startswith(
        "Invalid input: authentication.oauthTokenEndpoint: the host collector.evil.example is not one credentials "
        f"may be sent to; the worker's operator allows hosts with the setting {SETTING} (allowed now: "
        "cloud.uipath.com, govcloud.uipath.us, *.dedicated.uipath.com)"
    )


@pytest.mark.parametrize("cloud_url", ["evil.example", "https://cloud.uipath.com.evil.example", "dedicated.uipath.com"])
def test_a_cloud_url_elsewhere_is_refused_for_bearer_tokens_too(connector: UiPathConnector, cloud_url: str) -> None:
    outcome = run(connector, job(cloudUrl=cloud_url, authentication={"type": "bearer", "token": "{{secrets.TOKEN}}"}))
    assert outcome.message.startswith("Invalid input: cloudUrl: the host ")
    assert "is not one credentials may be sent to" in outcome.message


def test_a_derived_token_endpoint_is_reported_once_under_cloud_url(connector: UiPathConnector) -> None:
    outcome = run(connector, job(cloudUrl="https://orchestrator.corp.example"))
    assert outcome.message.startswith("Invalid input: cloudUrl: the host orchestrator.corp.example is not")
    assert "oauthTokenEndpoint" not in outcome.message


def test_the_operator_adds_hosts_with_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING, "orchestrator.corp.example, *.identity.corp.example")
    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), token_cache=TokenCache())
    variables = job(cloudUrl="https://orchestrator.corp.example")
    variables["authentication"]["oauthTokenEndpoint"] = "https://eu.identity.corp.example/connect/token"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add("POST", "https://eu.identity.corp.example/connect/token", json={"access_token": "t", "expires_in": 60})
        mock.add(
            "GET",
            "https://orchestrator.corp.example/odata/QueueItems",
            json={"value": []},
        )
        outcome = run_job(connector, variables=variables, retries=3, secret_provider=MapSecretProvider(SECRETS))
    assert not isinstance(outcome, Fail), outcome


def test_uipath_cloud_hosts_are_allowed_by_default() -> None:
    hosts = UiPathConnector().credential_hosts
    assert [hosts.allows(host) for host in ("cloud.uipath.com", "govcloud.uipath.us", "acme.dedicated.uipath.com")] == [
        True,
        True,
        True,
    ]
    assert not hosts.allows("127.0.0.1")


def test_loopback_is_allowed_only_with_allow_insecure_http() -> None:
    assert UiPathConnector(allow_insecure_http=True).credential_hosts.allows("127.0.0.1")
    assert UiPathConnector(allow_insecure_http=True).credential_hosts.allows("::1")
    assert not UiPathConnector(allow_insecure_http=True).credential_hosts.allows("10.0.0.1")


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("Cloud.UiPath.COM", True),
        ("cloud.uipath.com.", True),
        ("x.cloud.uipath.com", False),
        ("a.b.dedicated.uipath.com", True),
        ("dedicated.uipath.com", False),
        ("evildedicated.uipath.com", False),
        ("", False),
    ],
)
def test_host_patterns_match_exactly_or_below_a_domain(host: str, allowed: bool) -> None:
    hosts = CredentialHosts.of(["cloud.uipath.com", "*.dedicated.uipath.com"])
    assert hosts.allows(host) is allowed
