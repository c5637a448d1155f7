"""Typed records of the connector's job variables: authentication, configuration and input per operation.

Variable names and values are those of Camunda's own UiPath template (Camunda's UiPath template v7), so a
modeler who switches templates keeps what was entered. Every field carries complete element-template hints
(label, group, FEEL mode, condition, choices, default); the template generator reads them, nothing else.

Conventions the template generator relies on:

* Property ids used in conditions: ``operationType`` (the operation dropdown, derived from the operation
  registry ``OPERATIONS``: the request records are tagged with their operation id when it registers them),
  ``authenticationType`` (the ``authentication.type`` dropdown, described by the hints on the
  ``authentication`` field, whose record type is a union tagged on ``type``).
* A field whose type is a tagged union (``authentication``) carries the hints of its discriminator dropdown; the
  dropdown binds ``<variable>.<discriminator>`` (``authentication.type``), the variants' fields bind
  ``authentication.<name>``.
* ``embedded=True`` sections (configuration, input) read top-level variables, as Camunda's template does.
* An input field needs no ``operationType`` condition: the generator shows it for the operations whose request
  records read it.

>>> from uipath_connector.sdk import bind
>>> request = bind(
...     {"operationType": "getItemById", "authentication": {"type": "bearer", "token": "t"},
...      "cloudOrg": "acme", "cloudTenant": "DefaultTenant", "organizationUnitId": "1964413", "itemId": "42"},
...     OperationRequest)
>>> request.input.item_id, request.authentication
(42, BearerAuthentication(token='***'))
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeAlias

import attrs

from ..sdk import (
    Choice,
    Condition,
    ConnectorInputError,
    TemplateHints,
    discriminator,
    problem_names,
    variable,
)
from ._urls import cloud_url_problem, orchestrator_urls, token_endpoint_problem

__all__ = [
    "AUTHENTICATION_TYPE_PROPERTY",
    "MAX_BULK_ITEMS",
    "MAX_TIMEOUT_SECONDS",
    "AddQueueItemInput",
    "AddQueueItemRequest",
    "Authentication",
    "BearerAuthentication",
    "BulkAddQueueItemsInput",
    "BulkAddQueueItemsRequest",
    "BulkQueueItem",
    "ClientAuthentication",
    "CommitType",
    "Configuration",
    "GetQueueItemInput",
    "GetQueueItemRequest",
    "OAuthClientCredentialsAuthentication",
    "OperationRequest",
    "Priority",
    "parse_orchestrator_date",
    "wire_date",
]

#: ``connectionTimeoutInSeconds`` ceiling. Camunda reads 0 as "infinite"; every wait here is bounded, so 0 means
#: this ceiling instead (docs/errors-and-retries.md).
MAX_TIMEOUT_SECONDS = 300

_BEARER = Condition("authenticationType", ("bearer",))
_OAUTH = Condition("authenticationType", ("oauth-client-credentials-flow",))

#: The ``authentication.type`` dropdown (also on the ``authentication`` fields of the request records).
AUTHENTICATION_TYPE_PROPERTY = TemplateHints(
    label="Type",
    default="bearer",
    description="How the connector authenticates to Orchestrator",
    group="authentication",
    type="Dropdown",
    choices=(
        Choice("bearer", "Bearer token"),
        Choice("oauth-client-credentials-flow", "OAuth 2.0 client credentials"),
    ),
    property_id="authenticationType",
)


class Priority(enum.Enum):
    """A queue item's priority (Orchestrator ``QueueItemDataDto.Priority``)."""

    LOW = "Low"
    NORMAL = "Normal"
    HIGH = "High"


class ClientAuthentication(enum.Enum):
    """How the client id and secret reach the token endpoint (RFC 6749 §2.3.1)."""

    BASIC_AUTH_HEADER = "basicAuthHeader"
    CREDENTIALS_BODY = "credentialsBody"


class CommitType(enum.Enum):
    """How Orchestrator commits a bulk add ("Queues - BulkAddQueueItems", Orchestrator API reference):
    all items or none, every item on its own, or the items before the first failure."""

    ALL_OR_NOTHING = "AllOrNothing"
    STOP_ON_FIRST_FAILURE = "StopOnFirstFailure"
    PROCESS_ALL_INDEPENDENTLY = "ProcessAllIndependently"


# --- checks ----------------------------------------------------------------------------------------------

_DATE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})")
_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,7}))?)?(?P<offset>[Zz]|[+-]\d{2}:\d{2})?"
)
_DATE_HELP = (
    "a date yyyy-MM-dd or an ISO-8601 date-time with an offset (Z or ±hh:mm), e.g. 2026-01-15 or 2026-01-15T09:30:00Z"
)
# The same shapes as _DATE/_DATE_TIME with the offset required, in a syntax the Modeler's JavaScript also runs,
# so the element template flags a date the binding would refuse (calendar checks stay in `_date_problem`).
_DATE_PATTERN = r"\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?([Zz]|[+-]\d{2}:\d{2}))?"


def parse_orchestrator_date(text: str) -> datetime | None:
    """Parse a ``yyyy-MM-dd`` date or an ISO-8601 date-time with offset; ``None`` when it is neither.

    Up to 7 fractional digits are accepted, as Orchestrator writes them (UiPath's Orchestrator OpenAPI v20).

    >>> parse_orchestrator_date("2023-01-20T10:13:20.6603953Z")
    datetime.datetime(2023, 1, 20, 10, 13, 20, 660395, tzinfo=datetime.timezone.utc)
    """
    try:
        if _DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        match = _DATE_TIME.fullmatch(text)
        if match is None or match.group("offset") is None:
            return None
        day = date.fromisoformat(match.group("date"))
        offset = match.group("offset")
        if offset in ("Z", "z"):
            zone = timezone.utc
        else:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                return None
            zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
        fraction = (match.group("fraction") or "0").ljust(6, "0")[:6]
        return datetime(
            day.year,
            day.month,
            day.day,
            int(match.group("hour")),
            int(match.group("minute")),
            int(match.group("second") or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:
        return None


def wire_date(text: str) -> str:
    """A valid ``deferDate``/``dueDate`` as sent: an RFC 3339 date-time meaning the same instant.

    The OpenAPI spec types the dates ``date-time`` and UiPath's Orchestrator OpenAPI v20 says "send Z or
    ±hh:mm", so a date-only value goes out as midnight UTC (Orchestrator reads it so: Camunda's UiPath docs show a 201
    echoing
    ``2023-01-12`` as ``2023-01-12T00:00:00Z``), missing seconds as ``:00``, and ``t``/``z`` upper-cased. Digits,
    fractions and offsets are kept as given.

    >>> wire_date("2023-01-12"), wire_date("2026-01-15t09:30+02:00")
    ('2023-01-12T00:00:00Z', '2026-01-15T09:30:00+02:00')
    """
    if _DATE.fullmatch(text):
        return f"{text}T00:00:00Z"
    match = _DATE_TIME.fullmatch(text)
    if match is None or match.group("offset") is None:
        return text
    fraction = match.group("fraction")
    offset = match.group("offset")
    return (
        f"{match.group('date')}T{match.group('hour')}:{match.group('minute')}:{match.group('second') or '00'}"
        f"{'.' + fraction if fraction else ''}{'Z' if offset in ('Z', 'z') else offset}"
    )


def _date_problem(value: str) -> str | None:
    if parse_orchestrator_date(value) is not None:
        return None
    match = _DATE_TIME.fullmatch(value)
    if match is not None and match.group("offset") is None:
        return (
            f"{value!r} has no time zone offset; add Z or ±hh:mm (Orchestrator would read it as UTC), "
            "or give a date yyyy-MM-dd"
        )
    return f"{value!r} is not {_DATE_HELP}"


_KEY_FORBIDDEN = ':.,@"'
_ODATA_ANNOTATION = re.compile(r'[^:.,@"]+@odata\.type')
_SIMPLE = (str, int, float, bool)
#: Orchestrator's limit on SpecificContent (UiPath: Queue Items, SpecificContent rules; UiPath: Rate Limits and Large
#: Data Fields).
_SPECIFIC_CONTENT_LIMIT = 500 * 1024


def _parse_specific_content(raw: object) -> object:
    if not isinstance(raw, str):
        return raw
    if len(raw) > 4 * _SPECIFIC_CONTENT_LIMIT:  # no need to parse what can only be refused
        raise ValueError(f"is {len(raw)} characters of JSON text, more than Orchestrator takes")
    try:
        parsed = json.loads(raw)
    except RecursionError:
        # Python's JSON decoder recurses once per level; an object of simple values has one level.
        raise ValueError("is JSON text nested too deeply (an object of simple values is expected)") from None
    except ValueError as error:
        raise ValueError(f"is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ValueError("must be an object of simple values (or its JSON text), got JSON that is not an object")
    return parsed


def _specific_content_problem(content: Mapping[str, object]) -> str | None:
    problems: list[str] = []
    for key, value in content.items():
        if any(character in key for character in _KEY_FORBIDDEN) and not _ODATA_ANNOTATION.fullmatch(key):
            problems.append(
                f"key {key!r} must not contain any of : . , @ \" (only 'Name@odata.type' annotations may use @)"
            )
        if value is not None and not isinstance(value, _SIMPLE):
            kind = "an object" if isinstance(value, Mapping) else "a list" if isinstance(value, list) else "not JSON"
            # Orchestrator's own wording (UiPath: Queue Items, SpecificContent rules), then where.
            problems.append(f"Property values must be simple (like numbers or text): {key!r} is {kind}")
    if not problems:
        try:
            json.dumps(content, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
    if not problems and len(json.dumps(content, ensure_ascii=False).encode("utf-8")) > _SPECIFIC_CONTENT_LIMIT:
        problems.append("must be at most 500 KB as JSON (Orchestrator's limit)")
    return "; ".join(problems) or None


_GUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]*")


def _folder_path_problem(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    if not _PRINTABLE.fullmatch(value):
        return "must not contain control characters"
    if len(value) > 1 and value.endswith("/"):
        return "must not end with '/' (write Shared/Finance, not Shared/Finance/)"
    return None


def _scopes_problem(value: str) -> str | None:
    if not _PRINTABLE.fullmatch(value) or not value.strip():
        return "must be space-separated scope names, e.g. OR.Queues"
    return None


# --- authentication --------------------------------------------------------------------------------------


@discriminator("type", "bearer")
@attrs.frozen(kw_only=True)
class BearerAuthentication:
    """A token sent as ``Authorization: Bearer`` (a personal access token or a token from elsewhere).

    >>> BearerAuthentication(token="eyJ...")
    BearerAuthentication(token='***')
    """

    token: str = variable(
        "token",
        secret=True,
        not_empty=True,
        label="Bearer token",
        description="The token Orchestrator accepts, e.g. a personal access token. Keep it in a secret: "
        "{{secrets.UIPATH_BEARER_TOKEN}}",
        placeholder="{{secrets.UIPATH_BEARER_TOKEN}}",
        group="authentication",
        type="String",
        feel="optional",
        condition=_BEARER,
    )


@discriminator("type", "oauth-client-credentials-flow")
@attrs.frozen(kw_only=True)
class OAuthClientCredentialsAuthentication:
    """OAuth 2.0 client credentials of a confidential external application (UiPath: Authenticating with an External
    Application).

    >>> OAuthClientCredentialsAuthentication(client_id="app", client_secret="s3cr3t")
    OAuthClientCredentialsAuthentication(client_id='***', client_secret='***', scopes='OR.Queues', \
client_authentication=<ClientAuthentication.BASIC_AUTH_HEADER: 'basicAuthHeader'>, oauth_token_endpoint=None)
    """

    client_id: str = variable(
        "clientId",
        secret=True,
        not_empty=True,
        label="Client ID",
        description="The App ID of the external application. Keep it in a secret: {{secrets.UIPATH_CLIENT_ID}}",
        placeholder="{{secrets.UIPATH_CLIENT_ID}}",
        group="authentication",
        type="String",
        feel="optional",
        condition=_OAUTH,
    )
    client_secret: str = variable(
        "clientSecret",
        secret=True,
        not_empty=True,
        label="Client secret",
        description="The App Secret of the external application. Keep it in a secret: {{secrets.UIPATH_CLIENT_SECRET}}",
        placeholder="{{secrets.UIPATH_CLIENT_SECRET}}",
        group="authentication",
        type="String",
        feel="optional",
        condition=_OAUTH,
    )
    scopes: str = variable(
        "scopes",
        default="OR.Queues",
        not_empty=True,
        check=_scopes_problem,
        label="Scopes",
        description="Space-separated application scopes to request; OR.Queues covers both operations",
        tooltip="Use OR.Queues.Write for adding items only, OR.Queues.Read for reading only",
        group="authentication",
        type="String",
        optional=True,
        condition=_OAUTH,
    )
    client_authentication: ClientAuthentication = variable(
        "clientAuthentication",
        default=ClientAuthentication.BASIC_AUTH_HEADER,
        label="Client authentication",
        description="How the client id and secret are sent to the token endpoint",
        group="authentication",
        type="Dropdown",
        choices=(
            Choice("basicAuthHeader", "Send client credentials as Basic auth header"),
            Choice("credentialsBody", "Send client credentials in body"),
        ),
        condition=_OAUTH,
        property_id="authentication.clientAuthentication",
    )
    oauth_token_endpoint: str | None = variable(
        "oauthTokenEndpoint",
        default=None,
        check=token_endpoint_problem,
        label="OAuth token endpoint",
        description="Leave empty to derive it from the UiPath instance URL: "
        "https://{host}/identity_/connect/token for Automation Cloud and Automation Suite, "
        "https://{host}/identity/connect/token for a standalone Orchestrator",
        placeholder="https://cloud.uipath.com/identity_/connect/token",
        group="authentication",
        type="String",
        optional=True,
        condition=_OAUTH,
    )


Authentication: TypeAlias = BearerAuthentication | OAuthClientCredentialsAuthentication


# --- configuration ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Configuration:
    """Where Orchestrator is, which folder to work in, and the connection timeout.

    Exactly one folder is given: ``organization_unit_id``, ``folder_path`` or ``folder_key``.

    >>> Configuration(cloud_org="acme", cloud_tenant="DefaultTenant", organization_unit_id=1964413).cloud_url
    'cloud.uipath.com'
    """

    cloud_url: str = variable(
        "cloudUrl",
        default="cloud.uipath.com",
        not_empty=True,
        check=cloud_url_problem,
        label="UiPath instance URL",
        description="The host name of Automation Cloud (cloud.uipath.com), or the https:// base URL of "
        "Orchestrator for Automation Suite (https://fqdn/org/tenant/orchestrator_) or a standalone "
        "Orchestrator (https://host)",
        placeholder="cloud.uipath.com",
        group="configuration",
        type="String",
    )
    cloud_org: str | None = variable(
        "cloudOrg",
        default=None,
        label="UiPath organization",
        description="The name of your organization (required when the instance URL is a host name). See "
        "https://docs.uipath.com/automation-cloud/docs/about-organizations",
        group="configuration",
        type="String",
        optional=True,
    )
    cloud_tenant: str | None = variable(
        "cloudTenant",
        default=None,
        label="UiPath tenant",
        description="The name of the tenant (required when the instance URL is a host name). See "
        "https://docs.uipath.com/automation-cloud/docs/about-tenants",
        group="configuration",
        type="String",
        optional=True,
    )
    organization_unit_id: int | None = variable(
        "organizationUnitId",
        default=None,
        minimum=1,
        maximum=2**63 - 1,
        label="Organization unit ID",
        description="Click 'Orchestrator' and find the id in the URL: in "
        "https://cloud.uipath.com/testOrg/DefaultTenant/orchestrator_/?tid=26929&fid=1964513 it is 1964513. "
        "Give this, a folder path or a folder key",
        tooltip="UiPath folder or organization unit ID",
        group="configuration",
        type="String",
        optional=True,
    )
    folder_path: str | None = variable(
        "folderPath",
        default=None,
        check=_folder_path_problem,
        label="Folder path",
        description="The folder by its path, e.g. Shared/Finance (instead of the organization unit ID)",
        placeholder="Shared/Finance",
        group="configuration",
        type="String",
        optional=True,
    )
    folder_key: str | None = variable(
        "folderKey",
        default=None,
        pattern=_GUID,
        pattern_message="must be a folder key (a GUID such as 2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50)",
        label="Folder key",
        description="The folder by its key, a GUID that never changes (instead of the organization unit ID)",
        placeholder="2b1ea1b5-5c26-4d3a-9b8e-4f1c2d3e4f50",
        group="configuration",
        type="String",
        optional=True,
    )
    connection_timeout_in_seconds: int = variable(
        "connectionTimeoutInSeconds",
        default=20,
        minimum=0,
        maximum=MAX_TIMEOUT_SECONDS,
        pattern=r"^(=|([0-9]+|\{\{secrets\..+\}\})$)",
        pattern_message="Must be a timeout in seconds (default value is 20 seconds) or a FEEL expression",
        label="Connection timeout",
        description=f"Seconds to wait for a connection and for each response, or 0 for the maximum "
        f"({MAX_TIMEOUT_SECONDS} seconds)",
        group="errors",
        type="String",
        feel="optional",
        optional=True,
    )

    def __attrs_post_init__(self) -> None:
        folders = (self.organization_unit_id, self.folder_path, self.folder_key)
        if sum(folder is not None for folder in folders) != 1:
            # These checks span fields: they name the job variables for a job, the keywords for a Python caller
            # (looked up only when there is a problem: every job constructs a Configuration).
            names = problem_names(Configuration, "organization_unit_id", "folder_path", "folder_key")
            given = [name for name, folder in zip(names, folders, strict=True) if folder is not None]
            if not given:
                raise ConnectorInputError(f"{names[0]}: is required (or give {names[1]} or {names[2]} instead)")
            raise ConnectorInputError(
                f"{', '.join(given)}: give only one folder (the server would use just one of them)"
            )
        # Org and tenant are checked against the URL shape they are used in (and nothing is sent yet).
        try:
            orchestrator_urls(self.cloud_url, self.cloud_org, self.cloud_tenant, allow_insecure_http=True)
        except ValueError as problem:
            # The URL check names job variables ("cloudOrg: ..."); a Python caller reads the keyword instead.
            text = str(problem)
            for variable_name, keyword in (
                ("cloudUrl", "cloud_url"),
                ("cloudOrg", "cloud_org"),
                ("cloudTenant", "cloud_tenant"),
            ):
                text = text.replace(variable_name, problem_names(Configuration, keyword)[0])
            raise ConnectorInputError(text) from None


# --- input -----------------------------------------------------------------------------------------------


def _queue_name() -> Any:
    """The ``queueName`` field: declared alike wherever an operation reads it, so the template shows one field."""
    return variable(
        "queueName",
        not_empty=True,
        max_length=50,
        label="Queue name",
        description="The queue where the item is added. See "
        "https://docs.uipath.com/orchestrator/docs/about-queues-and-transactions",
        group="input",
        type="String",
    )


@attrs.frozen(kw_only=True)
class AddQueueItemInput:
    """One item to add to a queue (Orchestrator ``QueueItemDataDto``).

    >>> AddQueueItemInput(queue_name="Invoices", specific_content={"InvoiceId": "INV-1"}, reference="INV-1")
    AddQueueItemInput(queue_name='Invoices', defer_date=None, due_date=None, priority=<Priority.LOW: 'Low'>, \
specific_content={'InvoiceId': 'INV-1'}, reference='INV-1')
    """

    queue_name: str = _queue_name()
    defer_date: str | None = variable(
        "deferDate",
        default=None,
        pattern=_DATE_PATTERN,
        pattern_message=f"must be {_DATE_HELP}",
        check=_date_problem,
        label="Defer date",
        description="The earliest date and time at which the item is available for processing. If empty the "
        "item can be processed as soon as possible. Expected date format: yyyy-MM-dd, or an ISO-8601 date-time "
        "with an offset such as 2026-01-15T09:30:00Z",
        placeholder="2026-01-15",
        group="input",
        type="String",
        optional=True,
    )
    due_date: str | None = variable(
        "dueDate",
        default=None,
        pattern=_DATE_PATTERN,
        pattern_message=f"must be {_DATE_HELP}",
        check=_date_problem,
        label="Due date",
        description="The latest date and time at which the item should be processed. If empty the item can be "
        "processed at any given time. Expected date format: yyyy-MM-dd, or an ISO-8601 date-time with an "
        "offset such as 2026-01-15T09:30:00Z",
        placeholder="2026-01-15",
        group="input",
        type="String",
        optional=True,
    )
    priority: Priority = variable(
        "priority",
        default=Priority.LOW,
        label="Priority",
        description="The priority level of the queue item to be added. This property is a criterion for the "
        "prioritization of queue items, alongside Deadline and Postpone",
        group="input",
        type="Dropdown",
        choices=(Choice("Low", "Low"), Choice("Normal", "Normal"), Choice("High", "High")),
        property_id="priority",
    )
    specific_content: dict[str, Any] | None = variable(
        "specificContent",
        default=None,
        parse=_parse_specific_content,
        check=_specific_content_problem,
        label="Specific content for a UiPath job",
        description="Data that will be passed in to the job, as a FEEL context of simple values, e.g. "
        '={"Name":"testItemName","Value":"testItemValue"}',
        group="input",
        type="String",
        feel="required",
        optional=True,
    )
    reference: str | None = variable(
        "reference",
        default=None,
        max_length=128,
        label="Reference",
        description="A string reference for the queue item. On a queue that enforces unique references it also "
        "lets the connector retry safely without adding the item twice",
        group="input",
        type="String",
        optional=True,
    )


@attrs.frozen(kw_only=True)
class GetQueueItemInput:
    """Which queue item to read.

    >>> GetQueueItemInput(item_id=436141352)
    GetQueueItemInput(item_id=436141352)
    """

    item_id: int = variable(
        "itemId",
        minimum=1,
        maximum=2**63 - 1,
        label="Item ID",
        description="The Id of a queue item, e.g. from the result expression of Add queue item "
        "(={itemId: response.body.Id})",
        group="input",
        type="String",
        feel="optional",
    )


#: The most items one Bulk Add sends: every body this connector sends is bounded (docs/operations.md).
MAX_BULK_ITEMS = 1000


@attrs.frozen(kw_only=True)
class BulkQueueItem:
    """One item of a Bulk Add (``queueItems[n]``): the fields of an Add queue item, without the queue.

    >>> BulkQueueItem(reference="INV-1", specific_content={"InvoiceId": "INV-1"})
    BulkQueueItem(defer_date=None, due_date=None, priority=<Priority.LOW: 'Low'>, \
specific_content={'InvoiceId': 'INV-1'}, reference='INV-1')
    """

    defer_date: str | None = variable(
        "deferDate", default=None, pattern=_DATE_PATTERN, pattern_message=f"must be {_DATE_HELP}", check=_date_problem
    )
    due_date: str | None = variable(
        "dueDate", default=None, pattern=_DATE_PATTERN, pattern_message=f"must be {_DATE_HELP}", check=_date_problem
    )
    priority: Priority = variable("priority", default=Priority.LOW)
    specific_content: dict[str, Any] | None = variable(
        "specificContent", default=None, parse=_parse_specific_content, check=_specific_content_problem
    )
    reference: str | None = variable("reference", default=None, max_length=128)


def _parse_queue_items(raw: object) -> object:
    if not isinstance(raw, str):
        return raw
    try:
        parsed = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"is not valid JSON: {error}") from None
    if not isinstance(parsed, list):
        raise ValueError("must be a list of queue items (or its JSON text), got JSON that is not a list")
    return parsed


def _queue_items_problem(items: tuple[BulkQueueItem, ...]) -> str | None:
    if len(items) > MAX_BULK_ITEMS:
        return f"must hold at most {MAX_BULK_ITEMS} items, got {len(items)}"
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.reference:
            if item.reference in seen:
                return f"[{index}].reference {item.reference!r} is given twice; references in one call must differ"
            seen.add(item.reference)
    return None


@attrs.frozen(kw_only=True)
class BulkAddQueueItemsInput:
    """Several items for one queue, added in one call (Orchestrator ``BulkAddQueueItems``).

    >>> BulkAddQueueItemsInput(queue_name="Invoices", queue_items=(BulkQueueItem(reference="INV-1"),)).commit_type
    <CommitType.ALL_OR_NOTHING: 'AllOrNothing'>
    """

    queue_name: str = _queue_name()
    commit_type: CommitType = variable(
        "commitType",
        default=CommitType.ALL_OR_NOTHING,
        label="Commit type",
        description="All or nothing: one failing item adds none. Stop on first failure: the items before it are "
        "added. Process all independently: every valid item is added and the failures are listed",
        group="input",
        type="Dropdown",
        choices=(
            Choice("AllOrNothing", "All or nothing"),
            Choice("StopOnFirstFailure", "Stop on first failure"),
            Choice("ProcessAllIndependently", "Process all independently"),
        ),
        property_id="commitType",
    )
    queue_items: tuple[BulkQueueItem, ...] = variable(
        "queueItems",
        not_empty=True,
        parse=_parse_queue_items,
        check=_queue_items_problem,
        label="Queue items",
        description="A list of items, each a context with the fields of Add queue item: specificContent, "
        'reference, priority, deferDate, dueDate. E.g. =[{reference: "INV-1", specificContent: {InvoiceId: '
        '"INV-1"}}], or its JSON text',
        group="input",
        type="Text",
        feel="required",
    )


# --- whole requests --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AddQueueItemRequest:
    """The job variables of an *Add queue item* task (tagged ``operationType`` by its operation's registration)."""

    authentication: Authentication = variable("authentication", template=AUTHENTICATION_TYPE_PROPERTY)
    configuration: Configuration = variable("configuration", embedded=True)
    input: AddQueueItemInput = variable("input", embedded=True)


@attrs.frozen(kw_only=True)
class GetQueueItemRequest:
    """The job variables of a *Get queue item result by ID* task (tagged by its operation's registration)."""

    authentication: Authentication = variable("authentication", template=AUTHENTICATION_TYPE_PROPERTY)
    configuration: Configuration = variable("configuration", embedded=True)
    input: GetQueueItemInput = variable("input", embedded=True)


@attrs.frozen(kw_only=True)
class BulkAddQueueItemsRequest:
    """The job variables of a *Bulk add queue items* task (tagged by its operation's registration)."""

    authentication: Authentication = variable("authentication", template=AUTHENTICATION_TYPE_PROPERTY)
    configuration: Configuration = variable("configuration", embedded=True)
    input: BulkAddQueueItemsInput = variable("input", embedded=True)


#: The request records of the built-in operations, chosen by ``operationType`` (for type checkers and Python
#: callers; the connector binds ``OPERATIONS.request_type()``, which includes every registered operation).
OperationRequest: TypeAlias = AddQueueItemRequest | GetQueueItemRequest | BulkAddQueueItemsRequest
