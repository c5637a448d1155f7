"""Property: whatever a connector does with a secret, no string of the outcome contains the secret's value.

Exempt are the error code (Camunda never masks it: boundary events match on it), which the connectors below never
build from a secret, and the names the runtime itself writes: the keys of ``{error: {type, message, code,
variables}}`` and the error's class name. A one-letter secret would otherwise "leak" through the word ``message``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from uipath_connector.runtime import Complete, Fail, SecretMask, ThrowError, run_job
from uipath_connector.sdk import ConnectorError, ConnectorRetryError, MapSecretProvider, OutboundConnectorContext
from uipath_connector.sdk._masking import SHORT_SECRET_LENGTH

secrets = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=10).filter(
    lambda value: bool(value.strip() and value.strip("*"))
)
noise = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)


RUNTIME_KEYS = {"error", "type", "message", "code", "variables"}


def strings_in(value: object, *, runtime_level: bool = False) -> Iterator[str]:
    """Every string and key; at ``runtime_level`` the runtime's own keys, the code and the type are skipped."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if runtime_level and key in RUNTIME_KEYS:
                if key in ("code", "type"):
                    continue
                yield from strings_in(item, runtime_level=key == "error")
                continue
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


class Leaky:
    """Puts the secret (from its variables) everywhere it can, then returns or raises."""

    def __init__(self, how: str, before: str, after: str):
        self.how = how
        self.before = before
        self.after = after

    def execute(self, context: OutboundConnectorContext) -> object:
        secret = context.variables["token"]
        assert isinstance(secret, str)
        text = f"{self.before}{secret}{self.after}"
        payload = {text: [text, {"nested": text, secret: 1}], "k": secret}
        if self.how == "return":
            return payload
        if self.how == "retry":
            raise ConnectorRetryError("RETRY", text, payload, retries=1)
        if self.how == "plain":
            raise RuntimeError(text)
        raise ConnectorError("CODE", text, payload)


HEADER_SETS = [
    {"resultVariable": "r"},
    {"resultExpression": '={echo: k, joined: k + "|" + k}', "resultVariable": "r"},
    {"errorExpression": '=bpmnError("B", string(response), {all: response})'},
    {"errorExpression": "=jobError(string(response), {all: response}, 1)"},
    {"errorExpression": "=ignoreError({all: response})"},
    {"errorExpression": "=if true then null else null"},
]


@settings(max_examples=150, deadline=None)
@given(
    secret=secrets,
    before=noise,
    after=noise,
    how=st.sampled_from(["return", "connector", "retry", "plain"]),
    headers=st.sampled_from(HEADER_SETS),
)
def test_no_secret_value_leaves_in_any_string_of_the_outcome(
    secret: str, before: str, after: str, how: str, headers: dict[str, str]
) -> None:
    outcome = run_job(
        Leaky(how, before, after),
        variables={"token": "{{secrets.S}}"},
        custom_headers=headers,
        retries=3,
        secret_provider=MapSecretProvider({"S": secret}),
    )
    texts: list[str] = []
    if isinstance(outcome, Fail):
        code = outcome.variables["error"].get("code") if isinstance(outcome.variables.get("error"), dict) else None
        # The code is quoted unmasked in the message too (never masked); the connectors never build it from a secret.
        texts.append(outcome.message.replace(f'"code": {json.dumps(code)}', "") if code else outcome.message)
    if isinstance(outcome, ThrowError):
        texts.append(outcome.message)
    assert isinstance(outcome, (Complete, Fail, ThrowError))
    texts.extend(strings_in(outcome.variables, runtime_level=True))
    leaked = [text for text in texts if shows(secret, text)]
    assert leaked == []


def shows(secret: str, text: str) -> bool:
    """Whether ``text`` shows ``secret`` by the documented rule: short secrets (1-3 characters) count only where
    they stand alone, not inside a word (docs/errors-and-retries.md)."""
    if len(secret) >= SHORT_SECRET_LENGTH:
        return secret in text
    return re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", text) is not None


@given(secret=secrets, text=noise, more=noise)
def test_mask_text_never_leaves_the_secret(secret: str, text: str, more: str) -> None:
    masked = SecretMask([secret]).text(text + secret + more + secret[::-1] + secret)
    assert not shows(secret, masked)
