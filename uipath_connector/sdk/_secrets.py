"""Secret providers and the replacement of ``{{secrets.NAME}}`` / ``secrets.NAME`` in job variables.

Camunda's runtime replaces secrets in the *serialized* variables JSON, once per job, before binding, with two
patterns tried braced-first (reference/camunda-connector.md §4.3):

* braced ``{{secrets.NAME}}``, spaces allowed inside the braces, the name trimmed;
* bare ``secrets.NAME`` where NAME is alphanumeric runs joined by ``/ . _ -``.

Values are inserted JSON-string-escaped, so a secret holding quotes, backslashes or newlines keeps the JSON valid.
One deliberate difference: Camunda's bare pattern has no left word boundary, so it would replace inside
``mysecrets.x``; here a bare placeholder counts only when ``secrets`` starts a word.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import attrs

__all__ = [
    "EnvironmentSecretProvider",
    "MapSecretProvider",
    "SecretProvider",
    "SecretReplacement",
    "mask_secrets",
    "replace_secrets",
]

MASK = "***"

# The braced form (Camunda's SecretUtil): `\{\{\s*secrets\.(?<secret>\S+?\s*)}}`.
_BRACED = r"\{\{\s*secrets\.(?P<braced>\S+?)\s*\}\}"
# The bare form, with a left word boundary added (the documented difference from Camunda's pattern).
_BARE = r"(?<![A-Za-z0-9_])secrets\.(?P<bare>(?:[A-Za-z0-9]+[/._-])*[A-Za-z0-9]+)"
# One alternation keeps "braced first": at any position the braced form is tried before the bare one, and a
# matched braced placeholder is consumed whole, so its inner `secrets.NAME` is never matched a second time.
_PLACEHOLDER = re.compile(f"{_BRACED}|{_BARE}")


@runtime_checkable
class SecretProvider(Protocol):
    """Looks a secret up by name; ``None`` when there is no such secret."""

    def get_secret(self, name: str) -> str | None:
        """The secret's value, or ``None``."""
        ...


class EnvironmentSecretProvider:
    """Secrets from environment variables, as Camunda's self-managed runtime reads them.

    ``{{secrets.UIPATH_TOKEN}}`` is the environment variable ``UIPATH_TOKEN`` (after an optional ``prefix``).

    >>> EnvironmentSecretProvider(environ={"UIPATH_TOKEN": "t"}).get_secret("UIPATH_TOKEN")
    't'
    """

    def __init__(self, prefix: str = "", *, environ: Mapping[str, str] | None = None):
        self._prefix = prefix
        self._environ = environ if environ is not None else os.environ

    def get_secret(self, name: str) -> str | None:
        return self._environ.get(self._prefix + name)

    def __repr__(self) -> str:
        return f"EnvironmentSecretProvider(prefix={self._prefix!r})"


class MapSecretProvider:
    """Secrets from a mapping; the Python twin of Java's ``MapSecretProvider``. Its ``repr`` shows names only.

    >>> MapSecretProvider({"TOKEN": "t"}).get_secret("TOKEN")
    't'
    """

    def __init__(self, secrets: Mapping[str, str] | None = None):
        self._secrets = dict(secrets or {})

    def get_secret(self, name: str) -> str | None:
        return self._secrets.get(name)

    def __repr__(self) -> str:
        return f"MapSecretProvider(names={sorted(self._secrets)!r})"


@attrs.frozen
class SecretReplacement:
    """The variables text with secrets in place, which secrets it used, and which were missing."""

    text: str
    used: Mapping[str, str] = attrs.field(repr=lambda used: repr(sorted(used)))
    missing: tuple[str, ...] = ()


def replace_secrets(text: str, provider: SecretProvider) -> SecretReplacement:
    """Replace every secret placeholder in a JSON text, escaping each value for a JSON string.

    >>> replace_secrets('{"t": "{{secrets.T}}"}', MapSecretProvider({"T": 'a"b'})).text
    '{"t": "a\\\\"b"}'
    """
    if "secrets." not in text:  # the common case costs one scan
        return SecretReplacement(text, {})
    used: dict[str, str] = {}
    missing: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("bare")
        if name in used:
            value: str | None = used[name]
        else:
            value = provider.get_secret(name)
        if value is None:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        used[name] = value
        return json.dumps(value, ensure_ascii=False)[1:-1]

    replaced = _PLACEHOLDER.sub(substitute, text)
    return SecretReplacement(replaced, used, tuple(missing))


def placeholders_in(text: str) -> list[str]:
    """The placeholder texts (e.g. ``{{secrets.A}}``) found in ``text``, in order."""
    return [match.group(0) for match in _PLACEHOLDER.finditer(text)]


def secret_name_of(placeholder: str) -> str | None:
    """The name inside one placeholder text, or ``None`` when it is not a placeholder."""
    match = _PLACEHOLDER.fullmatch(placeholder)
    return None if match is None else (match.group("braced") or match.group("bare"))


def mask_secrets(text: str, secret_values: object) -> str:
    """Replace every occurrence of the given secret values in ``text`` with ``***``, longest first.

    ``secret_values`` is any iterable of strings (a mapping's values, a set); blank values are ignored since
    masking them would garble the text without protecting anything.

    >>> mask_secrets("token abc rejected", ["abc"])
    'token *** rejected'
    """
    values = sorted(
        {value for value in _strings(secret_values) if value.strip()},
        key=len,
        reverse=True,
    )
    for value in values:
        text = text.replace(value, MASK)
        escaped = json.dumps(value, ensure_ascii=False)[1:-1]
        if escaped != value:  # the value as it appears inside serialized JSON
            text = text.replace(escaped, MASK)
    return text


def _strings(values: object) -> list[str]:
    if isinstance(values, Mapping):
        values = values.values()
    if isinstance(values, str):
        return [values]
    try:
        return [value for value in values if isinstance(value, str)]  # type: ignore[attr-defined]
    except TypeError:
        return []
