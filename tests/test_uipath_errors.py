"""HTTP and network errors: Camunda's codes, UiPath's message/errorCode/traceId, HTML and text bodies."""

from __future__ import annotations

import pytest
import requests
import responses
from conftest import ADD_URL, ITEMS_URL, FakeTime, job, make_connector

from uipath_connector.sdk import ConnectorError
from uipath_connector.uipath import (
    OrchestratorConnectionError,
    OrchestratorError,
    OrchestratorNotFoundError,
    OrchestratorPermissionError,
    RetryPolicy,
    TokenCache,
    UiPathConnector,
)

PREFIX = "Orchestrator answered 404 Not Found to POST /odata/Queues/UiPathODataSvc.AddQueueItem: "


@pytest.mark.parametrize(
    ("body", "expected", "code", "trace"),
    [
        (
            {"message": "test does not exist.", "errorCode": 1002, "traceId": "00-abc-01", "resourceIds": None},
            "test does not exist. (errorCode 1002, traceId 00-abc-01)",
            1002,
            "00-abc-01",
        ),
        (
            {"Message": "test does not exist.", "ErrorCode": 1002, "TraceId": "00-abc-02"},
            "test does not exist. (errorCode 1002, traceId 00-abc-02)",
            1002,
            "00-abc-02",
        ),
        (
            {
                "message": "An error has occurred.",
                "errorCode": 0,
                "success": False,
                "error": {"code": 0, "message": "An error has occurred.", "details": "Queue missing"},
                "unAuthorizedRequest": False,
                "__abp": True,
            },
            "An error has occurred. (Queue missing) (errorCode 0)",
            0,
            None,
        ),
        (
            "<!DOCTYPE html><html><body>Page not found</body></html>",
            "the answer is an HTML page, not an Orchestrator API error; check cloudUrl, cloudOrg and cloudTenant",
            None,
            None,
        ),
        ("Not\r\n  here", "Not here", None, None),
        ("", "[no message]", None, None),
        ([{"message": "a"}, 2], '[{"message":"a"},2]', None, None),
    ],
)
def test_http_error_messages(
    mocked: responses.RequestsMock,
    connector: UiPathConnector,
    body: object,
    expected: str,
    code: int | None,
    trace: str | None,
) -> None:
    if isinstance(body, (dict, list)):
        mocked.add("POST", ADD_URL, json=body, status=404)
    else:
        mocked.add("POST", ADD_URL, body=body, status=404, content_type="text/html" if "html" in body else "text/plain")
    with pytest.raises(OrchestratorNotFoundError) as caught:
        connector.execute(job("addQueueItem"))
    error = caught.value
    assert isinstance(error, ConnectorError)
    assert str(error) == PREFIX + expected
    assert error.error_code == "404"
    assert error.status == 404
    assert error.uipath_error_code == code
    assert error.trace_id == trace
    assert set(error.variables) == {"response"}
    assert set(error.variables["response"]) == {"headers", "body"}  # type: ignore[arg-type]
    assert error.variables["response"]["body"] == (body if body != "" else None)  # type: ignore[index]


def test_permission_error(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    mocked.add("GET", ITEMS_URL, json={"message": "You are not authorized!", "errorCode": 0}, status=403)
    with pytest.raises(OrchestratorPermissionError) as caught:
        connector.execute(job("getItemById"))
    assert isinstance(caught.value, OrchestratorError)
    assert (
        str(caught.value)
        == "Orchestrator answered 403 Forbidden to GET /odata/QueueItems: You are not authorized! (errorCode 0)"
    )


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (
            requests.exceptions.ReadTimeout("read timed out"),
            "408",
            "The request timed out. Please try increasing the read and connection timeouts. (GET /odata/QueueItems; "
            "host cloud.uipath.com; read timed out)",
        ),
        (
            requests.exceptions.SSLError("certificate verify failed: self-signed certificate"),
            "SSL_HANDSHAKE_FAILED",
            "TLS handshake failed: certificate verify failed: self-signed certificate. Check the server's certificate "
            "(GET /odata/QueueItems; host cloud.uipath.com)",
        ),
        (
            requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(10 bytes read)"),
            "408",
            "An error occurred while executing the request, or the connection was aborted (GET /odata/QueueItems; "
            "host cloud.uipath.com; Connection broken: IncompleteRead(10 bytes read))",
        ),
        (
            requests.exceptions.InvalidHeader("bad header"),
            "500",
            "Error while executing an HTTP request: InvalidHeader (GET /odata/QueueItems; host cloud.uipath.com; "
            "bad header)",
        ),
    ],
)
def test_network_errors_use_camunda_codes(
    mocked: responses.RequestsMock,
    fake_time: FakeTime,
    token_cache: TokenCache,
    failure: Exception,
    code: str,
    message: str,
) -> None:
    connector = make_connector(fake_time, token_cache, retry_policy=RetryPolicy.disabled())
    mocked.add("GET", ITEMS_URL, body=failure)
    with pytest.raises(OrchestratorConnectionError) as caught:
        connector.execute(job("getItemById"))
    assert caught.value.error_code == code
    assert str(caught.value) == message


def test_timeouts_come_from_connection_timeout(mocked: responses.RequestsMock, connector: UiPathConnector) -> None:
    seen: list[object] = []
    mocked.add_callback(
        "GET",
        ITEMS_URL,
        callback=lambda request: seen.append(request.req_kwargs["timeout"]) or (200, {}, '{"value": []}'),
    )  # type: ignore[func-returns-value]
    connector.execute(job("getItemById", connectionTimeoutInSeconds=7))
    connector.execute(job("getItemById", connectionTimeoutInSeconds=0))
    assert seen == [(7.0, 7.0), (300.0, 300.0)]


def test_unknown_item_is_an_empty_collection_not_an_error(
    mocked: responses.RequestsMock, connector: UiPathConnector
) -> None:
    mocked.add("GET", ITEMS_URL, json={"@odata.context": "x", "@odata.count": 0, "value": []})
    assert connector.execute(job("getItemById", itemId=1)).body == {
        "@odata.context": "x",
        "@odata.count": 0,
        "value": [],
    }
