"""Every retry rule, with responses' ordered registry and a fake clock (nothing sleeps)."""

from __future__ import annotations

import json

import pytest
import requests
import responses
import urllib3.exceptions
from conftest import ADD_URL, ITEMS_URL, FakeTime, job, make_connector, seed

from uipath_connector.uipath import (
    RECOVERED_HEADER,
    DuplicateReferenceError,
    OrchestratorConnectionError,
    OrchestratorRateLimitError,
    OrchestratorServerError,
    QueueItemMayExistError,
    RetryPolicy,
    TokenCache,
    UiPathConnector,
)


def refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


def reset() -> requests.exceptions.ConnectionError:
    cause = urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset by peer"))
    return requests.exceptions.ConnectionError(cause)


CREATED = seed("add")["body"]
UNAVAILABLE = {"message": "Service Unavailable", "errorCode": 0}
DUPLICATE = {"message": "Error creating Transaction. Duplicate Reference.", "errorCode": 1016, "traceId": "00-t-01"}


def found(**extra: object) -> dict[str, object]:
    item = {k: v for k, v in CREATED.items() if k != "@odata.context"}
    item.update(extra)
    return {"@odata.context": "x#QueueItems", "value": [item]}


@pytest.mark.parametrize("failure", [refused(), requests.exceptions.ConnectTimeout("connect timed out")])
def test_post_retried_when_never_sent(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime, failure: Exception
) -> None:
    ordered.add("POST", ADD_URL, body=failure)
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    assert connector.execute(job("addQueueItem")).status == 201
    assert fake_time.sleeps == [0.5]


def test_429_with_retry_after_seconds(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime
) -> None:
    ordered.add("GET", ITEMS_URL, body="Too Many Requests\r\n", status=429, headers={"Retry-After": "7"})
    ordered.add("GET", ITEMS_URL, json={"value": []})
    assert connector.execute(job("getItemById")).status == 200
    assert fake_time.sleeps == [7.0]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_an_add_answered_with_an_unclear_status_is_looked_up_before_it_is_re_sent(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime, status: int
) -> None:
    # A proxy may give any of these after Orchestrator processed the request: never re-sent before a look-up.
    ordered.add("POST", ADD_URL, body="busy", status=status, headers={"Retry-After": "1"})
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    assert connector.execute(job("addQueueItem")).status == 201
    assert [call.request.method for call in ordered.calls] == ["POST", "GET", "POST"]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_an_add_without_reference_answered_with_an_unclear_status_is_an_incident(
    mocked: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime, status: int
) -> None:
    mocked.add("POST", ADD_URL, json={"message": "busy", "errorCode": 0}, status=status)
    with pytest.raises(QueueItemMayExistError) as caught:
        connector.execute(job("addQueueItem", reference=None))
    assert (caught.value.error_code, caught.value.retries) == (str(status), 0)
    assert str(caught.value).startswith(f"Add Queue Item to queue 'test' was sent but Orchestrator answered {status}")
    assert caught.value.variables["response"]["body"] == {"message": "busy", "errorCode": 0}  # type: ignore[index]
    assert len(mocked.calls) == 1
    assert fake_time.sleeps == []


def test_503_with_retry_after_http_date(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime
) -> None:
    # The fake wall clock starts at Fri, 20 Jan 2023 10:13:20 GMT.
    ordered.add(
        "GET", ITEMS_URL, json=UNAVAILABLE, status=503, headers={"Retry-After": "Fri, 20 Jan 2023 10:13:32 GMT"}
    )
    ordered.add("GET", ITEMS_URL, json={"value": []})
    assert connector.execute(job("getItemById")).status == 200
    assert fake_time.sleeps == [12.0]


def test_backoff_is_capped_exponential_and_attempts_bounded(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    policy = RetryPolicy(
        attempts=5, base_backoff_seconds=1, max_backoff_seconds=3, jitter_seconds=0, max_total_seconds=100
    )
    connector = make_connector(fake_time, token_cache, retry_policy=policy)
    for _ in range(5):
        ordered.add("GET", ITEMS_URL, json=UNAVAILABLE, status=503)
    with pytest.raises(OrchestratorServerError) as caught:
        connector.execute(job("getItemById"))
    assert fake_time.sleeps == [1, 2, 3, 3]
    assert caught.value.error_code == "503"
    assert len(ordered.calls) == 5


def test_total_time_bounds_retries(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    policy = RetryPolicy(
        attempts=10, base_backoff_seconds=4, max_backoff_seconds=4, jitter_seconds=0, max_total_seconds=10
    )
    connector = make_connector(fake_time, token_cache, retry_policy=policy)
    for _ in range(3):
        ordered.add("GET", ITEMS_URL, json=UNAVAILABLE, status=503)
    with pytest.raises(OrchestratorServerError):
        connector.execute(job("getItemById"))
    assert fake_time.sleeps == [4, 4]  # a third wait would end after 12 s > 10 s


def test_jitter_is_added(ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache) -> None:
    connector = make_connector(
        fake_time, token_cache, retry_policy=RetryPolicy(jitter_seconds=0.5), clock=fake_time.as_clock(rng=lambda: 0.5)
    )
    ordered.add("GET", ITEMS_URL, json=UNAVAILABLE, status=503)
    ordered.add("GET", ITEMS_URL, json={"value": []})
    connector.execute(job("getItemById"))
    assert fake_time.sleeps == [0.75]


def test_retry_after_beyond_cap_is_not_waited_but_reported(
    mocked: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime
) -> None:
    mocked.add("GET", ITEMS_URL, body="Too Many Requests\r\n", status=429, headers={"Retry-After": "120"})
    with pytest.raises(OrchestratorRateLimitError) as caught:
        connector.execute(job("getItemById"))
    assert fake_time.sleeps == []
    assert caught.value.error_code == "429"
    assert caught.value.backoff is not None
    assert caught.value.backoff.total_seconds() == 120
    assert (
        str(caught.value) == "Orchestrator answered 429 Too Many Requests to GET /odata/QueueItems: Too Many Requests"
    )


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_retried_for_get_only(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime, status: int
) -> None:
    ordered.add("GET", ITEMS_URL, body="bad gateway", status=status)
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, body="bad gateway", status=status)
    assert connector.execute(job("getItemById")).status == 200
    with pytest.raises(QueueItemMayExistError) as caught:
        connector.execute(job("addQueueItem", reference=None))
    assert caught.value.error_code == str(status)
    assert fake_time.sleeps == [0.5]


@pytest.mark.parametrize("status", [400, 403, 404, 409, 500])
def test_other_statuses_not_retried(mocked: responses.RequestsMock, connector: UiPathConnector, status: int) -> None:
    mocked.add("GET", ITEMS_URL, json={"message": "no", "errorCode": 1000}, status=status)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the class varies with the status
        connector.execute(job("getItemById"))
    assert getattr(caught.value, "error_code", None) == str(status)
    assert len(mocked.calls) == 1


def test_get_retried_after_reset_and_read_timeout(ordered: responses.RequestsMock, connector: UiPathConnector) -> None:
    ordered.add("GET", ITEMS_URL, body=reset())
    ordered.add("GET", ITEMS_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    ordered.add("GET", ITEMS_URL, json={"value": []})
    assert connector.execute(job("getItemById")).status == 200


def test_disabled_policy_makes_one_attempt(
    mocked: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    connector = make_connector(fake_time, token_cache, retry_policy=RetryPolicy.disabled())
    mocked.add("GET", ITEMS_URL, body=refused())
    with pytest.raises(OrchestratorConnectionError) as caught:
        connector.execute(job("getItemById"))
    assert caught.value.error_code == "408"
    assert str(caught.value) == (
        "An error occurred while executing the request, or the connection was aborted (GET /odata/QueueItems; "
        "host cloud.uipath.com; Failed to establish a new connection: [Errno 111] refused)"
    )
    assert caught.value.request_sent is False
    assert len(mocked.calls) == 1


# --- an Add Queue Item whose fate is unknown ----------------------------------------------------------------


@pytest.mark.parametrize("failure", [reset(), requests.exceptions.ReadTimeout("read timed out")])
def test_ambiguous_post_without_reference_is_not_resent(
    mocked: responses.RequestsMock, connector: UiPathConnector, failure: Exception
) -> None:
    mocked.add("POST", ADD_URL, body=failure)
    with pytest.raises(QueueItemMayExistError) as caught:
        connector.execute(job("addQueueItem", reference=None))
    assert caught.value.error_code == "408"
    lost = "the request timed out" if isinstance(failure, requests.Timeout) else "the connection was lost"
    assert caught.value.retries == 0  # an incident: no automatic retry may add it twice
    assert str(caught.value) == (
        f"Add Queue Item to queue 'test' was sent but {lost} before an answer came back, so the item may have been "
        "created. It is not sent again, and the job is not retried automatically, because without a reference the "
        "item cannot be looked up and a second request could add it twice: check the queue, then resolve the "
        "incident; or give items a reference so the connector can settle this itself"
    )
    assert len(mocked.calls) == 1


def test_ambiguous_post_that_landed_returns_the_existing_item(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    ordered.add("GET", ITEMS_URL, json=found(), headers={"x-correlation-id": "c-1"})
    envelope = connector.execute(job("addQueueItem")).to_dict()
    assert envelope["status"] == 201
    assert envelope["reason"] == "Created"
    assert envelope["body"] == CREATED  # the entity shape of a real 201, @odata.context included
    assert envelope["headers"] == {
        "Content-Type": "application/json",
        "x-correlation-id": "c-1",
        RECOVERED_HEADER: "reference-lookup",
    }
    lookup = ordered.calls[1].request
    assert lookup.headers["X-UIPATH-OrganizationUnitId"] == "1964413"
    assert lookup.url == (
        ITEMS_URL
        + "?$filter=Reference%20eq%20'test'%20and%20QueueDefinitionName%20eq%20'test'&$orderby=Id%20desc&$top=10"
    )
    assert len(ordered.calls) == 2


def test_ambiguous_post_that_did_not_land_is_resent(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, body=reset())
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    envelope = connector.execute(job("addQueueItem"))
    assert envelope.status == 201
    assert RECOVERED_HEADER not in envelope.headers
    assert ordered.calls[0].request.body == ordered.calls[2].request.body


def test_duplicate_reference_on_resend_resolves_to_existing_item(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    ordered.add("GET", ITEMS_URL, json={"value": []})  # not visible yet
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=found())
    envelope = connector.execute(job("addQueueItem"))
    assert envelope.status == 201
    assert envelope.body["Id"] == 436141352
    assert envelope.headers[RECOVERED_HEADER] == "reference-lookup"


DUPLICATE_MESSAGE = (
    "Orchestrator answered 409 Conflict to POST /odata/Queues/UiPathODataSvc.AddQueueItem: Error creating "
    "Transaction. Duplicate Reference. (errorCode 1016, traceId 00-t-01)"
)
DUPLICATE_VARIABLES = {"response": {"headers": {"Content-Type": "application/json"}, "body": DUPLICATE}}
LOOKUP_URL = (
    ITEMS_URL + "?$filter=Reference%20eq%20'test'%20and%20QueueDefinitionName%20eq%20'test'&$orderby=Id%20desc&$top=10"
)
HOLDER = {
    "Id": 436141352,
    "Key": "2196eb07-c96a-4f47-a734-326dd5d58a9d",
    "Status": "New",
    "Reference": "test",
    "CreationTime": "2023-01-20T10:13:20.6603953Z",
    "QueueDefinitionId": 165001,
}


@pytest.mark.parametrize("created", ["2023-01-20T10:13:20.6603953Z", "2023-01-19T09:00:00Z"], ids=["new", "older"])
def test_duplicate_reference_on_first_attempt_names_the_item_holding_it(
    ordered: responses.RequestsMock, connector: UiPathConnector, created: str
) -> None:
    # A retried job whose first attempt's Add landed late: any holder counts, however old (no skew rule here).
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=found(CreationTime=created, Status="InProgress"))
    with pytest.raises(DuplicateReferenceError) as caught:
        connector.execute(job("addQueueItem"))
    error = caught.value
    assert (error.error_code, error.uipath_error_code, error.trace_id) == ("409", 1016, "00-t-01")
    assert str(error) == f"{DUPLICATE_MESSAGE}; queue item 436141352 (InProgress) already has this reference"
    holder = {**HOLDER, "CreationTime": created, "Status": "InProgress"}  # SpecificContent is left out
    assert error.variables == {**DUPLICATE_VARIABLES, "existingItem": holder}
    assert error.existing_item == holder
    assert [(call.request.method, call.request.url) for call in ordered.calls] == [
        ("POST", ADD_URL),
        ("GET", LOOKUP_URL),
    ]
    assert ordered.calls[1].request.headers["X-UIPATH-OrganizationUnitId"] == "1964413"


@pytest.mark.parametrize(
    "lookup",
    [
        {"json": {"message": "An unexpected error occurred.", "errorCode": 0}, "status": 500},
        {"json": {"@odata.context": "x#QueueItems", "value": []}},
        {"json": found(Status="Deleted")},  # a deleted item no longer holds its reference (UiPath: API Response Codes)
        {"json": {"message": "You are not authorized!", "errorCode": 0}, "status": 403},  # e.g. no read scope
    ],
    ids=["500", "not-found", "deleted", "403"],
)
def test_duplicate_reference_on_first_attempt_without_a_holder_is_the_plain_error(
    ordered: responses.RequestsMock, connector: UiPathConnector, lookup: dict[str, object]
) -> None:
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, **lookup)  # type: ignore[arg-type]
    with pytest.raises(DuplicateReferenceError) as caught:
        connector.execute(job("addQueueItem"))
    assert type(caught.value) is DuplicateReferenceError
    assert caught.value.error_code == "409"
    assert str(caught.value) == DUPLICATE_MESSAGE
    assert caught.value.variables == DUPLICATE_VARIABLES
    assert caught.value.existing_item is None
    assert [call.request.method for call in ordered.calls] == ["POST", "GET"]  # 500 and 403 are not retried


def test_duplicate_reference_look_up_shares_the_add_s_time_budget(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    policy = RetryPolicy(
        attempts=5, base_backoff_seconds=4, max_backoff_seconds=4, jitter_seconds=0, max_total_seconds=6
    )
    connector = make_connector(fake_time, token_cache, retry_policy=policy)
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=UNAVAILABLE, status=503)
    ordered.add("GET", ITEMS_URL, json=UNAVAILABLE, status=503)
    with pytest.raises(DuplicateReferenceError) as caught:
        connector.execute(job("addQueueItem"))
    assert str(caught.value) == DUPLICATE_MESSAGE
    assert fake_time.sleeps == [4]  # a second wait would end after 6 s
    assert [call.request.method for call in ordered.calls] == ["POST", "GET", "GET"]


def test_duplicate_reference_holder_is_masked(ordered: responses.RequestsMock, connector: UiPathConnector) -> None:
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=found(Reference="test", Key="bearer-token-1", SpecificContent={"a": "b"}))
    with pytest.raises(DuplicateReferenceError) as caught:
        connector.execute(job("addQueueItem"))
    assert caught.value.variables["existingItem"] == {**HOLDER, "Key": "***"}
    assert "bearer-token-1" not in repr(caught.value.variables)


def test_older_item_with_same_reference_is_not_taken_for_ours(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    ordered.add("GET", ITEMS_URL, json=found(CreationTime="2023-01-19T09:00:00Z", Id=1))  # a day earlier
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    assert connector.execute(job("addQueueItem")).body["Id"] == 436141352


def test_unsettled_after_retries_says_the_item_may_still_appear(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    connector = make_connector(fake_time, token_cache, retry_policy=RetryPolicy(attempts=2, jitter_seconds=0))
    ordered.add("POST", ADD_URL, body=reset())
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, body=reset())
    ordered.add("GET", ITEMS_URL, json={"value": []})
    with pytest.raises(QueueItemMayExistError) as caught:
        connector.execute(job("addQueueItem"))
    assert str(caught.value) == (
        "Add Queue Item to queue 'test' was sent but the connection was lost, and a look-up by its reference found "
        "no item of this job; the retry policy allows no further attempt. The item may still appear if Orchestrator "
        "was slow to process the request: a retry of the job looks the reference up again before sending anything"
    )
    assert [call.request.method for call in ordered.calls] == ["POST", "GET", "POST", "GET"]
    # A backoff before the first look-up gives a request still in flight time to commit; none before the last.
    assert fake_time.sleeps == [0.5]


def test_lookup_waits_for_a_slow_first_request_before_resending(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime
) -> None:
    ordered.add("POST", ADD_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    ordered.add("GET", ITEMS_URL, json=found())
    assert connector.execute(job("addQueueItem")).headers[RECOVERED_HEADER] == "reference-lookup"
    assert fake_time.sleeps == [0.5]  # waited before looking, so a request still being processed can land


def test_disabled_retries_still_look_the_reference_up_once(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    connector = make_connector(fake_time, token_cache, retry_policy=RetryPolicy.disabled())
    ordered.add("POST", ADD_URL, body=reset())
    ordered.add("GET", ITEMS_URL, json={"value": []})
    with pytest.raises(QueueItemMayExistError):
        connector.execute(job("addQueueItem"))
    assert [call.request.method for call in ordered.calls] == ["POST", "GET"]
    assert fake_time.sleeps == []


@pytest.mark.parametrize(
    "first",
    [{"json": UNAVAILABLE, "status": 503}, {"body": "Too Many Requests\r\n", "status": 429}],
    ids=["503", "429"],
)
def test_duplicate_reference_after_a_re_sent_post_resolves_to_the_item(
    ordered: responses.RequestsMock, connector: UiPathConnector, first: dict[str, object]
) -> None:
    # A proxy may answer 503 after Orchestrator processed the request, and the look-up may not see it yet: the
    # re-sent POST then meets our own item.
    ordered.add("POST", ADD_URL, **first)  # type: ignore[arg-type]
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=found())
    envelope = connector.execute(job("addQueueItem"))
    assert envelope.status == 201
    assert envelope.body["Id"] == 436141352
    assert envelope.headers[RECOVERED_HEADER] == "reference-lookup"
    assert [call.request.method for call in ordered.calls] == ["POST", "GET", "POST", "GET"]


def test_a_refused_post_is_re_sent_at_once(
    ordered: responses.RequestsMock, connector: UiPathConnector, fake_time: FakeTime
) -> None:
    ordered.add("POST", ADD_URL, body=refused())
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    assert connector.execute(job("addQueueItem")).status == 201
    assert [call.request.method for call in ordered.calls] == ["POST", "POST"]


def test_duplicate_reference_after_a_retried_post_of_an_older_item_is_an_error(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, json=UNAVAILABLE, status=503)
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=found(CreationTime="2023-01-19T09:00:00Z", Id=1))  # a day earlier
    with pytest.raises(DuplicateReferenceError) as caught:
        connector.execute(job("addQueueItem"))
    assert caught.value.uipath_error_code == 1016
    # Not this operation's item, but the one holding the reference: named as on a first attempt.
    assert str(caught.value) == f"{DUPLICATE_MESSAGE}; queue item 1 (New) already has this reference"
    assert caught.value.variables["existingItem"] == {**HOLDER, "Id": 1, "CreationTime": "2023-01-19T09:00:00Z"}
    assert [call.request.method for call in ordered.calls] == ["POST", "GET", "POST", "GET"]


def test_one_time_budget_for_a_whole_add(
    ordered: responses.RequestsMock, fake_time: FakeTime, token_cache: TokenCache
) -> None:
    # Every resend and look-up shares max_total_seconds with the first attempt (not a fresh budget per call).
    policy = RetryPolicy(
        attempts=10, base_backoff_seconds=4, max_backoff_seconds=4, jitter_seconds=0, max_total_seconds=10
    )
    connector = make_connector(fake_time, token_cache, retry_policy=policy)
    ordered.add("POST", ADD_URL, json=UNAVAILABLE, status=503)
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, body=reset())
    ordered.add("GET", ITEMS_URL, json={"value": []})
    ordered.add("POST", ADD_URL, json=UNAVAILABLE, status=503)
    ordered.add("GET", ITEMS_URL, json={"value": []})
    with pytest.raises(QueueItemMayExistError):
        connector.execute(job("addQueueItem"))
    # 4 s before the first look-up, 4 s before the second; at 8 s another 4 s wait would end after 10 s, so the
    # third look-up is the last and nothing is re-sent after it (a fresh budget per call would have gone on).
    assert fake_time.sleeps == [4, 4]
    assert [call.request.method for call in ordered.calls] == ["POST", "GET", "POST", "GET", "POST", "GET"]


def test_failed_lookup_reports_that_the_item_may_exist(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, body=reset())
    ordered.add("GET", ITEMS_URL, json={"message": "You are not authorized!", "errorCode": 0}, status=403)
    with pytest.raises(QueueItemMayExistError) as caught:
        connector.execute(job("addQueueItem"))
    assert str(caught.value) == (
        "Add Queue Item was sent but no answer came back, so the item may have been created; looking its reference "
        "up failed too: Orchestrator answered 403 Forbidden to GET /odata/QueueItems (look-up by reference): "
        "You are not authorized! (errorCode 0)"
    )
    assert json.loads(ordered.calls[0].request.body)["itemData"]["Reference"] == "test"
