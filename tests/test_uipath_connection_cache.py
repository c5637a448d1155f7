"""The connector keeps one bound connection (configuration, authentication, client) per connection variables."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from conftest import ITEMS_URL, SECRETS, job

from uipath_connector.sdk import ConnectorInputError
from uipath_connector.testing import OutboundConnectorContextBuilder
from uipath_connector.uipath import TokenCache, UiPathConnector
from uipath_connector.uipath._connector import _CONNECTIONS_CACHED


def _get(connector: UiPathConnector, **variables: Any) -> None:
    connector.execute(job("getItemById", **variables))


def _job_with_token(token: str, item_id: int) -> Any:
    variables = {
        "operationType": "getItemById",
        "authentication": {"type": "bearer", "token": "{{secrets.T}}"},
        "cloudOrg": "camunda1",
        "cloudTenant": "DefaultTenant",
        "organizationUnitId": "1964413",
        "itemId": item_id,
    }
    return OutboundConnectorContextBuilder.create().variables(variables).secret("T", token).build()


@responses.activate
def test_jobs_of_one_connection_share_a_client_and_bind_their_input() -> None:
    responses.get(ITEMS_URL, json={"value": []})
    connector = UiPathConnector(token_cache=TokenCache())
    _get(connector, itemId=1)
    _get(connector, itemId=2)
    assert len(connector._clients) == 1
    assert [call.request.url.split("Id%20eq%20")[1][:1] for call in responses.calls] == ["1", "2"]
    # A bad input on a cached connection is the same input error, by variable path, and sends nothing.
    with pytest.raises(ConnectorInputError) as caught:
        _get(connector, itemId=0)
    assert str(caught.value) == "Invalid input: itemId: must be at least 1, got 0"
    assert len(responses.calls) == 2


@responses.activate
def test_a_rotated_secret_gets_its_own_connection() -> None:
    responses.get(ITEMS_URL, json={"value": []})
    connector = UiPathConnector(token_cache=TokenCache())
    connector.execute(_job_with_token("token-one", 1))
    connector.execute(_job_with_token("token-two", 2))
    sent = [call.request.headers["Authorization"] for call in responses.calls]
    assert sent == ["Bearer token-one", "Bearer token-two"]


@responses.activate
def test_a_changed_connection_variable_is_bound_and_checked_again() -> None:
    responses.get(ITEMS_URL, json={"value": []})
    connector = UiPathConnector(token_cache=TokenCache())
    _get(connector)
    with pytest.raises(ConnectorInputError) as caught:
        _get(connector, organizationUnitId="0")
    assert str(caught.value) == "Invalid input: organizationUnitId: must be at least 1, got 0"


@responses.activate
def test_the_cache_is_bounded() -> None:
    responses.get(ITEMS_URL, json={"value": []})
    connector = UiPathConnector(token_cache=TokenCache())
    for index in range(_CONNECTIONS_CACHED + 5):
        connector.execute(_job_with_token(f"token-{index}", 1))
    assert len(connector._clients) == _CONNECTIONS_CACHED
    assert SECRETS  # the shared secrets are untouched
