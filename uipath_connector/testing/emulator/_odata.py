"""The OData query options the emulator honours on ``GET /odata/QueueItems`` (UiPath: Queue Items Requests).

Supported ``$filter``: comparisons ``<Field> eq <literal>`` joined by ``and`` and ``or`` (``and`` binding tighter, as
in OData), optionally parenthesised, on
``Id``, ``QueueDefinitionId``, ``Reference``, ``Status`` (name or its number as a string), ``Key``,
``QueueDefinitionName`` and ``Priority``. Anything else raises :class:`InvalidODataError` (400/1000), so a
query the
emulator does not understand is never answered with a silently wrong page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping

import attrs

from ._errors import InvalidODataError
from ._model import Queue, QueueItem, QueueItemStatus

# UiPath: Queue Items Requests: at most 100 filter expressions; $top at most 100 on current cloud.
MAX_FILTER_EXPRESSIONS = 100
MAX_TOP = 100

# OData's ABNF: whitespace is SP or HTAB and digits are ASCII; re.ASCII keeps \d and \w from matching other
# scripts' digits and letters.
_SPACE = " \t"
_TOKEN = re.compile(
    r"[ \t]*(?:(?P<open>\()|(?P<close>\))|(?P<string>'(?:[^']|'')*')"
    r"|(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?![\w-])"
    r"|(?P<number>-?\d+)(?![\w.])|(?P<word>[A-Za-z_]\w*))",
    re.ASCII,
)
# Id and QueueDefinitionId are Edm.Int64; $top and $skip are Edm.Int32: a literal out of range is a parse error.
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1

ItemPredicate = Callable[[QueueItem, Queue], bool]


@attrs.frozen
class _Token:
    kind: str
    text: str


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    text = text.rstrip(_SPACE)
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InvalidODataError(f"cannot read $filter at {text[position:]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append(_Token(kind, match[kind]))
        position = match.end()
    return tokens


def _status_of(literal: str) -> QueueItemStatus:
    for status in QueueItemStatus:
        if literal == status.value or literal == str(status.number):
            return status
    raise InvalidODataError(f"unknown Status {literal!r}")


def _comparison(field: str, token: _Token) -> ItemPredicate:
    if field in ("Id", "QueueDefinitionId"):
        if token.kind != "number":
            raise InvalidODataError(f"{field} needs an integer literal")
        number = int(token.text)
        if not -INT64_MAX - 1 <= number <= INT64_MAX:
            raise InvalidODataError(f"{field} literal {token.text} is out of the Int64 range")
        if field == "Id":
            return lambda item, _queue: item.id == number
        return lambda item, _queue: item.queue_id == number
    if field == "Key":
        if token.kind == "guid":
            key = token.text.lower()
        elif token.kind == "string":
            key = _unquote(token.text).lower()
        else:
            raise InvalidODataError("Key needs a GUID literal")
        try:
            uuid.UUID(key)
        except ValueError:
            raise InvalidODataError(f"{key!r} is not a GUID") from None
        return lambda item, _queue: item.key == key
    if token.kind != "string":
        raise InvalidODataError(f"{field} needs a quoted string literal")
    value = _unquote(token.text)
    if field == "Reference":
        return lambda item, _queue: item.reference == value
    if field == "Status":
        status = _status_of(value)
        return lambda item, _queue: item.status is status
    if field == "QueueDefinitionName":
        return lambda _item, queue: queue.name.lower() == value.lower()
    if field == "Priority":
        return lambda item, _queue: item.priority.value == value
    raise InvalidODataError(f"unsupported $filter field {field!r}")


#: Parentheses nest at most this deep: the parser recurses per level, and a hostile URL must not exhaust the stack.
_MAX_NESTING = 32
_FIELDS = frozenset({"Id", "QueueDefinitionId", "Reference", "Status", "Key", "QueueDefinitionName", "Priority"})


def _unquote(literal: str) -> str:
    # UiPath: Queue Items Requests: a quote inside an OData string literal is written twice.
    return literal[1:-1].replace("''", "'")


class _FilterParser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.comparisons = 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise InvalidODataError("$filter ends too early")
        self.position += 1
        return token

    def disjunction(self, depth: int = 0) -> list[ItemPredicate]:
        """``a and b or c``: one list of predicates when there is no ``or``, else one predicate that ORs them."""
        if depth > _MAX_NESTING:
            raise InvalidODataError("$filter nests parentheses too deeply")
        alternatives = [self.conjunction(depth)]
        while (token := self._peek()) is not None and token.kind == "word" and token.text.lower() == "or":
            self.position += 1
            alternatives.append(self.conjunction(depth))
        if len(alternatives) == 1:
            return alternatives[0]

        def any_holds(item: QueueItem, queue: Queue) -> bool:
            return any(all(predicate(item, queue) for predicate in each) for each in alternatives)

        return [any_holds]

    def conjunction(self, depth: int = 0) -> list[ItemPredicate]:
        predicates = self.term(depth)
        while (token := self._peek()) is not None and token.kind == "word" and token.text.lower() == "and":
            self.position += 1
            predicates += self.term(depth)
        return predicates

    def term(self, depth: int = 0) -> list[ItemPredicate]:
        token = self._take()
        if token.kind == "open":
            inner = self.disjunction(depth + 1)
            if self._take().kind != "close":
                raise InvalidODataError("unbalanced parenthesis in $filter")
            return inner
        if token.kind != "word" or token.text not in _FIELDS:
            raise InvalidODataError(f"unsupported $filter operand {token.text!r}")
        operator = self._take()
        if operator.kind != "word" or operator.text.lower() != "eq":
            raise InvalidODataError(f"unsupported $filter operator {operator.text!r}")
        self.comparisons += 1
        if self.comparisons > MAX_FILTER_EXPRESSIONS:
            raise InvalidODataError("more than 100 $filter expressions")
        return [_comparison(token.text, self._take())]


def parse_filter(text: str) -> list[ItemPredicate]:
    """Parse a ``$filter`` into predicates that must all hold.

    >>> len(parse_filter("Reference eq 'O''Brien' and Status eq '0'"))
    2
    >>> len(parse_filter("QueueDefinitionName eq 'Q' and (Reference eq 'a' or Reference eq 'b')"))
    2
    """
    tokens = _tokenise(text)
    if not tokens:
        raise InvalidODataError("empty $filter")
    parser = _FilterParser(tokens)
    predicates = parser.disjunction()
    if parser.position != len(tokens):
        raise InvalidODataError(f"unexpected {tokens[parser.position].text!r} in $filter")
    return predicates


@attrs.frozen
class QueueItemsQuery:
    """The options of one ``GET /odata/QueueItems`` request."""

    predicates: list[ItemPredicate]
    top: int | None
    skip: int
    count: bool
    descending: bool


_SUPPORTED = frozenset({"$filter", "$top", "$skip", "$count", "$orderby"})


def parse_query(params: Mapping[str, list[str]]) -> QueueItemsQuery:
    """Read the query string; option names are case-insensitive (Camunda's connector sends ``$Filter``)."""
    options: dict[str, str] = {}
    for name, values in params.items():
        lowered = name.lower()
        if lowered not in _SUPPORTED:
            raise InvalidODataError(f"unsupported query option {name!r}")
        if lowered in options or len(values) != 1:
            raise InvalidODataError(f"query option {name!r} given twice")
        options[lowered] = values[0]
    predicates = parse_filter(options["$filter"]) if "$filter" in options else []
    top = _non_negative(options, "$top")
    if top is not None and top > MAX_TOP:
        # UiPath documents neither clamping nor rejecting; ASP.NET OData's MaxTop rejects, and so does the
        # emulator.
        raise InvalidODataError(f"$top {top} exceeds the limit of {MAX_TOP}")
    skip = _non_negative(options, "$skip") or 0
    count_text = options.get("$count", "false").lower()
    if count_text not in ("true", "false"):
        raise InvalidODataError("$count must be true or false")
    order = " ".join(options.get("$orderby", "Id asc").split())
    if order not in ("Id", "Id asc", "Id desc", "CreationTime", "CreationTime asc", "CreationTime desc"):
        raise InvalidODataError(f"unsupported $orderby {order!r}")
    return QueueItemsQuery(
        predicates=predicates,
        top=top,
        skip=skip,
        count=count_text == "true",
        descending=order.endswith("desc"),
    )


def _non_negative(options: Mapping[str, str], name: str) -> int | None:
    text = options.get(name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > INT32_MAX:
        raise InvalidODataError(f"{name} must be a non-negative Int32")
    return int(text)
