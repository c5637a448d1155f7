"""The record-driven generator on small records: what each hint becomes, and what it refuses."""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs
import pytest

from uipath_connector.sdk import Choice, Condition, TemplateHints, discriminator, variable
from uipath_connector.templates import (
    Binding,
    ElementTemplate,
    Group,
    ModelerError,
    PropertyCondition,
    Selector,
    SelectorChoice,
    TemplateError,
    TemplateProperty,
    job_variables,
    model_task,
    record_properties,
    render_template,
    template_pattern,
)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@discriminator("type", "key")
@attrs.frozen(kw_only=True)
class KeyAuth:
    key: str = variable(
        "key", secret=True, not_empty=True, label="Key", placeholder="{{secrets.KEY}}", group="auth", feel="optional"
    )


@discriminator("type", "none")
@attrs.frozen(kw_only=True)
class NoAuth:
    pass


AUTH = TemplateHints(
    label="Auth", group="auth", property_id="authType", choices=(Choice("key", "API key"), Choice("none", "None"))
)


@attrs.frozen(kw_only=True)
class Settings:
    host: str = variable("host", default="example.com", not_empty=True, label="Host", group="config")
    timeout: int = variable(
        "timeout", default=20, pattern=r"^(=.*|[0-9]+)$", label="Timeout", group="config", optional=True
    )


@discriminator("op", "paint")
@attrs.frozen(kw_only=True)
class Paint:
    auth: KeyAuth | NoAuth = variable("auth", template=AUTH)
    settings: Settings = variable("settings", embedded=True)
    colour: Colour = variable("colour", default=Colour.RED, label="Colour", group="input")
    day: str | None = variable(
        "day", default=None, pattern=r"\d{4}-\d{2}-\d{2}", pattern_message="must be yyyy-MM-dd", label="Day",
        group="input", optional=True, condition=Condition("op", ("paint",)),
    )  # fmt: skip


@discriminator("op", "wash")
@attrs.frozen(kw_only=True)
class Wash:
    auth: KeyAuth | NoAuth = variable("auth", template=AUTH)
    settings: Settings = variable("settings", embedded=True)
    rounds: int = variable("rounds", label="Rounds", group="input", max_length=3)


OP = TemplateHints(
    label="Operation", group="op", property_id="op", choices=(Choice("paint", "Paint"), Choice("wash", "Wash"))
)


def _by_binding(target: Any = Paint | Wash, **kwargs: Any) -> dict[str, dict[str, Any]]:
    return {p.binding.name: p.to_json() for p in record_properties(target, discriminator=OP, **kwargs)}


def test_the_union_becomes_a_dropdown_and_each_field_a_property_in_order() -> None:
    props = record_properties(Paint | Wash, discriminator=OP)
    assert [p.binding.name for p in props] == [
        "op",
        "auth.type",
        "auth.key",
        "host",
        "timeout",
        "colour",
        "day",
        "rounds",
    ]
    assert props[0].to_json() == {
        "id": "op",
        "label": "Operation",
        "group": "op",
        "type": "Dropdown",
        # No default in the hints: the first choice, so a task applied without a step never sends an empty op.
        "value": "paint",
        "choices": [{"name": "Paint", "value": "paint"}, {"name": "Wash", "value": "wash"}],
        "binding": {"type": "zeebe:input", "name": "op"},
    }


def test_fields_read_by_every_variant_have_no_condition_and_others_get_theirs() -> None:
    props = _by_binding()
    assert "condition" not in props["auth.type"]
    assert "condition" not in props["host"]
    assert props["auth.key"]["condition"] == {"property": "authType", "equals": "key"}
    assert props["colour"]["condition"] == {"property": "op", "equals": "paint"}
    assert props["day"]["condition"] == {"property": "op", "equals": "paint"}
    assert props["rounds"]["condition"] == {"property": "op", "equals": "wash"}


def test_hints_become_type_value_feel_and_constraints() -> None:
    props = _by_binding()
    assert props["auth.key"] == {
        "id": "auth.key",
        "label": "Key",
        "placeholder": "{{secrets.KEY}}",
        "group": "auth",
        "type": "String",
        "feel": "optional",
        "constraints": {"notEmpty": True},
        "binding": {"type": "zeebe:input", "name": "auth.key"},
        "condition": {"property": "authType", "equals": "key"},
    }
    assert props["host"]["value"] == "example.com"
    assert props["host"]["constraints"] == {"notEmpty": True}
    # An enum with a default: a dropdown of its values, the default preselected.
    assert props["colour"]["type"] == "Dropdown"
    assert props["colour"]["value"] == "red"
    assert props["colour"]["choices"] == [{"name": "red", "value": "red"}, {"name": "blue", "value": "blue"}]
    # Optional with constraints needs an explicit notEmpty: false (the schema says so); ^-patterns are kept, with
    # an empty alternative in front, because the properties panel tests the pattern on an empty field too.
    assert props["timeout"]["constraints"] == {
        "notEmpty": False,
        "pattern": {
            "value": r"^(undefined)?$|^(=.*|[0-9]+)$",
            "message": r"Must match ^(undefined)?$|^(=.*|[0-9]+)$",
        },
    }
    assert props["timeout"]["optional"] is True
    # A field without a FEEL mode still accepts `=...`: Zeebe evaluates any input mapping that starts with `=`;
    # an optional field's pattern accepts the empty value (the trailing `?`).
    assert props["day"]["constraints"]["pattern"] == {
        "value": r"^(=.*|\{\{secrets\..+\}\}|(?:\d{4}-\d{2}-\d{2})|undefined)?$",
        "message": "Must be yyyy-MM-dd",
    }
    # A required field without a default must not be left empty; an int typed as text must be a whole number.
    assert props["rounds"]["constraints"] == {
        "notEmpty": True,
        "maxLength": 3,
        "pattern": {"value": r"^(=.*|\{\{secrets\..+\}\}|(?:-?[0-9]+))$", "message": "Must be a whole number"},
    }


def test_template_pattern_allows_secrets_and_feel_and_refuses_python_only_syntax() -> None:
    pattern = template_pattern(r"\d+")
    assert pattern == r"^(=.*|\{\{secrets\..+\}\}|(?:\d+))$"
    for accepted in ("42", "=x + 1", "{{secrets.N}}"):
        assert re.search(pattern, accepted)
    for refused in ("4a", " 42", ""):
        assert not re.search(pattern, refused)
    with pytest.raises(TemplateError, match="Python-only syntax"):
        template_pattern(r"(?P<year>\d{4})")


@pytest.mark.parametrize(
    ("minimum", "pattern", "message", "accepted", "refused"),
    [
        (1, "0*[1-9][0-9]*", "Must be a positive whole number", ["1", "007", "436141352"], ["0", "00", "-1", "1.5"]),
        (0, "[0-9]+", "Must be a whole number", ["0", "20"], ["-1", "x"]),
        (None, "-?[0-9]+", "Must be a whole number", ["-3", "0"], ["+3", "3.0"]),
    ],
)
def test_an_int_typed_as_text_gets_a_whole_number_pattern(
    minimum: int | None, pattern: str, message: str, accepted: list[str], refused: list[str]
) -> None:
    @attrs.frozen(kw_only=True)
    class Counted:
        count: int = variable("count", minimum=minimum, label="Count", group="input", type="String")

    (prop,) = (p.to_json() for p in record_properties(Counted))
    assert prop["constraints"]["pattern"] == {"value": template_pattern(pattern), "message": message}
    for text in [*accepted, "=count + 1", "{{secrets.COUNT}}"]:
        assert re.search(prop["constraints"]["pattern"]["value"], text), text
    for text in refused:
        assert not re.search(prop["constraints"]["pattern"]["value"], text), text


def test_a_condition_hint_that_disagrees_with_the_records_is_refused() -> None:
    @discriminator("op", "wash")
    @attrs.frozen
    class BadWash:
        rounds: int = variable(
            "rounds", label="Rounds", group="input", condition=Condition("op", ("paint",))
        )  # fmt: skip

    with pytest.raises(TemplateError, match=r"^rounds: its condition says op is one of \['paint'\], but the records"):
        record_properties(Paint | BadWash, discriminator=OP)


def test_dropdown_choices_must_be_the_union_variants_in_order() -> None:
    swapped = TemplateHints(label="Operation", group="op", choices=(Choice("wash", "Wash"), Choice("paint", "Paint")))
    with pytest.raises(TemplateError, match=r"^op: the dropdown's choices \['wash', 'paint'\] must be the variants"):
        record_properties(Paint | Wash, discriminator=swapped)


def test_enum_choices_that_drift_from_the_enum_are_refused() -> None:
    @attrs.frozen
    class Drifted:
        colour: Colour = variable(
            "colour", default=Colour.RED, label="Colour", group="input",
            template=TemplateHints(label="Colour", group="input", choices=(Choice("red", "Red"),)),
        )  # fmt: skip

    with pytest.raises(TemplateError, match=r"must be exactly the values \['blue', 'red'\] of Colour"):
        record_properties(Drifted)


@pytest.mark.parametrize(
    ("hints", "message"),
    [
        ({"group": "g"}, "x: a visible property needs a label"),
        ({"label": "X"}, "x: a property needs a group"),
        ({"label": "X", "group": "g", "hidden": True}, "x: a hidden property needs a default"),
        ({"label": "X", "group": "g", "type": "Hidden"}, "x: declare hidden properties with hidden=True"),
    ],
)
def test_incomplete_hints_are_refused(hints: dict[str, Any], message: str) -> None:
    @attrs.frozen
    class Record:
        x: str = variable("x", template=TemplateHints(**hints))

    with pytest.raises(TemplateError, match=f"^{re.escape(message)}"):
        record_properties(Record)


def test_a_secret_without_a_placeholder_hint_is_refused() -> None:
    @attrs.frozen
    class Record:
        token: str = variable("token", secret=True, label="Token", group="auth")

    with pytest.raises(TemplateError, match=r"^token: a secret field must hint at \{\{secrets.NAME\}\}"):
        record_properties(Record)


def test_a_deliberately_hidden_field_sends_its_default() -> None:
    @attrs.frozen
    class Record:
        method: str = variable("method", default="post", hidden=True, group="config")

    (prop,) = record_properties(Record)
    assert prop.to_json() == {
        "id": "method",
        "group": "config",
        "type": "Hidden",
        "value": "post",
        "binding": {"type": "zeebe:input", "name": "method"},
    }
    assert model_task({"properties": [prop.to_json()]}).variables == {"method": "post"}


def test_a_selector_shows_one_alternative_and_makes_it_required() -> None:
    @attrs.frozen
    class Folder:
        folder_id: int | None = variable("folderId", default=None, label="Folder ID", group="c", optional=True)
        folder_path: str | None = variable("folderPath", default=None, label="Folder path", group="c", optional=True)

    selector = Selector(
        id="folderBy",
        label="Folder",
        group="c",
        choices=(SelectorChoice("id", "By ID", ["folderId"]), SelectorChoice("path", "By path", ["folderPath"])),
    )
    props = [p.to_json() for p in record_properties(Folder, selectors=[selector])]
    assert props[0] == {
        "id": "folderBy",
        "label": "Folder",
        "group": "c",
        "type": "Dropdown",
        "value": "id",
        "choices": [{"name": "By ID", "value": "id"}, {"name": "By path", "value": "path"}],
        "binding": {"type": "zeebe:property", "name": "folderBy"},
    }
    # The default choice's field is shown while no other alternative is, not while folderBy equals "id": a task
    # changed from a template without the selector has no folderBy yet when the Modeler evaluates conditions.
    assert props[1]["condition"] == {"property": "folderPath", "isActive": False}
    assert props[1]["constraints"]["notEmpty"] is True
    assert "optional" not in props[1]
    assert props[2]["condition"] == {"property": "folderBy", "equals": "path"}

    template = {"properties": props}
    assert model_task(template, values={"folderId": "7"}).variables == {"folderId": "7"}
    with pytest.raises(ModelerError, match=r"^folderId: must not be empty$"):
        model_task(template)
    # A task without the selector's value (as after "Change template") still shows the default alternative only.
    no_selector = {"properties": [{**props[0], "value": ""}, *props[1:]]}
    assert model_task(no_selector, values={"folderId": "7"}).variables == {"folderId": "7"}
    task = model_task(template, values={"folderBy": "path", "folderPath": "Shared"})
    assert (task.variables, task.extension_properties) == ({"folderPath": "Shared"}, {"folderBy": "path"})

    unknown = Selector(id="s", label="S", group="c", choices=(SelectorChoice("a", "A", ["nope"]),))
    with pytest.raises(TemplateError, match=r"^selector s: the records read no variable nope$"):
        record_properties(Folder, selectors=[unknown])


def test_conditions_combine_into_all_match() -> None:
    condition = PropertyCondition.of("op", "paint").and_(PropertyCondition.of("authType", "key", "none"))
    assert condition.to_json() == {
        "allMatch": [
            {"property": "op", "equals": "paint"},
            {"property": "authType", "oneOf": ["key", "none"]},
        ]
    }
    assert PropertyCondition.of("op", "paint", "wash").and_(PropertyCondition.of("op", "wash")).to_json() == {
        "property": "op",
        "equals": "wash",
    }


def test_rendering_is_deterministic_with_sorted_keywords_and_a_trailing_newline() -> None:
    def build(keywords: tuple[str, ...]) -> ElementTemplate:
        return ElementTemplate(
            id="t",
            name="T",
            version=1,
            description="d",
            keywords=keywords,
            documentation_ref="https://example.com",
            category=("connectors", "Connectors"),
            engines={"camunda": "^8.3"},
            icon="data:image/svg+xml;utf8,x",
            groups=(Group("g", "G"),),
            properties=(TemplateProperty(binding=Binding.task_definition("type"), type="Hidden", value="a:b:1"),),
        )

    text = render_template(build(("b", "a")))
    assert text == render_template(build(("a", "b")))
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    assert '\n  "keywords": [\n    "a",\n    "b"\n  ],\n' in text
    assert list(build(()).to_json())[:4] == ["$schema", "name", "id", "version"]


def test_the_modeler_simulation_nests_dotted_names_and_drops_empty_optional_fields() -> None:
    props = [p.to_json() for p in record_properties(Paint | Wash, discriminator=OP)]
    task = model_task({"properties": props, "presets": []}, values={"op": "paint", "auth.key": "k"})
    assert task.variables == {
        "op": "paint",
        "auth": {"type": "key", "key": "k"},
        "host": "example.com",
        "timeout": "20",
        "colour": "red",
    }


def test_none_active_renders_is_active_false_and_combines_with_other_clauses() -> None:
    hidden_while = PropertyCondition.none_active("folderPath", "folderKey")
    assert hidden_while.to_json() == {
        "allMatch": [{"property": "folderPath", "isActive": False}, {"property": "folderKey", "isActive": False}]
    }
    combined = PropertyCondition.of("op", "a").and_(PropertyCondition.none_active("x")).and_(hidden_while)
    assert combined.to_json() == {
        "allMatch": [
            {"property": "op", "equals": "a"},
            {"property": "x", "isActive": False},
            {"property": "folderPath", "isActive": False},
            {"property": "folderKey", "isActive": False},
        ]
    }
    # The simulation reads isActive as the Modeler does: true when the named property is not shown.
    template = {
        "properties": [
            {"id": "kind", "type": "Dropdown", "value": "a", "choices": [{"name": "A", "value": "a"}],
             "binding": {"type": "zeebe:property", "name": "kind"}},
            {"id": "other", "type": "String", "condition": {"property": "kind", "equals": "b"},
             "binding": {"type": "zeebe:input", "name": "other"}},
            {"id": "fallback", "type": "String", "condition": {"property": "other", "isActive": False},
             "binding": {"type": "zeebe:input", "name": "fallback"}},
        ]
    }  # fmt: skip
    assert model_task(template, values={"fallback": "f"}).variables == {"fallback": "f"}
    assert model_task(template, values={"kind": "b", "other": "o"}).variables == {"other": "o"}


def test_properties_are_written_in_the_order_of_their_groups() -> None:
    template = ElementTemplate(
        id="t",
        name="T",
        version=1,
        description="d",
        keywords=(),
        documentation_ref="https://example.com",
        category=("c", "C"),
        engines={"camunda": "^8.3"},
        icon="data:,",
        groups=(Group("input", "Input"), Group("output", "Output"), Group("errors", "Error handling")),
        properties=(
            TemplateProperty(Binding.task_definition("type"), "Hidden", value="job"),
            TemplateProperty(Binding.input("timeout"), "String", id="timeout", group="errors"),
            TemplateProperty(Binding.input("a"), "String", id="a", group="input"),
            TemplateProperty(Binding.header("resultVariable"), "String", id="result", group="output"),
            TemplateProperty(Binding.input("b"), "String", id="b", group="input"),
        ),
    )
    assert [p.get("id") for p in template.to_json()["properties"]] == [None, "a", "b", "result", "timeout"]


def test_job_variables_from_exported_mappings() -> None:
    mappings = [
        ("authentication.type", "bearer"),
        ("authentication.token", "{{secrets.T}}"),
        ("itemId", "=41 + 1"),
        ("reference", None),
    ]
    assert job_variables(mappings, evaluate_feel=lambda expression: {"41 + 1": 42}[expression]) == {
        "authentication": {"type": "bearer", "token": "{{secrets.T}}"},
        "itemId": 42,
        "reference": None,
    }
    with pytest.raises(ModelerError, match=r"^itemId: FEEL value '=41 \+ 1' needs evaluate_feel$"):
        job_variables(mappings)
    with pytest.raises(ModelerError, match="nests under 'authentication', which already holds a value"):
        job_variables([("authentication", "x"), ("authentication.type", "bearer")])
