"""An element-template model for Camunda 8 (Zeebe) and its deterministic JSON form.

The classes mirror the parts of ``@camunda/zeebe-element-templates-json-schema`` this project uses
(@bpmn-io/element-templates-validator, Camunda's UiPath template v7): template-level facts, groups, steps and
presets, and properties with their binding, condition and constraints. :func:`render_template` writes the JSON the
way the committed file must look: 2-space indent, keys in a fixed order, keywords sorted, a trailing newline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

__all__ = [
    "Binding",
    "Constraints",
    "ElementTemplate",
    "Group",
    "Preset",
    "PropertyCondition",
    "Step",
    "TemplateProperty",
    "in_group_order",
    "render_template",
]

SCHEMA_URL = "https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json"

BindingType = Literal[
    "zeebe:input",
    "zeebe:taskHeader",
    "zeebe:taskDefinition",
    "zeebe:property",
    "bpmn:Message#property",
    "bpmn:Message#zeebe:subscription#property",
]
PropertyKind = Literal["String", "Text", "Dropdown", "Boolean", "Number", "Hidden"]


def _tuple(items: Any) -> tuple[Any, ...]:
    return tuple(items)


@attrs.frozen
class Binding:
    """Where a property's value goes: an input mapping, a task header, the task definition or a property.

    >>> Binding.input("authentication.token").to_json()
    {'type': 'zeebe:input', 'name': 'authentication.token'}
    """

    type: BindingType
    name: str

    @classmethod
    def input(cls, name: str) -> Binding:
        """A ``zeebe:input`` mapping to the job variable ``name`` (dots nest: ``authentication.token``)."""
        return cls("zeebe:input", name)

    @classmethod
    def header(cls, key: str) -> Binding:
        """A ``zeebe:taskHeader`` (a static string the runtime reads, e.g. ``resultExpression``)."""
        return cls("zeebe:taskHeader", key)

    @classmethod
    def task_definition(cls, property_name: str) -> Binding:
        """A ``zeebe:taskDefinition`` attribute: ``type`` or ``retries``."""
        return cls("zeebe:taskDefinition", property_name)

    @classmethod
    def extension_property(cls, name: str) -> Binding:
        """A ``zeebe:property``: stored in the BPMN only, never sent to the job (for form-only choices)."""
        return cls("zeebe:property", name)

    def to_json(self) -> dict[str, str]:
        """The binding as the schema spells it (``name``, ``key`` or ``property`` by binding type)."""
        field = {"zeebe:taskHeader": "key", "zeebe:taskDefinition": "property"}.get(self.type, "name")
        return {"type": self.type, field: self.name}


@attrs.frozen
class PropertyCondition:
    """Show a property only when other properties have some values; several clauses must all hold.

    ``clauses`` are ``(property id, allowed values)``; ``inactive`` names properties that must not be shown (the
    schema's ``isActive: false``), which holds even on a task that has no value for them at all.

    >>> PropertyCondition.of("operationType", "getItemById").to_json()
    {'property': 'operationType', 'equals': 'getItemById'}
    >>> PropertyCondition.none_active("folderPath").to_json()
    {'property': 'folderPath', 'isActive': False}
    """

    clauses: tuple[tuple[str, tuple[str, ...]], ...] = attrs.field(converter=_tuple)
    inactive: tuple[str, ...] = attrs.field(default=(), converter=_tuple)

    @classmethod
    def of(cls, property_id: str, *values: str) -> PropertyCondition:
        """One clause: ``property_id`` equals the value (or is one of the values)."""
        return cls(((property_id, tuple(values)),))

    @classmethod
    def none_active(cls, *property_ids: str) -> PropertyCondition:
        """None of ``property_ids`` is shown (each one's own condition fails)."""
        return cls((), property_ids)

    def and_(self, other: PropertyCondition | None) -> PropertyCondition:
        """Both conditions; a clause on the same property keeps the values both allow."""
        if other is None:
            return self
        merged: dict[str, tuple[str, ...]] = dict(self.clauses)
        for property_id, values in other.clauses:
            if property_id in merged:
                merged[property_id] = tuple(value for value in merged[property_id] if value in values)
            else:
                merged[property_id] = values
        inactive = (*self.inactive, *(p for p in other.inactive if p not in self.inactive))
        return PropertyCondition(tuple(merged.items()), inactive)

    def to_json(self) -> dict[str, Any]:
        """``equals`` for one value, ``oneOf`` for several, ``isActive`` for ``inactive``, ``allMatch`` for several."""
        rendered = [_clause(property_id, values) for property_id, values in self.clauses]
        rendered.extend({"property": property_id, "isActive": False} for property_id in self.inactive)
        return rendered[0] if len(rendered) == 1 else {"allMatch": rendered}


def _clause(property_id: str, values: tuple[str, ...]) -> dict[str, Any]:
    if len(values) == 1:
        return {"property": property_id, "equals": values[0]}
    return {"property": property_id, "oneOf": list(values)}


@attrs.frozen
class Constraints:
    """What the Modeler checks while a modeler types: not empty, length, a (JavaScript) pattern with its message."""

    not_empty: bool | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None

    def is_empty(self) -> bool:
        """``True`` when nothing is constrained (the key is then left out of the template)."""
        return self == Constraints()

    def to_json(self) -> dict[str, Any]:
        """The ``constraints`` object of a property."""
        rendered: dict[str, Any] = {}
        if self.not_empty is not None:
            rendered["notEmpty"] = self.not_empty
        if self.min_length is not None:
            rendered["minLength"] = self.min_length
        if self.max_length is not None:
            rendered["maxLength"] = self.max_length
        if self.pattern is not None:
            pattern: dict[str, str] = {"value": self.pattern}
            if self.pattern_message:
                pattern["message"] = self.pattern_message
            rendered["pattern"] = pattern
        return rendered


@attrs.frozen
class TemplateProperty:
    """One entry of the template's ``properties``: a field, a dropdown, or a hidden value.

    >>> TemplateProperty(binding=Binding.header("retryBackoff"), type="String", label="Retry backoff",
    ...                  value="PT30S").to_json()["value"]
    'PT30S'
    """

    binding: Binding
    type: PropertyKind
    id: str | None = None
    label: str | None = None
    description: str | None = None
    tooltip: str | None = None
    placeholder: str | None = None
    group: str | None = None
    value: str | bool | int | float | None = None
    feel: Literal["optional", "required", "static"] | None = None
    optional: bool = False
    choices: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_tuple)  # (value, label)
    constraints: Constraints = Constraints()
    condition: PropertyCondition | None = None

    def to_json(self) -> dict[str, Any]:
        """The property as the template holds it, keys in a fixed order."""
        rendered: dict[str, Any] = {}
        for key in ("id", "label", "description", "tooltip", "placeholder", "group", "type", "value", "feel"):
            item = getattr(self, key)
            if item is not None:
                rendered[key] = item
        if self.optional:
            rendered["optional"] = True
        if self.choices:
            rendered["choices"] = [{"name": label, "value": value} for value, label in self.choices]
        if not self.constraints.is_empty():
            rendered["constraints"] = self.constraints.to_json()
        rendered["binding"] = self.binding.to_json()
        if self.condition is not None:
            rendered["condition"] = self.condition.to_json()
        return rendered


@attrs.frozen
class Group:
    """A section of the properties panel."""

    id: str
    label: str
    tooltip: str | None = None
    open_by_default: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The group as the template holds it."""
        rendered: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.tooltip is not None:
            rendered["tooltip"] = self.tooltip
        if self.open_by_default is not None:
            rendered["openByDefault"] = self.open_by_default
        return rendered


@attrs.frozen
class Step:
    """An entry of the Modeler's "append/change type" menu that applies a preset (Camunda's v7 ``steps``)."""

    name: str
    preset_id: str
    description: str | None = None
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_tuple)

    def to_json(self) -> dict[str, Any]:
        """The step as the template holds it (keywords sorted: their order means nothing)."""
        rendered: dict[str, Any] = {"name": self.name}
        if self.description is not None:
            rendered["description"] = self.description
        if self.keywords:
            rendered["keywords"] = sorted(self.keywords)
        rendered["presetId"] = self.preset_id
        return rendered


@attrs.frozen
class Preset:
    """Property values (by property id) applied on top of the template's defaults."""

    id: str
    properties: tuple[tuple[str, str], ...] = attrs.field(converter=_tuple)

    def to_json(self) -> dict[str, Any]:
        """The preset as the template holds it."""
        return {"id": self.id, "properties": dict(self.properties)}


@attrs.frozen(kw_only=True)
class ElementTemplate:
    """A whole Camunda 8 element template for a service task."""

    id: str
    name: str
    version: int
    description: str
    keywords: tuple[str, ...] = attrs.field(converter=_tuple)
    documentation_ref: str
    category: tuple[str, str]  # (id, name)
    engines: Mapping[str, str]
    icon: str  # a data: or https: URI
    groups: tuple[Group, ...] = attrs.field(converter=_tuple)
    properties: tuple[TemplateProperty, ...] = attrs.field(converter=_tuple)
    steps: tuple[Step, ...] = attrs.field(default=(), converter=_tuple)
    presets: tuple[Preset, ...] = attrs.field(default=(), converter=_tuple)
    applies_to: tuple[str, ...] = attrs.field(default=("bpmn:Task",), converter=_tuple)
    element_type: str = "bpmn:ServiceTask"
    #: For an event element type: its event definition (``bpmn:MessageEventDefinition`` for a message catch event).
    event_definition: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The template as a JSON object, keys in the order Camunda's own templates use."""
        rendered: dict[str, Any] = {
            "$schema": SCHEMA_URL,
            "name": self.name,
            "id": self.id,
            "version": self.version,
            "engines": dict(sorted(self.engines.items())),
            "description": self.description,
            "keywords": sorted(self.keywords),
            "icon": {"contents": self.icon},
            "documentationRef": self.documentation_ref,
            "category": {"id": self.category[0], "name": self.category[1]},
            "appliesTo": list(self.applies_to),
            "elementType": {"value": self.element_type}
            | ({"eventDefinition": self.event_definition} if self.event_definition else {}),
            "groups": [group.to_json() for group in self.groups],
            "properties": [prop.to_json() for prop in in_group_order(self.properties, self.groups)],
        }
        if self.steps:
            rendered["steps"] = [step.to_json() for step in self.steps]
        if self.presets:
            rendered["presets"] = [preset.to_json() for preset in self.presets]
        return rendered


def in_group_order(properties: Sequence[TemplateProperty], groups: Sequence[Group]) -> list[TemplateProperty]:
    """``properties`` sorted (stably) by the order of their groups; properties without a group come first.

    The properties panel draws a group where its first property stands, not where ``groups`` lists it (seen with
    bpmn-js-element-templates, the library Camunda Modeler is built on), so the file must list the properties in
    the order the sections should appear.

    >>> props = [TemplateProperty(Binding.header("b"), "String", group="output"),
    ...          TemplateProperty(Binding.input("a"), "String", group="input")]
    >>> [p.group for p in in_group_order(props, [Group("input", "Input"), Group("output", "Output")])]
    ['input', 'output']
    """
    rank = {group.id: index for index, group in enumerate(groups)}
    return sorted(properties, key=lambda prop: -1 if prop.group is None else rank.get(prop.group, len(rank)))


def render_template(template: ElementTemplate | Mapping[str, Any]) -> str:
    """The template's file text: JSON with a 2-space indent, non-ASCII kept, and a trailing newline.

    >>> render_template({"id": "x"})
    '{\\n  "id": "x"\\n}\\n'
    """
    data = template.to_json() if isinstance(template, ElementTemplate) else template
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
