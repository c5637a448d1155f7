"""Secret replacement: Camunda's two placeholder forms, JSON escaping, missing secrets, look-alikes."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uipath_connector.sdk import (
    ConnectorInputError,
    EnvironmentSecretProvider,
    MapSecretProvider,
    OutboundConnectorContext,
    mask_secrets,
    replace_secrets,
)
from uipath_connector.sdk._secrets import replace_secrets_in_variables, secret_names_in

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
        ('"{{\tsecrets.A\n}}"', '"alpha"'),  # Java's \\s: any ASCII white space around the name
        ('"secrets./A secrets.-A secrets..A"', '"secrets./A secrets.-A secrets..A"'),  # no name starts with / - .
        ('"foo.secrets.A my-secrets.B"', '"foo.alpha my-beta"'),  # punctuation is a word boundary
        ('"line\\nsecrets.A\\tsecrets.B"', '"line\\nalpha\\tbeta"'),  # a JSON escape ends the word before it
        ('"\\\\nsecrets.A"', '"\\\\nsecrets.A"'),  # an escaped backslash, then the word "nsecrets"
        ('"\\\\\\nsecrets.A"', '"\\\\\\nalpha"'),  # an escaped backslash, then a newline
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
        '"\u00e9secrets.TOKEN"',  # a word in any script, not just ASCII
    ],
)
def test_text_that_merely_looks_similar_is_left_alone(text: str) -> None:
    result = replace_secrets(text, SECRETS)
    assert result.text == text
    assert result.missing == ()


def test_only_ascii_white_space_surrounds_a_braced_name_as_in_java() -> None:
    # Java's \s is [ \t\n\x0B\f\r]; a no-break space is part of the name there, so the secret is not found.
    result = replace_secrets('"{{secrets.TOKEN\u00a0}}"', SECRETS)
    assert (result.text, result.missing) == ('"{{secrets.TOKEN\u00a0}}"', ("TOKEN\u00a0",))


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
    # A short secret (1-3 characters) is masked only where it stands alone (docs/errors-and-retries.md).
    assert mask_secrets("x1y and 1", {"name": "1"}) == "x1y and ***"


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


# The two patterns as one regex alternation (the previous implementation), used as an oracle for the scanner:
# Camunda's braced and bare patterns, Java's ASCII \s, and the word boundary, where a JSON escape letter before
# `secrets` counts as a boundary when an odd run of backslashes precedes it.
_ORACLE = re.compile(
    r"\{\{[ \t\n\x0b\f\r]*secrets\.(?P<braced>[^ \t\n\x0b\f\r]+?)[ \t\n\x0b\f\r]*\}\}"
    r"|(?:(?<!\w)|(?<=\\[bfnrt]))secrets\.(?P<bare>(?:[A-Za-z0-9]+[/._-])*[A-Za-z0-9]+)"
)


def _oracle_name(match: re.Match[str]) -> str | None:
    text, start = match.string, match.start()
    if match.group("bare") is not None and start >= 2 and text[start - 2] == "\\" and text[start - 1] in "bfnrt":
        run = len(text[: start - 1]) - len(text[: start - 1].rstrip("\\"))
        if run % 2 == 0:
            return None  # an escaped backslash, then a letter of the word
    return match.group("braced") or match.group("bare")


_PIECES = ["{{", "}}", "{", "}", " ", "\t", "\\", "n", "x", "_", "\u00e9", ".", "-", "/", "secrets.", "A", "b"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_PIECES), max_size=24))
def test_the_scanner_finds_what_the_camunda_patterns_find(parts: list[str]) -> None:
    text = "".join(parts)
    names = [name for name in map(_oracle_name, _ORACLE.finditer(text)) if name is not None]
    assert secret_names_in(text) == names
    provider = MapSecretProvider({name: f"<{name}>" for name in names})
    expected = _ORACLE.sub(
        lambda match: (
            json.dumps(f"<{name}>", ensure_ascii=False)[1:-1] if (name := _oracle_name(match)) else match.group(0)
        ),
        text,
    )
    assert replace_secrets(text, provider).text == expected


# -- replacement without the text: the same result as Camunda's text replacement --------------------------------

_fragments = st.sampled_from(
    ["{{", "}}", "{{secrets.", "secrets.", "{{ secrets.", " }}", "}", "{", "A", "a-b", "T", " ", "\n", "\\", '"',
     "n", "_", ".", "é", "x", "\u2028", "\x00", "{{secrets.A}}", "secrets.T", "{{ secrets.a-b }}", "secrets.A}}",
     "{{secrets.MISSING}}", "xsecrets.T", "\\nsecrets.T"]
)  # fmt: skip
_json_text = st.lists(_fragments, max_size=8).map("".join)
# Keys plain (a key with a placeholder goes the text way, tested on its own below).
_keys = st.text("abcdefgh", min_size=1, max_size=3)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _json_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=20,
)
_WALK_SECRETS = MapSecretProvider({"A": 'va"l\\ue\n', "a-b": "{{secrets.A}}", "T": "tok", "A}}": "braced"})


def _by_text(variables: dict[str, object]) -> tuple[object, list[tuple[str, str]], tuple[str, ...], str]:
    result = replace_secrets(json.dumps(variables, ensure_ascii=False), _WALK_SECRETS)
    return json.loads(result.text), list(result.used.items()), result.missing, result.text


@settings(max_examples=400, deadline=None)
@given(variables=st.dictionaries(_keys, _json_values, max_size=5))
def test_replacing_in_the_values_gives_what_replacing_in_the_text_gives(variables: dict[str, object]) -> None:
    walked = replace_secrets_in_variables(variables, _WALK_SECRETS)
    if walked is None:  # something only the text way treats exactly: the context takes it
        return
    copied, replacement = walked
    parsed, used, missing, text = _by_text(variables)
    assert copied == parsed
    assert list(replacement.used.items()) == used
    assert replacement.missing == missing
    if not missing:
        assert json.dumps(copied, ensure_ascii=False) == text  # what variables_json gives


@settings(max_examples=300, deadline=None)
@given(variables=st.dictionaries(_keys | _json_text, _json_values, max_size=5))
def test_a_context_of_a_mapping_resolves_as_a_context_of_its_json_text(variables: dict[str, object]) -> None:
    # A context given JSON text always replaces in the text: the reference for one given the mapping.
    def resolved(context: OutboundConnectorContext) -> object:
        try:
            return context.variables, context.secret_values, context.variables_json
        except ConnectorInputError as error:
            return str(error)

    from_mapping = resolved(OutboundConnectorContext(variables, secret_provider=_WALK_SECRETS))
    from_text = resolved(
        OutboundConnectorContext(json.dumps(variables, ensure_ascii=False), secret_provider=_WALK_SECRETS)
    )
    assert from_mapping == from_text


@pytest.mark.parametrize(
    "variables",
    [
        {"o": {"a": "{{secrets.A"}},  # the text's braced pattern would run past the closing quote to the `}}`
        {"o": {"l": ["{{ secrets.T"]}},
        {"{{secrets.T}}": 1, "tok": 2},  # a key replaced into a duplicate
        {"t": ("secrets.T",)},  # a tuple: a list after JSON
        {1: "secrets.T"},  # a key that is not text
        {"big": 10**700},  # beyond what some interpreters turn into text
        {"deep": json.loads("[" * 150 + "]" * 150)},
    ],
)
def test_what_only_the_text_way_treats_exactly_goes_the_text_way(variables: dict[object, object]) -> None:
    assert replace_secrets_in_variables(variables, _WALK_SECRETS) is None  # type: ignore[arg-type]


def test_the_common_variables_go_the_fast_way_and_keep_their_secret_values() -> None:
    variables = {
        "authentication": {"type": "bearer", "token": "{{secrets.T}}"},
        "queueName": "Invoices",
        "specificContent": {"note": "see secrets.A", "list": [1, 2.5, None, True, "x"]},
    }
    walked = replace_secrets_in_variables(variables, _WALK_SECRETS)
    assert walked is not None
    copied, replacement = walked
    assert copied == {
        "authentication": {"type": "bearer", "token": "tok"},
        "queueName": "Invoices",
        "specificContent": {"note": 'see va"l\\ue\n', "list": [1, 2.5, None, True, "x"]},
    }
    assert list(replacement.used.items()) == [("T", "tok"), ("A", 'va"l\\ue\n')]
    copied["queueName"] = "changed"
    assert variables["queueName"] == "Invoices"  # a copy: the caller's variables are never changed
    assert copied["specificContent"] is not variables["specificContent"]
