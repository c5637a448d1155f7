"""Bulk add queue items: several items for one queue in one call, duplicate-safe like a single Add.

Orchestrator's ``POST /odata/Queues/UiPathODataSvc.BulkAddQueueItems`` ("Queues - BulkAddQueueItems", Orchestrator
API reference) takes ``queueName``, ``commitType`` and ``queueItems`` (each a ``QueueItemDataDto``) and answers
``200`` with ``{Success, Message, FailedItems: [{Ordinal, ErrorCode, ErrorMessage}]}``; it does not return the new
items' ids. The envelope's body is that answer plus ``Items``, one result per item in the order given::

    {"Ordinal": 0, "Reference": "INV-1", "Status": "Added"}
    {"Ordinal": 1, "Reference": "INV-2", "Status": "Failed", "ErrorCode": "DuplicateReference", "ErrorMessage": "..."}

``Status`` is ``Added``, ``Failed``, ``NotAdded`` (All or nothing rolled the call back), ``NotProcessed`` (after
the first failure of Stop on first failure) or ``Unknown`` (Orchestrator named no ordinal for a failure). A call
with failures is still a success of the job: ``response.body.Success`` says whether every item was added, and an
error expression turns it into a BPMN error when the process wants one.

Duplicates, as for a single Add: a call whose fate is unknown (a read timeout, a reset, a 2xx whose body does not
parse, a 5xx, 429 or 408 that a proxy may have answered after passing the call on) is never re-sent blindly. When
every item has a reference, the queue is looked up by those references: items created since the call began count
as ``Added`` (with their ``Id``) and only the others are sent again, within the retry policy's attempts and time.
Without references :class:`QueueItemMayExistError` is raised. A re-sent call whose items fail with
``DuplicateReference`` is settled the same way: those items are usually the earlier attempt's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
import requests

from ..http import Requester, SendCount, decide_get, transport_phase, unreadable_json
from ..sdk import HttpResponse, ResultPreset
from ._add_settling import CLOCK_SKEW_ALLOWANCE, QUEUE_ITEMS_PATH, RECOVERED_HEADER, decide_add, item_body
from ._errors import QueueItemMayExistError
from ._operations import OPERATIONS
from ._records import (
    AddQueueItemInput,
    BulkAddQueueItemsInput,
    BulkAddQueueItemsRequest,
    BulkQueueItem,
    CommitType,
    parse_orchestrator_date,
)
from ._urls import odata_string

if TYPE_CHECKING:
    from ._client import OrchestratorClient

__all__ = ["BULK_ADD_PATH", "bulk_add_queue_items"]

_LOG = logging.getLogger("uipath_connector.uipath")

BULK_ADD_PATH = "/odata/Queues/UiPathODataSvc.BulkAddQueueItems"
#: References per look-up: with the queue clause this stays far below Orchestrator's 100 filter expressions, and
#: ``$top=100`` leaves room for a few older items per reference ("Queue Items Requests", UiPath API guide).
_REFERENCES_PER_LOOKUP = 20
_DUPLICATE_REFERENCE = "DuplicateReference"


@attrs.frozen
class _Outcome:
    """What became of one item: ``Added``, ``Failed``, ``NotAdded``, ``NotProcessed`` or ``Unknown``."""

    status: str
    error_code: str | None = None
    error_message: str | None = None
    item_id: int | None = None


def _field(entry: Mapping[str, Any], name: str) -> Any:
    folded = name.casefold()
    return next((value for key, value in entry.items() if key.casefold() == folded), None)


def _failures(body: object) -> list[tuple[int | None, str | None, str | None]]:
    """``(ordinal, errorCode, errorMessage)`` of each failed item; PascalCase or camelCase keys."""
    entries = _field(body, "FailedItems") if isinstance(body, Mapping) else None
    found: list[tuple[int | None, str | None, str | None]] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping):
            ordinal = _field(entry, "Ordinal")
            code, message = _field(entry, "ErrorCode"), _field(entry, "ErrorMessage")
            found.append(
                (
                    ordinal if isinstance(ordinal, int) and not isinstance(ordinal, bool) else None,
                    str(code) if code is not None else None,
                    str(message) if message is not None else None,
                )
            )
    return found


def _outcomes(commit_type: CommitType, count: int, body: object) -> list[_Outcome]:
    """Each sent item's outcome from Orchestrator's answer and the commit type's rule."""
    failures = _failures(body)
    failed = {ordinal: (code, message) for ordinal, code, message in failures if ordinal is not None}
    unplaced = len(failures) > len(failed)  # a failure without ordinal: which item failed is unknown
    first_failure = min(failed) if failed else None
    outcomes: list[_Outcome] = []
    for ordinal in range(count):
        if ordinal in failed:
            outcomes.append(_Outcome("Failed", *failed[ordinal]))
        elif commit_type is CommitType.ALL_OR_NOTHING and failures:
            outcomes.append(_Outcome("NotAdded"))
        elif unplaced:
            outcomes.append(_Outcome("Unknown"))
        elif commit_type is CommitType.STOP_ON_FIRST_FAILURE and first_failure is not None and ordinal > first_failure:
            outcomes.append(_Outcome("NotProcessed"))
        else:
            outcomes.append(_Outcome("Added"))
    return outcomes


class _BulkAdd:
    """One Bulk Add operation: its items, its time budget, and the outcome of each item so far."""

    def __init__(self, requester: Requester, request: BulkAddQueueItemsInput):
        self.requester = requester
        self.request = request
        self.items = request.queue_items
        self.outcomes: dict[int, _Outcome] = {}
        self.started = requester.clock.wall()
        self.budget = requester.retrier.now()
        self.last: HttpResponse | None = None

    def body(self, indices: Sequence[int]) -> bytes:
        queue = self.request.queue_name
        sent = []
        for index in indices:
            item = self.items[index]
            fields = {name: getattr(item, name) for name in attrs.fields_dict(BulkQueueItem)}
            sent.append(item_body(AddQueueItemInput(queue_name=queue, **fields))["itemData"])
        data = {"queueName": queue, "commitType": self.request.commit_type.value, "queueItems": sent}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def run(self) -> HttpResponse:
        pending = list(range(len(self.items)))
        lost: str | None = None
        retry_number = 0
        while True:
            if lost is not None:
                pending = self._settle_lost(pending, lost, retry_number)
                if not pending:
                    return self._envelope()
            sends = SendCount()
            try:
                response = self.requester.send(
                    "POST", BULK_ADD_PATH, body=self.body(pending), decide=decide_add, started=self.budget, sends=sends
                )
            except requests.RequestException as error:
                if transport_phase(error) != "after-send":
                    raise self.requester.network_error(error, f"POST {BULK_ADD_PATH}") from None
                lost = "the request timed out" if isinstance(error, requests.Timeout) else "the connection was lost"
                retry_number += 1
                continue
            envelope = self.requester.envelope(response)
            if response.status_code < 400 and unreadable_json(response, envelope.body):
                lost = f"its answer ({response.status_code} {response.reason}) was not valid JSON"
                retry_number += 1
                continue
            if response.status_code >= 500 or response.status_code in (408, 429):
                # As for a single Add: a proxy in front of Orchestrator may answer these after passing the call on.
                lost = f"it was answered {response.status_code} {response.reason}"
                retry_number += 1
                continue
            self.last = self.requester.result(response, f"POST {BULK_ADD_PATH}", envelope)
            resent = sends.count > 1 or retry_number > 0
            self._record(pending, self.last.body, resent=resent)
            return self._envelope()

    def _record(self, sent: Sequence[int], body: object, *, resent: bool) -> None:
        outcomes = _outcomes(self.request.commit_type, len(sent), body)
        duplicates = [
            sent[ordinal]
            for ordinal, outcome in enumerate(outcomes)
            if outcome.status == "Failed" and outcome.error_code == _DUPLICATE_REFERENCE
        ]
        own: dict[int, int] = {}
        if resent and duplicates:
            # A re-sent call (after a 503/429 or a lost answer) may meet the earlier attempt's items.
            try:
                own = self._created_since_start(duplicates)
            except QueueItemMayExistError:
                own = {}
        for ordinal, outcome in enumerate(outcomes):
            index = sent[ordinal]
            if index in own:
                outcome = _Outcome("Added", item_id=own[index])
            self.outcomes[index] = outcome

    def _settle_lost(self, pending: list[int], lost: str, retry_number: int) -> list[int]:
        """After a call whose answer was lost: which items exist (Added), and which to send again."""
        queue = self.requester.mask(repr(self.request.queue_name))
        unreferenced = [index for index in pending if not self.items[index].reference]
        if unreferenced:
            raise QueueItemMayExistError(
                f"Bulk Add Queue Items to queue {queue} was sent but {lost}, so items may have been created. It was "
                f"not sent again, because items {unreferenced[:10]} have no reference and cannot be looked up: "
                "check the queue before retrying, or give every item a reference"
            )
        _LOG.warning("bulk add queue items: %s after sending; looking the references up before re-sending", lost)
        may_resend = self.requester.retrier.pause(retry_number, self.budget)
        found = self._created_since_start(pending)
        for index, item_id in found.items():
            self.outcomes[index] = _Outcome("Added", item_id=item_id)
        remaining = [index for index in pending if index not in found]
        if remaining and not may_resend:
            raise QueueItemMayExistError(
                f"Bulk Add Queue Items to queue {queue} was sent but {lost}; a look-up by reference found "
                f"{len(found)} of {len(pending)} items and the retry policy allows no further attempt. The others "
                "may still appear if Orchestrator was slow: on a queue that enforces unique references a retry of "
                "the job cannot add them twice"
            )
        return remaining

    def _created_since_start(self, indices: Sequence[int]) -> dict[int, int]:
        """``index -> Id`` of the items among ``indices`` that a look-up finds created since this call began."""
        by_reference = {self.items[index].reference: index for index in indices if self.items[index].reference}
        references = list(by_reference)
        found: dict[int, int] = {}
        for start in range(0, len(references), _REFERENCES_PER_LOOKUP):
            chunk = references[start : start + _REFERENCES_PER_LOOKUP]
            clause = " or ".join(f"Reference eq {odata_string(reference)}" for reference in chunk if reference)
            params = {
                "$filter": f"QueueDefinitionName eq {odata_string(self.request.queue_name)} and ({clause})",
                "$orderby": "Id desc",
                "$top": "100",
            }
            what = f"GET {QUEUE_ITEMS_PATH} (look-up by reference)"
            try:
                answer = self.requester.request("GET", QUEUE_ITEMS_PATH, params=params, decide=decide_get, what=what)
            except Exception as failure:  # any failure of the look-up leaves the items' fate open
                raise QueueItemMayExistError(
                    "Bulk Add Queue Items was sent but no answer came back, so items may have been created; looking "
                    f"their references up failed too: {self.requester.mask(str(failure))}"
                ) from None
            values = _field(answer.body, "value") if isinstance(answer.body, Mapping) else None
            for entry in values if isinstance(values, list) else []:
                if not isinstance(entry, Mapping):
                    continue
                index = by_reference.get(entry.get("Reference"))
                item_id = entry.get("Id")
                if index is None or index in found or not isinstance(item_id, int) or not self._new(entry):
                    continue
                found[index] = item_id
        return found

    def _new(self, entry: Mapping[str, Any]) -> bool:
        created = entry.get("CreationTime")
        created_at = parse_orchestrator_date(created) if isinstance(created, str) else None
        started: datetime = self.started
        return created_at is None or created_at >= started - CLOCK_SKEW_ALLOWANCE

    def _envelope(self) -> HttpResponse:
        results = []
        failed = []
        for index, item in enumerate(self.items):
            outcome = self.outcomes.get(index, _Outcome("Unknown"))
            result: dict[str, object] = {"Ordinal": index, "Reference": item.reference, "Status": outcome.status}
            if outcome.item_id is not None:
                result["Id"] = outcome.item_id
            if outcome.status == "Failed":
                result["ErrorCode"] = outcome.error_code
                result["ErrorMessage"] = outcome.error_message
                failed.append(
                    {"Ordinal": index, "ErrorCode": outcome.error_code, "ErrorMessage": outcome.error_message}
                )
            results.append(result)
        success = all(result["Status"] == "Added" for result in results)
        last = self.last
        body: dict[str, object] = dict(last.body) if last is not None and isinstance(last.body, Mapping) else {}
        body.update(
            {
                "Success": success,
                "Message": None
                if success
                else f"{len(results) - sum(r['Status'] == 'Added' for r in results)} of "
                f"{len(results)} queue items were not added.",
                "FailedItems": failed,
                "Items": results,
            }
        )
        if last is not None and not any(outcome.item_id is not None for outcome in self.outcomes.values()):
            return HttpResponse(last.status, last.headers, body, last.reason)
        headers = dict(last.headers) if last is not None else {}
        headers[RECOVERED_HEADER] = "reference-lookup"
        return HttpResponse(200, headers, body, "OK")


@OPERATIONS.operation(
    id="bulkAddQueueItems",
    label="Bulk add queue items",
    request=BulkAddQueueItemsRequest,
    input=BulkAddQueueItemsInput,
    result_expression=ResultPreset(
        "resultExpressionBulkAdd", "={bulkSuccess: response.body.Success, failedItems: response.body.FailedItems}"
    ),
    description="Add several items to a UiPath Orchestrator queue in one call",
    keywords=("bulk add queue items", "add queue items", "enqueue many", "batch", "start robots"),
    command="bulk-add-queue-items",
    cli_aliases={"queueName": "--queue", "queueItems": "--items"},
)
def bulk_add_queue_items(client: OrchestratorClient, request: BulkAddQueueItemsInput) -> HttpResponse:
    """All items in one call; per-item results in ``body.Items``; lost answers settled by reference."""
    return _BulkAdd(client.requester, request).run()
