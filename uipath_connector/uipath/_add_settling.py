"""Add Queue Item without duplicates: what the connector does when an Add's fate is unknown.

Orchestrator's ``AddQueueItem`` is not idempotent, so a POST that may have been processed is never re-sent blindly
("Queue Items - Unique Reference", UiPath Orchestrator guide; see docs/errors-and-retries.md). "May have been
processed" is every POST that reached the server and did not get a definite answer: a read timeout, a reset, a 2xx
whose body does not parse, and any 5xx, 429 or 408 (a proxy or load balancer in front of Orchestrator may answer
those after passing the request on). Only a POST that never left (refused, connect timeout) is re-sent at once.

* **With a reference** the Add is idempotent on every queue, unique references or not:

  - the connector records the Zeebe job's key in the item (``SpecificContent.CamundaJobKey``, text), so that
    every attempt of the same job (the engine's retries, a re-activation after a timeout or a crash) can tell its
    own item from an unrelated older one holding the same reference;
  - a job attempt first looks the reference up and adopts an item that carries its job key (returned as the
    ``201`` envelope its Add would have had, marked with :data:`RECOVERED_HEADER`);
  - an Add whose fate is unknown is looked up again (after a pause that gives a request still being processed
    time to commit) and adopted, or re-sent when no item of this job exists; when the connector's budget runs out
    :class:`QueueItemMayExistError` fails the job with ``retries - 1``, and the next attempt looks first;
  - a ``409`` with errorCode 1016 (Duplicate Reference) is this job's item when it carries the job key, else an
    error naming the item holding the reference (``existingItem``).

  Without a job (a Python caller), an item created since this Add began counts as this Add's item.
* **Without a reference** an Add whose fate is unknown raises :class:`QueueItemMayExistError` with ``retries=0``:
  the job ends in an incident that says the item may exist; only a person can tell whether it landed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from ..http import (
    Decision,
    LazyModule,
    Requester,
    decide_get,
    describe_body,
    retry_after_seconds,
    transport_phase,
    unreadable_json,
)
from ..sdk import ConnectorError, ConnectorInputError, HttpResponse, InputProblem
from ._errors import (
    DUPLICATE_REFERENCE,
    DuplicateReferenceError,
    QueueItemMayExistError,
    error_details,
    orchestrator_error,
)
from ._records import AddQueueItemInput, parse_orchestrator_date, wire_date
from ._urls import odata_string

if TYPE_CHECKING:
    import requests
else:
    # Read in ``except`` clauses only, once sending has loaded it: importing the connector does not load requests.
    requests = LazyModule("requests")

__all__ = [
    "ADD_QUEUE_ITEM_PATH",
    "CLOCK_SKEW_ALLOWANCE",
    "JOB_KEY_FIELD",
    "QUEUE_ITEMS_PATH",
    "RECOVERED_HEADER",
    "REFERENCE_LOOKUP_FAILED",
    "DuplicateSafeAdd",
    "added_item_problem",
    "collection_problem",
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
#: The ``SpecificContent`` key that records which Zeebe job added an item with a reference (its job key, as text).
JOB_KEY_FIELD = "CamundaJobKey"
#: How many items holding one reference a look-up reads, newest first: enough for a reference reused by a few
#: older items on a queue without unique references, bounded so that a look-up stays one small request.
_LOOKUP_TOP = 10
#: ``error_code`` of a failed look-up before the first send: nothing was sent, so the job may be retried.
REFERENCE_LOOKUP_FAILED = "REFERENCE_LOOKUP_FAILED"
#: Statuses of items that no longer reserve their Reference ("Queue Items - Unique Reference", UiPath docs).
_RELEASED_REFERENCE_STATUSES = frozenset({"Deleted", "Retried"})


@attrs.frozen
class _ReferenceHolder:
    """An item of a queue with a given reference (a ``QueueItemDto``) and the look-up's envelope."""

    item: Mapping[str, Any]
    envelope: HttpResponse


def decide_add(outcome: requests.Response | BaseException, now: datetime) -> Decision:
    """An Add is re-sent at once only when it never left: a refused connection or a connect timeout."""
    if isinstance(outcome, BaseException):
        return isinstance(outcome, requests.exceptions.RequestException) and transport_phase(outcome) == "before-send"
    return False


def _fate_unknown(status: int) -> bool:
    """An answer that does not say whether the Add was processed: 408, 429 and every 5xx (module docstring)."""
    return status >= 500 or status in (408, 429)


def _job_key_of(item: Mapping[str, Any]) -> str | None:
    content = item.get("SpecificContent")
    value = content.get(JOB_KEY_FIELD) if isinstance(content, Mapping) else None
    return value if isinstance(value, str) else None


class _ReferenceLookupError(Exception):
    """Looking a reference up got no usable answer; the text (masked) says why."""


def _created_since(item: Mapping[str, Any], started: datetime) -> bool:
    created = item.get("CreationTime")
    created_at = parse_orchestrator_date(created) if isinstance(created, str) else None
    return created_at is None or created_at >= started - CLOCK_SKEW_ALLOWANCE


def _encoded_body(item: AddQueueItemInput, job_key: int | None) -> bytes:
    """The Add's body as UTF-8; a lone surrogate (JSON's ``\\ud800``, not Unicode text) is an input error naming
    its field, before any request."""
    text = json.dumps(item_body(item, job_key), ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        fields = {"queueName": item.queue_name, "reference": item.reference, "specificContent": item.specific_content}
        problems = [
            InputProblem(name, "contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text")
            for name, value in fields.items()
            if not _utf8_encodable(json.dumps(value, ensure_ascii=False))
        ]
        raise ConnectorInputError(
            problems or "the queue item contains a lone surrogate, which is not Unicode text"
        ) from None


def _utf8_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def added_item_problem(envelope: HttpResponse) -> str | None:
    """Why an answer to Add Queue Item is not its documented success, ``201 Created`` with the new item (``Id``).

    >>> added_item_problem(HttpResponse(201, {}, {"Id": 7})) is None, added_item_problem(HttpResponse(204, {}, None))
    (True, 'with no body instead of 201 Created and the new item')
    """
    body = envelope.body
    if envelope.status == 201 and isinstance(body, Mapping) and _is_id(body.get("Id")):
        return None
    return f"with {describe_body(envelope)} instead of 201 Created and the new item"


def _created_without_item(envelope: HttpResponse) -> bool:
    return envelope.status == 201 and added_item_problem(envelope) is not None


def collection_problem(envelope: HttpResponse) -> str | None:
    """Why an answer to ``GET /odata/QueueItems`` is not its documented success, ``200 OK`` with ``value: [...]``.

    >>> collection_problem(HttpResponse(200, {}, {"value": []})) is None
    True
    """
    body = envelope.body
    if envelope.status == 200 and isinstance(body, Mapping) and isinstance(body.get("value"), list):
        return None
    shown = describe_body(envelope) if not isinstance(body, Mapping) else "a JSON object without a value list"
    return f"with {shown} instead of 200 OK and a collection of queue items"


def item_body(item: AddQueueItemInput, job_key: int | None = None) -> dict[str, object]:
    """The ``AddQueueItem`` body: only the keys that have a value (Camunda sends ``null`` for empty ones and
    Orchestrator accepts both), in Camunda's order ``DeferDate, DueDate, Priority, Name, SpecificContent, Reference``;
    dates as RFC 3339 date-times (``wire_date``). With a reference and a job key, ``SpecificContent`` also records
    the job key (:data:`JOB_KEY_FIELD`)."""
    data: dict[str, object] = {}
    if item.defer_date is not None:
        data["DeferDate"] = wire_date(item.defer_date)
    if item.due_date is not None:
        data["DueDate"] = wire_date(item.due_date)
    data["Priority"] = item.priority.value
    data["Name"] = item.queue_name
    content: dict[str, object] | None = dict(item.specific_content) if item.specific_content is not None else None
    if job_key is not None and item.reference:
        content = {**(content or {}), JOB_KEY_FIELD: str(job_key)}
    if content is not None:
        data["SpecificContent"] = content
    if item.reference:
        data["Reference"] = item.reference
    return {"itemData": data}


class DuplicateSafeAdd:
    """Adds queue items through one requester, settling every Add whose fate is unknown (module docstring).

    ``job_key`` is the Zeebe job's key when the Add runs for a job: it scopes adoption to that job's own items.
    """

    def __init__(self, requester: Requester, *, job_key: int | None = None):
        self._requester = requester
        self._job_key = job_key if job_key else None

    @property
    def job_key(self) -> int | None:
        """The Zeebe job's key that scopes adoption (None for a Python caller without a job)."""
        return self._job_key

    def owns(self, item: Mapping[str, Any], started: datetime | None) -> bool:
        """Whether a found item (a ``QueueItemDto``) is this operation's own, by the one rule every Add follows.

        In a job: the item carries this job's key (:data:`JOB_KEY_FIELD`), whatever its age, so a later attempt of
        the job adopts it and an unrelated older item with the same reference is never taken. Without a job: it was
        created since ``started`` (None: never, as before a first send nothing can be this call's).
        Bulk Add (``_bulk_add``) settles its items with this same rule.
        """
        if self._job_key is not None:
            return _job_key_of(item) == str(self._job_key)
        return started is not None and _created_since(item, started)

    def add(self, item: AddQueueItemInput) -> HttpResponse:
        """Add one item to a queue; the envelope of Orchestrator's ``201`` (``body.Id`` is the new item's id).

        An Add whose fate is unknown is never re-sent blindly: with a ``reference`` the item is looked up first,
        without one :class:`QueueItemMayExistError` (``retries=0``) is raised.
        """
        data = _encoded_body(item, self._job_key)
        what = f"POST {ADD_QUEUE_ITEM_PATH}"
        started = self._requester.clock.wall()
        budget = self._requester.retrier.now()
        if self._job_key is not None and item.reference:
            # An earlier attempt of this job (failed, timed out, or its worker died) may have added the item.
            earlier = self._earlier_attempt(item, budget)
            if earlier is not None:
                _LOG.info("add queue item: an earlier attempt of this job added the item; adopting it")
                return earlier
        try:
            response = self._requester.send("POST", ADD_QUEUE_ITEM_PATH, body=data, decide=decide_add, started=budget)
        except requests.RequestException as error:
            if transport_phase(error) != "after-send":
                raise self._requester.network_error(error, what) from None
            lost = "the request timed out" if isinstance(error, requests.Timeout) else "the connection was lost"
            return self._settle_unknown_add(item, data, started, budget, lost, None, " before an answer came back")
        envelope = self._requester.envelope(response)
        success = 200 <= response.status_code < 300
        if success and unreadable_json(response, envelope.body):
            # A 2xx means the item was created, but its Id cannot be read: settle it like a lost answer, by
            # reference, instead of failing the job into a retry that would add it twice.
            answer = f"its answer ({response.status_code} {response.reason}) was not valid JSON"
            return self._settle_unknown_add(item, data, started, budget, answer, None)
        if _created_without_item(envelope):
            # Orchestrator's own status for a created item, without the item: settled the same way (a proxy that
            # rewrote the body must not turn an added item into a job retry that adds it twice).
            answer = f"its answer (201 {response.reason}) had {describe_body(envelope)} instead of the new item"
            return self._settle_unknown_add(item, data, started, budget, answer, None)
        if _fate_unknown(response.status_code):
            answer = f"Orchestrator answered {response.status_code} {response.reason or ''}".rstrip()
            return self._settle_unknown_add(item, data, started, budget, answer, envelope)
        own = self._settle_duplicate(item, response, envelope, started, budget, resent=False)
        if own is not None:
            return own
        # A 2xx's JSON was checked above: ``result`` need not parse or walk it again (it runs on every Add).
        return self._requester.result(response, what, envelope, expect=added_item_problem, json_checked=success)

    def _earlier_attempt(self, item: AddQueueItemInput, budget: float) -> HttpResponse | None:
        try:
            holders = self._with_reference(item, budget)
        except _ReferenceLookupError as failure:
            raise ConnectorError(
                REFERENCE_LOOKUP_FAILED,
                "Add Queue Item was not sent: looking up whether an earlier attempt of this job already added the "
                f"item failed: {failure}",
            ) from None
        ours = self._ours(holders, None)
        return self._recovered(ours) if ours is not None else None

    def _ours(self, holders: list[_ReferenceHolder], started: datetime | None) -> _ReferenceHolder | None:
        """This Add's item among the holders: the one carrying this job's key, else (no job) a recent one."""
        if self._job_key is not None:
            return next((holder for holder in holders if self.owns(holder.item, started)), None)
        if not holders:
            return None
        newest = holders[0]
        return newest if self.owns(newest.item, started) else None

    def _may_exist(self, item: AddQueueItemInput, what: str, answer: HttpResponse | None) -> QueueItemMayExistError:
        queue = self._requester.mask(repr(item.queue_name))
        variables: dict[str, object] | None = None
        code = "408"
        if answer is not None:
            error = self._requester.answer_error(answer, f"POST {ADD_QUEUE_ITEM_PATH}")
            variables = dict(error.variables)
            code = str(answer.status)
            what = f"{what}: {error.message}"
        return QueueItemMayExistError(
            f"Add Queue Item to queue {queue} was sent but {what}, so the item may have been created. It is not "
            "sent again, and the job is not retried automatically, because without a reference the item cannot be "
            "looked up and a second request could add it twice: check the queue, then resolve the incident; or "
            "give items a reference so the connector can settle this itself",
            error_code=code,
            variables=variables,
            retries=0,
        )

    def _settle_unknown_add(
        self,
        item: AddQueueItemInput,
        data: bytes,
        started: datetime,
        budget: float,
        lost: str,
        answer: HttpResponse | None,
        when: str = "",
    ) -> HttpResponse:
        if not item.reference:
            raise self._may_exist(item, lost + when, answer)
        queue = self._requester.mask(repr(item.queue_name))
        what = f"POST {ADD_QUEUE_ITEM_PATH}"
        _LOG.warning("add queue item: %s; looking its reference up before re-sending", lost)
        retry_number = 0
        while True:
            retry_number += 1
            # The backoff before the look-up gives a request still being processed time to commit, so that
            # the look-up sees it (docs/errors-and-retries.md: the remaining race). No time left: look once more.
            may_resend = self._pause(retry_number, budget, answer)
            found = self._find_by_reference(item, started, budget)
            if found is not None:
                return found
            if not may_resend:
                raise QueueItemMayExistError(
                    f"Add Queue Item to queue {queue} was sent but {lost}, and a look-up by its reference found no "
                    "item of this job; the retry policy allows no further attempt. The item may still appear if "
                    "Orchestrator was slow to process the request: a retry of the job looks the reference up "
                    "again before sending anything"
                )
            try:
                response = self._requester.send(
                    "POST", ADD_QUEUE_ITEM_PATH, body=data, decide=decide_add, started=budget
                )
            except requests.RequestException as error:
                if transport_phase(error) != "after-send":
                    raise self._requester.network_error(error, what) from None
                answer = None
                continue
            envelope = self._requester.envelope(response)
            if (
                _fate_unknown(response.status_code)
                or (200 <= response.status_code < 300 and unreadable_json(response, envelope.body))
                or _created_without_item(envelope)
            ):
                answer = envelope
                continue
            own = self._settle_duplicate(item, response, envelope, started, budget, resent=True)
            if own is not None:
                return own
            return self._requester.result(response, what, envelope, expect=added_item_problem)

    def _pause(self, retry_number: int, budget: float, answer: HttpResponse | None) -> bool:
        """Wait before retry ``retry_number``: the server's ``Retry-After`` (429, 503) when it fits the policy, else
        the policy's backoff; ``False`` without waiting when the attempts or the time budget are used up."""
        retrier = self._requester.retrier
        policy = retrier.policy
        clock = retrier.clock
        asked = retry_after_seconds(answer.header("Retry-After"), clock.wall()) if answer is not None else None
        if asked is None or asked > policy.max_retry_after_seconds:
            return retrier.pause(retry_number, budget)
        if retry_number >= policy.attempts or clock.monotonic() - budget + asked > policy.max_total_seconds:
            return False
        _LOG.info("waiting %.2f s (Retry-After) before looking the reference up", asked)
        clock.sleep(asked)
        return True

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
        """A 409/1016 answer to an Add with a reference: this Add's item when a look-up finds it.

        Otherwise it raises :class:`DuplicateReferenceError` naming the item that holds the reference when a
        look-up finds it (a retried job can carry on with that item). None for any other answer.
        """
        if response.status_code != 409 or not item.reference:
            return None
        if error_details(envelope).error_code != DUPLICATE_REFERENCE:
            return None
        holders: list[_ReferenceHolder]
        if resent:
            holders = self._holders_after_send(item, budget)
        else:
            # A first attempt: the look-up only adds facts to the error (or finds this job's own item); when it
            # fails the error is the plain 409.
            try:
                holders = self._with_reference(item, budget)
            except _ReferenceLookupError as failure:
                _LOG.info("add queue item: 409/1016, and looking up the item holding the reference failed: %s", failure)
                holders = []
        ours = self._ours(holders, started if resent else None)
        if ours is not None:
            return self._recovered(ours)
        error = self._requester.answer_error(envelope, f"POST {ADD_QUEUE_ITEM_PATH}")
        holder = next((h for h in holders if h.item.get("Status") not in _RELEASED_REFERENCE_STATUSES), None)
        if holder is not None and isinstance(error, DuplicateReferenceError):
            item_id = holder.item.get("Id")
            if isinstance(item_id, int) and not isinstance(item_id, bool):
                masked = self._requester.masked(dict(holder.item))
                assert isinstance(masked, dict)
                error = error.naming_holder(masked)
                self._requester.mask_error(error)
        raise error

    def _find_by_reference(self, item: AddQueueItemInput, started: datetime, budget: float) -> HttpResponse | None:
        """The item an earlier send of this Add created, as a synthetic 201 envelope, when a look-up finds it."""
        ours = self._ours(self._holders_after_send(item, budget), started)
        return self._recovered(ours) if ours is not None else None

    def _holders_after_send(self, item: AddQueueItemInput, budget: float) -> list[_ReferenceHolder]:
        """:meth:`_with_reference` after an Add that may have landed: a failed look-up leaves that open."""
        try:
            return self._with_reference(item, budget)
        except _ReferenceLookupError as failure:
            raise QueueItemMayExistError(
                "Add Queue Item was sent but no answer came back, so the item may have been created; looking its "
                f"reference up failed too: {failure}"
            ) from None

    def _with_reference(self, item: AddQueueItemInput, budget: float) -> list[_ReferenceHolder]:
        """The queue's newest items with ``item.reference`` (at most ten), of any age.

        :class:`_ReferenceLookupError` on failure.
        """
        assert item.reference is not None
        params = {
            "$filter": f"Reference eq {odata_string(item.reference)} and "
            f"QueueDefinitionName eq {odata_string(item.queue_name)}",
            "$orderby": "Id desc",
            "$top": str(_LOOKUP_TOP),
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
        # Only a real collection says "no such item": a redirect, a login page or an empty answer says nothing,
        # and reading it as "not found" would re-send an Add that may have landed.
        problem = collection_problem(envelope)
        if problem is None and unreadable_json(response, envelope.body):
            problem = "with a body that is not valid JSON"
        if problem is not None:
            raise _ReferenceLookupError(self._requester.unexpected_answer(envelope, what, problem).message)
        body = envelope.body
        values = body.get("value") if isinstance(body, Mapping) else None
        if not isinstance(values, list):
            return []
        return [_ReferenceHolder(value, envelope) for value in values[:_LOOKUP_TOP] if isinstance(value, Mapping)]

    def _recovered(self, holder: _ReferenceHolder) -> HttpResponse:
        """The found item as the 201 envelope its Add would have had, marked with :data:`RECOVERED_HEADER`."""
        entity: dict[str, Any] = {"@odata.context": f"{self._requester.base_url}/odata/$metadata#QueueItems/$entity"}
        entity.update((key, value) for key, value in holder.item.items() if not key.startswith("@odata."))
        headers = dict(holder.envelope.headers)
        headers[RECOVERED_HEADER] = "reference-lookup"
        return HttpResponse(status=201, headers=headers, body=entity, reason="Created")
