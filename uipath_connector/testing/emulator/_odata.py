"""The OData query options the emulator honours on queue items, parsed and evaluated in bounded time.

What Orchestrator accepts on ``GET /odata/QueueItems`` (UiPath's Orchestrator API guide, "About OData and
References", and the option limits its OpenAPI definition states: at most 100 ``$filter`` expressions, 5
``$orderby`` keys, ``$expand`` depth 2, ``$top`` at most 100):

* ``$filter``: ``eq ne gt ge lt le``, ``and or not``, parentheses, ``startswith endswith contains`` (also on
  ``SpecificData``), ``tolower toupper length``, ``null``, string / integer (``5`` or ``5L``) / decimal / boolean /
  GUID / date-time literals (``2024-05-02T10:11:12Z`` or ``datetime'2024-05-02T10:11:12Z'``), enum members as
  their name or number in a string (``Status eq 'New'``, ``Status eq '0'``);
* property names in any case (UiPath's TypeScript SDK sends ``reference`` and ``queueDefinitionId``);
* ``$select``, ``$expand`` of the navigation properties of ``QueueItemDto`` (``QueueDefinition``, ``Robot``,
  ``ReviewerUser``), ``$orderby`` with up to five keys, ``$top``, ``$skip``, ``$count``.

String comparisons ignore case: Orchestrator runs these filters in SQL Server, whose default collation
(``SQL_Latin1_General_CP1_CI_AS``) is case-insensitive (inferred; UiPath documents no collation).

Everything else is refused with Orchestrator's 400/1000 body (:class:`InvalidODataError`), never answered with a
silently wrong page. Parsing is bounded: the filter text, the nesting depth and the number of comparisons are
capped, so 30,000 nested parentheses get a 400, not a ``RecursionError``.
"""

from __future__ import annotations

import enum
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ._dates import parse_wire_date
from ._errors import InvalidODataError
from ._model import Priority, Queue, QueueItem, QueueItemStatus

# The limits Orchestrator's OpenAPI definition states for GET /odata/QueueItems.
MAX_FILTER_EXPRESSIONS = 100
MAX_ORDERBY_KEYS = 5
#: The largest ``$top`` Orchestrator accepts on queue items, and the page it serves when ``$top`` is absent.
MAX_TOP = 100
# The emulator's own bounds (Orchestrator's are not documented): a filter longer than an 8 KiB URL allows or nested
# deeper than any hand-written query is refused before evaluation.
MAX_FILTER_CHARS = 8192
MAX_NESTING_DEPTH = 32
# Id and QueueDefinitionId are Edm.Int64; $top and $skip are Edm.Int32: a literal out of range is a parse error.
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1


class ValueType(str, enum.Enum):
    """The type of a property or literal, which decides the operators it takes."""

    INT = "int"
    NUMBER = "number"
    STRING = "string"
    DATETIME = "datetime"
    GUID = "guid"
    BOOL = "bool"
    STATUS = "status"
    PRIORITY = "priority"
    REVIEW_STATUS = "reviewStatus"
    NULL = "null"


_NUMERIC = frozenset({ValueType.INT, ValueType.NUMBER})
_ENUMS = frozenset({ValueType.STATUS, ValueType.PRIORITY, ValueType.REVIEW_STATUS})
_REVIEW_STATUSES = ("None", "InReview", "Verified", "Retried")

Row = tuple[QueueItem, Queue]
# A getter reads one value of a row: (item, queue) for queue items, (entity,) for other entity sets.
Getter = Callable[[Any], Any]


def _json_or_none(value: Mapping[str, Any] | None) -> str | None:
    return json.dumps(value, separators=(",", ":")) if value is not None else None


@attrs.frozen
class Property:
    """A filterable, sortable property of ``QueueItemDto``."""

    name: str
    type: ValueType
    get: Getter


_PROPERTIES: tuple[Property, ...] = (
    Property("Id", ValueType.INT, lambda row: row[0].id),
    Property("QueueDefinitionId", ValueType.INT, lambda row: row[0].queue_id),
    Property("OrganizationUnitId", ValueType.INT, lambda row: row[0].folder_id),
    Property("RetryNumber", ValueType.INT, lambda row: row[0].retry_number),
    Property("SecondsInPreviousAttempts", ValueType.INT, lambda row: row[0].seconds_in_previous_attempts),
    Property("AncestorId", ValueType.INT, lambda row: row[0].ancestor_id),
    Property("ManualAncestorId", ValueType.INT, lambda row: row[0].manual_ancestor_id),
    Property("ManualRetryNumber", ValueType.INT, lambda row: row[0].manual_retry_number),
    Property("RobotId", ValueType.INT, lambda row: row[0].robot_id),
    Property("ReviewerUserId", ValueType.INT, lambda _row: None),
    Property("Key", ValueType.GUID, lambda row: row[0].key),
    Property("Reference", ValueType.STRING, lambda row: row[0].reference),
    Property("Progress", ValueType.STRING, lambda row: row[0].progress),
    Property("ParentOperationId", ValueType.STRING, lambda row: row[0].parent_operation_id),
    Property(
        "ProcessingExceptionType",
        ValueType.STRING,
        lambda row: row[0].processing_exception.type if row[0].processing_exception else None,
    ),
    Property(
        "SpecificData",
        ValueType.STRING,
        lambda row: json.dumps({"DynamicProperties": row[0].specific_content or {}}, separators=(",", ":")),
    ),
    Property("OutputData", ValueType.STRING, lambda row: _json_or_none(row[0].output)),
    Property("AnalyticsData", ValueType.STRING, lambda row: _json_or_none(row[0].analytics)),
    # Not a property of QueueItemDto, but Orchestrator accepts it and UiPath's Python SDK filters on it.
    Property("QueueDefinitionName", ValueType.STRING, lambda row: row[1].name),
    Property("Status", ValueType.STATUS, lambda row: row[0].status),
    Property("Priority", ValueType.PRIORITY, lambda row: row[0].priority),
    Property("ReviewStatus", ValueType.REVIEW_STATUS, lambda row: row[0].review_status),
    Property("CreationTime", ValueType.DATETIME, lambda row: row[0].creation_time),
    Property("DeferDate", ValueType.DATETIME, lambda row: row[0].defer_date),
    Property("DueDate", ValueType.DATETIME, lambda row: row[0].due_date),
    Property("RiskSlaDate", ValueType.DATETIME, lambda row: row[0].risk_sla_date),
    Property("StartProcessing", ValueType.DATETIME, lambda row: row[0].start_processing),
    Property("EndProcessing", ValueType.DATETIME, lambda row: row[0].end_processing),
    Property("Encrypted", ValueType.BOOL, lambda _row: False),
    Property("HasVideoRecorded", ValueType.BOOL, lambda _row: False),
)
#: Properties by lower-cased name: Orchestrator matches property names case-insensitively.
PROPERTIES: Mapping[str, Property] = {p.name.lower(): p for p in _PROPERTIES}

#: Navigation properties of ``QueueItemDto`` that ``$expand`` accepts (Orchestrator's OpenAPI definition).
NAVIGATION_PROPERTIES = ("QueueDefinition", "Robot", "ReviewerUser")


# -- tokens ------------------------------------------------------------------------------------------------------

_DATE_TIME_TEXT = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|z|[+-]\d{2}:\d{2})"
_GUID_TEXT = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# OData's ABNF: whitespace is SP or HTAB and digits are ASCII; re.ASCII keeps \d and \w from matching other
# scripts' digits and letters.
_TOKEN = re.compile(
    r"[ \t]*(?:(?P<open>\()|(?P<close>\))|(?P<comma>,)|(?P<string>'(?:[^']|'')*')"
    rf"|(?P<datetime>{_DATE_TIME_TEXT})(?![\w:.-])"
    rf"|(?P<guid>{_GUID_TEXT})(?![\w-])"
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[LlMmDdFf]?)(?![\w.])"
    r"|(?P<word>[A-Za-z_]\w*))",
    re.ASCII,
)


@attrs.frozen
class _Token:
    kind: str
    text: str


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    text = text.rstrip(" \t")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InvalidODataError(f"cannot read $filter at {text[position : position + 20]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append(_Token(kind, match[kind]))
        position = match.end()
    return tokens


# -- typed expressions -------------------------------------------------------------------------------------------


@attrs.frozen
class _Value:
    """A value expression: its type, how to compute it for a row, and (for literals) the constant."""

    type: ValueType
    compute: Getter
    constant: Any = None
    is_literal: bool = False


def _literal(value_type: ValueType, constant: Any) -> _Value:
    return _Value(value_type, lambda _row: constant, constant, True)


def _unquote(literal: str) -> str:
    # A quote inside an OData string literal is written twice (O''Brien).
    return literal[1:-1].replace("''", "'")


def _status_literal(text: str) -> QueueItemStatus:
    for status in QueueItemStatus:
        if text.lower() == status.value.lower() or text == str(status.number):
            return status
    raise InvalidODataError(f"unknown Status {text!r}")


def _priority_literal(text: str) -> Priority:
    for priority in Priority:
        if text.lower() == priority.value.lower():
            return priority
    raise InvalidODataError(f"unknown Priority {text!r}")


def _review_literal(text: str) -> str:
    for status in _REVIEW_STATUSES:
        if text.lower() == status.lower():
            return status
    raise InvalidODataError(f"unknown ReviewStatus {text!r}")


def _coerce(literal: _Value, wanted: ValueType) -> _Value:
    """Give a string (or number) literal the type of the property it is compared with, or refuse."""
    if literal.type is wanted or literal.type is ValueType.NULL:
        return literal
    if wanted in _NUMERIC and literal.type in _NUMERIC:
        return literal
    text = literal.constant
    if literal.type is ValueType.INT and wanted is ValueType.STATUS:
        text = str(text)
    elif literal.type is not ValueType.STRING:
        raise InvalidODataError(f"a {literal.type.value} literal cannot be compared with a {wanted.value}")
    if wanted is ValueType.STATUS:
        return _literal(wanted, _status_literal(text))
    if wanted is ValueType.PRIORITY:
        return _literal(wanted, _priority_literal(text))
    if wanted is ValueType.REVIEW_STATUS:
        return _literal(wanted, _review_literal(text))
    if wanted is ValueType.GUID:
        return _literal(wanted, _guid(text))
    if wanted is ValueType.DATETIME:
        return _literal(wanted, _date_time(text))
    raise InvalidODataError(f"a string literal cannot be compared with a {wanted.value}")


def _guid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise InvalidODataError(f"{text!r} is not a GUID") from None


def _date_time(text: str) -> datetime:
    try:
        return parse_wire_date(text).instant
    except ValueError:
        raise InvalidODataError(f"{text!r} is not a date-time") from None


def comparable(value: Any, value_type: ValueType) -> Any:
    """The key two values of ``value_type`` compare by (strings ignore case, as SQL Server's collation does)."""
    if value is None:
        return None
    if value_type in (ValueType.STRING, ValueType.GUID):
        return str(value).lower()
    if value_type is ValueType.STATUS:
        return value.number
    if value_type is ValueType.PRIORITY:
        return list(Priority).index(value)
    if value_type is ValueType.REVIEW_STATUS:
        return _REVIEW_STATUSES.index(value)
    return value


_ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}
_COMPARISONS = frozenset({"eq", "ne", *_ORDERING})
_STRING_PREDICATES: dict[str, Callable[[str, str], bool]] = {
    "startswith": lambda text, part: text.startswith(part),
    "endswith": lambda text, part: text.endswith(part),
    "contains": lambda text, part: part in text,
    "substringof": lambda text, part: part in text,
}

Predicate = Callable[[Row], bool]


def _compare(operator: str, left: _Value, right: _Value) -> Predicate:
    if left.is_literal and not right.is_literal:
        left, right = right, left
        operator = {"gt": "lt", "lt": "gt", "ge": "le", "le": "ge"}.get(operator, operator)
    value_type = left.type
    if right.is_literal:
        right = _coerce(right, value_type)
    elif not (right.type is value_type or {right.type, value_type} <= _NUMERIC):
        raise InvalidODataError(f"cannot compare a {value_type.value} with a {right.type.value}")
    if operator in _ORDERING and (
        ValueType.NULL in (left.type, right.type) or value_type in (ValueType.BOOL, ValueType.GUID)
    ):
        raise InvalidODataError(f"{operator} does not apply to a {value_type.value}")
    get_left, get_right = left.compute, right.compute
    key_type = value_type if value_type is not ValueType.NULL else right.type

    if operator in ("eq", "ne"):
        equal = operator == "eq"

        def equality(row: Row) -> bool:
            a, b = comparable(get_left(row), key_type), comparable(get_right(row), key_type)
            return (a == b) is equal

        return equality
    ordering = _ORDERING[operator]

    def order(row: Row) -> bool:
        a, b = comparable(get_left(row), key_type), comparable(get_right(row), key_type)
        # A comparison with null is false in OData (and in SQL).
        return a is not None and b is not None and bool(ordering(a, b))

    return order


class _Parser:
    """Recursive descent over the tokens, its depth capped by :data:`MAX_NESTING_DEPTH`."""

    def __init__(self, tokens: list[_Token], properties: Mapping[str, Property]) -> None:
        self.tokens = tokens
        self.properties = properties
        self.position = 0
        self.comparisons = 0
        self.depth = 0

    def _peek(self, offset: int = 0) -> _Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise InvalidODataError("$filter ends too early")
        self.position += 1
        return token

    def _expect(self, kind: str) -> None:
        if self._take().kind != kind:
            raise InvalidODataError(f"expected {kind!r} in $filter")

    def _is_word(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "word" and token.text.lower() == word

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING_DEPTH:
            raise InvalidODataError(f"$filter is nested deeper than {MAX_NESTING_DEPTH} levels")

    def disjunction(self) -> Predicate:
        terms = [self.conjunction()]
        while self._is_word("or"):
            self.position += 1
            terms.append(self.conjunction())
        if len(terms) == 1:
            return terms[0]
        return lambda row: any(term(row) for term in terms)

    def conjunction(self) -> Predicate:
        terms = [self.unary()]
        while self._is_word("and"):
            self.position += 1
            terms.append(self.unary())
        if len(terms) == 1:
            return terms[0]
        return lambda row: all(term(row) for term in terms)

    def unary(self) -> Predicate:
        self._enter()
        try:
            if self._is_word("not"):
                self.position += 1
                inner = self.unary()
                return lambda row: not inner(row)
            token = self._peek()
            if token is not None and token.kind == "open":
                self.position += 1
                inner = self.disjunction()
                self._expect("close")
                return inner
            return self.comparison()
        finally:
            self.depth -= 1

    def comparison(self) -> Predicate:
        token = self._peek()
        if token is not None and token.kind == "word" and token.text.lower() in _STRING_PREDICATES:
            predicate = self._string_predicate()
            if self._is_word("eq"):
                self.position += 1
                wanted = self._take()
                if wanted.kind != "word" or wanted.text.lower() not in ("true", "false"):
                    raise InvalidODataError("a string function compares only with true or false")
                if wanted.text.lower() == "false":
                    positive = predicate
                    return lambda row: not positive(row)
            return predicate
        left = self.value()
        operator = self._peek()
        if operator is None or operator.kind != "word" or operator.text.lower() not in _COMPARISONS:
            if left.type is ValueType.BOOL and not left.is_literal:
                self._count()
                get = left.compute
                return lambda row: bool(get(row))
            raise InvalidODataError(f"unsupported $filter operator {operator.text if operator else 'end'!r}")
        self.position += 1
        right = self.value()
        self._count()
        return _compare(operator.text.lower(), left, right)

    def _count(self) -> None:
        self.comparisons += 1
        if self.comparisons > MAX_FILTER_EXPRESSIONS:
            raise InvalidODataError(f"more than {MAX_FILTER_EXPRESSIONS} $filter expressions")

    def _string_predicate(self) -> Predicate:
        name = self._take().text.lower()
        self._expect("open")
        first = self.value()
        self._expect("comma")
        second = self.value()
        self._expect("close")
        self._count()
        for argument in (first, second):
            if argument.type not in (ValueType.STRING, ValueType.NULL):
                raise InvalidODataError(f"{name} takes strings, not a {argument.type.value}")
        if name == "substringof":  # OData v3 order: substringof('part', Property)
            first, second = second, first
        test = _STRING_PREDICATES[name]
        get_text, get_part = first.compute, second.compute

        def predicate(row: Row) -> bool:
            text, part = get_text(row), get_part(row)
            return text is not None and part is not None and bool(test(text.lower(), part.lower()))

        return predicate

    def value(self) -> _Value:
        token = self._take()
        if token.kind == "string":
            return _literal(ValueType.STRING, _unquote(token.text))
        if token.kind == "datetime":
            return _literal(ValueType.DATETIME, _date_time(token.text))
        if token.kind == "guid":
            return _literal(ValueType.GUID, token.text.lower())
        if token.kind == "number":
            return _number(token.text)
        if token.kind != "word":
            raise InvalidODataError(f"unexpected {token.text!r} in $filter")
        word = token.text.lower()
        following = self._peek()
        if word in ("datetime", "datetimeoffset", "guid") and following is not None and following.kind == "string":
            self.position += 1
            text = _unquote(following.text)
            if word == "guid":
                return _literal(ValueType.GUID, _guid(text))
            return _literal(ValueType.DATETIME, _date_time(text))
        if word in ("true", "false"):
            return _literal(ValueType.BOOL, word == "true")
        if word == "null":
            return _literal(ValueType.NULL, None)
        if word in ("tolower", "toupper", "trim", "length") and following is not None and following.kind == "open":
            return self._string_function(word)
        found = self.properties.get(word)
        if found is None:
            raise InvalidODataError(f"unknown property {token.text!r} in $filter")
        return _Value(found.type, found.get)

    def _string_function(self, name: str) -> _Value:
        self._enter()
        try:
            self._expect("open")
            argument = self.value()
            self._expect("close")
        finally:
            self.depth -= 1
        if argument.type not in (ValueType.STRING, ValueType.NULL):
            raise InvalidODataError(f"{name} takes a string, not a {argument.type.value}")
        get = argument.compute
        if name == "length":
            return _Value(ValueType.INT, lambda row: None if (text := get(row)) is None else len(text))
        transforms: dict[str, Callable[[str], str]] = {"tolower": str.lower, "toupper": str.upper, "trim": str.strip}
        transform = transforms[name]
        return _Value(ValueType.STRING, lambda row: None if (text := get(row)) is None else transform(text))


def _number(text: str) -> _Value:
    suffix = text[-1].lower() if text[-1].isalpha() else ""
    digits = text[:-1] if suffix else text
    if suffix in ("", "l") and re.fullmatch(r"-?\d+", digits):
        number = int(digits)
        if not -INT64_MAX - 1 <= number <= INT64_MAX:
            raise InvalidODataError(f"integer literal {text} is out of the Int64 range")
        return _literal(ValueType.INT, number)
    if suffix == "l":
        raise InvalidODataError(f"{text} is not an Int64 literal")
    try:
        return _literal(ValueType.NUMBER, Decimal(digits))
    except InvalidOperation:
        raise InvalidODataError(f"{text} is not a number") from None


def parse_filter(text: str, properties: Mapping[str, Property] | None = None) -> Predicate:
    """Parse a ``$filter`` into one predicate over ``(item, queue)`` rows.

    >>> predicate = parse_filter("Reference eq 'O''Brien' and Status eq '0'")
    >>> callable(predicate)
    True
    """
    if len(text) > MAX_FILTER_CHARS:
        raise InvalidODataError(f"$filter is longer than {MAX_FILTER_CHARS} characters")
    tokens = _tokenise(text)
    if not tokens:
        raise InvalidODataError("empty $filter")
    parser = _Parser(tokens, PROPERTIES if properties is None else properties)
    predicate = parser.disjunction()
    if parser.position != len(tokens):
        raise InvalidODataError(f"unexpected {tokens[parser.position].text!r} in $filter")
    return predicate


# -- $orderby, $select, $expand ----------------------------------------------------------------------------------


@attrs.frozen
class SortKey:
    property: Property
    descending: bool


def parse_orderby(text: str, properties: Mapping[str, Property] | None = None) -> list[SortKey]:
    properties = PROPERTIES if properties is None else properties
    keys: list[SortKey] = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise InvalidODataError(f"cannot read $orderby {text!r}")
        found = properties.get(words[0].lower())
        if found is None:
            raise InvalidODataError(f"unknown property {words[0]!r} in $orderby")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise InvalidODataError(f"$orderby direction {words[1]!r} is not asc or desc")
        keys.append(SortKey(found, direction == "desc"))
    if len(keys) > MAX_ORDERBY_KEYS:
        raise InvalidODataError(f"more than {MAX_ORDERBY_KEYS} $orderby keys")
    return keys


def sort_rows(rows: list[Row], keys: Sequence[SortKey]) -> list[Row]:
    """Sort by the keys, then by Id (a stable order for paging); nulls first ascending, as SQL Server sorts."""
    ordered = sorted(rows, key=lambda row: row[0].id)
    return _sort_by(ordered, keys)


def _sort_by(ordered: list[Any], keys: Sequence[SortKey]) -> list[Any]:
    for key in reversed(keys):
        value_type = key.property.type

        def sort_key(row: Row, get: Getter = key.property.get, value_type: ValueType = value_type) -> tuple[int, Any]:
            value = comparable(get(row), value_type)
            return (0, 0) if value is None else (1, value)

        ordered.sort(key=sort_key, reverse=key.descending)
    return ordered


def _names(text: str, option: str) -> list[str]:
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise InvalidODataError(f"cannot read {option} {text!r}")
    return names


def parse_expand(text: str, navigation: Sequence[str] = NAVIGATION_PROPERTIES) -> tuple[str, ...]:
    expanded: list[str] = []
    for name in _names(text, "$expand"):
        canonical = next((n for n in navigation if n.lower() == name.lower()), None)
        if canonical is None:
            raise InvalidODataError(f"cannot expand {name!r}")
        if canonical not in expanded:
            expanded.append(canonical)
    return tuple(expanded)


def parse_select(text: str, dto_fields: Sequence[str], expanded: Sequence[str]) -> tuple[str, ...] | None:
    """The selected fields in ``dto_fields`` order (None: all); navigation properties must be expanded."""
    by_lower = {name.lower(): name for name in dto_fields}
    chosen: set[str] = set()
    for name in _names(text, "$select"):
        if name == "*":
            return None
        canonical = by_lower.get(name.lower())
        if canonical is None:
            navigation = next((n for n in expanded if n.lower() == name.lower()), None)
            if navigation is None:
                raise InvalidODataError(f"cannot select {name!r}")
            canonical = navigation
        chosen.add(canonical)
    return tuple(name for name in (*dto_fields, *expanded) if name in chosen)


# -- the whole query ---------------------------------------------------------------------------------------------


@attrs.frozen
class QueueItemsQuery:
    """The options of one collection request (``GET /odata/QueueItems``) or entity request (``QueueItems({id})``)."""

    predicate: Predicate | None = None
    top: int | None = None
    skip: int = 0
    count: bool = False
    order: tuple[SortKey, ...] = ()
    select: tuple[str, ...] | None = None
    expand: tuple[str, ...] = ()
    filter_text: str | None = None


_COLLECTION_OPTIONS = frozenset({"$filter", "$top", "$skip", "$count", "$orderby", "$select", "$expand"})
_ENTITY_OPTIONS = frozenset({"$select", "$expand"})


def parse_query(
    params: Mapping[str, list[str]],
    *,
    dto_fields: Sequence[str],
    max_top: int = MAX_TOP,
    entity: bool = False,
    properties: Mapping[str, Property] | None = None,
    navigation: Sequence[str] = NAVIGATION_PROPERTIES,
) -> QueueItemsQuery:
    """Read the query string of a collection (or, with ``entity``, a single item) request.

    Option names are case-insensitive (Camunda's connector sends ``$Filter``); parameters without a ``$`` are
    ignored, as Orchestrator ignores them; an unknown ``$`` option is refused.
    """
    allowed = _ENTITY_OPTIONS if entity else _COLLECTION_OPTIONS
    options: dict[str, str] = {}
    for name, values in params.items():
        lowered = name.lower()
        if not lowered.startswith("$"):
            continue
        if lowered not in allowed:
            raise InvalidODataError(f"unsupported query option {name!r}")
        if lowered in options or len(values) != 1:
            raise InvalidODataError(f"query option {name!r} given twice")
        options[lowered] = values[0]
    expand = parse_expand(options["$expand"], navigation) if "$expand" in options else ()
    select = parse_select(options["$select"], dto_fields, expand) if "$select" in options else None
    if entity:
        return QueueItemsQuery(select=select, expand=expand)
    filter_text = options.get("$filter")
    predicate = parse_filter(filter_text, properties) if filter_text is not None else None
    top = _non_negative(options, "$top")
    if top is not None and top > max_top:
        # Orchestrator's definition: "The maximum value is 100"; ASP.NET OData's MaxTop refuses a larger $top.
        raise InvalidODataError(f"$top {top} exceeds the limit of {max_top}")
    skip = _non_negative(options, "$skip") or 0
    count_text = options.get("$count", "false").lower()
    if count_text not in ("true", "false"):
        raise InvalidODataError("$count must be true or false")
    order = tuple(parse_orderby(options["$orderby"], properties)) if "$orderby" in options else ()
    return QueueItemsQuery(
        predicate=predicate,
        top=top,
        skip=skip,
        count=count_text == "true",
        order=order,
        select=select,
        expand=expand,
        filter_text=filter_text,
    )


def _non_negative(options: Mapping[str, str], name: str) -> int | None:
    text = options.get(name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > INT32_MAX:
        raise InvalidODataError(f"{name} must be a non-negative Int32")
    return int(text)


def table(*properties: Property) -> Mapping[str, Property]:
    """A property table for another entity set (queue definitions, item events), by lower-cased name."""
    return {p.name.lower(): p for p in properties}


def apply(rows: list[Any], query: QueueItemsQuery, id_of: Callable[[Any], int], max_page: int) -> tuple[list[Any], int]:
    """Filter, order (then by id) and page ``rows``; return the page and the filtered count.

    Without ``$top`` the page is ``max_page`` rows: Orchestrator's pagination limit adds a default ``$top`` (UiPath
    forum, "Why /odata/QueueItems return only up to 1000 items starting with Orchestrator v2021?").
    """
    matches = [row for row in rows if query.predicate is None or query.predicate(row)]
    matches.sort(key=id_of)
    ordered = _sort_by(matches, query.order)
    top = query.top if query.top is not None else max_page
    return ordered[query.skip : query.skip + top], len(matches)
