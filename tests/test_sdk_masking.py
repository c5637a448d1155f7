"""The one secret mask: every form a secret can take on the way out is masked, and nothing else is garbled."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from urllib.parse import quote, quote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uipath_connector.runtime import SecretMask as RuntimeSecretMask
from uipath_connector.sdk import SecretMask, mask_secrets
from uipath_connector.sdk._masking import MIN_MASKED_PREFIX, SHORT_SECRET_LENGTH

SECRET = "Prod Tenant/é'\"\\n&x"


def encodings() -> dict[str, Callable[[str], str]]:
    """Every encoding the connector, requests, urllib3 or Python can apply to a secret on the way out."""
    return {
        "raw": lambda s: s,
        "json": lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        "json ascii": lambda s: json.dumps(s)[1:-1],
        "json ascii upper hex": lambda s: re.sub(
            r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), json.dumps(s)[1:-1]
        ),
        "repr": lambda s: repr(s)[1:-1],
        "repr in double quotes": lambda s: "".join('\\"' if c == '"' else c if c == "'" else repr(c)[1:-1] for c in s),
        "path": lambda s: quote(s),
        "path, nothing safe": lambda s: quote(s, safe=""),
        "path, lower-case hex": lambda s: re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), quote(s, safe="")),
        "query": lambda s: quote(s, safe="'"),
        "form": lambda s: quote_plus(s),
        "form via urlencode": lambda s: urlencode({"client_secret": s}).partition("=")[2],
        "basic id:secret": lambda s: base64.b64encode(f"id:{s}".encode()).decode(),
        "basic x:secret": lambda s: base64.b64encode(f"xy:{s}".encode()).decode(),
        "basic secret:y": lambda s: base64.b64encode(f"{s}:y".encode()).decode(),
        "base64 utf-16": lambda s: base64.b64encode(f"/{s}".encode("utf-16-le")).decode(),
    }


@pytest.mark.parametrize("name", list(encodings()))
def test_every_encoded_form_of_a_secret_is_masked(name: str) -> None:
    encoded = encodings()[name](SECRET)
    masked = SecretMask([SECRET]).text(f"before {encoded} after")
    assert masked.startswith("before ")
    assert masked.endswith(" after")
    assert "***" in masked
    # What is left of the base64 forms is the part that encodes the surrounding text and at most 2 boundary
    # characters; no form leaves a run of the secret's own text behind.
    for form in encodings().values():
        core = form(SECRET)
        assert core not in masked


def test_a_secret_written_in_mixed_forms_is_still_one_secret() -> None:
    mixed = "Prod+Tenant%2F\\u00e9'%22%5Cn%26x"
    assert SecretMask([SECRET]).text(f"GET /a/{mixed}/b") == "GET /a/***/b"


def test_a_cut_off_secret_is_masked_before_an_ellipsis_or_at_the_end() -> None:
    secret = "SNTL-long-" + "x" * 80
    mask = SecretMask([secret])
    assert mask.text(f"itemId: expected an integer, got {secret[:57]!r}"[:-1] + "...'") == (
        "itemId: expected an integer, got '***...'"
    )
    assert mask.text(f"message cut at 6000: {secret[:30]}") == "message cut at 6000: ***"
    assert mask.text(f"cut in repr: {repr(secret)[:20]}…") == "cut in repr: '***…"
    # Fewer than MIN_MASKED_PREFIX characters are not a secret's prefix worth garbling the text for.
    assert mask.text(f"ends in {secret[: MIN_MASKED_PREFIX - 1]}") == f"ends in {secret[: MIN_MASKED_PREFIX - 1]}"
    # A prefix in the middle of a text is not a cut: the mask does not guess.
    assert mask.text("SNTL-long is a word here") == "SNTL-long is a word here"


@pytest.mark.parametrize(
    ("secret", "text", "expected"),
    [
        ("QA", "/acme/QA/orchestrator_", "/acme/***/orchestrator_"),
        ("QA", 'tenant "QA" refused', 'tenant "***" refused'),
        ("QA", "QUALITY and AQAB", "QUALITY and AQAB"),
        ("7", "item 7 of 17", "item *** of 17"),
        ("a", "a message about a thing", "*** message about *** thing"),
        ("x y", "x+y and x%20y", "*** and ***"),
    ],
)
def test_short_secrets_are_masked_only_where_they_stand_alone(secret: str, text: str, expected: str) -> None:
    assert len(secret) < SHORT_SECRET_LENGTH
    assert SecretMask([secret]).text(text) == expected


def test_values_that_cannot_be_hidden_are_ignored_and_the_mask_is_empty() -> None:
    mask = SecretMask(["", "   ", "***", "*"])
    assert not mask
    assert mask.text("*** stays") == "*** stays"
    assert repr(SecretMask(["s3cr3t", "s3cr3t"])) == "SecretMask(<1 secrets>)"


def test_replacement_that_forms_a_new_occurrence_is_masked_again() -> None:
    assert SecretMask(["xxxx*"]).text("xxxxxxxx***") == "*******"


def test_the_runtime_and_the_sdk_use_the_same_mask() -> None:
    assert RuntimeSecretMask is SecretMask
    assert mask_secrets("Basic " + base64.b64encode(b"id:s3cr3t-value").decode(), ["s3cr3t-value"]).startswith(
        "Basic aWQ6***"
    )


def test_variables_mask_keys_and_nested_strings_but_not_numbers() -> None:
    mask = SecretMask(["s3cr3t"])
    assert mask.variables({"k s3cr3t": {"n": [1, "s3cr3t%21"]}, "i": 5}) == {"k ***": {"n": [1, "***%21"]}, "i": 5}


long_secrets = st.text(st.characters(exclude_categories=("Cs",)), min_size=SHORT_SECRET_LENGTH, max_size=24).filter(
    lambda value: bool(value.strip() and value.strip("*"))
)
noise = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(secret=long_secrets, before=noise, after=noise, how=st.sampled_from(sorted(encodings())))
def test_no_encoded_form_survives_the_mask(secret: str, before: str, after: str, how: str) -> None:
    encoded = encodings()[how](secret)
    masked = SecretMask([secret]).text(before + encoded + after)
    if how.startswith(("basic", "base64")):
        # A base64 core is what depends on the secret's bytes alone; its length is what is at stake.
        assert not any(
            len(core) >= SHORT_SECRET_LENGTH and core in masked
            for core in (base64.b64encode(secret.encode()).decode().rstrip("="),)
        )
    else:
        assert encoded not in masked
        assert secret not in masked
