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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    QUEUE_ITEM_NOT_FOUND,
    UPDATE_CONFLICT,
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
    WEBHOOKS = "OR.Webhooks"
    WEBHOOKS_READ = "OR.Webhooks.Read"
    WEBHOOKS_WRITE = "OR.Webhooks.Write"


READ_SCOPES = frozenset({Scope.QUEUES, Scope.QUEUES_READ})
WRITE_SCOPES = frozenset({Scope.QUEUES, Scope.QUEUES_WRITE})
WEBHOOK_READ_SCOPES = frozenset({Scope.WEBHOOKS, Scope.WEBHOOKS_READ})
WEBHOOK_WRITE_SCOPES = frozenset({Scope.WEBHOOKS, Scope.WEBHOOKS_WRITE})

MAX_QUEUE_NAME = 50
#: Live tokens the emulator remembers (bounded: a long run issues one per token request).
MAX_TOKENS = 10_000
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
    description: str | None = None
    creation_time: datetime | None = None

    def to_dto(self, folder: Folder) -> dict[str, JsonValue]:
        """The queue as ``QueueDefinitionDto``."""
        return {
            "Key": self.key,
            "Name": self.name,
            "Description": self.description,
            "MaxNumberOfRetries": self.max_number_of_retries,
            "AcceptAutomaticallyRetry": self.accept_automatically_retry,
            "RetryAbandonedItems": False,
            "EnforceUniqueReference": self.enforce_unique_reference,
            "Encrypted": False,
            "SpecificDataJsonSchema": None,
            "OutputDataJsonSchema": None,
            "AnalyticsDataJsonSchema": None,
            "CreationTime": _stored(self.creation_time),
            "ProcessScheduleId": None,
            "SlaInMinutes": 0,
            "RiskSlaInMinutes": 0,
            "ReleaseId": None,
            "IsProcessInCurrentFolder": None,
            "FoldersCount": 1,
            "OrganizationUnitId": folder.id,
            "OrganizationUnitFullyQualifiedName": folder.path,
            "Tags": [],
            "Id": self.id,
        }


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
    robot_id: int | None = None

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
            "RobotId": self.robot_id,
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
class Robot:
    """An unattended robot: StartTransaction hands items only to robots (UiPath's Orchestrator API guide)."""

    id: int
    key: str
    name: str
    machine_name: str
    username: str

    def to_dto(self) -> dict[str, JsonValue]:
        """The robot as ``SimpleRobotDto`` (what ``$expand=Robot`` shows)."""
        return {
            "LicenseKey": None,
            "MachineName": self.machine_name,
            "MachineId": None,
            "Name": self.name,
            "Username": self.username,
            "ExternalName": None,
            "Description": None,
            "Type": "Unattended",
            "HostingType": "Standard",
            "ProvisionType": "Manual",
            "Enabled": True,
            "Id": self.id,
        }

    def to_payload(self) -> dict[str, JsonValue]:
        """The robot as webhook events show it (UiPath's "Types of Events" samples)."""
        return {
            "Id": self.id,
            "Name": self.name,
            "MachineName": self.machine_name,
            "UserName": self.username,
            "Type": "Unattended",
            "HostingType": "Standard",
        }


@attrs.frozen
class TokenGrant:
    scopes: frozenset[Scope]
    expires_at: datetime | None
    client_id: str | None
    folder_ids: frozenset[int] | None
    robot_id: int | None = None
    user_id: int | None = None


@attrs.frozen
class Client:
    client_id: str
    secret: str = attrs.field(repr=False)
    scopes: frozenset[Scope]
    folder_ids: frozenset[int] | None
    robot_id: int | None = None


class EventAction(str, enum.Enum):
    """``QueueItemEventDto.Action`` (Orchestrator's OpenAPI definition)."""

    CREATE = "Create"
    EDIT = "Edit"
    DELETE = "Delete"
    STATUS = "Status"
    RETRY = "Retry"


@attrs.frozen
class QueueItemEvent:
    """One entry of an item's history (``GET /odata/QueueItemEvents``)."""

    id: int
    queue_item_id: int
    timestamp: datetime
    action: EventAction
    status: QueueItemStatus
    review_status: str
    user_id: int | None
    external_client_id: str | None

    def to_dto(self) -> dict[str, JsonValue]:
        return {
            "QueueItemId": self.queue_item_id,
            "Timestamp": format_stored(self.timestamp),
            "Action": self.action.value,
            "Data": None,
            "UserId": self.user_id,
            "UserName": None,
            "Status": self.status.value,
            "ReviewStatus": self.review_status,
            "ReviewerUserId": None,
            "ReviewerUserName": None,
            "ExternalClientId": self.external_client_id,
            "Id": self.id,
        }


@attrs.frozen
class Actor:
    """Who made a change: a user or app (its token's user id and client id) or a robot."""

    user_id: int | None = None
    client_id: str | None = None
    robot_id: int | None = None


SYSTEM = Actor()


class ItemEventType(str, enum.Enum):
    """Webhook event types of queue items (UiPath's Orchestrator user guide, "Types of Events")."""

    ADDED = "queueItem.added"
    TRANSACTION_STARTED = "queueItem.transactionStarted"
    TRANSACTION_COMPLETED = "queueItem.transactionCompleted"
    TRANSACTION_FAILED = "queueItem.transactionFailed"
    TRANSACTION_ABANDONED = "queueItem.transactionAbandoned"


#: Called (under the model's lock, so it must be quick) after each item change that Orchestrator announces.
ItemListener = Callable[["ItemEventType", "QueueItem", "Queue", "Actor"], None]


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
    id: int = 1
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


_TRANSACTION_ONLY_FIELDS = frozenset({"RobotIdentifier", "ReferenceFilterOption"})


def parse_item_data(raw: object, *, field: str = "itemData") -> ItemData:
    """Validate one ``QueueItemDataDto``; raise :class:`InvalidRequestError` naming the field."""
    if not isinstance(raw, dict):
        raise InvalidRequestError(f"{field}: an object is required.")
    unknown = (
        sorted(set(raw) - _ITEM_DATA_FIELDS - _TRANSACTION_ONLY_FIELDS)
        if field != "itemData"
        else sorted(set(raw) - _ITEM_DATA_FIELDS)
    )
    if unknown:
        raise InvalidRequestError(f"{field}: the property '{unknown[0]}' does not exist on type 'QueueItemDataDto'.")
    name = raw.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequestError(f"{field}.Name: the queue name is required.")
    priority_raw = raw.get("Priority")
    if priority_raw is None:
        priority = Priority.NORMAL
    else:
        try:
            priority = Priority(priority_raw)
        except ValueError:
            raise InvalidRequestError(f"{field}.Priority: '{priority_raw}' is not one of High, Normal, Low.") from None
    reference = _optional_text(raw, "Reference", MAX_REFERENCE, field)
    source = _optional_text(raw, "Source", 20, field)
    if source is not None and source not in ("Manual", "Apps", "ProcessOrchestration"):
        raise InvalidRequestError(f"{field}.Source: must be Manual, Apps or ProcessOrchestration.")
    return ItemData(
        name=name,
        priority=priority,
        specific_content=_specific_content(raw.get("SpecificContent")),
        reference=reference,
        progress=_optional_text(raw, "Progress", None, field),
        source=source,
        parent_operation_id=_optional_text(raw, "ParentOperationId", 128, field),
        defer_date=_optional_date(raw, "DeferDate", field),
        due_date=_optional_date(raw, "DueDate", field),
        risk_sla_date=_optional_date(raw, "RiskSlaDate", field),
    )


def _optional_text(
    raw: Mapping[str, object], field: str, max_length: int | None, parent: str = "itemData"
) -> str | None:
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(f"{parent}.{field}: a string is required.")
    if max_length is not None and len(value) > max_length:
        raise InvalidRequestError(f"{parent}.{field}: the field must be at most {max_length} characters long.")
    return value


def _optional_date(raw: Mapping[str, object], field: str, parent: str = "itemData") -> WireDate | None:
    value = raw.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(f"{parent}.{field}: a date-time string is required.")
    try:
        return parse_wire_date(value)
    except ValueError:
        raise InvalidRequestError(f"{parent}.{field}: '{value}' is not a valid date-time.") from None


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
        max_items: int | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock: Clock = clock or SystemClock()
        self.random = random.Random(seed)  # noqa: S311 - keys and trace ids, not secrets
        self.token_lifetime_seconds = token_lifetime_seconds
        self._tenants: dict[tuple[str, str], _Tenant] = {}
        self._queues: dict[int, Queue] = {}
        self._by_folder_and_name: dict[tuple[int, str], Queue] = {}
        self._items: dict[int, QueueItem] = {}
        # Indexes, so that an Add or a StartTransaction costs the same at 100,000 items as at 10:
        # (queue id, lower-cased reference) -> the item holding it on a unique-reference queue;
        self._reference_holders: dict[tuple[int, str], int] = {}
        # queue id -> its New items (an insertion-ordered set, oldest first);
        self._new_items: dict[int, dict[int, None]] = {}
        # Key -> the ids of every attempt with that Key (retries share it).
        self._by_key: dict[str, dict[int, None]] = {}
        self._events: dict[int, list[QueueItemEvent]] = {}
        self._next_event_id = 1
        self._robots: dict[int, Robot] = {}
        self._next_robot_id = 1
        self._listeners: list[ItemListener] = []
        self._max_items: int | None = max_items
        # Ids of items in the order their processing ended: the retention policy removes from the left.
        self._final_order: deque[int] = deque()
        # (queue id, reference) of purged items that held their reference: still reserved (UiPath: API Response Codes).
        self._purged_references: set[tuple[int, str]] = set()
        self._clients: dict[str, Client] = {}
        self._tokens: dict[str, TokenGrant] = {}
        self._user_ids: dict[str, int] = {}
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
            slot = (org.lower(), tenant.lower())
            if slot not in self._tenants:
                self._tenants[slot] = _Tenant(org=org, name=tenant, id=len(self._tenants) + 1)

    def tenants(self) -> list[tuple[str, str]]:
        """(org, tenant) of every tenant, in the order they were added."""
        with self.lock:
            return [(t.org, t.name) for t in self._tenants.values()]

    def tenant_id(self, org: str, tenant: str) -> int:
        """The tenant's numeric id (``TenantId`` of webhook events; the first tenant is 1, as on a new server)."""
        return self.tenant(org, tenant).id

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
        description: str | None = None,
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
                description=description,
                creation_time=self.clock.now(),
            )
            self._queues[queue_id] = queue
            self._by_folder_and_name[(folder.id, name.lower())] = queue
            return queue

    def find_queue(self, folder: Folder, name: str) -> Queue | None:
        # UiPath's Orchestrator OpenAPI v20, AddQueueItem: queue names are case-insensitive.
        with self.lock:
            return self._by_folder_and_name.get((folder.id, name.lower()))

    def queue(self, queue_id: int) -> Queue:
        with self.lock:
            return self._queues[queue_id]

    def queues(self) -> list[Queue]:
        with self.lock:
            return list(self._queues.values())

    # -- identity --------------------------------------------------------------------------------------

    def add_client(
        self,
        client_id: str,
        secret: str,
        scopes: Iterable[str],
        folder_ids: Iterable[int] | None,
        *,
        robot_id: int | None = None,
    ) -> Client:
        client = Client(
            client_id=client_id,
            secret=secret,
            scopes=frozenset(Scope(s) for s in scopes),
            folder_ids=frozenset(folder_ids) if folder_ids is not None else None,
            robot_id=robot_id,
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
        robot_id: int | None = None,
    ) -> None:
        with self.lock:
            # Webhook events name the user behind a change (UserId); a robot's changes name none.
            identity = client_id if client_id is not None else f"token:{token}"
            user_id = None if robot_id is not None else self._user_ids.setdefault(identity, len(self._user_ids) + 2)
            grant = TokenGrant(
                scopes=frozenset(Scope(s) for s in scopes),
                expires_at=expires_at,
                client_id=client_id,
                folder_ids=frozenset(folder_ids) if folder_ids is not None else None,
                robot_id=robot_id,
                user_id=user_id,
            )
            self._tokens[token] = grant
            if len(self._tokens) > MAX_TOKENS:
                self._forget_old_tokens()

    def _forget_old_tokens(self) -> None:
        # Bounded: expired tokens go first, then the oldest issued ones (a client asks for a new one on 401).
        now = self.clock.now()
        for token in [t for t, g in self._tokens.items() if g.expires_at is not None and g.expires_at <= now]:
            del self._tokens[token]
        while len(self._tokens) > MAX_TOKENS:
            del self._tokens[next(iter(self._tokens))]

    def issue_token(self, client: Client, scopes: frozenset[Scope]) -> tuple[str, int]:
        token = secrets.token_urlsafe(32)
        expires_at = self.clock.now() + timedelta(seconds=self.token_lifetime_seconds)
        self.add_token(
            token,
            scopes,
            expires_at=expires_at,
            client_id=client.client_id,
            folder_ids=client.folder_ids,
            robot_id=client.robot_id,
        )
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

    # -- robots ----------------------------------------------------------------------------------------

    def add_robot(self, name: str, *, key: str | None, machine_name: str, username: str | None) -> Robot:
        with self.lock:
            if any(r.name.lower() == name.lower() for r in self._robots.values()):
                raise ValueError(f"robot {name!r} exists")
            robot = Robot(
                id=self._next_robot_id,
                key=str(uuid.UUID(key)) if key is not None else self.new_guid(),
                name=name,
                machine_name=machine_name,
                username=username or name,
            )
            self._next_robot_id += 1
            self._robots[robot.id] = robot
            return robot

    def robot(self, robot_id: int) -> Robot | None:
        with self.lock:
            return self._robots.get(robot_id)

    def robot_by_key(self, key: str) -> Robot | None:
        with self.lock:
            return next((r for r in self._robots.values() if r.key == key.lower()), None)

    def robots(self) -> list[Robot]:
        with self.lock:
            return list(self._robots.values())

    # -- listeners and history -------------------------------------------------------------------------

    def add_listener(self, listener: ItemListener) -> None:
        with self.lock:
            self._listeners.append(listener)

    def _announce(self, event_type: ItemEventType, item: QueueItem, actor: Actor) -> None:
        if not self._listeners:
            return
        snapshot, queue = attrs.evolve(item), self._queues[item.queue_id]
        for listener in self._listeners:
            listener(event_type, snapshot, queue, actor)

    def _record_event(self, item: QueueItem, action: EventAction, actor: Actor) -> None:
        event = QueueItemEvent(
            id=self._next_event_id,
            queue_item_id=item.id,
            timestamp=self.clock.now(),
            action=action,
            status=item.status,
            review_status=item.review_status,
            user_id=actor.user_id,
            external_client_id=actor.client_id,
        )
        self._next_event_id += 1
        self._events.setdefault(item.id, []).append(event)

    def item_events(self, item_id: int) -> list[QueueItemEvent]:
        """The history of an item and of every attempt with its Key, oldest first."""
        with self.lock:
            key = self.stored_item(item_id).key
            chain = self._by_key.get(key, {})
            return sorted(
                (event for attempt in chain for event in self._events.get(attempt, ())),
                key=lambda event: event.id,
            )

    def all_events(self) -> Iterator[QueueItemEvent]:
        with self.lock:
            events = [event for history in self._events.values() for event in history]
        return iter(sorted(events, key=lambda event: event.id))

    # -- retention -------------------------------------------------------------------------------------

    @property
    def max_items(self) -> int | None:
        return self._max_items

    @max_items.setter
    def max_items(self, value: int | None) -> None:
        if value is not None and value < 1:
            raise ValueError("max_items is at least 1 (None: keep every item)")
        with self.lock:
            self._max_items = value
            self._apply_retention()

    def _became_final(self, item: QueueItem) -> None:
        self._final_order.append(item.id)
        self._apply_retention()

    def _apply_retention(self) -> None:
        # A retention policy removes only items whose processing is over, oldest first; New and InProgress items
        # stay even above the limit (Orchestrator's queue retention never deletes unprocessed work).
        while self._max_items is not None and len(self._items) > self._max_items and self._final_order:
            item_id = self._final_order.popleft()
            item = self._items.get(item_id)
            if item is not None and item.status in _RETAINABLE:
                self._remove(item)

    def _remove(self, item: QueueItem) -> None:
        if item.reference and item.holds_reference and self._queues[item.queue_id].enforce_unique_reference:
            self._purged_references.add((item.queue_id, item.reference.lower()))
        self._unindex_reference(item)
        del self._items[item.id]
        self._events.pop(item.id, None)
        chain = self._by_key.get(item.key)
        if chain is not None:
            chain.pop(item.id, None)
            if not chain:
                del self._by_key[item.key]

    # -- indexes ---------------------------------------------------------------------------------------

    def _index_reference(self, item: QueueItem) -> None:
        if item.reference and item.holds_reference and self._queues[item.queue_id].enforce_unique_reference:
            self._reference_holders[(item.queue_id, item.reference.lower())] = item.id

    def _unindex_reference(self, item: QueueItem) -> None:
        if item.reference:
            slot = (item.queue_id, item.reference.lower())
            if self._reference_holders.get(slot) == item.id:
                del self._reference_holders[slot]

    def _set_status(self, item: QueueItem, status: QueueItemStatus) -> None:
        """Change an item's status and keep the New-item and reference indexes in step."""
        if item.status is QueueItemStatus.NEW:
            self._new_items.get(item.queue_id, {}).pop(item.id, None)
        item.status = status
        if status is QueueItemStatus.NEW:
            self._new_items.setdefault(item.queue_id, {})[item.id] = None
        if not item.holds_reference:
            self._unindex_reference(item)

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
        # References are compared without case: Orchestrator keeps them in SQL Server, whose default collation is
        # case-insensitive, so INV-1 and inv-1 are one reference (inferred; see docs/testing.md).
        if not queue.enforce_unique_reference or not reference:
            return False
        slot = (queue.id, reference.lower())
        return reference.lower() in pending or slot in self._purged_references or slot in self._reference_holders

    def add_item(self, queue: Queue, data: ItemData, actor: Actor = SYSTEM) -> QueueItem:
        with self.lock:
            if self._reference_taken(queue, data.reference):
                raise EmulatorError(409, DUPLICATE_REFERENCE, 1016)
            item = self._insert(queue, data, actor)
            self._announce(ItemEventType.ADDED, item, actor)
            self._apply_retention()
            return attrs.evolve(item)

    def _insert(self, queue: Queue, data: ItemData, actor: Actor) -> QueueItem:
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
        self._store(item)
        self._record_event(item, EventAction.CREATE, actor)
        return item

    def _store(self, item: QueueItem) -> None:
        self._next_item_id = max(self._next_item_id, item.id + 1)
        self._items[item.id] = item
        self._by_key.setdefault(item.key, {})[item.id] = None
        if item.status is QueueItemStatus.NEW:
            self._new_items.setdefault(item.queue_id, {})[item.id] = None
        self._index_reference(item)

    def bulk_add(
        self, queue: Queue, commit_type: str, raw_items: list[object], actor: Actor = SYSTEM
    ) -> list[BulkFailure]:
        """BulkAddQueueItems with the three commit types (UiPath's Orchestrator OpenAPI v20, BulkAddQueueItems);
        returns the failures."""
        with self.lock:
            failures: list[BulkFailure] = []
            accepted: list[ItemData] = []
            pending: set[str] = set()
            inserted: list[QueueItem] = []
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
                    pending.add(data.reference.lower())
                if commit_type == "AllOrNothing":
                    accepted.append(data)
                else:
                    inserted.append(self._insert(queue, data, actor))
            if commit_type == "AllOrNothing" and not failures:
                inserted = [self._insert(queue, data, actor) for data in accepted]
            for item in inserted:
                self._announce(ItemEventType.ADDED, item, actor)
            self._apply_retention()
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

    def stored_items(self) -> list[QueueItem]:
        """The stored items themselves, oldest first: only for a caller that holds :attr:`lock` and changes none."""
        return list(self._items.values())

    def item_count(self) -> int:
        with self.lock:
            return len(self._items)

    def last_retry(self, key: str) -> QueueItem:
        """The newest attempt of the item with this Key (GetItemLastRetryByKey)."""
        with self.lock:
            chain = self._by_key.get(key.lower())
            if not chain:
                raise EmulatorError(404, QUEUE_ITEM_NOT_FOUND, 1002, resource_ids=True)
            return attrs.evolve(self._items[max(chain)])

    def update(self, item_id: int, changes: Mapping[str, Any], row_version: int | None, actor: Actor) -> QueueItem:
        """PUT QueueItems({id}): only Progress, Priority, DueDate, DeferDate and SpecificContent change.

        Orchestrator's definition of the operation says so; an item in a final status, or a RowVersion that is
        not the stored one, answers 409 "Conflict with Queue Item being updated." (UiPath: API Response Codes).
        """
        with self.lock:
            item = self.stored_item(item_id)
            stale = row_version is not None and row_version != item.row_version
            if stale or item.status not in (QueueItemStatus.NEW, QueueItemStatus.FAILED, QueueItemStatus.ABANDONED):
                raise EmulatorError(409, UPDATE_CONFLICT, 0)
            for field, value in changes.items():
                setattr(item, field, value)
            item.row_version = self._bump_row_version()
            self._record_event(item, EventAction.EDIT, actor)
            return attrs.evolve(item)

    # -- items: robot side -----------------------------------------------------------------------------

    def start_transaction(
        self,
        queue: Queue,
        robot: Robot,
        *,
        reference: str | None,
        reference_starts_with: bool,
        data: ItemData | None,
        actor: Actor,
    ) -> QueueItem | None:
        """StartTransaction: add-and-start ``data``, or start the next due New item (None when there is none).

        The next item is the first New one by priority (High, Normal, Low), then age, whose DeferDate has passed,
        optionally whose Reference equals (or starts with) ``reference``.
        """
        with self.lock:
            if data is not None:
                if self._reference_taken(queue, data.reference):
                    raise EmulatorError(409, DUPLICATE_REFERENCE, 1016)
                item = self._insert(queue, data, actor)
                self._announce(ItemEventType.ADDED, item, actor)
                return self._start(item, robot, actor)
            now = self.clock.now()
            wanted = reference.lower() if reference else None
            candidates = self._new_items.get(queue.id, {})
            best: QueueItem | None = None
            for item_id in candidates:
                item = self._items[item_id]
                if item.defer_date is not None and item.defer_date > now:
                    continue
                if wanted is not None and item.reference is None:
                    continue
                if wanted is not None and item.reference is not None:
                    found = item.reference.lower()
                    if not (found.startswith(wanted) if reference_starts_with else found == wanted):
                        continue
                if best is None or _PRIORITY_RANK[item.priority] < _PRIORITY_RANK[best.priority]:
                    best = item
                    if _PRIORITY_RANK[item.priority] == 0:
                        break
            return self._start(best, robot, actor) if best is not None else None

    def _start(self, item: QueueItem, robot: Robot | None, actor: Actor) -> QueueItem:
        self._set_status(item, QueueItemStatus.IN_PROGRESS)
        item.start_processing = self.clock.now()
        item.robot_id = robot.id if robot is not None else item.robot_id
        item.row_version = self._bump_row_version()
        self._record_event(item, EventAction.STATUS, actor)
        self._announce(ItemEventType.TRANSACTION_STARTED, item, actor)
        return attrs.evolve(item)

    def start(self, item_id: int, robot: Robot | None = None, actor: Actor | None = None) -> QueueItem:
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.NEW:
                raise QueueItemConflictError(item_id, item.status.value, "start")
            return self._start(item, robot, actor or _robot_actor(robot))

    def _take_for_result(self, item_id: int, action: str, *, must_be_started: bool) -> QueueItem:
        item = self.stored_item(item_id)
        if item.status is QueueItemStatus.NEW and not must_be_started:
            # A test may settle an item without starting it first; the robot would have started it.
            self.start(item_id)
        elif item.status is not QueueItemStatus.IN_PROGRESS:
            raise QueueItemConflictError(item_id, item.status.value, action)
        return item

    def complete(
        self,
        item_id: int,
        output: Mapping[str, JsonValue] | None,
        analytics: Mapping[str, JsonValue] | None,
        *,
        must_be_started: bool = False,
        actor: Actor | None = None,
    ) -> QueueItem:
        with self.lock:
            item = self._take_for_result(item_id, "complete", must_be_started=must_be_started)
            self._set_status(item, QueueItemStatus.SUCCESSFUL)
            item.end_processing = self.clock.now()
            item.output = dict(output) if output is not None else None
            item.analytics = dict(analytics) if analytics is not None else None
            item.row_version = self._bump_row_version()
            return self._finish(item, ItemEventType.TRANSACTION_COMPLETED, actor)

    def _finish(self, item: QueueItem, event: ItemEventType, actor: Actor | None) -> QueueItem:
        who = actor or _robot_actor(self._robots.get(item.robot_id) if item.robot_id is not None else None)
        self._record_event(item, EventAction.STATUS, who)
        self._announce(event, item, who)
        result = attrs.evolve(item)
        self._became_final(item)
        return result

    def fail(
        self,
        item_id: int,
        reason: str,
        kind: FailureKind,
        details: str | None,
        output: Mapping[str, JsonValue] | None = None,
        analytics: Mapping[str, JsonValue] | None = None,
        *,
        must_be_started: bool = False,
        actor: Actor | None = None,
    ) -> QueueItem:
        """Fail an item; an application failure on a retrying queue re-queues a clone and returns the clone."""
        with self.lock:
            item = self._take_for_result(item_id, "fail", must_be_started=must_be_started)
            now = self.clock.now()
            item.end_processing = now
            item.processing_exception = ProcessingException(reason, details, kind.exception_type, now)
            item.output = dict(output) if output is not None else None
            item.analytics = dict(analytics) if analytics is not None else None
            item.row_version = self._bump_row_version()
            queue = self._queues[item.queue_id]
            if kind is FailureKind.APPLICATION and self._retries_left(queue, item):
                self._set_status(item, QueueItemStatus.RETRIED)
                self._finish(item, ItemEventType.TRANSACTION_FAILED, actor)
                return self._clone(item, automatic=True)
            self._set_status(item, QueueItemStatus.FAILED)
            return self._finish(item, ItemEventType.TRANSACTION_FAILED, actor)

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
                self._set_status(item, QueueItemStatus.RETRIED)
                self._finish(item, ItemEventType.TRANSACTION_ABANDONED, SYSTEM)
                return self._clone(item, automatic=True)
            self._set_status(item, QueueItemStatus.ABANDONED)
            return self._finish(item, ItemEventType.TRANSACTION_ABANDONED, SYSTEM)

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
                self._set_status(item, QueueItemStatus.RETRIED)
            else:
                # Failed is final (UiPath: Queue Item Statuses): its Status stays, the review status records the retry.
                item.review_status = "Retried"
                self._unindex_reference(item)
            item.row_version = self._bump_row_version()
            self._record_event(item, EventAction.RETRY, SYSTEM)
            return self._clone(item, automatic=False)

    def delete(self, item_id: int, actor: Actor = SYSTEM) -> QueueItem:
        """Delete a New item (UiPath's Orchestrator OpenAPI v20, Queues: only New items can be deleted)."""
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.NEW:
                raise QueueItemConflictError(item_id, item.status.value, "delete")
            self._set_status(item, QueueItemStatus.DELETED)
            item.row_version = self._bump_row_version()
            self._record_event(item, EventAction.DELETE, actor)
            self._became_final(item)
            return attrs.evolve(item)

    def delete_bulk(
        self, entries: list[tuple[int, int | None]], actor: Actor, allowed: Callable[[QueueItem], bool]
    ) -> list[int]:
        """DeleteBulk: delete each New item whose RowVersion matches; return the ids that could not be deleted."""
        failed: list[int] = []
        with self.lock:
            for item_id, row_version in entries:
                item = self._items.get(item_id)
                if (
                    item is None
                    or not allowed(item)
                    or item.status is not QueueItemStatus.NEW
                    or (row_version is not None and row_version != item.row_version)
                ):
                    failed.append(item_id)
                    continue
                self.delete(item_id, actor)
        return failed

    def purge(self, item_id: int) -> QueueItem:
        """Remove a final item as a retention policy does; its reference stays reserved (UiPath: API Response Codes)."""
        with self.lock:
            item = self.stored_item(item_id)
            if item.status in (QueueItemStatus.NEW, QueueItemStatus.IN_PROGRESS):
                raise QueueItemConflictError(item_id, item.status.value, "purge")
            self._remove(item)
            return attrs.evolve(item)

    def set_progress(self, item_id: int, progress: str | None, actor: Actor | None = None) -> QueueItem:
        with self.lock:
            item = self.stored_item(item_id)
            if item.status is not QueueItemStatus.IN_PROGRESS:
                # UiPath's Orchestrator OpenAPI v20, transactions: the enum InvalidTransactionProgressStatus suggests a
                # refusal; 409 is chosen.
                raise QueueItemConflictError(item_id, item.status.value, "set the progress of")
            item.progress = progress
            item.row_version = self._bump_row_version()
            self._record_event(item, EventAction.EDIT, actor or SYSTEM)
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
        self._store(clone)
        self._record_event(clone, EventAction.CREATE, SYSTEM)
        return attrs.evolve(clone)


_PRIORITY_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}
# Statuses a retention policy may remove (processing is over for them).
_RETAINABLE = frozenset(
    {
        QueueItemStatus.SUCCESSFUL,
        QueueItemStatus.FAILED,
        QueueItemStatus.ABANDONED,
        QueueItemStatus.RETRIED,
        QueueItemStatus.DELETED,
    }
)


def _robot_actor(robot: Robot | None) -> Actor:
    return Actor(robot_id=robot.id) if robot is not None else SYSTEM


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
