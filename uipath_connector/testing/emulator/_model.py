"""The emulator's state: tenants, folders, queues, queue items, clients and tokens.

Everything here is guarded by one re-entrant lock, so the in-process mount, the loopback server's threads and
the
test driving the robot can all touch the same :class:`OrchestratorModel` at once.
"""

from __future__ import annotations

import base64
import enum
import json
import math
import random
import secrets
import threading
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from ._clock import Clock, SystemClock
from ._dates import WireDate, format_stored, parse_wire_date
from ._errors import (
    DUPLICATE_REFERENCE,
    FOLDER_NOT_FOUND,
    NESTED_CONTENT,
    NOT_AUTHORIZED,
    EmulatorError,
    InvalidRequestError,
    QueueItemConflictError,
    QueueItemNotFoundError,
)

JsonValue = Any


class QueueItemStatus(str, enum.Enum):
    """Queue item statuses with their numeric values (UiPath: Queue Item Statuses)."""

    NEW = "New"
    IN_PROGRESS = "InProgress"
    FAILED = "Failed"
    SUCCESSFUL = "Successful"
    ABANDONED = "Abandoned"
    RETRIED = "Retried"
    DELETED = "Deleted"

    @property
    def number(self) -> int:
        """The numeric value that ``$filter=Status eq '<n>'`` accepts."""
        return list(QueueItemStatus).index(self)


class Priority(str, enum.Enum):
    HIGH = "High"
    NORMAL = "Normal"
    LOW = "Low"


class FailureKind(str, enum.Enum):
    """How a robot failed an item: business exceptions are never retried automatically (UiPath: Queue Item Statuses)."""

    BUSINESS = "business"
    APPLICATION = "application"

    @property
    def exception_type(self) -> str:
        return "BusinessException" if self is FailureKind.BUSINESS else "ApplicationException"


class Scope(str, enum.Enum):
    QUEUES = "OR.Queues"
    QUEUES_READ = "OR.Queues.Read"
    QUEUES_WRITE = "OR.Queues.Write"


READ_SCOPES = frozenset({Scope.QUEUES, Scope.QUEUES_READ})
WRITE_SCOPES = frozenset({Scope.QUEUES, Scope.QUEUES_WRITE})

MAX_QUEUE_NAME = 50
MAX_REFERENCE = 128
MAX_SPECIFIC_CONTENT_BYTES = 500 * 1024
# UiPath: Queue Items, SpecificContent rules: keys must not contain these, except the ``key@odata.type`` annotation.
_FORBIDDEN_KEY_CHARS = (":", ".", ",", "@", '"')
_ODATA_TYPE_SUFFIX = "@odata.type"


@attrs.frozen
class Folder:
    """A folder (organization unit) of one tenant."""

    id: int
    path: str
    key: str
    org: str
    tenant: str


@attrs.frozen
class Queue:
    """A queue definition (UiPath's Orchestrator OpenAPI v20, Queues)."""

    id: int
    key: str
    name: str
    folder_id: int
    enforce_unique_reference: bool
    max_number_of_retries: int
    accept_automatically_retry: bool


@attrs.frozen
class ProcessingException:
    reason: str
    details: str | None
    type: str
    creation_time: datetime


@attrs.define
class QueueItem:
    """One queue item. :meth:`OrchestratorModel.items` hands out copies, never the stored object."""

    id: int
    key: str
    queue_id: int
    folder_id: int
    row_version: int
    creation_time: datetime
    status: QueueItemStatus = QueueItemStatus.NEW
    review_status: str = "None"
    priority: Priority = Priority.NORMAL
    reference: str | None = None
    specific_content: dict[str, JsonValue] | None = None
    defer_date: datetime | None = None
    due_date: datetime | None = None
    risk_sla_date: datetime | None = None
    progress: str | None = None
    source: str | None = None
    parent_operation_id: str | None = None
    start_processing: datetime | None = None
    end_processing: datetime | None = None
    seconds_in_previous_attempts: int = 0
    output: dict[str, JsonValue] | None = None
    analytics: dict[str, JsonValue] | None = None
    processing_exception: ProcessingException | None = None
    retry_number: int = 0
    ancestor_id: int | None = None
    manual_ancestor_id: int | None = None
    manual_retry_number: int = 0

    @property
    def holds_reference(self) -> bool:
        """Whether this item reserves its Reference on a unique-reference queue.

        UiPath: API Response Codes: deleted and retried items do not; in a retry chain only the newest item does (a
        manually retried Failed item keeps its final status, so its review status tells).
        """
        return self.status not in (QueueItemStatus.DELETED, QueueItemStatus.RETRIED) and self.review_status != "Retried"

    def to_dto(self, folder: Folder, *, with_folder_name: bool) -> dict[str, JsonValue]:
        """The item as ``QueueItemDto`` JSON (UiPath's Orchestrator OpenAPI v20, QueueItemDto field order, then the v20
        extras as
        null/0/false)."""
        exc = self.processing_exception
        return {
            "QueueDefinitionId": self.queue_id,
            "OutputData": _json_text(self.output),
            "AnalyticsData": _json_text(self.analytics),
            "Status": self.status.value,
            "ReviewStatus": self.review_status,
            "ReviewerUserId": None,
            "Key": self.key,
            "Reference": self.reference,
            "ProcessingExceptionType": exc.type if exc else None,
            "DueDate": _stored(self.due_date),
            "RiskSlaDate": _stored(self.risk_sla_date),
            "Priority": self.priority.value,
            "DeferDate": _stored(self.defer_date),
            "StartProcessing": _stored(self.start_processing),
            "EndProcessing": _stored(self.end_processing),
            "SecondsInPreviousAttempts": self.seconds_in_previous_attempts,
            "AncestorId": self.ancestor_id,
            "RetryNumber": self.retry_number,
            "SpecificData": json.dumps({"DynamicProperties": self.specific_content or {}}, separators=(",", ":")),
            "CreationTime": format_stored(self.creation_time),
            "Progress": self.progress,
            "RowVersion": base64.b64encode(self.row_version.to_bytes(8, "big")).decode("ascii"),
            "OrganizationUnitId": folder.id,
            # UiPath's Orchestrator OpenAPI v20, AddQueueItem: null on insert, filled in by listings.
            "OrganizationUnitFullyQualifiedName": folder.path if with_folder_name else None,
            "Id": self.id,
            "ProcessingException": (
                {
                    "Reason": exc.reason,
                    "Details": exc.details,
                    "Type": exc.type,
                    "AssociatedImageFilePath": None,
                    "CreationTime": format_stored(exc.creation_time),
                }
                if exc
                else None
            ),
            "SpecificContent": self.specific_content,
            "Output": self.output,
            "Analytics": self.analytics,
            "Encrypted": False,
            "Error": None,
            "UniqueKey": None,
            "AncestorUniqueKey": None,
            "ManualAncestorId": self.manual_ancestor_id,
            "ManualAncestorUniqueKey": None,
            "ManualRetryNumber": self.manual_retry_number,
            "RobotId": None,
            "CreatorJobKey": None,
            "ExecutorJobKey": None,
            "ParentOperationId": self.parent_operation_id,
            "OperationId": None,
            "HasVideoRecorded": False,
        }


def _stored(value: datetime | None) -> str | None:
    return format_stored(value) if value is not None else None


def _json_text(value: Mapping[str, JsonValue] | None) -> str | None:
    # UiPath's Orchestrator OpenAPI v20: whether OutputData carries the DynamicProperties wrapper is unknown; the
    # emulator sends
    # the
    # plain JSON of Output (clients should read Output).
    return json.dumps(value, separators=(",", ":")) if value is not None else None


@attrs.frozen
class TokenGrant:
    scopes: frozenset[Scope]
    expires_at: datetime | None
    client_id: str | None
    folder_ids: frozenset[int] | None


@attrs.frozen
class Client:
    client_id: str
    secret: str = attrs.field(repr=False)
    scopes: frozenset[Scope]
    folder_ids: frozenset[int] | None


@attrs.define
class _RateLimit:
    limit: int
    window_seconds: float
    endpoints: frozenset[str] | None
    window_start: datetime | None = None
    count: int = 0


@attrs.define
class _Tenant:
    org: str
    name: str
    folders: dict[int, Folder] = attrs.Factory(dict)
    rate_limit: _RateLimit | None = None


@attrs.frozen
class ItemData:
    """A validated ``QueueItemDataDto`` (UiPath's Orchestrator OpenAPI v20, AddQueueItem), with the 201 echo texts of
    its dates."""

    name: str
    priority: Priority
    specific_content: dict[str, JsonValue] | None
    reference: str | None
    progress: str | None
    source: str | None
    parent_operation_id: str | None
    defer_date: WireDate | None
    due_date: WireDate | None
    risk_sla_date: WireDate | None


_ITEM_DATA_FIELDS = frozenset(
    {
        "Name",
        "Priority",
        "SpecificContent",
        "DeferDate",
        "DueDate",
        "RiskSlaDate",
        "Reference",
        "Progress",
        "Source",
        "ParentOperationId",
    }
)


def parse_item_data(raw: object) -> ItemData:
    """Validate one ``QueueItemDataDto``; raise :class:`InvalidRequestError` naming the field."""
    if not isinstance(raw, dict):
        raise InvalidRequestError("itemData: an object is required.")
    unknown = sorted(set(raw) - _ITEM_DATA_FIELDS)
    if unknown:
        raise InvalidRequestError(f"itemData: the property '{unknown[0]}' does not exist on type 'QueueItemDataDto'.")
    name = raw.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequestError("itemData.Name: the queue name is required.")
    priority_raw = raw.get("Priority")
    if priority_raw is None:
        priority = Priority.NORMAL
    else:
        try:
            priority = Priority(priority_raw)
        except ValueError:
            raise InvalidRequestError(f"itemData.Priority: '{priority_raw}' is not one of High, Normal, Low.") from None
    reference = _optional_text(raw, "Reference", MAX_REFERENCE)
    source = _optional_text(raw, "Source", 20)
    if source is not None and source not in ("Manual", "Apps", "ProcessOrchestration"):
        raise InvalidRequestError("itemData.Source: must be Manual, Apps or ProcessOrchestration.")
    return ItemData(
        name=name,
        priority=priority,
        specific_content=_specific_content(raw.get("SpecificContent")),
        reference=reference,
        progress=_optional_text(raw, "Progress", None),
        source=source,
        parent_operation_id=_optional_text(raw, "ParentOperationId", 128),
        defer_date=_optional_date(raw, "DeferDate"),
        due_date=_optional_date(raw, "DueDate"),
        risk_sla_date=_optional_date(raw, "RiskSlaDate"),
    )


def _optional_text(raw: Mapping[str, object], field: str, max_length: int | None) -> str | None:
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(f"itemData.{field}: a string is required.")
    if max_length is not None and len(value) > max_length:
        raise InvalidRequestError(f"itemData.{field}: the field must be at most {max_length} characters long.")
    return value


def _optional_date(raw: Mapping[str, object], field: str) -> WireDate | None:
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(f"itemData.{field}: a date-time string is required.")
    try:
        return parse_wire_date(value)
    except ValueError:
        raise InvalidRequestError(f"itemData.{field}: '{value}' is not a valid date-time.") from None


def _specific_content(value: object) -> dict[str, JsonValue] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequestError("itemData.SpecificContent: an object is required.")
    for key, item in value.items():
        plain_key = key[: -len(_ODATA_TYPE_SUFFIX)] if key.endswith(_ODATA_TYPE_SUFFIX) else key
        if not plain_key or any(char in plain_key for char in _FORBIDDEN_KEY_CHARS):
            raise InvalidRequestError(
                f"itemData.SpecificContent: the key '{key}' must not be empty or contain : . , @ \""
            )
        if isinstance(item, (dict, list)):
            raise InvalidRequestError(NESTED_CONTENT)
    if len(json.dumps(value).encode("utf-8")) > MAX_SPECIFIC_CONTENT_BYTES:
        raise InvalidRequestError("itemData.SpecificContent: the content exceeds 500 KB.")
    return dict(value)


@attrs.frozen
class BulkFailure:
    ordinal: int
    error_code: str
    message: str


class OrchestratorModel:
    """Tenants, folders, queues, items, identity clients and tokens, behind one lock.

    Use :class:`~uipath_connector.testing.OrchestratorEmulator`, which adds HTTP, faults and the robot on top.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int | None = 0,
        first_item_id: int = 1,
        token_lifetime_seconds: int = 3600,
    ) -> None:
        self.lock = threading.RLock()
        self.clock: Clock = clock or SystemClock()
        self.random = random.Random(seed)  # noqa: S311 - keys and trace ids, not secrets
        self.token_lifetime_seconds = token_lifetime_seconds
        self._tenants: dict[tuple[str, str], _Tenant] = {}
        self._queues: dict[int, Queue] = {}
        self._items: dict[int, QueueItem] = {}
        # (queue id, reference) of purged items that held their reference: still reserved (UiPath: API Response Codes).
        self._purged_references: set[tuple[int, str]] = set()
        self._clients: dict[str, Client] = {}
        self._tokens: dict[str, TokenGrant] = {}
        self._next_item_id = first_item_id
        self._next_folder_id = 1
        self._next_queue_id = 1
        self._row_version = 0x4D9FE066

    # -- identifiers -----------------------------------------------------------------------------------

    def new_guid(self) -> str:
        with self.lock:
            return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def new_trace_id(self) -> str:
        with self.lock:
            return f"00-{self.random.getrandbits(128):032x}-{self.random.getrandbits(64):016x}-00"

    def _bump_row_version(self) -> int:
        self._row_version += 1
        return self._row_version

    # -- tenants and folders ---------------------------------------------------------------------------

    def add_tenant(self, org: str, tenant: str) -> None:
        with self.lock:
            self._tenants.setdefault((org.lower(), tenant.lower()), _Tenant(org=org, name=tenant))

    def find_tenant(self, org: str, tenant: str) -> _Tenant | None:
        # Org and tenant names in URLs are case-insensitive on Automation Cloud (inferred).
        with self.lock:
            return self._tenants.get((org.lower(), tenant.lower()))

    def tenant(self, org: str, tenant: str) -> _Tenant:
        found = self.find_tenant(org, tenant)
        if found is None:
            raise KeyError(f"no tenant {org}/{tenant}: call add_tenant first")
        return found

    def add_folder(self, org: str, tenant: str, path: str, *, folder_id: int | None, key: str | None) -> Folder:
        path = path.strip("/")
        if not path:
            raise ValueError("a folder needs a path")
        with self.lock:
            home = self.tenant(org, tenant)
            if folder_id is None:
                folder_id = self._next_folder_id
            if any(f.id == folder_id for t in self._tenants.values() for f in t.folders.values()):
                raise ValueError(f"folder id {folder_id} is taken")
            if any(f.path.lower() == path.lower() for f in home.folders.values()):
                raise ValueError(f"folder {path!r} exists")
            self._next_folder_id = max(self._next_folder_id, folder_id + 1)
            folder = Folder(id=folder_id, path=path, key=key or self.new_guid(), org=home.org, tenant=home.name)
            home.folders[folder_id] = folder
            return folder

    def folders(self, org: str, tenant: str) -> list[Folder]:
        with self.lock:
            return list(self.tenant(org, tenant).folders.values())

    def folder(self, folder_id: int) -> Folder:
        with self.lock:
            for home in self._tenants.values():
                if folder_id in home.folders:
                    return home.folders[folder_id]
        raise KeyError(folder_id)

    def find_folder(
        self,
        home: _Tenant,
        *,
        path: str | None,
        key: str | None,
        folder_id: str | None,
        relative_path: bool = False,
    ) -> Folder:
        """Resolve folder headers with the server's precedence path > key > id (UiPath: Building API Requests, folder
        headers).

        ``relative_path`` resolves ``/``, ``.`` and ``..`` in ``path`` (the encoded header); otherwise the path
        must name the folder exactly (case-insensitively), with no leading or trailing slash.
        """
        with self.lock:
            folders = home.folders.values()
            found: Folder | None = None
            if path is not None:
                wanted = _normalise_path(path) if relative_path else path.strip().lower()
                found = next((f for f in folders if wanted is not None and f.path.lower() == wanted), None)
            elif key is not None:
                found = next((f for f in folders if f.key.lower() == key.strip().lower()), None)
            elif folder_id is not None:
                number = folder_id.strip()
                found = home.folders.get(int(number)) if number.isascii() and number.isdigit() else None
            if found is None:
                raise EmulatorError(400, FOLDER_NOT_FOUND, 1100)
            return found

    # -- queues ----------------------------------------------------------------------------------------

    def add_queue(
        self,
        folder: Folder,
        name: str,
        *,
        queue_id: int | None,
        enforce_unique_reference: bool,
        max_number_of_retries: int,
        accept_automatically_retry: bool,
    ) -> Queue:
        if not name or len(name) > MAX_QUEUE_NAME:
            raise ValueError(f"a queue name has 1 to {MAX_QUEUE_NAME} characters")
        if max_number_of_retries < 0:
            raise ValueError("max_number_of_retries must be >= 0")
        with self.lock:
            if self.find_queue(folder, name) is not None:
                raise ValueError(f"queue {name!r} exists in folder {folder.path!r}")
            if queue_id is None:
                queue_id = self._next_queue_id
            if queue_id in self._queues:
                raise ValueError(f"queue id {queue_id} is taken")
            self._next_queue_id = max(self._next_queue_id, queue_id + 1)
            queue = Queue(
                id=queue_id,
                key=self.new_guid(),
                name=name,
                folder_id=folder.id,
                enforce_unique_reference=enforce_unique_reference,
                max_number_of_retries=max_number_of_retries,
                accept_automatically_retry=accept_automatically_retry,
            )
            self._queues[queue_id] = queue
            return queue

    def find_queue(self, folder: Folder, name: str) -> Queue | None:
        # UiPath's Orchestrator OpenAPI v20, AddQueueItem: queue names are case-insensitive.
        with self.lock:
            return next(
                (q for q in self._queues.values() if q.folder_id == folder.id and q.name.lower() == name.lower()),
                None,
            )

    def queue(self, queue_id: int) -> Queue:
        with self.lock:
            return self._queues[queue_id]

    def queues(self) -> list[Queue]:
        with self.lock:
            return list(self._queues.values())

    # -- identity --------------------------------------------------------------------------------------

    def add_client(
        self, client_id: str, secret: str, scopes: Iterable[str], folder_ids: Iterable[int] | None
    ) -> Client:
        client = Client(
            client_id=client_id,
            secret=secret,
            scopes=frozenset(Scope(s) for s in scopes),
            folder_ids=frozenset(folder_ids) if folder_ids is not None else None,
        )
        with self.lock:
            self._clients[client_id] = client
        return client

    def client(self, client_id: str) -> Client | None:
        with self.lock:
            return self._clients.get(client_id)

    def add_token(
        self,
        token: str,
        scopes: Iterable[str],
        *,
        expires_at: datetime | None,
        client_id: str | None = None,
        folder_ids: Iterable[int] | None = None,
    ) -> None:
        grant = TokenGrant(
            scopes=frozenset(Scope(s) for s in scopes),
            expires_at=expires_at,
            client_id=client_id,
            folder_ids=frozenset(folder_ids) if folder_ids is not None else None,
        )
        with self.lock:
            self._tokens[token] = grant

    def issue_token(self, client: Client, scopes: frozenset[Scope]) -> tuple[str, int]:
        token = secrets.token_urlsafe(32)
        expires_at = self.clock.now() + timedelta(seconds=self.token_lifetime_seconds)
        self.add_token(token, scopes, expires_at=expires_at, client_id=client.client_id, folder_ids=client.folder_ids)
        return token, self.token_lifetime_seconds

    def grant_for(self, token: str) -> TokenGrant | None:
        """The grant of a live token, or None when the token is unknown or expired."""
        with self.lock:
            grant = self._tokens.get(token)
        if grant is None or (grant.expires_at is not None and self.clock.now() >= grant.expires_at):
            return None
        return grant

    def revoke_tokens(self) -> None:
        """Forget every issued and static token (the next call with one answers 401)."""
        with self.lock:
            self._tokens.clear()

    # -- rate limit ------------------------------------------------------------------------------------

    def set_rate_limit(
        self, home: _Tenant, limit: int | None, window_seconds: float, endpoints: Iterable[str] | None
    ) -> None:
        with self.lock:
            home.rate_limit = (
                None
                if limit is None
                else _RateLimit(
                    limit=limit,
                    window_seconds=window_seconds,
                    endpoints=frozenset(endpoints) if endpoints is not None else None,
                )
            )

    def take_rate_budget(self, home: _Tenant, endpoint: str) -> int | None:
        """Count one request; return the Retry-After seconds when the tenant's budget is spent, else None."""
        with self.lock:
            budget = home.rate_limit
            if budget is None or (budget.endpoints is not None and endpoint not in budget.endpoints):
                return None
            now = self.clock.now()
            window = timedelta(seconds=budget.window_seconds)
            if budget.window_start is None or now >= budget.window_start + window:
                budget.window_start, budget.count = now, 0
            if budget.count >= budget.limit:
                remaining = (budget.window_start + window - now).total_seconds()
                return max(1, math.ceil(remaining))
            budget.count += 1
            return None

    # -- items: API side -------------------------------------------------------------------------------

    def check_folder_access(self, grant: TokenGrant, folder: Folder) -> None:
        if grant.folder_ids is not None and folder.id not in grant.folder_ids:
            raise EmulatorError(400, FOLDER_NOT_FOUND, 1100)

    def queue_for(self, folder: Folder, name: str) -> Queue:
        queue = self.find_queue(folder, name)
        if queue is None:
            raise EmulatorError(404, f"{name} does not exist.", 1002, resource_ids=True)
        return queue

    def _reference_taken(self, queue: Queue, reference: str | None, pending: Iterable[str] = ()) -> bool:
        if not queue.enforce_unique_reference or not reference:
            return False
        if reference in pending or (queue.id, reference) in self._purged_references:
            return True
        return any(
            item.queue_id == queue.id and item.reference == reference and item.holds_reference
            for item in self._items.values()
        )

    def add_item(self, queue: Queue, data: ItemData) -> QueueItem:
        with self.lock:
            if self._reference_taken(queue, data.reference):
                raise EmulatorError(409, DUPLICATE_REFERENCE, 1016)
            return self._insert(queue, data)

    def _insert(self, queue: Queue, data: ItemData) -> QueueItem:
        item = QueueItem(
            id=self._next_item_id,
            key=self.new_guid(),
            queue_id=queue.id,
            folder_id=queue.folder_id,
            row_version=self._bump_row_version(),
            creation_time=self.clock.now(),
            priority=data.priority,
            reference=data.reference,
            specific_content=data.specific_content,
            defer_date=data.defer_date.instant if data.defer_date else None,
            due_date=data.due_date.instant if data.due_date else None,
            risk_sla_date=data.risk_sla_date.instant if data.risk_sla_date else None,
            progress=data.progress,
            source=data.source,
            parent_operation_id=data.parent_operation_id,
        )
        self._next_item_id += 1
        self._items[item.id] = item
        return attrs.evolve(item)

    def bulk_add(self, queue: Queue, commit_type: str, raw_items: list[object]) -> list[BulkFailure]:
        """BulkAddQueueItems with the three commit types (UiPath's Orchestrator OpenAPI v20, BulkAddQueueItems);
        returns the failures."""
        with self.lock:
            failures: list[BulkFailure] = []
            accepted: list[ItemData] = []
            pending: list[str] = []
            for ordinal, raw in enumerate(raw_items):
                failure: BulkFailure | None = None
                try:
                    data = parse_item_data(_with_queue_name(raw, queue.name))
                except InvalidRequestError as exc:
                    failure = BulkFailure(ordinal, "InvalidArgument", exc.message)
                else:
                    if self._reference_taken(queue, data.reference, pending):
                        failure = BulkFailure(ordinal, "DuplicateReference", DUPLICATE_REFERENCE)
                if failure is not None:
                    failures.append(failure)
                    if commit_type == "StopOnFirstFailure":
                        break
                    continue
                if data.reference and queue.enforce_unique_reference:
                    pending.append(data.reference)
                if commit_type == "AllOrNothing":
                    accepted.append(data)
                else:
                    self._insert(queue, data)
            if commit_type == "AllOrNothing" and not failures:
                for data in accepted:
                    self._insert(queue, data)
            return failures

    def stored_item(self, item_id: int) -> QueueItem:
        item = self._items.get(item_id)
        if item is None:
            raise QueueItemNotFoundError(item_id)
        return item

    def item(self, item_id: int) -> QueueItem:
        with self.lock:
            return attrs.evolve(self.stored_item(item_id))

    def items(self) -> list[QueueItem]:
        with self.lock:
            return [attrs.evolve(item) for item in self._items.values()]

    # -- items: robot side -----------------------------------------------------------------------------

    def start(self, item_id: int) -> QueueItem:
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.NEW:
                raise QueueItemConflictError(item_id, item.status.value, "start")
            item.status = QueueItemStatus.IN_PROGRESS
            item.start_processing = self.clock.now()
            item.row_version = self._bump_row_version()
            return attrs.evolve(item)

    def _take_for_result(self, item_id: int, action: str) -> QueueItem:
        item = self.stored_item(item_id)
        if item.status is QueueItemStatus.NEW:
            # A test may settle an item without starting it first; the robot would have started it.
            self.start(item_id)
        elif item.status is not QueueItemStatus.IN_PROGRESS:
            raise QueueItemConflictError(item_id, item.status.value, action)
        return item

    def complete(
        self, item_id: int, output: Mapping[str, JsonValue] | None, analytics: Mapping[str, JsonValue] | None
    ) -> QueueItem:
        with self.lock:
            item = self._take_for_result(item_id, "complete")
            item.status = QueueItemStatus.SUCCESSFUL
            item.end_processing = self.clock.now()
            item.output = dict(output) if output is not None else None
            item.analytics = dict(analytics) if analytics is not None else None
            item.row_version = self._bump_row_version()
            return attrs.evolve(item)

    def fail(
        self,
        item_id: int,
        reason: str,
        kind: FailureKind,
        details: str | None,
        output: Mapping[str, JsonValue] | None = None,
        analytics: Mapping[str, JsonValue] | None = None,
    ) -> QueueItem:
        """Fail an item; an application failure on a retrying queue re-queues a clone and returns the
        clone."""
        with self.lock:
            item = self._take_for_result(item_id, "fail")
            now = self.clock.now()
            item.end_processing = now
            item.processing_exception = ProcessingException(reason, details, kind.exception_type, now)
            item.output = dict(output) if output is not None else None
            item.analytics = dict(analytics) if analytics is not None else None
            item.row_version = self._bump_row_version()
            queue = self._queues[item.queue_id]
            if kind is FailureKind.APPLICATION and self._retries_left(queue, item):
                item.status = QueueItemStatus.RETRIED
                return self._clone(item, automatic=True)
            item.status = QueueItemStatus.FAILED
            return attrs.evolve(item)

    def abandon(self, item_id: int) -> QueueItem:
        """Abandon an InProgress item; a retrying queue clones it as a retry (UiPath: Queue Item Statuses)."""
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.IN_PROGRESS:
                raise QueueItemConflictError(item_id, item.status.value, "abandon")
            item.end_processing = self.clock.now()
            item.row_version = self._bump_row_version()
            queue = self._queues[item.queue_id]
            if self._retries_left(queue, item):
                item.status = QueueItemStatus.RETRIED
                return self._clone(item, automatic=True)
            item.status = QueueItemStatus.ABANDONED
            return attrs.evolve(item)

    def retry(self, item_id: int) -> QueueItem:
        """Manual retry of a Failed or Abandoned item: a new item with a new Id and the same Key."""
        with self.lock:
            item = self.stored_item(item_id)
            # A Failed item stays Failed after a manual retry (its review status records it), so check that too:
            # retrying it twice would put two live items with one Key and one Reference in the queue.
            already_retried = item.review_status == "Retried"
            if item.status not in (QueueItemStatus.FAILED, QueueItemStatus.ABANDONED) or already_retried:
                raise QueueItemConflictError(item_id, item.status.value, "retry")
            if item.status is QueueItemStatus.ABANDONED:
                item.status = QueueItemStatus.RETRIED
            else:
                # Failed is final (UiPath: Queue Item Statuses): its Status stays, the review status records the retry.
                item.review_status = "Retried"
            item.row_version = self._bump_row_version()
            return self._clone(item, automatic=False)

    def delete(self, item_id: int) -> QueueItem:
        """Delete a New item (UiPath's Orchestrator OpenAPI v20, Queues: only New items can be deleted)."""
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.NEW:
                raise QueueItemConflictError(item_id, item.status.value, "delete")
            item.status = QueueItemStatus.DELETED
            item.row_version = self._bump_row_version()
            return attrs.evolve(item)

    def purge(self, item_id: int) -> QueueItem:
        """Remove a final item as a retention policy does; its reference stays reserved (UiPath: API Response Codes)."""
        with self.lock:
            item = self.stored_item(item_id)
            if item.status in (QueueItemStatus.NEW, QueueItemStatus.IN_PROGRESS):
                raise QueueItemConflictError(item_id, item.status.value, "purge")
            if item.reference and item.holds_reference:
                self._purged_references.add((item.queue_id, item.reference))
            del self._items[item_id]
            return attrs.evolve(item)

    def set_progress(self, item_id: int, progress: str | None) -> QueueItem:
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.IN_PROGRESS:
                # UiPath's Orchestrator OpenAPI v20, transactions: the enum InvalidTransactionProgressStatus suggests a
                # refusal; 409 is chosen.
                raise QueueItemConflictError(item_id, item.status.value, "set the progress of")
            item.progress = progress
            item.row_version = self._bump_row_version()
            return attrs.evolve(item)

    def _retries_left(self, queue: Queue, item: QueueItem) -> bool:
        return queue.accept_automatically_retry and item.retry_number < queue.max_number_of_retries

    def _clone(self, item: QueueItem, *, automatic: bool) -> QueueItem:
        started = item.start_processing
        attempt = int((item.end_processing - started).total_seconds()) if started and item.end_processing else 0
        clone = QueueItem(
            id=self._next_item_id,
            key=item.key,
            queue_id=item.queue_id,
            folder_id=item.folder_id,
            row_version=self._bump_row_version(),
            creation_time=self.clock.now(),
            priority=item.priority,
            reference=item.reference,
            specific_content=dict(item.specific_content) if item.specific_content is not None else None,
            defer_date=item.defer_date,
            due_date=item.due_date,
            risk_sla_date=item.risk_sla_date,
            source=item.source,
            parent_operation_id=item.parent_operation_id,
            seconds_in_previous_attempts=attempt,
            retry_number=item.retry_number + 1 if automatic else 0,
            ancestor_id=item.id if automatic else None,
            manual_ancestor_id=None if automatic else item.id,
            manual_retry_number=item.manual_retry_number if automatic else item.manual_retry_number + 1,
        )
        self._next_item_id += 1
        self._items[clone.id] = clone
        return attrs.evolve(clone)


def _with_queue_name(raw: object, queue_name: str) -> object:
    # Bulk items may omit Name; the request's queueName decides the queue.
    if isinstance(raw, dict) and "Name" not in raw:
        return {**raw, "Name": queue_name}
    return raw


def _normalise_path(path: str) -> str | None:
    """Resolve ``.``/``..`` and a leading ``/`` (UiPath: Building API Requests, folder headers), lower-cased; None if
    it climbs above the
    root."""
    parts: list[str] = []
    for part in path.strip().split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts).lower() or None


def require_scope(grant: TokenGrant, allowed: frozenset[Scope]) -> None:
    if not grant.scopes & allowed:
        raise EmulatorError(403, NOT_AUTHORIZED, 0)
