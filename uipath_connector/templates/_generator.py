"""Template properties generated from input records, the way Camunda's Java generator reads ``@TemplateProperty``.

The records are the one source of truth (Camunda's Connector SDK): each field declared with
:func:`uipath_connector.sdk.variable` becomes a property whose label, group, type, FEEL mode, choices, default,
constraints and condition come from its :class:`~uipath_connector.sdk.VariableSpec`. The walk follows the
records' structure:

* an **embedded** section (``embedded=True``) reads top-level variables, so its fields bind top-level names;
* a **nested record** field binds ``<name>.<field>`` (Zeebe nests dotted input targets);
* a field whose type is a **tagged union** (``authentication``) becomes a dropdown bound to
  ``<name>.<discriminator>`` whose hints are the field's, and every variant's fields are shown only for that
  variant;
* the **top-level union** (one record per operation) becomes the operation dropdown.

A field read by several variants becomes one property, shown for exactly those variants. A field's own
``condition`` hint must agree with where the records read it; disagreement is a :class:`TemplateError`, so the
template cannot drift from the code. :class:`Selector` adds a form-only dropdown (``zeebe:property`` binding,
never sent to the job) that shows one of several alternative fields, such as the folder by id, path or key.
"""

from __future__ import annotations

import enum
import itertools
import re
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any, Union

import attrs

from ..sdk import Choice, TemplateHints, VariableSpec, record_discriminator, record_plan
from ._model import Binding, Constraints, PropertyCondition, TemplateProperty

__all__ = [
    "EMPTY_IN_PANEL",
    "Selector",
    "SelectorChoice",
    "TemplateError",
    "optional_pattern",
    "record_properties",
    "template_pattern",
]

#: A value the runtime replaces before binding (Camunda's connector secrets), so any field may hold it.
_SECRET_PLACEHOLDER = r"\{\{secrets\..+\}\}"  # noqa: S105 - a pattern, not a password
#: What the properties panel tests a pattern against when a field is empty. bpmn-js-element-templates (2.37,
#: the library of Camunda Modeler's panel) hands an empty field to its constraint check as ``undefined``, and the
#: check runs ``new RegExp(pattern).test(value)``, which tests the text "undefined"; the lint rule of the Problems
#: panel tests "". An optional field's pattern accepts both, or every new task shows errors on fields nobody
#: needs. (A modeler who types the word itself gets the connector's input error when the job runs.)
EMPTY_IN_PANEL = "undefined"
#: Python-only regular-expression syntax that JavaScript (the Modeler) reads differently or not at all.
_PYTHON_ONLY = re.compile(r"\(\?P[<=]|\\[AZ]|\(\?[aiLmsux]+[):]|\\z")


class TemplateError(ValueError):
    """The records' metadata cannot become a valid template (a missing label, a condition that disagrees, ...)."""


def _strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _selector_choices(items: Iterable[SelectorChoice]) -> tuple[SelectorChoice, ...]:
    return tuple(items)


@attrs.frozen
class SelectorChoice:
    """One entry of a :class:`Selector`: its value, label, and the variables shown when it is chosen."""

    value: str
    label: str
    variables: tuple[str, ...] = attrs.field(converter=_strings)


@attrs.frozen(kw_only=True)
class Selector:
    """A form-only dropdown that shows one of several alternative fields and makes the shown one required.

    It binds a ``zeebe:property`` (kept in the BPMN, never sent to the job), so the records need no variable for
    it. The first choice is the default.

    >>> folder = Selector(id="folderBy", label="Folder", group="configuration", choices=(
    ...     SelectorChoice("organizationUnitId", "Organization unit ID", ["organizationUnitId"]),
    ...     SelectorChoice("folderPath", "Folder path", ["folderPath"])))
    """

    id: str
    label: str
    group: str
    choices: tuple[SelectorChoice, ...] = attrs.field(converter=_selector_choices)
    description: str | None = None
    tooltip: str | None = None

    def governs(self, variable_name: str) -> SelectorChoice | None:
        """The choice that shows ``variable_name``, if any."""
        return next((choice for choice in self.choices if variable_name in choice.variables), None)

    def to_property(self) -> TemplateProperty:
        """The dropdown itself."""
        return TemplateProperty(
            id=self.id,
            label=self.label,
            description=self.description,
            tooltip=self.tooltip,
            group=self.group,
            type="Dropdown",
            value=self.choices[0].value,
            choices=tuple((choice.value, choice.label) for choice in self.choices),
            binding=Binding.extension_property(self.id),
        )


# --- the walk ---------------------------------------------------------------------------------------------


@attrs.frozen
class _Found:
    """One property as read by one combination of variants (``variants``: (dropdown id, value) pairs)."""

    binding: str
    prop: TemplateProperty
    variants: tuple[tuple[str, str], ...]


def _union_members(target: object) -> tuple[type, ...] | None:
    origin = typing.get_origin(target)
    if origin is not Union and origin is not types.UnionType:
        return None
    members = tuple(member for member in typing.get_args(target) if member is not type(None))
    if members and all(isinstance(m, type) and record_discriminator(m) is not None for m in members):
        return typing.cast("tuple[type, ...]", members)
    return None


def _walk_union(
    members: tuple[type, ...], hints: TemplateHints, prefix: str, where: str, variants: tuple[tuple[str, str], ...]
) -> list[_Found]:
    tags = [typing.cast("tuple[str, str]", record_discriminator(member)) for member in members]
    tag_name = tags[0][0]
    if any(name != tag_name for name, _ in tags):
        raise TemplateError(f"{where}: the variants must share one discriminator, got {sorted({n for n, _ in tags})}")
    binding = prefix + tag_name
    prop_id = hints.property_id or binding
    choices = hints.choices or tuple(Choice(value, value) for _, value in tags)
    if [choice.value for choice in choices] != [value for _, value in tags]:
        raise TemplateError(
            f"{binding}: the dropdown's choices {[c.value for c in choices]} must be the variants "
            f"{[value for _, value in tags]}, in the same order"
        )
    dropdown = TemplateProperty(
        id=prop_id,
        label=_required_label(hints, binding),
        description=hints.description,
        tooltip=hints.tooltip,
        group=_required_group(hints, binding),
        type="Dropdown",
        # Without a value the panel shows the first choice but writes an empty mapping, so a task applied without
        # a step would send an empty discriminator: the first choice is the default unless the hints name one.
        value=hints.default if hints.default is not None else choices[0].value,
        choices=tuple((choice.value, choice.label) for choice in choices),
        binding=Binding.input(binding),
        condition=_hint_condition(hints),
    )
    found = [_Found(binding, dropdown, variants)]
    for member, (_, value) in zip(members, tags, strict=True):
        found.extend(_walk_record(member, prefix, (*variants, (prop_id, value))))
    return found


def _walk_record(cls: type, prefix: str, variants: tuple[tuple[str, str], ...]) -> list[_Found]:
    plan = record_plan(cls)
    defaults = {field.name: field.default for field in attrs.fields(cls)}
    found: list[_Found] = []
    for field in plan.fields:
        spec = field.spec
        if field.embedded is not None:
            found.extend(_walk_record(field.embedded.cls, prefix, variants))
            continue
        members = _union_members(field.target)
        if members is not None:
            found.extend(_walk_union(members, spec.template, f"{prefix}{spec.name}.", spec.name, variants))
            continue
        if isinstance(field.target, type) and attrs.has(field.target):
            found.extend(_walk_record(field.target, f"{prefix}{spec.name}.", variants))
            continue
        binding = prefix + spec.name
        default = defaults[field.attribute]
        required = not field.has_default and not field.optional
        found.append(_Found(binding, _leaf_property(binding, spec, field.target, default, required), variants))
    return found


# --- one field --------------------------------------------------------------------------------------------


def _required_label(hints: TemplateHints, binding: str) -> str:
    if not hints.label:
        raise TemplateError(f"{binding}: a visible property needs a label (TemplateHints.label)")
    return hints.label


def _required_group(hints: TemplateHints, binding: str) -> str:
    if not hints.group:
        raise TemplateError(f"{binding}: a property needs a group (TemplateHints.group)")
    return hints.group


def _hint_condition(hints: TemplateHints) -> PropertyCondition | None:
    if hints.condition is None:
        return None
    return PropertyCondition.of(hints.condition.property, *hints.condition.one_of)


def _default_text(default: object) -> str | None:
    """The template value of a record default (``None``, factories and structures have none)."""
    if default is attrs.NOTHING or isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return None
    if isinstance(default, enum.Enum):
        return str(default.value)
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, (str, int, float)):
        return str(default)
    return None


def _choices(binding: str, spec: VariableSpec, target: object) -> tuple[tuple[str, str], ...]:
    hinted: tuple[Choice, ...] = spec.template.choices or tuple(c for c in spec.choices if isinstance(c, Choice))
    if not hinted:
        values: list[str] = [c for c in spec.choices if isinstance(c, str)]
        if not values and isinstance(target, type) and issubclass(target, enum.Enum):
            values = [str(member.value) for member in target]
        hinted = tuple(Choice(value, value) for value in values)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        accepted = {str(member.value) for member in target}
        if {choice.value for choice in hinted} != accepted:
            raise TemplateError(
                f"{binding}: the dropdown's choices {sorted(c.value for c in hinted)} must be exactly the values "
                f"{sorted(accepted)} of {target.__name__}"
            )
    return tuple((choice.value, choice.label) for choice in hinted)


def template_pattern(pattern: str, *, allow_empty: bool = False) -> str:
    r"""A record's Python pattern as the Modeler's JavaScript pattern: whole value, secrets and FEEL allowed.

    A FEEL value is allowed whatever the field's FEEL mode: Zeebe evaluates every input mapping that starts with
    ``=`` (a modeler may type one into any text field, as in Camunda's own template), and the records check the
    evaluated value again. A pattern that already starts with ``^`` is taken as written (as Camunda's timeout
    pattern). ``allow_empty`` (for optional fields) also accepts an empty value, as the properties panel sees it
    (:data:`EMPTY_IN_PANEL`), which it would otherwise flag on a field the modeler never needs.

    >>> template_pattern(r"\d{4}-\d{2}-\d{2}")
    '^(=.*|\\{\\{secrets\\..+\\}\\}|(?:\\d{4}-\\d{2}-\\d{2}))$'
    >>> template_pattern(r"\d+", allow_empty=True)
    '^(=.*|\\{\\{secrets\\..+\\}\\}|(?:\\d+)|undefined)?$'
    >>> template_pattern(r"^(=|[0-9]+)$", allow_empty=True)
    '^(undefined)?$|^(=|[0-9]+)$'
    """
    if _PYTHON_ONLY.search(pattern):
        raise TemplateError(f"the pattern {pattern!r} uses Python-only syntax that the Modeler cannot read")
    if pattern.startswith("^"):
        return optional_pattern(pattern) if allow_empty else pattern
    if allow_empty:
        return f"^(=.*|{_SECRET_PLACEHOLDER}|(?:{pattern})|{EMPTY_IN_PANEL})?$"
    return f"^(=.*|{_SECRET_PLACEHOLDER}|(?:{pattern}))$"


def optional_pattern(anchored: str) -> str:
    r"""An anchored pattern (``^...$``) that also accepts the empty value of an optional field (see
    :data:`EMPTY_IN_PANEL`).

    >>> optional_pattern(r"^P\d+D$")
    '^(undefined)?$|^P\\d+D$'
    """
    if not anchored.startswith("^"):
        raise TemplateError(f"the pattern {anchored!r} must start with ^ to be made optional")
    return f"^({EMPTY_IN_PANEL})?$|{anchored}"


def _whole_number(minimum: float | None) -> tuple[str, str]:
    """The pattern and message of an integer field typed as text, from the field's minimum."""
    if minimum is not None and minimum >= 1:
        return r"0*[1-9][0-9]*", "must be a positive whole number"
    if minimum is not None and minimum >= 0:
        return r"[0-9]+", "must be a whole number"
    return r"-?[0-9]+", "must be a whole number"


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _leaf_property(
    binding: str, spec: VariableSpec, target: object, default: object, required: bool
) -> TemplateProperty:
    hints = spec.template
    value: str | None = hints.default if hints.default is not None else _default_text(default)
    if hints.hidden:
        if spec.secret:
            raise TemplateError(f"{binding}: a secret cannot be a hidden value in the BPMN file")
        if value is None:
            raise TemplateError(f"{binding}: a hidden property needs a default (TemplateHints.default)")
        return TemplateProperty(
            id=hints.property_id or binding,
            group=_required_group(hints, binding),
            type="Hidden",
            value=value,
            binding=Binding.input(binding),
            condition=_hint_condition(hints),
        )
    kind = hints.type
    if kind is None:
        if isinstance(target, type) and issubclass(target, enum.Enum):
            kind = "Dropdown"
        elif target is bool:
            kind = "Boolean"
        else:
            kind = "String"
    if kind == "Hidden":
        raise TemplateError(f"{binding}: declare hidden properties with hidden=True and a default")
    choices = _choices(binding, spec, target) if kind == "Dropdown" else ()
    if kind == "Dropdown" and not choices:
        raise TemplateError(f"{binding}: a dropdown needs choices")
    if kind == "Dropdown" and value is not None and value not in {choice for choice, _ in choices}:
        raise TemplateError(f"{binding}: the default {value!r} is not one of the choices")
    if spec.secret and not any("{{secrets." in (text or "") for text in (hints.placeholder, hints.description)):
        raise TemplateError(
            f"{binding}: a secret field must hint at {{{{secrets.NAME}}}} in its placeholder or description"
        )
    optional = hints.optional and kind != "Dropdown"
    feel = None if hints.feel is None or hints.feel == "disabled" else hints.feel
    if feel == "static" and kind not in ("Boolean", "Number"):
        raise TemplateError(f"{binding}: FEEL mode 'static' is for Boolean and Number properties only")
    source, message = spec.pattern, spec.pattern_message
    if source is None and kind in ("String", "Text") and target is int:
        # An integer typed as text (organizationUnitId, itemId): flag what the binding would refuse.
        source, message = _whole_number(spec.minimum)
    pattern = (
        template_pattern(source, allow_empty=optional) if source is not None and kind in ("String", "Text") else None
    )
    constraints = Constraints(
        not_empty=True if not optional and (spec.not_empty or required) else None,
        min_length=spec.min_length if kind in ("String", "Text") else None,
        max_length=spec.max_length if kind in ("String", "Text") else None,
        pattern=pattern,
        pattern_message=_sentence(message or f"Must match {pattern}") if pattern else None,
    )
    if optional and not constraints.is_empty():
        # The schema allows constraints on an optional property only with an explicit `notEmpty: false`.
        constraints = attrs.evolve(constraints, not_empty=False)
    return TemplateProperty(
        id=hints.property_id or binding,
        label=_required_label(hints, binding),
        description=hints.description,
        tooltip=hints.tooltip,
        placeholder=hints.placeholder,
        group=_required_group(hints, binding),
        type=kind,
        value=value,
        feel=feel,
        optional=optional,
        choices=choices,
        constraints=constraints,
        binding=Binding.input(binding),
        condition=_hint_condition(hints),
    )


# --- merging the variants ---------------------------------------------------------------------------------


def _variant_condition(
    binding: str, variants: Sequence[tuple[tuple[str, str], ...]], dropdowns: dict[str, tuple[str, ...]]
) -> PropertyCondition | None:
    """The condition under which the records read a property, from the variants that read it."""
    by_dropdown: dict[str, list[str]] = {}
    for combination in variants:
        for dropdown, value in combination:
            values = by_dropdown.setdefault(dropdown, [])
            if value not in values:
                values.append(value)
    clauses: list[tuple[str, tuple[str, ...]]] = []
    for dropdown, values in by_dropdown.items():
        if set(values) != set(dropdowns[dropdown]):
            clauses.append((dropdown, tuple(v for v in dropdowns[dropdown] if v in values)))
    # A condition is a conjunction of clauses: it is exact only if the variants form their full product.
    product = set(itertools.product(*(values for values in by_dropdown.values())))
    given = {tuple(dict(combination).get(d) for d in by_dropdown) for combination in variants}
    if product != given:
        raise TemplateError(f"{binding}: the variants that read it cannot be described by one condition")
    return PropertyCondition(tuple(clauses)) if clauses else None


def _combine(
    binding: str, derived: PropertyCondition | None, hinted: PropertyCondition | None
) -> PropertyCondition | None:
    if hinted is None:
        return derived
    if derived is None:
        return hinted
    derived_clauses = dict(derived.clauses)
    for property_id, values in hinted.clauses:
        if property_id in derived_clauses and set(derived_clauses[property_id]) != set(values):
            raise TemplateError(
                f"{binding}: its condition says {property_id} is one of {sorted(values)}, but the records read it "
                f"when {property_id} is one of {sorted(derived_clauses[property_id])}"
            )
    return derived.and_(hinted)


def _selector_condition(
    selector: Selector, governing: SelectorChoice, props: Sequence[TemplateProperty]
) -> PropertyCondition:
    """When a selector's field is shown.

    The default (first) choice is shown while no other choice's field is, not while the selector equals it: when
    a modeler changes a task from a template without the selector (Camunda's UiPath template) to this one, the
    Modeler evaluates the new conditions on the task as it was, before the selector's own value exists, and would
    drop the default choice's field with the value the modeler had entered (bpmn-js-element-templates'
    ChangeElementTemplateHandler, the code Camunda Modeler runs for "Change template").
    """
    if governing is not selector.choices[0]:
        return PropertyCondition.of(selector.id, governing.value)
    others = [name for choice in selector.choices[1:] for name in choice.variables]
    return PropertyCondition.none_active(*(p.id or p.binding.name for p in props if p.binding.name in others))


def _apply_selectors(props: list[TemplateProperty], selectors: Sequence[Selector]) -> list[TemplateProperty]:
    result: list[TemplateProperty] = []
    placed: set[str] = set()
    for selector in selectors:
        for choice in selector.choices:
            missing = [name for name in choice.variables if not any(p.binding.name == name for p in props)]
            if missing:
                raise TemplateError(f"selector {selector.id}: the records read no variable {', '.join(missing)}")
    for prop in props:
        for selector in selectors:
            governing = selector.governs(prop.binding.name)
            if governing is None:
                continue
            if selector.id not in placed:
                result.append(attrs.evolve(selector.to_property(), condition=prop.condition))
                placed.add(selector.id)
            # The shown alternative is the one the modeler chose, so it is required.
            prop = attrs.evolve(
                prop,
                optional=False,
                constraints=attrs.evolve(prop.constraints, not_empty=True),
                condition=_selector_condition(selector, governing, props).and_(prop.condition),
            )
        result.append(prop)
    return result


def record_properties(
    target: Any, *, discriminator: TemplateHints | None = None, selectors: Sequence[Selector] = ()
) -> tuple[TemplateProperty, ...]:
    """The template properties of a record, or of a union of records tagged by ``discriminator``'s dropdown.

    >>> from uipath_connector.uipath import OPERATIONS
    >>> props = record_properties(OPERATIONS.request_type(), discriminator=OPERATIONS.dropdown())
    >>> props[0].binding.name
    'operationType'
    """
    members = _union_members(target)
    if members is not None:
        found = _walk_union(members, discriminator or TemplateHints(), "", "the operation union", ())
    elif isinstance(target, type) and attrs.has(target):
        found = _walk_record(target, "", ())
    else:
        raise TemplateError(f"{target!r} is neither an attrs record nor a tagged union of records")
    dropdowns = {f.prop.id or f.binding: tuple(v for v, _ in f.prop.choices) for f in found if f.prop.choices}

    # Group by binding name, then by identical property: one property per distinct declaration.
    merged: dict[tuple[str, TemplateProperty], list[tuple[tuple[str, str], ...]]] = {}
    for item in found:
        merged.setdefault((item.binding, item.prop), []).append(item.variants)
    props: list[TemplateProperty] = []
    for (binding, prop), variants in merged.items():
        condition = _combine(binding, _variant_condition(binding, variants, dropdowns), prop.condition)
        props.append(attrs.evolve(prop, condition=condition))
    ids = [prop.id for prop in props]
    duplicates = sorted({i for i in ids if ids.count(i) > 1 and i is not None})
    if duplicates:
        raise TemplateError(
            f"properties {', '.join(duplicates)} are declared differently in different variants; "
            "give each declaration its own property_id"
        )
    return tuple(_apply_selectors(props, selectors))
