"""An Add with a reference is idempotent across the attempts of one Zeebe job: the job key recorded on the item
scopes what a later attempt adopts (responses' ordered registry and a fake clock: nothing sleeps)."""

from __future__ import annotations

import json

import attrs
import pytest
import requests
import responses
from conftest import ADD_URL, ITEMS_URL, job, seed

from uipath_connector.sdk import ConnectorError, OutboundConnectorContext
from uipath_connector.uipath import RECOVERED_HEADER, DuplicateReferenceError, UiPathConnector

JOB_KEY = 2251799813685249
CREATED = seed("add")["body"]
DUPLICATE = {"message": "Error creating Transaction. Duplicate Reference.", "errorCode": 1016, "traceId": "00-t-01"}


def job_attempt(**variables: object) -> OutboundConnectorContext:
    """A job context for the Zeebe job ``JOB_KEY`` (every attempt of one job has the same key)."""
    context = job("addQueueItem", **variables)
    context.job = attrs.evolve(context.job, key=JOB_KEY, retries=2)
    return context


def listing(*items: dict[str, object]) -> dict[str, object]:
    return {"@odata.context": "x#QueueItems", "value": list(items)}


def item(item_id: int, job_key: int | None, **extra: object) -> dict[str, object]:
    content: dict[str, object] = {"test": "test"}
    if job_key is not None:
        content["CamundaJobKey"] = str(job_key)
    body = {k: v for k, v in CREATED.items() if k != "@odata.context"}
    return {**body, "Id": item_id, "SpecificContent": content, **extra}


def sent_body(call: responses.Call) -> dict[str, object]:
    body = call.request.body
    assert isinstance(body, bytes)
    data = json.loads(body)
    assert isinstance(data, dict)
    return data


def test_a_later_attempt_adopts_the_item_an_earlier_attempt_of_the_same_job_added(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("GET", ITEMS_URL, json=listing(item(7, None), item(436141352, JOB_KEY)))
    envelope = connector.execute(job_attempt())
    assert (envelope.status, envelope.body["Id"]) == (201, 436141352)
    assert envelope.headers[RECOVERED_HEADER] == "reference-lookup"
    assert [call.request.method for call in ordered.calls] == ["GET"]  # nothing sent


def test_an_unrelated_older_item_with_the_same_reference_is_not_adopted(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    # On a queue without unique references, another process's item with this reference is not this job's.
    ordered.add("GET", ITEMS_URL, json=listing(item(8, JOB_KEY + 1), item(7, None)))
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    envelope = connector.execute(job_attempt())
    assert RECOVERED_HEADER not in envelope.headers
    assert sent_body(ordered.calls[1])["itemData"] == {
        "DeferDate": "2023-01-12T00:00:00Z",
        "Priority": "Low",
        "Name": "test",
        "SpecificContent": {"test": "test", "CamundaJobKey": str(JOB_KEY)},
        "Reference": "test",
    }
    lookup = ordered.calls[0].request.url
    assert lookup == (
        ITEMS_URL
        + "?$filter=Reference%20eq%20'test'%20and%20QueueDefinitionName%20eq%20'test'&$orderby=Id%20desc&$top=10"
    )


def test_without_a_reference_the_job_key_is_not_recorded_and_nothing_is_looked_up(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    connector.execute(job_attempt(reference=None))
    assert sent_body(ordered.calls[0])["itemData"]["SpecificContent"] == {"test": "test"}  # type: ignore[index]
    assert len(ordered.calls) == 1


def test_a_lost_answer_is_settled_by_the_job_key_not_by_age(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("GET", ITEMS_URL, json=listing())
    ordered.add("POST", ADD_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    # Created "now" but by another job: not this Add's item, so the Add is sent again.
    ordered.add("GET", ITEMS_URL, json=listing(item(9, JOB_KEY + 5)))
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    envelope = connector.execute(job_attempt())
    assert RECOVERED_HEADER not in envelope.headers
    assert [call.request.method for call in ordered.calls] == ["GET", "POST", "GET", "POST"]


def test_a_duplicate_reference_holding_this_job_s_key_is_this_job_s_item(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    # The look-up before sending did not see it yet (committed late); the 409 then names it, and it is ours.
    ordered.add("GET", ITEMS_URL, json=listing())
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=listing(item(436141352, JOB_KEY)))
    envelope = connector.execute(job_attempt())
    assert (envelope.status, envelope.body["Id"], envelope.headers[RECOVERED_HEADER]) == (
        201,
        436141352,
        "reference-lookup",
    )


def test_a_duplicate_reference_held_by_another_job_names_that_item(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("GET", ITEMS_URL, json=listing())
    ordered.add("POST", ADD_URL, json=DUPLICATE, status=409)
    ordered.add("GET", ITEMS_URL, json=listing(item(5, JOB_KEY + 1, Status="Successful")))
    with pytest.raises(DuplicateReferenceError) as caught:
        connector.execute(job_attempt())
    assert caught.value.existing_item is not None
    assert caught.value.existing_item["Id"] == 5


def test_a_failed_look_up_before_sending_sends_nothing_and_may_be_retried(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    ordered.add("GET", ITEMS_URL, json={"message": "You are not authorized!", "errorCode": 0}, status=403)
    with pytest.raises(ConnectorError) as caught:
        connector.execute(job_attempt())
    assert caught.value.error_code == "REFERENCE_LOOKUP_FAILED"
    assert str(caught.value).startswith(
        "Add Queue Item was not sent: looking up whether an earlier attempt of this job already added the item "
        "failed: Orchestrator answered 403 Forbidden"
    )
    assert [call.request.method for call in ordered.calls] == ["GET"]


def test_an_add_without_reference_may_opt_in_to_a_reference_derived_from_the_job_key(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    # The second attempt of a job whose first Add landed but whose answer was lost: it finds the item.
    context = job_attempt(reference=None)
    context.custom_headers = {"referenceFromJobKey": "true"}
    ordered.add("GET", ITEMS_URL, json=listing(item(436141352, JOB_KEY, Reference=f"camunda-job-{JOB_KEY}")))
    envelope = connector.execute(context)
    assert (envelope.body["Id"], envelope.headers[RECOVERED_HEADER]) == (436141352, "reference-lookup")
    assert f"Reference%20eq%20'camunda-job-{JOB_KEY}'" in str(ordered.calls[0].request.url)


def test_the_opt_in_reference_is_sent_and_never_replaces_a_given_one(
    ordered: responses.RequestsMock, connector: UiPathConnector
) -> None:
    context = job_attempt(reference=None)
    context.custom_headers = {"referenceFromJobKey": "true"}
    ordered.add("GET", ITEMS_URL, json=listing())
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    connector.execute(context)
    assert sent_body(ordered.calls[1])["itemData"]["Reference"] == f"camunda-job-{JOB_KEY}"  # type: ignore[index]
    given = job_attempt()
    given.custom_headers = {"referenceFromJobKey": "true"}
    ordered.add("GET", ITEMS_URL, json=listing())
    ordered.add("POST", ADD_URL, json=CREATED, status=201)
    connector.execute(given)
    assert sent_body(ordered.calls[3])["itemData"]["Reference"] == "test"  # type: ignore[index]
