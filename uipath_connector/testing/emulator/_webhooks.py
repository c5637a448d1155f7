"""Orchestrator's webhooks: registrations, signed deliveries from a background thread, and delivery faults.

What UiPath documents (Orchestrator user guide, "Webhooks" and "Types of Events"; Orchestrator API guide,
"Webhooks Requests"), and the emulator does:

* a webhook is registered per tenant with a URL, an optional secret, ``Enabled``, and either
  ``SubscribeToAllEvents`` or a list of ``Events`` (``{"EventType": "queueItem.added"}``);
* each event is POSTed as JSON; the common properties are ``Type``, ``EventId`` (32 hex digits), ``Timestamp``
  (seven fractional digits, UTC), ``TenantId``, ``OrganizationUnitId``, and ``UserId`` unless a robot caused it;
* queue item events carry the ``Queue`` and the item: ``QueueItem`` for transactionStarted / Completed / Failed,
  ``QueueItems`` (a list) for added and transactionAbandoned; properties that are null are left out, as in
  UiPath's samples;
* with a secret, the ``X-UiPath-Signature`` header is the Base64 of HMAC-SHA256 over the raw request body, keyed
  with the secret's UTF-8 bytes;
* deliveries are fire-and-forget: one that fails (an error, a timeout, a status other than 2xx) is lost, and the
  webhook's circuit breaker opens for one hour, during which its events are skipped, not queued.

The delivery thread keeps the API fast: a state change only puts the event on a bounded queue.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import queue
import ssl
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import attrs

from ._dates import format_echo, format_stored
from ._errors import EmulatorError, InvalidRequestError
from ._model import (
    Actor,
    ItemEventType,
    OrchestratorModel,
    Queue,
    QueueItem,
)

SIGNATURE_HEADER = "X-UiPath-Signature"
#: How long a failed delivery switches a webhook off (UiPath's "Webhooks" page: "for one hour").
CIRCUIT_BREAKER_SECONDS = 3600.0
DEFAULT_DELIVERY_TIMEOUT_SECONDS = 5.0
MAX_PENDING_EVENTS = 10_000
MAX_RECORDED_DELIVERIES = 10_000
MAX_WEBHOOKS = 1_000
MAX_URL_CHARS = 2048
#: The delivery thread ends after this many quiet seconds (and starts again with the next event).
IDLE_THREAD_SECONDS = 5.0

#: Event types the emulator sends (the queue item events of UiPath's "Types of Events").
EVENT_TYPES: tuple[str, ...] = tuple(event.value for event in ItemEventType)


@attrs.define
class Webhook:
    """A registered webhook; ``disabled_until`` is set while its circuit breaker is open."""

    id: int
    key: str
    org: str
    tenant: str
    url: str
    name: str | None
    description: str | None
    enabled: bool
    secret: str | None = attrs.field(repr=False)
    subscribe_to_all_events: bool
    allow_insecure_ssl: bool
    events: tuple[str, ...]
    disabled_until: datetime | None = None

    def wants(self, event_type: str) -> bool:
        return self.subscribe_to_all_events or event_type in self.events

    def to_dto(self) -> dict[str, Any]:
        # The secret is write-only here: a listing never shows it (it would leak into logs and test output).
        return {
            "Url": self.url,
            "Enabled": self.enabled,
            "Secret": None,
            "SubscribeToAllEvents": self.subscribe_to_all_events,
            "AllowInsecureSsl": self.allow_insecure_ssl,
            "Events": [{"EventType": event} for event in self.events],
            "Name": self.name,
            "Description": self.description,
            "Key": self.key,
            "Id": self.id,
        }


@attrs.frozen
class Delivery:
    """One delivery attempt (or skipped delivery) in :attr:`WebhookDispatcher.deliveries`."""

    webhook_id: int
    event_type: str
    event_id: str
    body: bytes
    signature: str | None
    status: int | None
    outcome: str  # "delivered", "failed", "dropped" (a fault), "skipped" (circuit breaker open)
    error: str | None = None

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.frozen
class _Event:
    org: str
    tenant: str
    event_type: str
    payload: dict[str, Any]


def sign(secret: str, body: bytes) -> str:
    """``X-UiPath-Signature``: Base64 of HMAC-SHA256 of ``body`` keyed with the secret's UTF-8 bytes.

    >>> sign("secret", b'{"Type":"queueItem.added"}')
    'h3F6wuy2y+eZkpg7I2H+5NjX7G5zvY+ZaqZ1Qt8o8S4='
    """
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def queue_payload(queue: Queue) -> dict[str, Any]:
    return {
        "Id": queue.id,
        "Name": queue.name,
        "Description": queue.description,
        "MaxNumberOfRetries": queue.max_number_of_retries,
        "AcceptAutomaticallyRetry": queue.accept_automatically_retry,
        "EnforceUniqueReference": queue.enforce_unique_reference,
    }


def item_payload(item: QueueItem, robot: Mapping[str, Any] | None) -> dict[str, Any]:
    exception = item.processing_exception
    fields: dict[str, Any] = {
        "Id": item.id,
        "Key": item.key,
        "QueueDefinitionId": item.queue_id,
        "Status": item.status.value,
        "ReviewStatus": item.review_status,
        "Reference": item.reference,
        "ProcessingException": (
            {"Reason": exception.reason, "Details": exception.details, "Type": exception.type} if exception else None
        ),
        "Priority": item.priority.value,
        "DeferDate": _date(item.defer_date),
        "DueDate": _date(item.due_date),
        "RiskSlaDate": _date(item.risk_sla_date),
        "CreationTime": format_stored(item.creation_time),
        "StartProcessing": _date(item.start_processing),
        "EndProcessing": _date(item.end_processing),
        "SecondsInPreviousAttempts": item.seconds_in_previous_attempts,
        "AncestorId": item.ancestor_id,
        "RetryNumber": item.retry_number,
        "Progress": item.progress,
        "Robot": dict(robot) if robot is not None else None,
        "SpecificContent": item.specific_content,
        "Output": item.output,
        "Analytics": item.analytics,
    }
    # UiPath's samples leave out what is null.
    return {name: value for name, value in fields.items() if value is not None}


def _date(value: datetime | None) -> str | None:
    return format_stored(value) if value is not None else None


class WebhookDispatcher:
    """Registrations and the delivery thread of one emulator.

    Tests drive it through :attr:`OrchestratorEmulator.webhooks`::

        hook = emulator.webhooks.register("http://127.0.0.1:9000/hook", secret="s3cret")
        emulator.webhooks.drop_next(2)          # the next two deliveries are lost
        emulator.webhooks.wait_until_idle()     # every queued event was handled
        emulator.webhooks.deliveries            # what was sent, with bodies and signatures
    """

    def __init__(
        self,
        model: OrchestratorModel,
        *,
        delivery_timeout_seconds: float = DEFAULT_DELIVERY_TIMEOUT_SECONDS,
        max_pending_events: int = MAX_PENDING_EVENTS,
        max_recorded_deliveries: int = MAX_RECORDED_DELIVERIES,
    ) -> None:
        if not 0 < delivery_timeout_seconds <= 60:
            raise ValueError("delivery_timeout_seconds lies within (0, 60]")
        self._model = model
        self.delivery_timeout_seconds = delivery_timeout_seconds
        self._lock = threading.Lock()
        self._webhooks: dict[int, Webhook] = {}
        self._next_id = 1
        self._pending: queue.Queue[_Event | None] = queue.Queue(maxsize=max_pending_events)
        self._deliveries: deque[Delivery] = deque(maxlen=max_recorded_deliveries)
        self._drop_remaining = 0
        self._duplicate_remaining = 0
        self._lost_events = 0
        self._in_flight = 0
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        model.add_listener(self._on_item_event)

    # -- registrations -------------------------------------------------------------------------------

    def register(
        self,
        url: str,
        *,
        secret: str | None = None,
        events: Iterable[str] | None = None,
        enabled: bool = True,
        name: str | None = None,
        description: str | None = None,
        allow_insecure_ssl: bool = False,
        org: str | None = None,
        tenant: str | None = None,
    ) -> Webhook:
        """Register a webhook: ``events`` None subscribes to every event type."""
        _check_url(url)
        wanted = tuple(events) if events is not None else ()
        unknown = sorted(set(wanted) - set(EVENT_TYPES))
        if unknown:
            raise InvalidRequestError(f"Events: unknown event type '{unknown[0]}'.")
        home_org, home_tenant = (org, tenant) if org and tenant else self._default_tenant()
        with self._lock:
            if len(self._webhooks) >= MAX_WEBHOOKS:
                raise InvalidRequestError(f"A tenant holds at most {MAX_WEBHOOKS} webhooks.")
            webhook = Webhook(
                id=self._next_id,
                key=self._model.new_guid(),
                org=home_org,
                tenant=home_tenant,
                url=url,
                name=name,
                description=description,
                enabled=enabled,
                secret=secret,
                subscribe_to_all_events=events is None,
                allow_insecure_ssl=allow_insecure_ssl,
                events=wanted,
            )
            self._next_id += 1
            self._webhooks[webhook.id] = webhook
        return attrs.evolve(webhook)

    def _default_tenant(self) -> tuple[str, str]:
        tenants = self._model.tenants()
        if not tenants:
            raise ValueError("the emulator serves no tenant")
        return tenants[0]

    def get(self, webhook_id: int, *, org: str | None = None, tenant: str | None = None) -> Webhook:
        with self._lock:
            webhook = self._webhooks.get(webhook_id)
            if webhook is None or (
                org is not None and (webhook.org.lower(), webhook.tenant.lower()) != _tenant_key(org, tenant)
            ):
                raise EmulatorError(404, "Webhook does not exist.", 1002, resource_ids=True)
            return attrs.evolve(webhook)

    def all(self, *, org: str | None = None, tenant: str | None = None) -> list[Webhook]:
        with self._lock:
            hooks = list(self._webhooks.values())
        if org is not None:
            hooks = [h for h in hooks if (h.org.lower(), h.tenant.lower()) == _tenant_key(org, tenant)]
        return [attrs.evolve(h) for h in hooks]

    def update(self, webhook_id: int, **changes: Any) -> Webhook:
        with self._lock:
            webhook = self._webhooks.get(webhook_id)
            if webhook is None:
                raise EmulatorError(404, "Webhook does not exist.", 1002, resource_ids=True)
            if "url" in changes:
                _check_url(changes["url"])
            for name, value in changes.items():
                setattr(webhook, name, value)
            return attrs.evolve(webhook)

    def delete(self, webhook_id: int) -> None:
        with self._lock:
            if self._webhooks.pop(webhook_id, None) is None:
                raise EmulatorError(404, "Webhook does not exist.", 1002, resource_ids=True)

    # -- faults driven from tests -----------------------------------------------------------------------

    def drop_next(self, count: int = 1) -> None:
        """Lose the next ``count`` deliveries (nothing is sent; the webhook stays on), as a network would."""
        if count < 1:
            raise ValueError("count is at least 1")
        with self._lock:
            self._drop_remaining += count

    def duplicate_next(self, count: int = 1) -> None:
        """Send each of the next ``count`` deliveries twice (same body, same EventId)."""
        if count < 1:
            raise ValueError("count is at least 1")
        with self._lock:
            self._duplicate_remaining += count

    def switch_off(self, webhook_id: int, seconds: float = CIRCUIT_BREAKER_SECONDS) -> None:
        """Open the webhook's circuit breaker for ``seconds`` of the emulator's clock (as a failed delivery does)."""
        with self._lock:
            webhook = self._webhooks.get(webhook_id)
            if webhook is None:
                raise KeyError(webhook_id)
            webhook.disabled_until = self._model.clock.now() + timedelta(seconds=seconds)

    @property
    def deliveries(self) -> list[Delivery]:
        """The newest deliveries (bounded), oldest first."""
        with self._lock:
            return list(self._deliveries)

    @property
    def lost_events(self) -> int:
        """Events dropped because the pending queue was full (Orchestrator does not store events either)."""
        with self._lock:
            return self._lost_events

    def wait_until_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every queued event was delivered or skipped; False when ``timeout`` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending.empty() and self._in_flight == 0, timeout)

    # -- the delivery thread -----------------------------------------------------------------------------

    def _on_item_event(self, event_type: ItemEventType, item: QueueItem, queue_: Queue, actor: Actor) -> None:
        with self._lock:
            if not self._webhooks:
                return
        folder = self._model.folder(item.folder_id)
        robot = self._model.robot(item.robot_id) if item.robot_id is not None else None
        payload: dict[str, Any] = {
            "Type": event_type.value,
            "EventId": f"{self._model.random.getrandbits(128):032x}",
            "Timestamp": format_echo(self._model.clock.now()),
        }
        item_json = item_payload(item, robot.to_payload() if robot is not None else None)
        if event_type in (ItemEventType.ADDED, ItemEventType.TRANSACTION_ABANDONED):
            payload["Queue"] = queue_payload(queue_)
            payload["QueueItems"] = [item_json]
        else:
            payload["QueueItem"] = item_json
            payload["Queue"] = queue_payload(queue_)
        payload["TenantId"] = self._model.tenant_id(folder.org, folder.tenant)
        payload["OrganizationUnitId"] = folder.id
        if actor.robot_id is None and actor.user_id is not None:
            payload["UserId"] = actor.user_id
        self._enqueue(_Event(folder.org, folder.tenant, event_type.value, payload))

    def _enqueue(self, event: _Event) -> None:
        try:
            with self._lock:
                self._in_flight += 1
            self._pending.put_nowait(event)
        except queue.Full:
            with self._idle:
                self._in_flight -= 1
                self._lost_events += 1
                self._idle.notify_all()
            return
        # After the put: a thread that is just leaving for idleness checks the queue under the same lock.
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="uipath-emulator-webhooks", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the delivery thread (pending events are dropped)."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        with contextlib.suppress(queue.Full):
            self._pending.put_nowait(None)
        thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        idle_since = time.monotonic()
        while not self._stopping.is_set():
            try:
                event = self._pending.get(timeout=0.5)
            except queue.Empty:
                # An emulator that nobody stops must not keep a thread for ever: leave after a quiet spell; the
                # next event starts a new one.
                if time.monotonic() - idle_since >= IDLE_THREAD_SECONDS:
                    with self._lock:
                        if self._pending.empty():
                            self._thread = None
                            return
                continue
            idle_since = time.monotonic()
            if event is None:
                break
            try:
                self._deliver_event(event)
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def _deliver_event(self, event: _Event) -> None:
        body = json.dumps(event.payload, separators=(",", ":")).encode("utf-8")
        key = _tenant_key(event.org, event.tenant)
        with self._lock:
            targets = [
                attrs.evolve(h)
                for h in self._webhooks.values()
                if (h.org.lower(), h.tenant.lower()) == key and h.enabled and h.wants(event.event_type)
            ]
        for webhook in targets:
            signature = sign(webhook.secret, body) if webhook.secret else None
            now = self._model.clock.now()
            record = {
                "webhook_id": webhook.id,
                "event_type": event.event_type,
                "event_id": event.payload["EventId"],
                "body": body,
                "signature": signature,
            }
            if webhook.disabled_until is not None and now < webhook.disabled_until:
                self._record(Delivery(**record, status=None, outcome="skipped"))
                continue
            with self._lock:
                dropped = self._drop_remaining > 0
                self._drop_remaining -= 1 if dropped else 0
                twice = not dropped and self._duplicate_remaining > 0
                self._duplicate_remaining -= 1 if twice else 0
            if dropped:
                self._record(Delivery(**record, status=None, outcome="dropped"))
                continue
            for _attempt in range(2 if twice else 1):
                status, error = self._post(webhook, body, signature)
                ok = status is not None and 200 <= status < 300
                self._record(Delivery(**record, status=status, outcome="delivered" if ok else "failed", error=error))
                if not ok:
                    # UiPath's "Webhooks" page: a failed forward opens the webhook's circuit breaker for an hour.
                    with self._lock:
                        stored = self._webhooks.get(webhook.id)
                        if stored is not None:
                            stored.disabled_until = now + timedelta(seconds=CIRCUIT_BREAKER_SECONDS)
                    break

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self._deliveries.append(delivery)

    def _post(self, webhook: Webhook, body: bytes, signature: str | None) -> tuple[int | None, str | None]:
        split = urlsplit(webhook.url)
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "UiPath-Orchestrator-Emulator"}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        connection: http.client.HTTPConnection
        timeout = self.delivery_timeout_seconds
        if split.scheme == "https":
            context = ssl.create_default_context()
            if webhook.allow_insecure_ssl:
                # The webhook's AllowInsecureSsl: the user asked for no certificate check on this URL.
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            connection = http.client.HTTPSConnection(split.hostname or "", split.port, timeout=timeout, context=context)
        else:
            connection = http.client.HTTPConnection(split.hostname or "", split.port, timeout=timeout)
        path = split.path or "/"
        if split.query:
            path += "?" + split.query
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)  # bounded: the answer's body does not matter
            return response.status, None
        except (OSError, http.client.HTTPException) as exc:
            return None, f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()


def _tenant_key(org: str, tenant: str | None) -> tuple[str, str]:
    return org.lower(), (tenant or "").lower()


def _check_url(url: object) -> None:
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        raise InvalidRequestError(f"Url: an absolute http or https URL of at most {MAX_URL_CHARS} characters.")
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise InvalidRequestError("Url: an absolute http or https URL is required.")
