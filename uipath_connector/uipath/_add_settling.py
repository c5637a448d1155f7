"""Add Queue Item without duplicates: what the connector does when an Add's fate is unknown.

Orchestrator's ``AddQueueItem`` is not idempotent, so a POST whose answer was lost (a read timeout, a reset, a 2xx
whose body does not parse) is never re-sent blindly ("Queue Items - Unique Reference", UiPath Orchestrator
guide; see docs/errors-and-retries.md):

* with a ``reference``, the queue is looked up by that reference (after a pause that gives a request still being
  processed time to commit); an item created since this Add began is this Add's item, returned as the ``201``
  envelope its Add would have had and marked with :data:`RECOVERED_HEADER`; no item: the Add is re-sent;
* without a reference, :class:`QueueItemMayExistError` is raised: only a person can tell whether it landed;
* a re-sent Add answered ``409`` with errorCode 1016 (Duplicate Reference) is settled the same way: it is usually
  the earlier attempt's item. On a first attempt the ``409`` is an error naming the item holding the reference
  (``existingItem``), so a retried job can carry on with that item.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs
import requests

from ..http import Requester, SendCount, decide_get, decide_post, transport_phase, unreadable_json
from ..sdk import HttpResponse
from ._errors import (
    DUPLICATE_REFERENCE,
    DuplicateReferenceError,
    QueueItemMayExistError,
    error_details,
    orchestrator_error,
)
from ._records import AddQueueItemInput, parse_orchestrator_date, wire_date
from ._urls import odata_string

__all__ = [
    "ADD_QUEUE_ITEM_PATH",
    "CLOCK_SKEW_ALLOWANCE",
    "QUEUE_ITEMS_PATH",
    "RECOVERED_HEADER",
    "DuplicateSafeAdd",
    "item_body",
]

_LOG = logging.getLogger("uipath_connector.uipath")

ADD_QUEUE_ITEM_PATH = "/odata/Queues/UiPathODataSvc.AddQueueItem"
QUEUE_ITEMS_PATH = "/odata/QueueItems"
#: Marks an Add Queue Item envelope that was settled by looking the item's reference up (docs/errors-and-retries.md).
RECOVERED_HEADER = "X-UiPath-Connector-Recovered"
#: How much earlier than the first attempt (client clock) a found item may have been created and still count as
#: this request's item: tolerates clock skew between client and Orchestrator.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=5)
#: Statuses of items that no longer reserve their Reference ("Queue Items - Unique Reference", UiPath docs).
_RELEASED_REFERENCE_STATUSES = frozenset({"Deleted", "Retried"})


@attrs.frozen
class _ReferenceHolder:
    """The newest item of a queue with a given reference (a ``QueueItemDto``) and the look-up's envelope."""

    item: Mapping[str, Any]
    envelope: HttpResponse


class _ReferenceLookupError(Exception):
    """Looking a reference up got no usable answer; the text (masked) says why."""


def _created_since(item: Mapping[str, Any], started: datetime) -> bool:
    created = item.get("CreationTime")
    created_at = parse_orchestrator_date(created) if isinstance(created, str) else None
    return created_at is None or created_at >= started - CLOCK_SKEW_ALLOWANCE


def item_body(item: AddQueueItemInput) -> dict[str, object]:
    """The ``AddQueueItem`` body: only the keys that have a value (Camunda sends ``null`` for empty ones and
    Orchestrator accepts both), in Camunda's order ``DeferDate, DueDate, Priority, Name, SpecificContent, Reference``;
    dates as RFC 3339 date-times (``wire_date``)."""
    data: dict[str, object] = {}
    if item.defer_date is not None:
        data["DeferDate"] = wire_date(item.defer_date)
    if item.due_date is not None:
        data["DueDate"] = wire_date(item.due_date)
    data["Priority"] = item.priority.value
    data["Name"] = item.queue_name
    if item.specific_content is not None:
        data["SpecificContent"] = item.specific_content
    if item.reference:
        data["Reference"] = item.reference
    return {"itemData": data}


class DuplicateSafeAdd:
    """Adds queue items through one requester, settling every Add whose fate is unknown (module docstring)."""

    def __init__(self, requester: Requester):
        self._requester = requester

    def add(self, item: AddQueueItemInput) -> HttpResponse:
        """Add one item to a queue; the envelope of Orchestrator's ``201`` (``body.Id`` is the new item's id).

        A request whose fate is unknown (sent, then a read timeout or a reset) is never re-sent blindly: with a
        ``reference`` the item is looked up first, without one :class:`QueueItemMayExistError` is raised.
        """
        data = json.dumps(item_body(item), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        what = f"POST {ADD_QUEUE_ITEM_PATH}"
        started = self._requester.clock.wall()
        budget = self._requester.retrier.now()
        sends = SendCount()
        try:
            response = self._requester.send(
                "POST", ADD_QUEUE_ITEM_PATH, body=data, decide=decide_post, started=budget, sends=sends
            )
        except requests.RequestException as error:
            if transport_phase(error) != "after-send":
                raise self._requester.network_error(error, what) from None
            lost = "the request timed out" if isinstance(error, requests.Timeout) else "the connection was lost"
            return self._settle_unknown_add(item, data, started, budget, lost, " before an answer came back")
        envelope = self._requester.envelope(response)
        if response.status_code < 400 and unreadable_json(response, envelope.body):
            # A 2xx means the item was created, but its Id cannot be read: settle it like a lost answer, by
            # reference, instead of failing the job into a retry that would add it twice.
            answer = f"its answer ({response.status_code} {response.reason}) was not valid JSON"
            return self._settle_unknown_add(item, data, started, budget, answer, "")
        # Re-sent after a 503/429/refusal, a 409/1016 may be the earlier attempt's item (a proxy's 503 does not
        # prove the request was not processed); on a first attempt it names the item holding the reference.
        own = self._settle_duplicate(item, response, envelope, started, budget, resent=sends.count > 1)
        if own is not None:
            return own
        return self._requester.result(response, what, envelope)

    def _settle_unknown_add(
        self, item: AddQueueItemInput, data: bytes, started: datetime, budget: float, lost: str, when: str
    ) -> HttpResponse:
        queue = self._requester.mask(repr(item.queue_name))
        if not item.reference:
            raise QueueItemMayExistError(
                f"Add Queue Item to queue {queue} was sent but {lost}{when}, so the item may "
                "have been created. It was not sent again, because without a reference it cannot be looked up "
                "and a second request could add it twice: check the queue before retrying, or give items a "
                "reference (on a queue that enforces unique references) so the connector can settle this itself"
            )
        what = f"POST {ADD_QUEUE_ITEM_PATH}"
        _LOG.warning("add queue item: %s after sending; looking its reference up before re-sending", lost)
        retry_number = 0
        while True:
            retry_number += 1
            # The backoff before the look-up gives a request still being processed time to commit, so that
            # the look-up sees it (docs/errors-and-retries.md: the remaining race). No time left: look once more.
            may_resend = self._requester.retrier.pause(retry_number, budget)
            found = self._find_by_reference(item, started, budget)
            if found is not None:
                return found
            if not may_resend:
                raise QueueItemMayExistError(
                    f"Add Queue Item to queue {queue} was sent but {lost}, and a look-up by its reference found no "
                    "item; the retry policy allows no further attempt. The item may still appear if Orchestrator "
                    "was slow to process the request: on a queue that enforces unique references a retry of the "
                    "job cannot add it twice (it is answered 409), on other queues check the queue first"
                )
            sends = SendCount()
            try:
                response = self._requester.send(
                    "POST", ADD_QUEUE_ITEM_PATH, body=data, decide=decide_post, started=budget, sends=sends
                )
            except requests.RequestException as error:
                if transport_phase(error) != "after-send":
                    raise self._requester.network_error(error, what) from None
                continue
            envelope = self._requester.envelope(response)
            own = self._settle_duplicate(item, response, envelope, started, budget, resent=True)
            if own is not None:
                return own
            return self._requester.result(response, what, envelope)

    def _settle_duplicate(
        self,
        item: AddQueueItemInput,
        response: requests.Response,
        envelope: HttpResponse,
        started: datetime,
        budget: float,
        *,
        resent: bool,
    ) -> HttpResponse | None:
        """A 409/1016 answer to an Add with a reference: the earlier attempt's item when a re-sent Add meets it.

        Otherwise it raises :class:`DuplicateReferenceError` naming the item that holds the reference when a
        look-up finds it (the idempotency key of UiPath: Queue Items Requests: a retried job can
        carry on with that item). None for any other answer.
        """
        if response.status_code != 409 or not item.reference:
            return None
        if error_details(envelope).error_code != DUPLICATE_REFERENCE:
            return None
        holder: _ReferenceHolder | None
        if resent:
            holder = self._holder_after_send(item, budget)
            if holder is not None and _created_since(holder.item, started):
                return self._recovered(holder)
        else:
            # A first attempt: the item was added earlier (by an earlier job attempt whose answer was lost, or by
            # anyone), so any holder counts, whatever its age. The look-up only adds facts to the error: when it
            # fails the error is the plain 409.
            try:
                holder = self._newest_with_reference(item, budget)
            except _ReferenceLookupError as failure:
                _LOG.info("add queue item: 409/1016, and looking up the item holding the reference failed: %s", failure)
                holder = None
        error = self._requester.answer_error(envelope, f"POST {ADD_QUEUE_ITEM_PATH}")
        if holder is not None and isinstance(error, DuplicateReferenceError):
            status = holder.item.get("Status")
            item_id = holder.item.get("Id")
            if (
                isinstance(item_id, int)
                and not isinstance(item_id, bool)
                and status not in _RELEASED_REFERENCE_STATUSES
            ):
                masked = self._requester.masked(dict(holder.item))
                assert isinstance(masked, dict)
                error = error.naming_holder(masked)
                self._requester.mask_error(error)
        raise error

    def _find_by_reference(self, item: AddQueueItemInput, started: datetime, budget: float) -> HttpResponse | None:
        """The item an earlier attempt of this Add created, as a synthetic 201 envelope, when a look-up finds it."""
        holder = self._holder_after_send(item, budget)
        return self._recovered(holder) if holder is not None and _created_since(holder.item, started) else None

    def _holder_after_send(self, item: AddQueueItemInput, budget: float) -> _ReferenceHolder | None:
        """:meth:`_newest_with_reference` after an Add that may have landed: a failed look-up leaves that open."""
        try:
            return self._newest_with_reference(item, budget)
        except _ReferenceLookupError as failure:
            raise QueueItemMayExistError(
                "Add Queue Item was sent but no answer came back, so the item may have been created; looking its "
                f"reference up failed too: {failure}"
            ) from None

    def _newest_with_reference(self, item: AddQueueItemInput, budget: float) -> _ReferenceHolder | None:
        """The queue's newest item with ``item.reference``, of any age; :class:`_ReferenceLookupError` on failure."""
        assert item.reference is not None
        params = {
            "$filter": f"Reference eq {odata_string(item.reference)} and "
            f"QueueDefinitionName eq {odata_string(item.queue_name)}",
            "$orderby": "Id desc",
            "$top": "1",
        }
        what = f"GET {QUEUE_ITEMS_PATH} (look-up by reference)"
        try:
            response = self._requester.send("GET", QUEUE_ITEMS_PATH, params=params, decide=decide_get, started=budget)
        except requests.RequestException as error:
            raise _ReferenceLookupError(self._requester.network_error(error, what).message) from None
        envelope = self._requester.envelope(response)
        if response.status_code >= 400:
            failure = orchestrator_error(self._requester.masked_envelope(envelope), what)
            raise _ReferenceLookupError(self._requester.mask(failure.message))
        body = envelope.body
        values = body.get("value") if isinstance(body, Mapping) else None
        candidate = values[0] if isinstance(values, list) and values and isinstance(values[0], Mapping) else None
        return _ReferenceHolder(candidate, envelope) if candidate is not None else None

    def _recovered(self, holder: _ReferenceHolder) -> HttpResponse:
        """The found item as the 201 envelope its Add would have had, marked with :data:`RECOVERED_HEADER`."""
        entity: dict[str, Any] = {"@odata.context": f"{self._requester.base_url}/odata/$metadata#QueueItems/$entity"}
        entity.update((key, value) for key, value in holder.item.items() if not key.startswith("@odata."))
        headers = dict(holder.envelope.headers)
        headers[RECOVERED_HEADER] = "reference-lookup"
        return HttpResponse(status=201, headers=headers, body=entity, reason="Created")
