"""Fidelity: every AddQueueItem body the connector sends validates against UiPath's OpenAPI `AddQueueItemRequest`.

The bodies are taken from what the emulator received (in-process), for a table of inputs and for any valid
`AddQueueItemInput` hypothesis draws.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schemas import schema_errors

from uipath_connector.testing import DEMO, Endpoint, OrchestratorEmulator
from uipath_connector.uipath import (
    AddQueueItemInput,
    BearerAuthentication,
    Configuration,
    OrchestratorClient,
    Priority,
    RetryPolicy,
    TokenCache,
)

CLOUD = "https://cloud.uipath.com"


@pytest.fixture
def emulator() -> Iterator[OrchestratorEmulator]:
    emulator = OrchestratorEmulator.demo()
    with emulator.mock(base_host=CLOUD):
        yield emulator


def _client() -> OrchestratorClient:
    return OrchestratorClient(
        Configuration(cloud_org=DEMO.org, cloud_tenant=DEMO.tenant, organization_unit_id=DEMO.folder_id),
        BearerAuthentication(token=DEMO.personal_access_token),
        retry_policy=RetryPolicy.disabled(),
        token_cache=TokenCache(),
    )


def _sent_bodies(emulator: OrchestratorEmulator) -> list[Any]:
    return [json.loads(r.body) for r in emulator.requests if r.endpoint == Endpoint.ADD_QUEUE_ITEM]


INPUTS = [
    AddQueueItemInput(queue_name=DEMO.queue_name),
    *(AddQueueItemInput(queue_name=DEMO.queue_name, priority=priority) for priority in Priority),
    AddQueueItemInput(queue_name=DEMO.queue_name, defer_date="2023-01-12", due_date="2023-01-13"),
    AddQueueItemInput(queue_name=DEMO.queue_name, defer_date="2026-01-15T09:30:00Z", due_date="2026-01-15T09:30Z"),
    AddQueueItemInput(queue_name=DEMO.queue_name, defer_date="2021-03-11T14:19:56.4407392Z"),
    AddQueueItemInput(queue_name=DEMO.queue_name, due_date="2026-01-15t09:30:00.5+02:00"),
    AddQueueItemInput(queue_name=DEMO.queue_name, due_date="2026-01-15T09:30-05:30"),
    AddQueueItemInput(
        queue_name=DEMO.queue_name,
        specific_content={
            "Text": "x",
            "Int": 43,
            "Float": 1.5,
            "Bool": False,
            "Null": None,
            "Name@odata.type": "#String",
        },
    ),
    AddQueueItemInput(queue_name=DEMO.queue_name, specific_content={}),
    AddQueueItemInput(queue_name=DEMO.queue_name, specific_content={"Ünïcode ✓": "ção"}),
    AddQueueItemInput(queue_name=DEMO.unique_queue_name, reference="INV-1"),
    AddQueueItemInput(queue_name=DEMO.queue_name, reference='O\'Brien & "Sons" #1 ✓'),
    AddQueueItemInput(queue_name=DEMO.queue_name, reference="r" * 128),
]


@pytest.mark.parametrize("item", INPUTS, ids=range(len(INPUTS)))
def test_add_request_body_validates_and_is_accepted(emulator: OrchestratorEmulator, item: AddQueueItemInput) -> None:
    response = _client().add_queue_item(item)

    [body] = _sent_bodies(emulator)
    assert schema_errors("AddQueueItemRequest", body) == []
    assert response.status == 201  # and Orchestrator's model (the emulator) accepts it


def test_dates_are_sent_as_rfc3339_date_times_meaning_the_same_instant(emulator: OrchestratorEmulator) -> None:
    # UiPath's Orchestrator OpenAPI v20: "Send Z or ±hh:mm"; the spec's format is date-time, so a date-only
    # value goes out as midnight UTC (what Orchestrator makes of it: the 201 in Camunda's UiPath docs echoes
    # 2023-01-12T00:00:00Z).
    cases = {
        "2023-01-12": "2023-01-12T00:00:00Z",
        "2026-01-15T09:30Z": "2026-01-15T09:30:00Z",
        "2026-01-15t09:30:00.5+02:00": "2026-01-15T09:30:00.5+02:00",
        "2021-03-11T14:19:56.4407392z": "2021-03-11T14:19:56.4407392Z",
        "2026-01-15T09:30:00-05:30": "2026-01-15T09:30:00-05:30",
    }
    client = _client()
    for given_text in cases:
        client.add_queue_item(AddQueueItemInput(queue_name=DEMO.queue_name, defer_date=given_text))
    assert [body["itemData"]["DeferDate"] for body in _sent_bodies(emulator)] == list(cases.values())


# -- any valid input -----------------------------------------------------------------------------------------------

_simple = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
_key = st.text(
    alphabet=st.characters(blacklist_characters=':.,@"', blacklist_categories=("Cs",)), min_size=1, max_size=12
)
_day = st.dates().map(lambda day: f"{day.year:04d}-{day.month:02d}-{day.day:02d}").filter(lambda text: text[0] != "0")
_date_time = st.builds(
    lambda day, t, hour, minute, seconds, zone: f"{day}{t}{hour:02d}:{minute:02d}{seconds}{zone}",
    _day,
    st.sampled_from(["T", "t"]),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["", ":00", ":59", ":00.5", ":59.4407392"]),
    st.sampled_from(["Z", "z", "+02:00", "-05:30", "+00:00"]),
)
_reference = st.text(alphabet=string.ascii_letters + string.digits + "-_ '&#/✓", max_size=128)


@st.composite
def add_inputs(draw: st.DrawFn) -> AddQueueItemInput:
    return AddQueueItemInput(
        queue_name=draw(st.sampled_from([DEMO.queue_name, "demoqueue"])),
        priority=draw(st.sampled_from(list(Priority))),
        defer_date=draw(st.none() | _day | _date_time),
        due_date=draw(st.none() | _day | _date_time),
        specific_content=draw(st.none() | st.dictionaries(_key, _simple, max_size=5)),
        reference=draw(st.none() | _reference),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=add_inputs())
def test_any_valid_input_sends_a_schema_valid_body(emulator: OrchestratorEmulator, item: AddQueueItemInput) -> None:
    before = len(_sent_bodies(emulator))
    _client().add_queue_item(item)

    body = _sent_bodies(emulator)[before]
    assert schema_errors("AddQueueItemRequest", body) == []
    assert body["itemData"]["Name"] == item.queue_name
    assert body["itemData"]["Priority"] == item.priority.value
