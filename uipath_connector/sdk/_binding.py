"""Binding job variables to typed attrs records: one configured cattrs converter, strict and path-aware.

The converter is strict where a conversion would lose or invent information and lenient where it is lossless
and element templates need it:

============  =============================================  ==============================================
target        accepted                                       refused (examples)
============  =============================================  ==============================================
``str``       text; a number (an id typed in a FEEL field)   ``null`` → "None", ``true``, objects, lists
``int``       integers; decimal text (Modeler fields are     ``1.9``, ``"1.9"``, ``true``
              text); integral floats such as ``20.0``
``float``     numbers; decimal text                          ``true``, ``"abc"``
``bool``      booleans; ``"true"``/``"false"``               ``1``, ``"yes"``
``date``      ``yyyy-MM-dd`` text of a real calendar date      ``15.01.2026``, ``2026-02-30``
``datetime``  ISO-8601 date-time text with an offset         offset-less local times, other text
enums         a member's value, any letter case (as          anything else, with the allowed values listed
              Jackson binds enums in Camunda's runtime)
records       objects; dotted names (``authentication.token``);  unknown fields inside a section (with a "did
              unknown top-level variables are ignored        you mean")
unions        records tagged with :func:`discriminator`      a missing or unknown tag, with the allowed ones
============  =============================================  ==============================================

Every problem is collected (not just the first) and reported once as a :class:`ConnectorInputError` whose
entries name the variable path (``authentication.clientId``, ``items[2].name``) and what is wrong.

At the top level (the job's variables) unknown names are ignored, as Camunda's runtime ignores process variables
it does not bind (Jackson's ``FAIL_ON_UNKNOWN_PROPERTIES`` is off in Camunda's connector object mapper): a process
carries many variables a connector never reads. A required variable that is missing while a close name is present
says so ("did you mean"), so a typo in a top-level name is still found.
"""

from __future__ import annotations

import datetime
import enum
import math
import re
import threading
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, Union

import attrs

from ._errors import ConnectorInputError, InputProblem
from ._fields import VariableSpec, record_discriminator, variable_spec

if TYPE_CHECKING:
    import cattrs

    converter: cattrs.Converter  # provided lazily by the module ``__getattr__`` below

__all__ = ["bind", "converter"]

_T = TypeVar("_T")
# ASCII digits only: Python's int() would also read "١٢" (Arabic-Indic digits), which no template field produces.
_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*", re.ASCII)
_DECIMAL_TEXT = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", re.ASCII)
_MISSING = object()
# Python refuses to turn ints of more than 4300 digits into text (sys.get_int_max_str_digits); 14,000 bits is
# about 4,200 digits, safely below that, and far beyond any id.
_MAX_SHOWN_BITS = 14_000


class _Invalid(ValueError):
    """One problem at the value being structured (the caller knows its path)."""


class _Problems(Exception):
    """Problems found inside a nested value, with paths relative to it."""

    def __init__(self, problems: list[InputProblem]):
        super().__init__(problems)
        self.problems = problems


def _join(prefix: str, path: str) -> str:
    if not path:
        return prefix
    if not prefix:
        return path
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def _kind(value: object) -> str:
    """The JSON kind of a value, never the value itself (used where a structure was expected)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    return "a list" if isinstance(value, (list, tuple)) else type(value).__name__


def _describe(value: object, *, secret: bool = False) -> str:
    """A short, safe description of a JSON value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if secret:
        return "text" if isinstance(value, str) else "a number"
    if isinstance(value, int) and value.bit_length() > _MAX_SHOWN_BITS:
        return "a number too large to show"  # repr() itself would refuse (sys.get_int_max_str_digits)
    text = repr(value)
    if len(text) <= 60:
        return text
    return text[:57] + ("...'" if isinstance(value, str) else "...")


# --- leaf hooks ------------------------------------------------------------------------------------------


#: JSON's ``"\ud800"`` escape gives Python a lone surrogate: not Unicode text, so no header, URL or UTF-8 body can
#: carry it. Refused for every text field here, rather than found as a UnicodeEncodeError at send time.
LONE_SURROGATE = "contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text"


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a code point in U+D800..U+DFFF (which UTF-8 cannot encode).

    >>> has_lone_surrogate("Grüße 😀"), has_lone_surrogate("x" + chr(0xD800))
    (False, True)
    """
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        if has_lone_surrogate(value):
            raise _Invalid(LONE_SURROGATE)
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= _MAX_SHOWN_BITS:
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    raise _Invalid(f"expected text, got {_describe(value)}")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        try:
            return int(value)
        except ValueError:  # more digits than int() reads (sys.get_int_max_str_digits)
            raise _Invalid("expected an integer, got text with too many digits") from None
    raise _Invalid(f"expected an integer, got {_describe(value)}")


def _structure_float(value: object, _: type) -> float:
    """A finite number: JSON has no NaN or infinity, and NaN would slip through every ``minimum``/``maximum``."""
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = None
    elif isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        number = float(value)
    if number is None or not math.isfinite(number):
        raise _Invalid(f"expected a finite number, got {_describe(value)}")
    return number


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _Invalid(f"expected true or false, got {_describe(value)}")


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?"
)


def _structure_date(value: object, _: type) -> datetime.date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise _Invalid(f"{_describe(value)} is not a real calendar date") from None
    raise _Invalid(f"expected a date yyyy-MM-dd, got {_describe(value)}")


def _structure_datetime(value: object, _: type) -> datetime.datetime:
    """An ISO-8601 date-time *with* an offset: a local time without one would be read differently by each server."""
    match = _ISO_DATE_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _Invalid(f"expected an ISO-8601 date-time such as 2026-01-15T09:30:00Z, got {_describe(value)}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        raise _Invalid(f"{_describe(value)} has no time zone offset; add Z or ±hh:mm")
    try:
        return datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]),  # sub-microsecond digits cannot be held by datetime
            tzinfo=_zone(offset),
        )
    except ValueError:
        raise _Invalid(f"{_describe(value)} is not a real date and time") from None


def _zone(offset: str) -> datetime.timezone:
    """``Z`` or ``±hh[:]mm`` as a fixed offset; ``ValueError`` beyond ±24 h."""
    if offset in ("Z", "z"):
        return datetime.timezone.utc
    digits = offset[1:].replace(":", "")
    delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return datetime.timezone(delta if offset[0] == "+" else -delta)


def _passthrough(value: object, _: object) -> object:
    return value


def _enum_hook(enum_type: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    by_folded = {str(member.value).casefold(): member for member in enum_type}
    allowed = ", ".join(str(member.value) for member in enum_type)

    def structure(value: object, _: type) -> enum.Enum:
        if isinstance(value, str):
            member = by_folded.get(value.casefold())
            if member is not None:
                return member
        raise _Invalid(f"{_describe(value)} is not one of {allowed}")

    return structure


# --- records ---------------------------------------------------------------------------------------------


@attrs.frozen
class _FieldPlan:
    attribute: str
    spec: VariableSpec
    structure: Callable[[object, Any], Any]
    target: Any
    has_default: bool
    optional: bool
    embedded: _RecordPlan | None
    constrained: bool  # whether `_validate` has anything to check; most fields have no constraint
    pattern: re.Pattern[str] | None


@attrs.frozen
class _RecordPlan:
    cls: type
    fields: tuple[_FieldPlan, ...]
    known: frozenset[str]  # every variable name read at this level, embedded sections and the tag included
    tag: tuple[str, str] | None


def _is_optional(target: object) -> tuple[bool, object]:
    """``(True, X)`` for ``X | None``; ``(False, target)`` otherwise."""
    origin = typing.get_origin(target)
    if origin is Union or origin is types.UnionType:
        members = [member for member in typing.get_args(target) if member is not type(None)]
        if len(members) < len(typing.get_args(target)):
            inner = members[0] if len(members) == 1 else Union[tuple(members)]  # noqa: UP007
            return True, inner
    return False, target


class Binder:
    """Owns the configured cattrs converter and the compiled plans of the records it has seen."""

    def __init__(self) -> None:
        self._converter: cattrs.Converter | None = None
        self._converter_lock = threading.Lock()
        self._plans: dict[type, _RecordPlan] = {}
        self._unions: dict[object, tuple[str, dict[str, _RecordPlan], str, frozenset[str]]] = {}

    @property
    def converter(self) -> cattrs.Converter:
        """The configured cattrs converter, built on first use.

        cattrs costs tens of milliseconds to import; building it here rather than at import keeps
        ``import uipath_connector.uipath`` close to ``import requests`` (issue 13's cost targets).
        """
        converter = self._converter
        if converter is None:
            with self._converter_lock:
                converter = self._converter
                if converter is None:
                    converter = self._converter = self._configured_converter()
        return converter

    def _configured_converter(self) -> cattrs.Converter:
        import cattrs  # deferred on purpose, see ``converter``

        conv = cattrs.Converter()
        conv.register_structure_hook(str, _structure_str)
        conv.register_structure_hook(int, _structure_int)
        conv.register_structure_hook(float, _structure_float)
        conv.register_structure_hook(bool, _structure_bool)
        conv.register_structure_hook(datetime.datetime, _structure_datetime)
        conv.register_structure_hook(datetime.date, _structure_date)
        conv.register_structure_hook_func(lambda t: t is Any or t is object, _passthrough)
        conv.register_structure_hook_factory(lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook)
        conv.register_structure_hook_factory(attrs.has, self._record_hook)
        conv.register_structure_hook_factory(self._is_tagged_union, self._union_hook)
        conv.register_structure_hook_factory(self._is_nullable, self._nullable_hook)
        conv.register_structure_hook_factory(self._is_list, self._list_hook)
        conv.register_structure_hook_factory(self._is_mapping, self._mapping_hook)
        return conv

    # -- public ------------------------------------------------------------------------------------------

    def bind(self, data: object, target: type[_T] | Any) -> _T:
        """Structure and validate ``data``; raise :class:`ConnectorInputError` listing every problem."""
        try:
            if isinstance(data, Mapping) and attrs.has(target):
                record = self._structure_record(
                    _expand_dotted(data), self.plan(target), tolerated=frozenset(), top_level=True
                )
                return typing.cast("_T", record)
            if isinstance(data, Mapping) and self._is_tagged_union(target):
                return typing.cast("_T", self._structure_union(data, target, top_level=True))
            return self.converter.structure(data, target)  # type: ignore[no-any-return]
        except _Problems as problems:
            raise ConnectorInputError(problems.problems) from None
        except _Invalid as invalid:
            raise ConnectorInputError([InputProblem("", str(invalid))]) from None

    def plan(self, cls: type) -> _RecordPlan:
        """The compiled field plan of a record class (also used by the template generator)."""
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._compile(cls)
            self._plans[cls] = plan
        return plan

    # -- predicates --------------------------------------------------------------------------------------

    @staticmethod
    def _union_members(target: object) -> tuple[object, ...]:
        origin = typing.get_origin(target)
        if origin is Union or origin is types.UnionType:
            return typing.get_args(target)
        return ()

    def _is_tagged_union(self, target: object) -> bool:
        members = self._union_members(target)
        return bool(members) and all(
            isinstance(member, type) and record_discriminator(member) is not None for member in members
        )

    def _is_nullable(self, target: object) -> bool:
        return type(None) in self._union_members(target)

    @staticmethod
    def _is_list(target: object) -> bool:
        origin = typing.get_origin(target)
        return origin in (list, tuple, Sequence, typing.Sequence)

    @staticmethod
    def _is_mapping(target: object) -> bool:
        origin = typing.get_origin(target)
        return origin in (dict, Mapping, typing.Mapping)

    # -- hooks -------------------------------------------------------------------------------------------

    def _nullable_hook(self, target: object) -> Callable[[object, Any], Any]:
        _, inner = _is_optional(target)
        inner_hook = self.converter.get_structure_hook(inner)

        def structure(value: object, _: object) -> object:
            return None if value is None else inner_hook(value, inner)

        return structure

    def _list_hook(self, target: object) -> Callable[[object, Any], Any]:
        args = typing.get_args(target)
        item_type = args[0] if args else Any
        item_hook = self.converter.get_structure_hook(item_type)
        as_tuple = typing.get_origin(target) is tuple

        def structure(value: object, _: object) -> object:
            if not isinstance(value, (list, tuple)):
                raise _Invalid(f"expected a list, got {_kind(value)}")
            items: list[object] = []
            problems: list[InputProblem] = []
            for index, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except _Invalid as invalid:
                    problems.append(InputProblem(f"[{index}]", str(invalid)))
                except _Problems as nested:
                    problems.extend(InputProblem(_join(f"[{index}]", p.path), p.message) for p in nested.problems)
            if problems:
                raise _Problems(problems)
            return tuple(items) if as_tuple else items

        return structure

    def _mapping_hook(self, target: object) -> Callable[[object, Any], Any]:
        args = typing.get_args(target)
        value_type = args[1] if len(args) == 2 else Any
        value_hook = self.converter.get_structure_hook(value_type)

        def structure(value: object, _: object) -> object:
            if not isinstance(value, Mapping):
                raise _Invalid(f"expected an object, got {_kind(value)}")
            result: dict[str, object] = {}
            problems: list[InputProblem] = []
            for key, item in value.items():
                try:
                    result[str(key)] = value_hook(item, value_type)
                except _Invalid as invalid:
                    problems.append(InputProblem(str(key), str(invalid)))
                except _Problems as nested:
                    problems.extend(InputProblem(_join(str(key), p.path), p.message) for p in nested.problems)
            if problems:
                raise _Problems(problems)
            return result

        return structure

    def _union_hook(self, target: object) -> Callable[[object, Any], Any]:
        self._union_plans(target)  # a union whose members disagree on the tag fails when it is registered

        def structure(value: object, _: object) -> object:
            return self._structure_union(value, target, top_level=False)

        return structure

    def _union_plans(self, target: object) -> tuple[str, dict[str, _RecordPlan], str, frozenset[str]]:
        """The tag's name, the plan per folded tag value, the allowed values as text, and every member's names."""
        cached = self._unions.get(target)
        if cached is not None:
            return cached
        members = typing.cast("tuple[type, ...]", self._union_members(target))
        tags = {typing.cast("tuple[str, str]", record_discriminator(member)) for member in members}
        tag_names = {name for name, _ in tags}
        if len(tag_names) != 1:
            raise TypeError(f"the members of {target} must share one discriminator variable")
        (tag_name,) = tag_names
        by_value = {record_discriminator(m)[1].casefold(): self.plan(m) for m in members}  # type: ignore[index]
        allowed = ", ".join(record_discriminator(m)[1] for m in members)  # type: ignore[index]
        every_name = frozenset().union(*(plan.known for plan in by_value.values()))
        cached = (tag_name, by_value, allowed, every_name)
        self._unions[target] = cached
        return cached

    def _structure_union(self, value: object, target: object, *, top_level: bool) -> object:
        tag_name, by_value, allowed, every_name = self._union_plans(target)
        if not isinstance(value, Mapping):
            raise _Invalid(f"expected an object, got {_kind(value)}")
        data = _expand_dotted(value)
        tag = data.get(tag_name)
        if tag is None:
            raise _Problems([InputProblem(tag_name, f"is required: one of {allowed}")])
        plan = by_value.get(tag.casefold()) if isinstance(tag, str) else None
        if plan is None:
            raise _Problems([InputProblem(tag_name, f"{_describe(tag)} is not one of {allowed}")])
        # Variables of the sibling variants are tolerated: a process may carry them from an earlier task.
        return self._structure_record(data, plan, tolerated=every_name, top_level=top_level)

    def _record_hook(self, cls: type) -> Callable[[object, Any], Any]:
        plan = self.plan(cls)

        def structure(value: object, _: object) -> object:
            if not isinstance(value, Mapping):
                raise _Invalid(f"expected an object, got {_kind(value)}")
            return self._structure_record(_expand_dotted(value), plan, tolerated=frozenset(), top_level=False)

        return structure

    # -- records -----------------------------------------------------------------------------------------

    def _compile(self, cls: type) -> _RecordPlan:
        hints = typing.get_type_hints(cls)
        fields: list[_FieldPlan] = []
        known: set[str] = set()
        tag = record_discriminator(cls)
        if tag is not None:
            known.add(tag[0])
        for attribute in attrs.fields(cls):
            spec = variable_spec(attribute)
            target = hints.get(attribute.name, Any)
            optional, inner = _is_optional(target)
            embedded = self.plan(typing.cast("type", inner)) if spec.embedded else None
            if embedded is not None:
                known.update(embedded.known)
            else:
                known.add(spec.name)
            field_plan = _FieldPlan(
                attribute=attribute.name,
                spec=spec,
                structure=_passthrough,
                target=inner,
                has_default=attribute.default is not attrs.NOTHING,
                optional=optional,
                embedded=embedded,
                constrained=_is_constrained(spec),
                pattern=re.compile(spec.pattern) if spec.pattern is not None else None,
            )
            if embedded is None:
                object.__setattr__(field_plan, "structure", self._hook_on_first_use(field_plan, inner))
            fields.append(field_plan)
        return _RecordPlan(cls=cls, fields=tuple(fields), known=frozenset(known), tag=tag)

    def _hook_on_first_use(self, field_plan: _FieldPlan, target: object) -> Callable[[object, Any], Any]:
        """A structure hook that looks up the converter's hook on its first call, then puts it in its place.

        A plan is compiled when a module declares its operations (at import), the converter only when a value is
        first bound: looking hooks up here would import cattrs with the module. Two threads racing on the first
        call both store the same hook (the converter caches it), so no lock is needed.
        """

        def first_call(value: object, cls: Any) -> Any:
            hook = self.converter.get_structure_hook(target)
            object.__setattr__(field_plan, "structure", hook)
            return hook(value, cls)

        return first_call

    def _structure_record(
        self, data: Mapping[str, object], plan: _RecordPlan, *, tolerated: frozenset[str], top_level: bool
    ) -> object:
        problems: list[InputProblem] = []
        instance = self._fill(data, plan, problems)
        unknown = [str(key) for key in data if key not in plan.known and key not in tolerated]
        if top_level:
            # Ignored (a process's other variables), but a missing required name with a close unknown one is
            # most likely a typo: say so in that problem.
            if problems and unknown:
                problems = [_with_typo_hint(problem, unknown) for problem in problems]
        else:
            for key in unknown:
                import difflib  # deferred: only a mistake needs it, and it costs every import a millisecond

                close = difflib.get_close_matches(key, sorted(plan.known | tolerated), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(InputProblem(key, f"unknown field{hint}"))
        if problems:
            raise _Problems(problems)
        return instance

    def _fill(self, data: Mapping[str, object], plan: _RecordPlan, problems: list[InputProblem]) -> object:
        if plan.tag is not None:
            name, expected = plan.tag
            given = data.get(name)
            if given is not None and (not isinstance(given, str) or given.casefold() != expected.casefold()):
                problems.append(InputProblem(name, f"{_describe(given)} is not {expected!r}"))
        kwargs: dict[str, object] = {}
        failed = False
        for field in plan.fields:
            spec = field.spec
            if field.embedded is not None:
                before = len(problems)
                section = self._fill(data, field.embedded, problems)
                if len(problems) == before:
                    kwargs[field.attribute] = section
                else:
                    failed = True
                continue
            raw = data.get(spec.name, _MISSING)
            if raw is _MISSING or raw is None:
                if field.has_default:
                    continue
                if field.optional:
                    kwargs[field.attribute] = None
                    continue
                problems.append(InputProblem(spec.name, "is required"))
                failed = True
                continue
            try:
                value = spec.parse(raw) if spec.parse is not None else raw
                value = field.structure(value, field.target)
            except _Problems as nested:
                problems.extend(InputProblem(_join(spec.name, p.path), p.message) for p in nested.problems)
                failed = True
                continue
            except ValueError as invalid:  # _Invalid, or a `parse` function's own message
                message = str(invalid)
                if spec.secret:  # say what kind of value was wrong, never the value
                    expected, got, _ = message.partition(", got ")
                    shown_kind = got and isinstance(invalid, _Invalid) and message.startswith("expected ")
                    message = f"{expected}, got {_kind(raw)}" if shown_kind else "is not valid (not shown: secret)"
                problems.append(InputProblem(spec.name, message))
                failed = True
                continue
            broken = _validate(value, spec, field.pattern) if field.constrained else None
            if broken is not None:
                problems.append(InputProblem(spec.name, broken))
                failed = True
                continue
            kwargs[field.attribute] = value
        if failed:
            return None
        # Every value was just checked against its declaration (above, with variable paths); the record's own
        # construction check would repeat the same work, so it is skipped for this call (values_already_checked).
        _CONSTRUCTION.checked += 1
        try:
            return plan.cls(**kwargs)
        except ConnectorInputError as invalid:  # the record's own check: keywords become variable names
            names = {field.attribute: field.spec.name for field in plan.fields}
            problems.extend(InputProblem(names.get(p.path, p.path), p.message) for p in invalid.problems)
            return None
        except (ValueError, TypeError) as invalid:  # an attrs validator on the record itself
            problems.append(InputProblem("", str(invalid)))
            return None
        finally:
            _CONSTRUCTION.checked -= 1


def _with_typo_hint(problem: InputProblem, unknown: list[str]) -> InputProblem:
    if problem.message != "is required" or "." in problem.path:
        return problem
    import difflib  # deferred, see above

    close = difflib.get_close_matches(problem.path, unknown, n=1)
    if not close:
        return problem
    return InputProblem(problem.path, f"is required; a variable '{close[0]}' was given: did you mean '{problem.path}'?")


def _is_constrained(spec: VariableSpec) -> bool:
    return bool(
        spec.not_empty
        or spec.choices
        or spec.check is not None
        or spec.pattern is not None
        or spec.min_length is not None
        or spec.max_length is not None
        or spec.minimum is not None
        or spec.maximum is not None
    )


def _validate(value: object, spec: VariableSpec, pattern: re.Pattern[str] | None) -> str | None:
    """The first constraint of ``spec`` that ``value`` breaks, as a message; ``None`` when all hold."""
    if spec.not_empty and (
        (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple, Mapping)) and not value)
    ):
        return "must not be empty"
    if isinstance(value, str):
        shown = "the value" if spec.secret else repr(value)
        if spec.choices and value not in spec.choices:
            return f"{shown} is not one of {', '.join(spec.choices)}"
        if spec.min_length is not None and len(value) < spec.min_length:
            return f"must be at least {spec.min_length} characters long"
        if spec.max_length is not None and len(value) > spec.max_length:
            return f"must be at most {spec.max_length} characters long, got {len(value)}"
        if pattern is not None and pattern.fullmatch(value) is None:
            # A field's own check can say more precisely what is wrong than "does not match".
            precise = spec.check(value) if spec.check is not None else None
            return precise or spec.pattern_message or f"{shown} does not match the pattern {spec.pattern}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if spec.minimum is not None and value < spec.minimum:
            return f"must be at least {_number(spec.minimum)}, got {_number(value)}"
        if spec.maximum is not None and value > spec.maximum:
            return f"must be at most {_number(spec.maximum)}, got {_number(value)}"
    if spec.check is not None:
        return spec.check(value)
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _expand_dotted(data: Mapping[Any, object]) -> Mapping[Any, object]:
    """Nest dotted variable names (``authentication.token``) the way Zeebe nests dotted input targets.

    A value given both ways must agree: ``{"a": 1, "a.b": 2}`` or ``{"a": {"b": 1}, "a.b": 2}`` is an input
    error naming the path, never a silent pick of one of them. Only this level's names are split; the names of
    nested objects are split when their own record is bound. Iterative, and the input is never changed.
    """
    for key in data:  # a plain loop: this check runs for every record bound, and any(<genexpr>) costs more
        if isinstance(key, str) and "." in key:
            break
    else:
        return data
    expanded: dict[Any, object] = {}
    owned = {id(expanded)}  # objects built here, which may be added to
    problems: list[InputProblem] = []
    pending = [(_segments(key), value) for key, value in reversed(list(data.items()))]
    while pending:
        path, value = pending.pop()
        target = expanded
        for depth in range(len(path) - 1):
            child = target.get(path[depth])
            if child is not None and not isinstance(child, Mapping):
                parent = _dotted(path[: depth + 1])
                problems.append(InputProblem(_dotted(path), f"conflicts with '{parent}', which is {_kind(child)}"))
                break
            if child is None or id(child) not in owned:
                child = dict(child or {})
                owned.add(id(child))
                target[path[depth]] = child
            target = typing.cast("dict[Any, object]", child)
        else:
            leaf = path[-1]
            existing = target.get(leaf)
            if existing is None:
                target[leaf] = value
            elif value is None:
                continue  # null adds nothing, as an empty field does
            elif isinstance(existing, Mapping) and isinstance(value, Mapping):
                if id(existing) not in owned:
                    existing = dict(existing)
                    owned.add(id(existing))
                    target[leaf] = existing
                pending.extend(([*path, key], item) for key, item in reversed(list(value.items())))
            elif isinstance(existing, Mapping) or isinstance(value, Mapping):
                problems.append(InputProblem(_dotted(path), "is given both as an object and as a single value"))
            elif existing != value:
                problems.append(InputProblem(_dotted(path), "is given twice with different values"))
    if problems:
        raise _Problems(problems)
    return expanded


def _segments(key: object) -> list[Any]:
    """``"a.b"`` → ``["a", "b"]``; names with an empty part (``"a..b"``, ``".a"``) stay whole, as unknown names."""
    if isinstance(key, str) and "." in key:
        parts = key.split(".")
        if all(parts):
            return list(parts)
    return [key]


def _dotted(path: Sequence[object]) -> str:
    return ".".join(map(str, path))


_DEFAULT_BINDER = Binder()


def __getattr__(name: str) -> object:
    # ``converter`` stays importable from here without importing cattrs when this module loads.
    if name == "converter":
        return _DEFAULT_BINDER.converter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def bind(data: object, target: type[_T] | Any) -> _T:
    """Bind JSON-like ``data`` to a record type (or a tagged union of records), validating every field.

    >>> from uipath_connector.sdk import variable
    >>> @attrs.frozen
    ... class Example:
    ...     item_id: int = variable("itemId", minimum=1)
    >>> bind({"itemId": "42"}, Example)
    Example(item_id=42)
    """
    bound: _T = _DEFAULT_BINDER.bind(data, target)
    return bound


def record_plan(cls: type) -> _RecordPlan:
    """The compiled plan of a record class: its fields, variable names and specs, in declaration order."""
    return _DEFAULT_BINDER.plan(cls)


# --- records valid when constructed ---------------------------------------------------------------------------


def _type_problem(value: object, target: object) -> str | None:
    """Whether ``value`` has the field's type, as Python code constructing a record may pass anything."""
    if target is Any or target is object:
        return None
    members = typing.get_args(target) if typing.get_origin(target) in (Union, types.UnionType) else ()
    if members:
        if any(_type_problem(value, member) is None for member in members):
            return None
        names = " or ".join(getattr(member, "__name__", str(member)) for member in members)
        return f"must be {names}, got {type(value).__name__}"
    origin = typing.get_origin(target)
    if origin in (list, tuple, Sequence, typing.Sequence):
        if not isinstance(value, (list, tuple)):
            return f"must be a list or tuple, got {type(value).__name__}"
        args = [arg for arg in typing.get_args(target) if arg is not Ellipsis]
        if args:
            for index, item in enumerate(value):
                problem = _type_problem(item, args[0])
                if problem is not None:
                    return f"[{index}] {problem}"
        return None
    if origin in (dict, Mapping, typing.Mapping):
        return None if isinstance(value, Mapping) else f"must be a mapping, got {type(value).__name__}"
    if not isinstance(target, type):
        return None
    if target is int and isinstance(value, bool):
        return "must be int, got bool"
    if target is str and isinstance(value, str) and has_lone_surrogate(value):
        return LONE_SURROGATE
    if target is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return None
    if isinstance(value, target):
        return None
    return f"must be {target.__name__}, got {type(value).__name__}"


_FIELD_PLANS: dict[tuple[type, str], _FieldPlan] = {}


class _Construction(threading.local):
    """Per thread: how many records the binder is constructing from values it has already checked."""

    checked = 0


_CONSTRUCTION = _Construction()


def values_already_checked() -> bool:
    """Whether the record being constructed on this thread gets values the binder has just checked field by field
    (its construction check would only repeat that work)."""
    return _CONSTRUCTION.checked > 0


def construction_problem(cls: type, attribute: str, value: object) -> str | None:
    """What is wrong with ``value`` for the field ``attribute`` of the record ``cls``, by the field's declaration:
    its type, then the constraints binding checks (the same messages). ``None`` when it is fine.

    Records check themselves when constructed, so a Python caller gets the error at once, naming the keyword.
    """
    field = _FIELD_PLANS.get((cls, attribute))
    if field is None:
        try:
            plan = _DEFAULT_BINDER.plan(cls)
        except NameError:
            # A record declared inside a function whose annotations name its local types cannot be planned (nor
            # bound); there is no declaration to check against, as for any plain attrs class.
            return None
        field = next(candidate for candidate in plan.fields if candidate.attribute == attribute)
        _FIELD_PLANS[(cls, attribute)] = field
    if value is None:
        return None if field.optional else "must not be None"
    target = field.embedded.cls if field.embedded is not None else field.target
    problem = _type_problem(value, target)
    if problem is None and field.constrained:
        problem = _validate(value, field.spec, field.pattern)
    return problem
