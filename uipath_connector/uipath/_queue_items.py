"""Add queue item and Get queue item result by ID: the two operations of Camunda's own UiPath connector.

Get sends ``$filter=Id eq N`` and ``$count=true`` to ``/odata/QueueItems``: the answer keeps the collection shape
Camunda's documentation shows (``value[1].Status`` in FEEL) including ``@odata.count``, which current Automation
Cloud only returns when asked. An unknown id is not an error: ``body.value`` is empty, as with Camunda's connector.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..http import decide_get
from ..sdk import HttpResponse, ResultPreset
from ._add_settling import QUEUE_ITEMS_PATH, collection_problem
from ._operations import OPERATIONS
from ._records import AddQueueItemInput, AddQueueItemRequest, GetQueueItemInput, GetQueueItemRequest

if TYPE_CHECKING:
    from ._client import OrchestratorClient

__all__ = ["add_queue_item", "get_queue_item"]


@OPERATIONS.operation(
    id="addQueueItem",
    label="Add queue item",
    request=AddQueueItemRequest,
    input=AddQueueItemInput,
    result_expression=ResultPreset("resultExpressionGetBodyId", "={itemId: response.body.Id}"),
    description="Add a new queue item to a UiPath Orchestrator queue",
    keywords=("add queue item", "create queue item", "enqueue", "new transaction", "start robot"),
    command="add-queue-item",
    cli_aliases={"queueName": "--queue", "specificContent": "--content"},
)
def add_queue_item(client: OrchestratorClient, item: AddQueueItemInput) -> HttpResponse:
    """One item, duplicate-safe: an Add whose answer was lost is settled by its reference, never re-sent blindly."""
    return client.adds.add(item)


@OPERATIONS.operation(
    id="getItemById",
    label="Get queue item result by ID",
    request=GetQueueItemRequest,
    input=GetQueueItemInput,
    result_expression=ResultPreset("resultExpressionGetStatus", "={itemStatus: response.body.value[1].Status}"),
    description="Read the status and output of a UiPath queue item by its ID",
    keywords=("get queue item", "queue item result", "queue item status", "robot result", "transaction status"),
    command="get-queue-item",
)
def get_queue_item(client: OrchestratorClient, request: GetQueueItemInput) -> HttpResponse:
    """The item as a one-element collection (``body.value[0]``), or an empty one for an unknown id."""
    params = {"$filter": f"Id eq {request.item_id}", "$count": "true"}
    return client.requester.request(
        "GET", QUEUE_ITEMS_PATH, params=params, decide=decide_get, expect=collection_problem
    )
