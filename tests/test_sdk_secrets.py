"""Secret replacement: Camunda's two placeholder forms, JSON escaping, missing secrets, look-alikes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uipath_connector.sdk import (
    ConnectorInputError,
    EnvironmentSecretProvider,
    MapSecretProvider,
    OutboundConnectorContext,
    mask_secrets,
    replace_secrets,
)

SECRETS = MapSecretProvider({"TOKEN": "t0k3n", "A": "alpha", "B": "beta", "path/name": "slashed", "a.b": "dotted"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"{{secrets.TOKEN}}"', '"t0k3n"'),
        ('"{{ secrets.TOKEN }}"', '"t0k3n"'),  # spaces inside the braces are allowed, the name is trimmed
        ('"secrets.TOKEN"', '"t0k3n"'),
        ('"Bearer {{secrets.TOKEN}}"', '"Bearer t0k3n"'),
        ('"{{secrets.A}}{{secrets.B}}"', '"alphabeta"'),  # neighbours
        ('"secrets.A secrets.B"', '"alpha beta"'),
        ('"{{secrets.A}}-{{secrets.A}}-secrets.A"', '"alpha-alpha-alpha"'),  # repeats
        ('"secrets.path/name"', '"slashed"'),
        ('"secrets.a.b"', '"dotted"'),
        ('"{{secrets.A}}secrets.B"', '"alphabeta"'),  # braced first, then the bare form right after it
    ],
)
def test_both_placeholder_forms_are_replaced(text: str, expected: str) -> None:
    assert replace_secrets(text, SECRETS).text == expected


@pytest.mark.parametrize(
    "text",
    [
        '"mysecrets.TOKEN"',  # Camunda's pattern would replace inside this word; ours needs a word boundary
        '"x_secrets.TOKEN"',
        '"secrets._TOKEN"',  # names may not start with _ / - .
        '"secrets."',
        '"{{secret.TOKEN}}"',
        '"the secrets of TOKEN"',
    ],
)
def test_text_that_merely_looks_similar_is_left_alone(text: str) -> None:
    result = replace_secrets(text, SECRETS)
    assert result.text == text
    assert result.missing == ()


@pytest.mark.parametrize(
    ("value", "expected_json_fragment"),
    [
        ('quo"te', 'quo\\"te'),
        ("back\\slash", "back\\\\slash"),
        ("new\nline", "new\\nline"),
        ("tab\tand\u0001control", "tab\\tand\\u0001control"),
        ("ünïcødé", "ünïcødé"),
    ],
)
def test_values_are_json_escaped_so_the_variables_stay_valid(value: str, expected_json_fragment: str) -> None:
    provider = MapSecretProvider({"S": value})
    result = replace_secrets('{"v": "{{secrets.S}}"}', provider)
    assert result.text == '{"v": "' + expected_json_fragment + '"}'
    assert json.loads(result.text) == {"v": value}


def test_missing_secrets_are_reported_by_name_without_any_value() -> None:
    result = replace_secrets('{"a": "{{secrets.A}}", "b": "secrets.NOPE", "c": "{{secrets.NOPE}}"}', SECRETS)
    assert result.missing == ("NOPE",)
    assert dict(result.used) == {"A": "alpha"}


def test_a_missing_secret_is_an_input_error_naming_the_secret_and_the_variable() -> None:
    context = OutboundConnectorContext(
        {"authentication": {"token": "{{secrets.MISSING}}", "other": "{{secrets.TOKEN}}"}},
        secret_provider=SECRETS,
    )
    with pytest.raises(ConnectorInputError) as caught:
        _ = context.variables
    assert str(caught.value) == "Invalid input: authentication.token: Secret with name 'MISSING' is not available"
    assert "t0k3n" not in str(caught.value) + repr(caught.value)


def test_secret_result_repr_shows_names_not_values() -> None:
    result = replace_secrets('"{{secrets.TOKEN}}"', SECRETS)
    assert "t0k3n" not in repr(result).replace(result.text, "")
    assert "TOKEN" in repr(result)
    assert "t0k3n" not in repr(SECRETS)


def test_environment_provider_reads_variables_with_an_optional_prefix() -> None:
    provider = EnvironmentSecretProvider("SECRET_", environ={"SECRET_TOKEN": "from-env", "TOKEN": "unprefixed"})
    assert provider.get_secret("TOKEN") == "from-env"
    assert provider.get_secret("OTHER") is None
    assert EnvironmentSecretProvider(environ={"TOKEN": "plain"}).get_secret("TOKEN") == "plain"


def test_environment_provider_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UIPATH_CONNECTOR_TEST_SECRET", "from-os")
    assert EnvironmentSecretProvider().get_secret("UIPATH_CONNECTOR_TEST_SECRET") == "from-os"


def test_mask_secrets_masks_raw_and_json_escaped_values_longest_first() -> None:
    assert mask_secrets('token "abc" and abcdef', ["abc", "abcdef"]) == 'token "***" and ***'
    assert mask_secrets('{"v": "a\\"b"}', ['a"b']) == '{"v": "***"}'
    assert mask_secrets("nothing blank", ["", "  "]) == "nothing blank"
    assert mask_secrets("x1y", {"name": "1"}) == "x***y"


_names = st.from_regex(r"[A-Za-z0-9]{1,8}([/._-][A-Za-z0-9]{1,4}){0,2}", fullmatch=True)
_values = st.text(max_size=20)


@given(
    secrets=st.dictionaries(_names, _values, min_size=1, max_size=4),
    words=st.lists(st.text(max_size=8), max_size=4),
    data=st.data(),
)
def test_replacement_keeps_json_valid_and_leaves_no_known_placeholder(
    secrets: dict[str, str], words: list[str], data: st.DataObject
) -> None:
    provider = MapSecretProvider(secrets)
    names = list(secrets)
    pieces: list[str] = []
    for word in words:
        name = data.draw(st.sampled_from(names))
        form = data.draw(st.sampled_from(["{{secrets.%s}}", "{{ secrets.%s }}", "secrets.%s"]))
        pieces.extend([word, " ", form % name, " "])
    document = {"text": "".join(pieces), "nested": {"list": pieces}}
    result = replace_secrets(json.dumps(document), provider)
    replaced = json.loads(result.text)  # never invalid JSON, whatever the values contain
    assert result.missing == ()
    assert isinstance(replaced, dict)
    for name in names:
        for leftover in (f"{{{{secrets.{name}}}}}", f"{{{{ secrets.{name} }}}}"):
            if leftover in replaced["text"]:
                # only possible when a secret's *value* itself contains the placeholder text
                assert any(leftover in value for value in secrets.values())
