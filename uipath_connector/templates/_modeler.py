"""What a task built from a template sends: a small simulation of Camunda Modeler and Zeebe's input mappings.

It follows the template the way the Modeler's properties panel does, so tests can check that the template and
the connector's records agree without a browser:

1. every property starts at its ``value`` (a dropdown without one writes an empty value, as the Modeler does);
2. the chosen preset's values apply, then the modeler's own entries (by property id);
3. a property is active when its condition holds and the properties it names are active themselves; inactive
   properties leave no trace in the BPMN (the Modeler removes their bindings);
4. the Modeler's checks run on active properties (``notEmpty``, ``maxLength``/``minLength``, ``pattern``), empty
   values included;
5. Zeebe evaluates the input mappings: text is a string, ``=...`` is FEEL (evaluated by the caller's function),
   an empty ``optional`` property has no mapping at all, and dotted targets nest (``authentication.token``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

__all__ = ["ModeledTask", "ModelerError", "job_variables", "model_task"]


class ModelerError(ValueError):
    """The Modeler would flag the task: a property breaks its constraints, or a preset or property is unknown."""


@attrs.frozen
class ModeledTask:
    """A service task as the Modeler saved it and Zeebe activated it."""

    variables: dict[str, Any]  # the job variables after the input mappings, dotted names nested
    headers: dict[str, str]  # zeebe:taskHeader
    task_definition: dict[str, str]  # zeebe:taskDefinition (type, retries)
    extension_properties: dict[str, str]  # zeebe:property (form-only)


def _initial_value(prop: Mapping[str, Any]) -> Any:
    return prop.get("value", "")


def _holds(condition: Mapping[str, Any], values: Mapping[str, Any], active: Callable[[str], bool]) -> bool:
    if "allMatch" in condition:
        return all(_holds(clause, values, active) for clause in condition["allMatch"])
    property_id = condition["property"]
    if "isActive" in condition:
        return active(property_id) is bool(condition["isActive"])
    if not active(property_id):
        return False
    value = values.get(property_id)
    if "equals" in condition:
        return bool(value == condition["equals"])
    if "oneOf" in condition:
        return value in condition["oneOf"]
    raise ModelerError(f"unsupported condition {condition}")


def _check(prop: Mapping[str, Any], value: Any) -> list[str]:
    """The properties panel's checks, in its order (bpmn-js-element-templates' ``validateProperty``).

    An empty value is tested against the pattern too, as the panel does, so an optional field's pattern must
    accept it; a FEEL value of a FEEL-enabled field skips the length and pattern checks.
    """
    name = prop.get("id") or prop["binding"].get("name")
    constraints = prop.get("constraints", {})
    text = value if isinstance(value, str) else ""
    if constraints.get("notEmpty") and (value is None or (isinstance(value, str) and not value.strip())):
        return [f"{name}: must not be empty"]
    if prop.get("feel") and text.startswith("="):
        return []
    problems: list[str] = []
    if "maxLength" in constraints and len(text) > constraints["maxLength"]:
        problems.append(f"{name}: must have at most {constraints['maxLength']} characters")
    if "minLength" in constraints and len(text) < constraints["minLength"]:
        problems.append(f"{name}: must have at least {constraints['minLength']} characters")
    pattern = constraints.get("pattern")
    if pattern is not None:
        # The schema's patterns are JavaScript; the subset used here reads the same in Python.
        source = pattern if isinstance(pattern, str) else pattern["value"]
        if re.search(source, text) is None:
            message = pattern.get("message") if isinstance(pattern, Mapping) else None
            problems.append(f"{name}: {message or 'must match ' + source}")
    return problems


def _nest(target: dict[str, Any], dotted: str, value: Any) -> None:
    head, _, rest = dotted.partition(".")
    if not rest:
        target[head] = value
        return
    inner = target.setdefault(head, {})
    if not isinstance(inner, dict):
        raise ModelerError(f"input {dotted!r} nests under {head!r}, which already holds a value")
    _nest(inner, rest, value)


def _mapped_value(target: str, source: Any, evaluate_feel: Callable[[str], Any] | None) -> Any:
    if isinstance(source, str) and source.startswith("="):
        if evaluate_feel is None:
            raise ModelerError(f"{target}: FEEL value {source!r} needs evaluate_feel")
        return evaluate_feel(source[1:])
    if source in ("", None):
        return None  # an input mapping without a source evaluates to null
    return source


def job_variables(
    inputs: Iterable[tuple[str, str | None]], *, evaluate_feel: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    """The job variables Zeebe builds from a task's ``zeebe:input`` mappings, given as ``(target, source)``.

    Use it on the mappings of an exported BPMN file: text is a string, ``=...`` is FEEL (``evaluate_feel``
    receives it without the ``=``), a mapping without a source is null, dotted targets nest.

    >>> job_variables([("authentication.type", "bearer"), ("itemId", "=41 + 1")], evaluate_feel=eval)
    {'authentication': {'type': 'bearer'}, 'itemId': 42}
    """
    variables: dict[str, Any] = {}
    for target, source in inputs:
        _nest(variables, target, _mapped_value(target, source, evaluate_feel))
    return variables


def model_task(
    template: Mapping[str, Any],
    *,
    preset: str | None = None,
    values: Mapping[str, Any] | None = None,
    evaluate_feel: Callable[[str], Any] | None = None,
) -> ModeledTask:
    """Apply ``template`` to a task, choose ``preset``, enter ``values`` (by property id), and activate the job.

    ``evaluate_feel`` receives a FEEL expression without its leading ``=`` and returns its value; without it, a
    FEEL value is a :class:`ModelerError`.

    >>> template = {"properties": [
    ...     {"id": "kind", "type": "Dropdown", "choices": [{"name": "A", "value": "a"}, {"name": "B", "value": "b"}],
    ...      "binding": {"type": "zeebe:input", "name": "kind"}},
    ...     {"id": "b.name", "type": "String", "optional": True, "condition": {"property": "kind", "equals": "b"},
    ...      "binding": {"type": "zeebe:input", "name": "b.name"}}]}
    >>> model_task(template, values={"kind": "b", "b.name": "x"}).variables
    {'kind': 'b', 'b': {'name': 'x'}}
    """
    properties = list(template.get("properties", []))
    by_id = {prop["id"]: prop for prop in properties if "id" in prop}
    current: dict[str, Any] = {key: _initial_value(prop) for key, prop in by_id.items()}
    if preset is not None:
        chosen = next((p for p in template.get("presets", []) if p["id"] == preset), None)
        if chosen is None:
            raise ModelerError(f"the template has no preset {preset!r}")
        current.update(chosen["properties"])
    for key, value in (values or {}).items():
        if key not in by_id:
            raise ModelerError(f"the template has no property with id {key!r}")
        if by_id[key].get("type") == "Hidden":
            raise ModelerError(f"property {key!r} is hidden: a modeler cannot change it")
        current[key] = value

    def active_by_id(property_id: str, seen: frozenset[str] = frozenset()) -> bool:
        if property_id not in by_id:
            raise ModelerError(f"a condition names the unknown property {property_id!r}")
        if property_id in seen:
            raise ModelerError(f"conditions loop through {property_id!r}")
        return is_active(by_id[property_id], seen | {property_id})

    def is_active(prop: Mapping[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        condition = prop.get("condition")
        return condition is None or _holds(condition, current, lambda pid: active_by_id(pid, seen))

    task = ModeledTask(variables={}, headers={}, task_definition={}, extension_properties={})
    problems: list[str] = []
    for prop in properties:
        if not is_active(prop):
            continue
        value = current[prop["id"]] if "id" in prop else prop.get("value", "")
        problems.extend(_check(prop, value))
        binding = prop["binding"]
        kind = binding["type"]
        if kind == "zeebe:input":
            if value in ("", None) and prop.get("optional"):
                continue  # an optional property leaves no mapping at all when it is empty
            _nest(task.variables, binding["name"], _mapped_value(binding["name"], value, evaluate_feel))
        elif kind == "zeebe:taskHeader":
            if value not in ("", None):  # the Modeler drops a header whose value is empty
                task.headers[binding["key"]] = str(value)
        elif kind == "zeebe:taskDefinition":
            task.task_definition[binding["property"]] = str(value)
        elif kind == "zeebe:property":
            task.extension_properties[binding["name"]] = str(value)
        else:
            raise ModelerError(f"unsupported binding type {kind!r}")
    if problems:
        raise ModelerError("; ".join(problems))
    return task
