"""Field metadata for input records: the variable name, validation constraints and element-template hints.

An input record is an attrs class whose fields are declared with :func:`variable`. The metadata drives three
things from one place: binding (the JSON variable name, secret handling, parsing), validation (required,
not empty, choices, pattern, length, range, custom checks) and the element template (labels, groups, choices,
conditions, FEEL mode), the way Java's ``@TemplateProperty`` does (Camunda's Connector SDK).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

import attrs

__all__ = [
    "Choice",
    "Condition",
    "TemplateHints",
    "VariableSpec",
    "discriminator",
    "record_discriminator",
    "variable",
    "variable_spec",
]

METADATA_KEY = "uipath_connector.variable"
_DISCRIMINATOR_ATTRIBUTE = "__connector_discriminator__"

FeelMode = Literal["optional", "required", "static", "disabled"]
PropertyType = Literal["String", "Text", "Dropdown", "Boolean", "Number", "Hidden"]


def _to_strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Choice:
    """One dropdown entry: the value bound to the variable and the label a modeler sees."""

    value: str
    label: str


@attrs.frozen
class Condition:
    """Show a template property only when another property has one of some values (``oneOf``/``equals``)."""

    property: str
    one_of: tuple[str, ...] = attrs.field(converter=_to_strings)


def _to_choices(values: Iterable[Choice]) -> tuple[Choice, ...]:
    return tuple(values)


@attrs.frozen
class TemplateHints:
    """How a field appears in the element template. Ignored by binding; read by the template generator."""

    label: str | None = None
    description: str | None = None
    tooltip: str | None = None
    placeholder: str | None = None
    group: str | None = None
    type: PropertyType | None = None
    feel: FeelMode | None = None
    optional: bool = False
    choices: tuple[Choice, ...] = attrs.field(default=(), converter=_to_choices)
    condition: Condition | None = None
    default: str | None = None
    property_id: str | None = None
    hidden: bool = False


@attrs.frozen
class VariableSpec:
    """Everything :func:`variable` knows about one field."""

    name: str
    secret: bool = False
    not_empty: bool = False
    pattern: str | None = None
    pattern_message: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    parse: Callable[[object], object] | None = None
    check: Callable[[Any], str | None] | None = None
    embedded: bool = False
    template: TemplateHints = TemplateHints()


def variable(
    name: str,
    *,
    default: object = attrs.NOTHING,
    factory: Callable[[], object] | None = None,
    secret: bool = False,
    not_empty: bool = False,
    pattern: str | None = None,
    pattern_message: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: Sequence[str | Choice] = (),
    parse: Callable[[object], object] | None = None,
    check: Callable[[Any], str | None] | None = None,
    embedded: bool = False,
    template: TemplateHints | None = None,
    **template_hints: Any,
) -> Any:
    """Declare a record field bound to the job variable ``name``.

    * A field without ``default`` (or ``factory``) is required: missing or ``null`` is an input error;
      ``null`` for a field with a default means "use the default", as an empty Modeler field does.
    * ``secret=True`` hides the value from ``repr`` and from every error message.
    * ``parse`` turns the raw JSON value into the field's value (raise ``ValueError`` with the message to show);
      ``check`` validates the bound value (return a message, or ``None`` when it is fine).
    * ``embedded=True`` reads a nested record from the *same* level (a section such as the configuration,
      whose variables are top-level names in Camunda's template).
    * ``choices`` restricts text values; given as :class:`Choice` entries they also become the template's
      dropdown entries.
    * Other keyword arguments are :class:`TemplateHints` for the element template. A simple ``default``
      (an enum member, text, number or boolean) also becomes the template's default unless one is given.

    >>> @attrs.frozen(kw_only=True)
    ... class Input:
    ...     queue_name: str = variable("queueName", not_empty=True, label="Queue name")
    """
    hints = template if template is not None else TemplateHints(**template_hints)
    allowed = tuple(choice.value if isinstance(choice, Choice) else choice for choice in choices)
    if any(isinstance(choice, Choice) for choice in choices) and not hints.choices:
        # Dropdown entries serve both sides: their values validate, the entries (with labels) go to the template.
        entries = tuple(choice if isinstance(choice, Choice) else Choice(choice, choice) for choice in choices)
        hints = attrs.evolve(hints, choices=entries)
    if hints.default is None and default is not attrs.NOTHING and default is not None:
        # The template shows the same default the binding applies, so the two cannot drift apart.
        if isinstance(default, enum.Enum):
            hints = attrs.evolve(hints, default=str(default.value))
        elif isinstance(default, bool):
            hints = attrs.evolve(hints, default="true" if default else "false")
        elif isinstance(default, (str, int, float)):
            hints = attrs.evolve(hints, default=str(default))
    spec = VariableSpec(
        name=name,
        secret=secret,
        not_empty=not_empty,
        pattern=pattern,
        pattern_message=pattern_message,
        min_length=min_length,
        max_length=max_length,
        minimum=minimum,
        maximum=maximum,
        choices=allowed,
        parse=parse,
        check=check,
        embedded=embedded,
        template=hints,
    )
    field_repr: bool | Callable[[Any], str] = (lambda _value: "'***'") if secret else True
    if factory is not None:
        return attrs.field(
            factory=factory, metadata={METADATA_KEY: spec}, repr=field_repr, validator=_valid_when_constructed
        )
    return attrs.field(
        default=default, metadata={METADATA_KEY: spec}, repr=field_repr, validator=_valid_when_constructed
    )


def _valid_when_constructed(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Records are valid when constructed: a bad value is an input error naming the keyword (``queue_name``).

    Binding checks the same declaration first and names the variable path instead; what binding hands to the
    constructor therefore always passes, and is not checked twice.
    """
    checks = _CHECKS or _load_checks()
    if checks[0]():
        return
    problem = checks[1](type(instance), attribute.name, value)
    if problem is not None:
        from ._errors import ConnectorInputError, InputProblem

        raise ConnectorInputError([InputProblem(attribute.name, problem)])


def problem_names(cls: type[Any], *attributes: str) -> list[str]:
    """How a problem spanning several fields of ``cls`` names them: by their job variables while the binder builds
    the record from a job, by their Python keywords when a Python caller constructs it.

    >>> @attrs.frozen(kw_only=True)
    ... class Window:
    ...     start_at: int = variable("startAt")
    >>> problem_names(Window, "start_at")
    ['start_at']
    """
    checks = _CHECKS or _load_checks()
    if not checks[0]():
        return list(attributes)
    fields = attrs.fields_dict(cls)
    return [variable_spec(fields[name]).name for name in attributes]


# The binder imports this module, so its checks are looked up on first use (then kept: this runs per field).
_CHECKS: list[Callable[..., Any]] = []


def _load_checks() -> list[Callable[..., Any]]:
    from ._binding import construction_problem, values_already_checked

    _CHECKS[:] = [values_already_checked, construction_problem]
    return _CHECKS


def variable_spec(field: attrs.Attribute[Any]) -> VariableSpec:
    """The :class:`VariableSpec` of a record field (fields declared without :func:`variable` get a default)."""
    spec = field.metadata.get(METADATA_KEY)
    return spec if isinstance(spec, VariableSpec) else VariableSpec(name=field.name)


def discriminator(name: str, value: str) -> Callable[[type[Any]], type[Any]]:
    """Tag a record as one variant of a union chosen by the variable ``name`` (``type``, ``operationType``).

    >>> @discriminator("type", "bearer")
    ... @attrs.frozen
    ... class Bearer:
    ...     token: str = variable("token", secret=True)
    """

    def decorate(cls: type[Any]) -> type[Any]:
        setattr(cls, _DISCRIMINATOR_ATTRIBUTE, (name, value))
        return cls

    return decorate


def record_discriminator(cls: type[Any]) -> tuple[str, str] | None:
    """``(variable name, value)`` declared with :func:`discriminator`, or ``None``."""
    tag = cls.__dict__.get(_DISCRIMINATOR_ATTRIBUTE)
    return tag if isinstance(tag, tuple) else None
