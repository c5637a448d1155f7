"""``OrchestratorEmulator``: the public face of the emulator (setup, robot, faults, inspection, both run
modes)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any

import attrs

from ._clock import Clock
from ._faults import Endpoint, Fault, FaultInjection
from ._http import DEFAULT_MAX_RECORDED_REQUESTS, EmulatorRequest, EmulatorResponse, RecordedRequest, RequestProcessor
from ._mock import mount as mount_into_responses
from ._model import (
    FailureKind,
    Folder,
    ItemData,
    OrchestratorModel,
    Priority,
    Queue,
    QueueItem,
    QueueItemStatus,
    Robot,
)
from ._odata import MAX_TOP
from ._server import EmulatorServer
from ._webhooks import DEFAULT_DELIVERY_TIMEOUT_SECONDS, WebhookDispatcher


@attrs.frozen
class DemoData:
    """What :meth:`OrchestratorEmulator.demo` seeds. The credentials exist only inside the emulator."""

    org: str = "demo-org"
    tenant: str = "DefaultTenant"
    folder_path: str = "Shared"
    folder_id: int = 1964413
    folder_key: str = "6e1c1c6e-3c1b-4b7e-9a57-3f0c1c2a9d11"
    queue_name: str = "DemoQueue"
    queue_id: int = 165001
    unique_queue_name: str = "InvoiceQueue"
    unique_queue_id: int = 165002
    unique_queue_max_retries: int = 1
    client_id: str = "demo-client"
    client_secret: str = "demo-secret-emulator-only"  # noqa: S105 - exists only in the emulator
    scopes: tuple[str, ...] = ("OR.Queues", "OR.Queues.Read", "OR.Queues.Write", "OR.Webhooks")
    personal_access_token: str = "demo-personal-access-token"  # noqa: S105 - emulator only
    robot_name: str = "demo-robot"
    robot_key: str = "2f0d3c1e-8b5a-4c61-9e7d-5a4b3c2d1e0f"


DEMO = DemoData()


@attrs.frozen
class CompleteItem:
    """Robot outcome: the item is ``Successful`` with this output."""

    output: Mapping[str, Any] | None = None
    analytics: Mapping[str, Any] | None = None


@attrs.frozen
class FailItem:
    """Robot outcome: the item fails; an application failure on a retrying queue is re-queued."""

    reason: str
    kind: FailureKind | str = FailureKind.BUSINESS
    details: str | None = None


@attrs.frozen
class AbandonItem:
    """Robot outcome: the item is left ``InProgress`` until Orchestrator abandons it."""


RobotOutcome = CompleteItem | FailItem | AbandonItem
RobotRule = Callable[[QueueItem], "RobotOutcome | Mapping[str, Any] | None"]

_PRIORITY_ORDER = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}


class OrchestratorEmulator:
    """A stateful, thread-safe emulator of UiPath Orchestrator's queue API and identity token endpoint.

    >>> import requests
    >>> emulator = OrchestratorEmulator.demo()
    >>> with emulator.mock(base_host="https://cloud.uipath.com"):
    ...     token = requests.post(
    ...         "https://cloud.uipath.com/identity_/connect/token",
    ...         data={"grant_type": "client_credentials", "client_id": DEMO.client_id,
    ...               "client_secret": DEMO.client_secret, "scope": "OR.Queues"}, timeout=5,
    ...     ).json()["access_token"]
    ...     created = requests.post(
    ...         emulator.base_url("https://cloud.uipath.com") + "/odata/Queues/UiPathODataSvc.AddQueueItem",
    ...         json={"itemData": {"Name": "DemoQueue", "SpecificContent": {"InvoiceId": "INV-1"}}},
    ...         headers={"Authorization": f"Bearer {token}", "X-UIPATH-OrganizationUnitId": "1964413"},
    ...         timeout=5,
    ...     )
    >>> created.status_code, created.json()["Status"]
    (201, 'New')
    >>> emulator.complete(created.json()["Id"], output={"Paid": True}).status.value
    'Successful'

    ``max_recorded_requests`` bounds :attr:`requests` to the newest N (default 10,000). ``max_items`` is the
    retention limit: above it the oldest items whose processing is over are purged, as a queue retention policy
    does (default: none; the CLI keeps 100,000). ``max_page_size`` is the page served without ``$top`` and the
    largest ``$top`` accepted (100, as Automation Cloud; 1000 for older on-premises servers).
    ``org``/``tenant`` name the default tenant that the setup methods use when not told otherwise. ``clock``
    defaults to the wall clock (pass a :class:`ManualClock` to move time in tests); ``seed`` makes item keys
    and
    trace ids reproducible.
    """

    def __init__(
        self,
        org: str = DEMO.org,
        tenant: str = DEMO.tenant,
        *,
        clock: Clock | None = None,
        seed: int | None = 0,
        first_item_id: int = 1,
        token_lifetime_seconds: int = 3600,
        max_recorded_requests: int = DEFAULT_MAX_RECORDED_REQUESTS,
        max_items: int | None = None,
        max_page_size: int = MAX_TOP,
        webhook_timeout_seconds: float = DEFAULT_DELIVERY_TIMEOUT_SECONDS,
    ) -> None:
        if max_recorded_requests < 0:
            raise ValueError("max_recorded_requests is at least 0")
        self.org = org
        self.tenant = tenant
        self._model = OrchestratorModel(
            clock=clock,
            seed=seed,
            first_item_id=first_item_id,
            token_lifetime_seconds=token_lifetime_seconds,
            max_items=max_items,
        )
        self._model.add_tenant(org, tenant)
        self._webhooks = WebhookDispatcher(self._model, delivery_timeout_seconds=webhook_timeout_seconds)
        self._processor = RequestProcessor(
            self._model,
            max_recorded_requests=max_recorded_requests,
            max_page_size=max_page_size,
            webhooks=self._webhooks,
        )

    @classmethod
    def demo(
        cls,
        *,
        clock: Clock | None = None,
        seed: int | None = 0,
        max_recorded_requests: int = DEFAULT_MAX_RECORDED_REQUESTS,
        max_items: int | None = None,
        max_page_size: int = MAX_TOP,
        token_lifetime_seconds: int = 3600,
    ) -> OrchestratorEmulator:
        """An emulator seeded with :data:`DEMO`: ``OrchestratorEmulator.demo().queues()``."""
        emulator = cls(
            DEMO.org,
            DEMO.tenant,
            clock=clock,
            seed=seed,
            max_recorded_requests=max_recorded_requests,
            max_items=max_items,
            max_page_size=max_page_size,
            token_lifetime_seconds=token_lifetime_seconds,
        )
        emulator.seed_demo_data()
        return emulator

    def seed_demo_data(self) -> None:
        """Add the :data:`DEMO` folder, its two queues, the demo client and the demo personal access token."""
        folder = self.add_folder(DEMO.folder_path, folder_id=DEMO.folder_id, key=DEMO.folder_key)
        self.add_queue(DEMO.queue_name, folder=folder, queue_id=DEMO.queue_id)
        self.add_queue(
            DEMO.unique_queue_name,
            folder=folder,
            queue_id=DEMO.unique_queue_id,
            enforce_unique_reference=True,
            max_number_of_retries=DEMO.unique_queue_max_retries,
        )
        self.add_client(DEMO.client_id, DEMO.client_secret, DEMO.scopes)
        self.add_token(DEMO.personal_access_token, ("OR.Queues", "OR.Webhooks"))
        self.add_robot(DEMO.robot_name, key=DEMO.robot_key)

    # -- setup -----------------------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self._model.clock

    @property
    def token_lifetime_seconds(self) -> int:
        """``expires_in`` of issued tokens (3600 as on Automation Cloud); settable."""
        return self._model.token_lifetime_seconds

    @token_lifetime_seconds.setter
    def token_lifetime_seconds(self, seconds: int) -> None:
        self._model.token_lifetime_seconds = seconds

    def add_tenant(self, org: str, tenant: str) -> None:
        """Serve another org/tenant: ``emulator.add_tenant("acme", "Prod")``."""
        self._model.add_tenant(org, tenant)

    def add_folder(
        self,
        path: str,
        *,
        folder_id: int | None = None,
        key: str | None = None,
        org: str | None = None,
        tenant: str | None = None,
    ) -> Folder:
        """Add a folder: ``emulator.add_folder("Shared/Finance", folder_id=515128)``."""
        return self._model.add_folder(org or self.org, tenant or self.tenant, path, folder_id=folder_id, key=key)

    def add_queue(
        self,
        name: str,
        *,
        folder: Folder | str | int | None = None,
        enforce_unique_reference: bool = False,
        max_number_of_retries: int = 0,
        accept_automatically_retry: bool | None = None,
        queue_id: int | None = None,
    ) -> Queue:
        """Add a queue: ``emulator.add_queue("InvoiceQueue", enforce_unique_reference=True)``.

        ``folder`` is a :class:`Folder`, a folder path or id of the default tenant, or None for its first
        folder.
        ``accept_automatically_retry`` defaults to ``max_number_of_retries > 0``.
        """
        return self._model.add_queue(
            self._resolve_folder(folder),
            name,
            queue_id=queue_id,
            enforce_unique_reference=enforce_unique_reference,
            max_number_of_retries=max_number_of_retries,
            accept_automatically_retry=(
                max_number_of_retries > 0 if accept_automatically_retry is None else accept_automatically_retry
            ),
        )

    def add_robot(
        self, name: str, *, key: str | None = None, machine_name: str = "EMULATOR", username: str | None = None
    ) -> Robot:
        """Register an unattended robot; StartTransaction hands items only to robots.

        A robot is named in StartTransaction by ``RobotIdentifier`` (its ``key``), as UiPath's SDKs send it, or
        by a token issued to it (``add_client(..., robot=robot)``): ``emulator.add_robot("bot-1").key``.
        """
        return self._model.add_robot(name, key=key, machine_name=machine_name, username=username)

    def robots(self) -> list[Robot]:
        return self._model.robots()

    @property
    def webhooks(self) -> WebhookDispatcher:
        """Registered webhooks, deliveries and delivery faults: ``emulator.webhooks.register(url, secret=...)``."""
        return self._webhooks

    @property
    def max_items(self) -> int | None:
        """The retention limit (None: keep every item); settable."""
        return self._model.max_items

    @max_items.setter
    def max_items(self, value: int | None) -> None:
        self._model.max_items = value

    def seed_item(self, queue: str | Queue, data: ItemData) -> QueueItem:
        """Add a validated item directly (no HTTP), as a configuration file's ``[[items]]`` do."""
        found = queue if isinstance(queue, Queue) else self.queue(queue)
        return self._model.add_item(found, data)

    def add_client(
        self,
        client_id: str,
        secret: str,
        scopes: Iterable[str] = ("OR.Queues",),
        *,
        folders: Iterable[Folder | int] | None = None,
        robot: Robot | None = None,
    ) -> None:
        """Register a confidential external application: ``emulator.add_client("app", "s3cret",
        ["OR.Queues"])``.

        ``folders`` limits the folders the app is assigned to (default: all).
        """
        self._model.add_client(
            client_id, secret, scopes, self._folder_ids(folders), robot_id=robot.id if robot else None
        )

    def add_token(
        self,
        token: str,
        scopes: Iterable[str] = ("OR.Queues",),
        *,
        expires_in: float | None = None,
        folders: Iterable[Folder | int] | None = None,
    ) -> None:
        """Accept a static bearer token (a personal access token): ``emulator.add_token("pat-1",
        expires_in=60)``."""
        expires_at = self.clock.now() + timedelta(seconds=expires_in) if expires_in is not None else None
        self._model.add_token(token, scopes, expires_at=expires_at, folder_ids=self._folder_ids(folders))

    def revoke_tokens(self) -> None:
        """Invalidate every token issued or added so far (the next call with one answers 401)."""
        self._model.revoke_tokens()

    def set_rate_limit(
        self,
        limit: int | None,
        *,
        window_seconds: float = 60.0,
        endpoints: Iterable[Endpoint] | None = (Endpoint.LIST_QUEUE_ITEMS,),
        org: str | None = None,
        tenant: str | None = None,
    ) -> None:
        """Answer 429 + ``Retry-After`` once a tenant made ``limit`` requests in a fixed window.

        UiPath: Rate Limits limits ``GET /odata/QueueItems`` per tenant and minute, which is the default; pass
        ``endpoints=None`` to count every Orchestrator endpoint. ``limit=None`` switches the limit off.
        ``emulator.set_rate_limit(100)``.
        """
        home = self._model.tenant(org or self.org, tenant or self.tenant)
        names = [e.value for e in endpoints] if endpoints is not None else None
        self._model.set_rate_limit(home, limit, window_seconds, names)

    def _resolve_folder(self, folder: Folder | str | int | None) -> Folder:
        if isinstance(folder, Folder):
            return folder
        folders = self._model.folders(self.org, self.tenant)
        for candidate in folders:
            if folder is None or candidate.id == folder or candidate.path == folder:
                return candidate
        raise KeyError(f"no folder {folder!r} in {self.org}/{self.tenant}")

    def _folder_ids(self, folders: Iterable[Folder | int] | None) -> list[int] | None:
        if folders is None:
            return None
        return [f.id if isinstance(f, Folder) else f for f in folders]

    # -- inspection ------------------------------------------------------------------------------------

    def folders(self) -> list[Folder]:
        """Folders of the default tenant."""
        return self._model.folders(self.org, self.tenant)

    def queues(self) -> list[Queue]:
        return self._model.queues()

    def queue(self, name: str, *, folder: Folder | str | int | None = None) -> Queue:
        """A queue by name (case-insensitive): ``emulator.queue("demoqueue").id``."""
        found = self._model.find_queue(self._resolve_folder(folder), name)
        if found is None:
            raise KeyError(name)
        return found

    def items(
        self, queue: str | Queue | None = None, *, status: QueueItemStatus | str | None = None
    ) -> list[QueueItem]:
        """Copies of the items, oldest first: ``emulator.items("DemoQueue", status="New")``."""
        wanted = QueueItemStatus(status) if status is not None else None
        queue_id = self._queue_id(queue)
        return [
            item
            for item in self._model.items()
            if (queue_id is None or item.queue_id == queue_id) and (wanted is None or item.status is wanted)
        ]

    def item(self, item_id: int) -> QueueItem:
        """A copy of one item; :class:`QueueItemNotFoundError` if unknown."""
        return self._model.item(item_id)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, credentials replaced by ``***``."""
        return self._processor.recorded()

    def _queue_id(self, queue: str | Queue | None) -> int | None:
        if queue is None:
            return None
        if isinstance(queue, Queue):
            return queue.id
        return self.queue(queue).id

    # -- robot -----------------------------------------------------------------------------------------

    def start(self, item_id: int) -> QueueItem:
        """New → InProgress, as a robot's StartTransaction: ``emulator.start(1)``."""
        return self._model.start(item_id)

    def complete(
        self,
        item_id: int,
        output: Mapping[str, Any] | None = None,
        analytics: Mapping[str, Any] | None = None,
    ) -> QueueItem:
        """→ Successful with ``Output``/``OutputData``: ``emulator.complete(1, output={"Paid": True})``.

        A New item is started first. A final item raises :class:`QueueItemConflictError` (409).
        """
        return self._model.complete(item_id, output, analytics)

    def fail(
        self,
        item_id: int,
        reason: str,
        kind: FailureKind | str = FailureKind.BUSINESS,
        details: str | None = None,
    ) -> QueueItem:
        """Fail an item: ``emulator.fail(1, "Vendor not found", kind="business")``.

        ``kind="application"`` on a queue with automatic retries left marks the item ``Retried`` and returns
        the
        new item (new ``Id``, same ``Key``, ``AncestorId`` = the old id, ``RetryNumber`` + 1); otherwise
        returns the
        ``Failed`` item.
        """
        return self._model.fail(item_id, reason, FailureKind(kind), details)

    def abandon(self, item_id: int) -> QueueItem:
        """InProgress → Abandoned (or Retried plus a clone on a queue with retries left)."""
        return self._model.abandon(item_id)

    def retry(self, item_id: int) -> QueueItem:
        """Manual retry of a Failed/Abandoned item; returns the new item (new ``Id``, same ``Key``)."""
        return self._model.retry(item_id)

    def delete(self, item_id: int) -> QueueItem:
        """New → Deleted; other statuses raise :class:`QueueItemConflictError`."""
        return self._model.delete(item_id)

    def purge(self, item_id: int) -> QueueItem:
        """Remove an item in a final status, as a retention policy does: it is no longer listed or found by id,
        but on a unique-reference queue its reference stays taken (UiPath: API Response Codes):
        ``emulator.purge(1)``."""
        return self._model.purge(item_id)

    def set_progress(self, item_id: int, progress: str | None) -> QueueItem:
        """Set ``Progress`` of an InProgress item, as SetTransactionProgress does."""
        return self._model.set_progress(item_id, progress)

    def process_new(
        self, rule: RobotRule, *, queue: str | Queue | None = None, limit: int | None = None
    ) -> list[QueueItem]:
        """A simple robot: start each New item that is due and settle it by ``rule(item)``.

        ``rule`` returns :class:`CompleteItem`, :class:`FailItem`, :class:`AbandonItem`, a mapping (the output
        of a
        successful item) or None (successful, no output); an exception it raises fails the item as an
        application
        exception. Items are taken by priority, then age; postponed ones (``DeferDate`` in the future) wait.
        Only
        items that are New when the call starts are processed, so retries it creates wait for the next call.
        Returns the settled items (for a retried failure, the new item)::

            emulator.process_new(lambda item: {"Total": item.specific_content["Amount"] * 2})
        """
        now = self.clock.now()
        due = [
            item
            for item in self.items(queue, status=QueueItemStatus.NEW)
            if item.defer_date is None or item.defer_date <= now
        ]
        due.sort(key=lambda item: (_PRIORITY_ORDER[item.priority], item.id))
        settled: list[QueueItem] = []
        for item in due[:limit] if limit is not None else due:
            started = self._model.start(item.id)
            try:
                outcome = rule(started)
            except Exception as exc:  # a failing rule is the robot's application exception
                outcome = FailItem(str(exc) or type(exc).__name__, FailureKind.APPLICATION)
            settled.append(self._settle(item.id, outcome))
        return settled

    def _settle(self, item_id: int, outcome: RobotOutcome | Mapping[str, Any] | None) -> QueueItem:
        if outcome is None:
            return self.complete(item_id)
        if isinstance(outcome, CompleteItem):
            return self.complete(item_id, outcome.output, outcome.analytics)
        if isinstance(outcome, FailItem):
            return self.fail(item_id, outcome.reason, outcome.kind, outcome.details)
        if isinstance(outcome, AbandonItem):
            return self.abandon(item_id)
        return self.complete(item_id, outcome)

    # -- faults ----------------------------------------------------------------------------------------

    def inject(
        self,
        fault: Fault,
        *,
        endpoint: Endpoint | Iterable[Endpoint] | None = None,
        count: int | None = 1,
    ) -> FaultInjection:
        """Apply ``fault`` to the next ``count`` requests of ``endpoint`` (None: every endpoint, or forever).

        ``emulator.inject(ServerError(503), endpoint=Endpoint.ADD_QUEUE_ITEM, count=3)``. Returns the
        injection,
        whose ``fired`` counts how often it applied.
        """
        if count is not None and count < 1:
            raise ValueError("count is at least 1 (None: until clear_faults)")
        endpoints = (
            None
            if endpoint is None
            else frozenset({endpoint})
            if isinstance(endpoint, Endpoint)
            else frozenset(endpoint)
        )
        injection = FaultInjection(fault=fault, endpoints=endpoints, remaining=count)
        self._processor.inject(injection)
        return injection

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self._processor.clear_faults()

    # -- running ---------------------------------------------------------------------------------------

    def base_url(self, host: str, *, org: str | None = None, tenant: str | None = None) -> str:
        """``{host}/{org}/{tenant}/orchestrator_``: ``emulator.base_url("https://cloud.uipath.com")``."""
        return f"{host.rstrip('/')}/{org or self.org}/{tenant or self.tenant}/orchestrator_"

    def token_url(self, host: str) -> str:
        """``{host}/identity_/connect/token``."""
        return f"{host.rstrip('/')}/identity_/connect/token"

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request without any transport (what both run modes call)."""
        return self._processor.handle(request)

    def mount(self, rsps: Any, *, base_host: str = "https://cloud.uipath.com") -> None:
        """Serve every URL under ``base_host`` from an active ``responses.RequestsMock`` (or the module)."""
        mount_into_responses(self._processor, rsps, base_host)

    @contextlib.contextmanager
    def mock(self, *, base_host: str = "https://cloud.uipath.com") -> Iterator[Any]:
        """Activate ``responses`` with the emulator on ``base_host``; yields the ``RequestsMock``.

        ``with emulator.mock() as rsps: requests.get(...)``. Requests to other hosts fail as ``responses``
        does.
        """
        import responses

        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.mount(rsps, base_host=base_host)
            yield rsps

    def server(self, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
        """A loopback HTTP server (not yet started): ``with emulator.server() as server: server.url``."""
        return EmulatorServer(self._processor, host, port, emulator=self)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Run the loopback server for the block; yields ``http://127.0.0.1:PORT``."""
        with self.server(host, port) as server:
            yield server.url
