"""Faults a test can inject into the emulator's answers, per endpoint and for the next N requests.

A fault either *replaces* the answer (the request is not processed: 5xx, 429, malformed JSON, an HTML page, or
a
connection dropped before processing), *drops the connection after processing* (the item is committed but the
client
sees a connection error), or *delays* the answer (the request is processed, the response is held back).
"""

from __future__ import annotations

import enum

import attrs

# Every wait is bounded (every wait has a limit): a delay fault can hold a response for at most this long.
MAX_DELAY_SECONDS = 30.0


class Endpoint(str, enum.Enum):
    """The routes the emulator serves; faults and rate limits target them."""

    TOKEN = "Token"  # noqa: S105 - an endpoint name
    ADD_QUEUE_ITEM = "AddQueueItem"
    BULK_ADD_QUEUE_ITEMS = "BulkAddQueueItems"
    LIST_QUEUE_ITEMS = "QueueItems"
    GET_QUEUE_ITEM = "QueueItems(id)"
    SET_TRANSACTION_PROGRESS = "SetTransactionProgress"
    SET_TRANSACTION_RESULT = "SetTransactionResult"
    DELETE_QUEUE_ITEM = "DeleteQueueItem"
    UPDATE_QUEUE_ITEM = "UpdateQueueItem"
    DELETE_BULK = "DeleteBulk"
    START_TRANSACTION = "StartTransaction"
    GET_ITEM_LAST_RETRY = "GetItemLastRetry"
    GET_ITEM_LAST_RETRY_BY_KEY = "GetItemLastRetryByKey"
    QUEUE_ITEM_EVENTS = "QueueItemEvents"
    QUEUE_ITEM_EVENT = "QueueItemEvents(id)"
    QUEUE_ITEM_EVENTS_HISTORY = "GetQueueItemEventsHistory"
    LIST_QUEUE_DEFINITIONS = "QueueDefinitions"
    LIST_QUEUES_ACROSS_FOLDERS = "GetQueuesAcrossFolders"
    GET_QUEUE_DEFINITION = "QueueDefinitions(id)"
    CREATE_QUEUE_DEFINITION = "CreateQueueDefinition"
    LIST_WEBHOOKS = "Webhooks"
    GET_WEBHOOK = "Webhooks(id)"
    CREATE_WEBHOOK = "CreateWebhook"
    UPDATE_WEBHOOK = "UpdateWebhook"
    DELETE_WEBHOOK = "DeleteWebhook"
    WEBHOOK_EVENT_TYPES = "GetEventTypes"


class ErrorBody(str, enum.Enum):
    """What a 5xx fault carries: Orchestrator's JSON error body, plain text, or nothing."""

    JSON = "json"
    TEXT = "text"
    EMPTY = "empty"


@attrs.frozen
class ServerError:
    """Answer with a 5xx (or any status) instead of processing: ``ServerError(503, body=ErrorBody.EMPTY)``.

    ``after_commit=True`` processes the request first and then answers the error, as a proxy or load balancer in
    front of Orchestrator can (the item IS created; the client cannot tell).
    """

    status: int = 503
    body: ErrorBody = ErrorBody.JSON
    after_commit: bool = False


@attrs.frozen
class TooManyRequests:
    """Answer 429 with ``Retry-After: <retry_after>`` and the text body ``Too Many Requests`` (UiPath:
    API Response Codes)."""

    retry_after: int = 1
    after_commit: bool = False  # process first, then answer 429 (a rate-limiting proxy after the request passed)


@attrs.frozen
class MalformedJson:
    """Answer with a JSON content type and a truncated JSON body, without processing."""

    status: int = 200


@attrs.frozen
class HtmlErrorPage:
    """Answer with an HTML page, as a gateway or a wrong org/tenant URL does (UiPath: API Response Codes)."""

    status: int = 502


@attrs.frozen
class DropConnection:
    """Close the connection without answering.

    ``after_commit=True`` processes the request first ("commit then drop": the item IS created); ``False``
    drops it
    before anything happens. In-process the client sees ``requests.exceptions.ConnectionError``.
    """

    after_commit: bool = True


@attrs.frozen
class Delay:
    """Hold the response back ``seconds`` (plus a seeded random ``jitter`` in ``[0, jitter]``), at most 30 s.

    The request is processed first. The loopback server really waits; in-process nothing sleeps: the delay is
    recorded, and if it exceeds the read timeout the caller passed to ``requests`` the call raises
    ``requests.exceptions.ReadTimeout`` (the request was processed all the same).
    """

    seconds: float
    jitter: float = 0.0

    def __attrs_post_init__(self) -> None:
        if self.seconds < 0 or self.jitter < 0 or self.seconds + self.jitter > MAX_DELAY_SECONDS:
            raise ValueError(f"a delay lies within 0 and {MAX_DELAY_SECONDS} seconds")


Fault = ServerError | TooManyRequests | MalformedJson | HtmlErrorPage | DropConnection | Delay


@attrs.define
class FaultInjection:
    """One injected fault; ``remaining`` None means until :meth:`OrchestratorEmulator.clear_faults`."""

    fault: Fault
    endpoints: frozenset[Endpoint] | None
    remaining: int | None
    fired: int = 0

    def matches(self, endpoint: Endpoint) -> bool:
        return (self.remaining is None or self.remaining > 0) and (self.endpoints is None or endpoint in self.endpoints)

    def consume(self) -> None:
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1
