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

Duplicates, by the single Add's rules and code (``_add_settling.DuplicateSafeAdd``):

* In a Zeebe job, every item with a reference records the job's key (``SpecificContent.CamundaJobKey``), and every
  attempt of the job (the engine's retries, a re-activation) first looks the references up: the items that carry
  this job's key are adopted (``Added`` with their ``Id``) and only the others are sent. An unrelated older item
  with the same reference is never adopted.
* A call whose fate is unknown (a read timeout, a reset, a 2xx whose body does not parse, a 5xx, 429 or 408 that a
  proxy may have answered after passing the call on) is never re-sent blindly. When every item still pending has a
  reference, the queue is looked up by those references: this operation's items (this job's key; without a job,
  created since the call began) count as ``Added`` and only the others are sent again, within the retry policy's
  attempts and time. When that runs out the job fails with ``retries - 1``, and its next attempt looks first.
* A pending item without a reference makes a call whose fate is unknown an incident: :class:`QueueItemMayExistError`
  with ``retries=0`` names the items that may exist, since no automatic retry can tell whether they landed.
* Items that fail with ``DuplicateReference`` are looked up too: an item holding this job's key is this job's.

Look-ups are bounded: 20 references per request (with the queue clause far below Orchestrator's limit of 100 filter
expressions), ``$top=100`` per page and at most five pages per group of references.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..http import LazyModule, Requester, SendCount, decide_get, transport_phase, unreadable_json
from ..sdk import ConnectorError, HttpResponse, ResultPreset
from ._add_settling import (
    QUEUE_ITEMS_PATH,
    RECOVERED_HEADER,
    REFERENCE_LOOKUP_FAILED,
    DuplicateSafeAdd,
    decide_add,
    item_body,
)
from ._errors import QueueItemMayExistError
from ._operations import OPERATIONS
from ._records import (
    AddQueueItemInput,
    BulkAddQueueItemsInput,
    BulkAddQueueItemsRequest,
    BulkQueueItem,
    CommitType,
)
from ._urls import odata_string

if TYPE_CHECKING:
    import requests

    from ._client import OrchestratorClient
else:
    # Read in ``except`` clauses only, once sending has loaded it: importing the connector does not load requests.
    requests = LazyModule("requests")

__all__ = ["BULK_ADD_PATH", "bulk_add_queue_items"]

_LOG = logging.getLogger("uipath_connector.uipath")

BULK_ADD_PATH = "/odata/Queues/UiPathODataSvc.BulkAddQueueItems"
#: References per look-up: with the queue clause this stays far below Orchestrator's 100 filter expressions, and
#: ``$top=100`` leaves room for a few older items per reference ("Queue Items Requests", UiPath API guide).
_REFERENCES_PER_LOOKUP = 20
#: Items per page of a look-up, and pages read per group of references: a bounded look-up even on a queue where
#: many older items reuse the references (newest first, so this job's items come before older ones).
_LOOKUP_PAGE = 100
_LOOKUP_PAGES = 5
_DUPLICATE_REFERENCE = "DuplicateReference"


class _LookupFailed(Exception):
    """Looking references up got no usable answer; the text (masked) says why."""


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

    def __init__(self, requester: Requester, request: BulkAddQueueItemsInput, adds: DuplicateSafeAdd):
        self.requester = requester
        self.request = request
        self.adds = adds
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
            sent.append(item_body(AddQueueItemInput(queue_name=queue, **fields), self.adds.job_key)["itemData"])
        data = {"queueName": queue, "commitType": self.request.commit_type.value, "queueItems": sent}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def run(self) -> HttpResponse:
        pending = list(range(len(self.items)))
        if self.adds.job_key is not None and any(self.items[index].reference for index in pending):
            # An earlier attempt of this job (failed, timed out, or its worker died) may have added some items.
            pending = self._adopt_earlier_attempts(pending)
            if not pending:
                _LOG.info("bulk add queue items: earlier attempts of this job added every item; adopting them")
                return self._envelope()
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
        if (resent or self.adds.job_key is not None) and duplicates:
            # A re-sent call (after a 503/429 or a lost answer) may meet the earlier attempt's items, and in a job
            # an item committed after the look-up before sending may be this job's own.
            try:
                own = self._own_items(duplicates)
            except _LookupFailed:
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
            shown = ", ".join(str(index) for index in unreferenced[:10]) + (", ..." if len(unreferenced) > 10 else "")
            # retries=0: no automatic retry, the engine's included, may send these items again (incident).
            raise QueueItemMayExistError(
                f"Bulk Add Queue Items to queue {queue} was sent but {lost}, so items may have been created. It was "
                f"not sent again, because items [{shown}] have no reference and cannot be looked up, and the job is "
                f"not retried automatically: {len(pending)} items (queueItems ordinals {self._ordinals(pending)}) "
                "may exist; check the queue, then resolve the incident; or give every item a reference",
                retries=0,
            )
        _LOG.warning("bulk add queue items: %s after sending; looking the references up before re-sending", lost)
        may_resend = self.requester.retrier.pause(retry_number, self.budget)
        try:
            found = self._own_items(pending)
        except _LookupFailed as failure:
            raise QueueItemMayExistError(
                f"Bulk Add Queue Items to queue {queue} was sent but {lost}, so items may have been created; "
                f"looking their references up failed too: {failure}. A retry of the job looks them up again before "
                "sending anything"
            ) from None
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

    @staticmethod
    def _ordinals(indices: Sequence[int]) -> str:
        shown = ", ".join(str(index) for index in indices[:20])
        return f"[{shown}{', ...' if len(indices) > 20 else ''}]"

    def _adopt_earlier_attempts(self, pending: list[int]) -> list[int]:
        """Before the first send of a job attempt: adopt the items this job already added; the rest to send."""
        try:
            found = self._own_items(pending)
        except _LookupFailed as failure:
            raise ConnectorError(
                REFERENCE_LOOKUP_FAILED,
                "Bulk Add Queue Items was not sent: looking up whether an earlier attempt of this job already added "
                f"items failed: {failure}",
            ) from None
        for index, item_id in found.items():
            self.outcomes[index] = _Outcome("Added", item_id=item_id)
        return [index for index in pending if index not in found]

    def _own_items(self, indices: Sequence[int]) -> dict[int, int]:
        """``index -> Id`` of the items among ``indices`` that a look-up finds to be this operation's own
        (``DuplicateSafeAdd.owns``: this job's key, or without a job created since this call began).

        Two items of one call with the same reference cannot be told apart: the first of them is matched.
        """
        by_reference: dict[str, list[int]] = {}
        for index in indices:
            reference = self.items[index].reference
            if reference:
                by_reference.setdefault(reference, []).append(index)
        references = list(by_reference)
        found: dict[int, int] = {}
        taken: set[int] = set()
        for start in range(0, len(references), _REFERENCES_PER_LOOKUP):
            chunk = references[start : start + _REFERENCES_PER_LOOKUP]
            clause = " or ".join(f"Reference eq {odata_string(reference)}" for reference in chunk)
            for page in range(_LOOKUP_PAGES):
                values = self._lookup_page(clause, page)
                for entry in values:
                    reference = entry.get("Reference")
                    candidates = by_reference.get(reference, []) if isinstance(reference, str) else []
                    waiting = [index for index in candidates if index not in found]
                    item_id = entry.get("Id")
                    if not waiting or not isinstance(item_id, int) or isinstance(item_id, bool) or item_id in taken:
                        continue
                    if self.adds.owns(entry, self.started):
                        found[waiting[0]] = item_id
                        taken.add(item_id)
                unresolved = any(index not in found for reference in chunk for index in by_reference[reference])
                if len(values) < _LOOKUP_PAGE or not unresolved:
                    break
        return found

    def _lookup_page(self, clause: str, page: int) -> list[Mapping[str, Any]]:
        """One page of the queue's items holding the references in ``clause``, newest first."""
        params = {
            "$filter": f"QueueDefinitionName eq {odata_string(self.request.queue_name)} and ({clause})",
            "$orderby": "Id desc",
            "$top": str(_LOOKUP_PAGE),
        }
        if page:
            params["$skip"] = str(page * _LOOKUP_PAGE)
        what = f"GET {QUEUE_ITEMS_PATH} (look-up by reference)"
        try:
            answer = self.requester.request("GET", QUEUE_ITEMS_PATH, params=params, decide=decide_get, what=what)
        except Exception as failure:  # any failure of the look-up leaves the items' fate open
            raise _LookupFailed(self.requester.mask(str(failure))) from None
        values = _field(answer.body, "value") if isinstance(answer.body, Mapping) else None
        if not isinstance(values, list):
            # Only a real collection says "no such item": reading anything else as "not found" would re-send.
            raise _LookupFailed(f"{what} answered {answer.status} without a list of queue items")
        return [entry for entry in values[:_LOOKUP_PAGE] if isinstance(entry, Mapping)]

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
    return _BulkAdd(client.requester, request, client.adds).run()
