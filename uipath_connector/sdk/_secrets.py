"""Secret providers and the replacement of ``{{secrets.NAME}}`` / ``secrets.NAME`` in job variables.

Camunda's runtime replaces secrets in the *serialized* variables JSON, once per job, before binding, with two
patterns tried braced-first (Camunda's connector secrets):

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
from collections.abc import Iterator, Mapping
from typing import Protocol, runtime_checkable

import attrs

__all__ = [
    "EnvironmentSecretProvider",
    "MapSecretProvider",
    "SecretProvider",
    "SecretReplacement",
    "replace_secrets",
]

# Camunda's SecretUtil patterns, tried braced first:
#   braced `\{\{\s*secrets\.(?<secret>\S+?\s*)}}`, the name trimmed;
#   bare   `secrets\.(?<secret>([a-zA-Z0-9]+[\/._-])*[a-zA-Z0-9]+)`.
# Both placeholders hinge on the literal "secrets.", so the scan jumps from one occurrence to the next with
# str.find and tries the two forms there, instead of trying a regex alternation at every character (which cost
# about half of a whole bind). Java's `\s` is ASCII white space only: a no-break space belongs to the name.
_ANCHOR = "secrets."
_JAVA_SPACE = " \t\n\x0b\f\r"
_BRACED_TAIL = re.compile(r"([^ \t\n\x0b\f\r]+?)[ \t\n\x0b\f\r]*\}\}")
_BARE_NAME = re.compile(r"(?:[A-Za-z0-9]+[/._-])*[A-Za-z0-9]+")
_JSON_ESCAPE_LETTERS = frozenset("bfnrt")


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
    pieces: list[str] = []
    copied = 0
    for start, end, name in _placeholders(text):
        value = used[name] if name in used else provider.get_secret(name)
        if value is None:
            if name not in missing:
                missing.append(name)
            continue
        used[name] = value
        pieces += (text[copied:start], json.dumps(value, ensure_ascii=False)[1:-1])
        copied = end
    pieces.append(text[copied:])
    return SecretReplacement("".join(pieces), used, tuple(missing))


def secret_names_in(text: str) -> list[str]:
    """The names of the secrets a JSON text refers to, in order (repeats included)."""
    return [name for _, _, name in _placeholders(text)]


def _placeholders(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, name)`` of each placeholder in a JSON text, left to right, the braced form first."""
    position = 0
    while (anchor := text.find(_ANCHOR, position)) >= 0:
        after = anchor + len(_ANCHOR)
        opening = anchor
        while opening > position and text[opening - 1] in _JAVA_SPACE:
            opening -= 1
        if opening - 2 >= position and text.startswith("{{", opening - 2):
            braced = _BRACED_TAIL.match(text, after)
            if braced is not None:
                yield opening - 2, braced.end(), braced.group(1)
                position = braced.end()
                continue
        bare = _BARE_NAME.match(text, after) if _starts_a_word(text, anchor) else None
        if bare is not None:
            yield anchor, bare.end(), bare.group()
            position = bare.end()
        else:
            position = after


def _starts_a_word(text: str, anchor: int) -> bool:
    """Whether a bare ``secrets.`` at ``anchor`` starts a word (the deliberate difference from Camunda).

    The text is serialized JSON, so in ``\\\\nsecrets.X`` the ``n`` belongs to an escaped newline, which ends the
    word before it; an ``n`` after an escaped backslash (``\\\\\\\\nsecrets.X``) is a letter of the word.
    """
    if anchor == 0:
        return True
    before = text[anchor - 1]
    if not (before.isalnum() or before == "_"):  # what a regex `\w` is
        return True
    if before not in _JSON_ESCAPE_LETTERS:
        return False
    position = anchor - 2
    while position >= 0 and text[position] == "\\":
        position -= 1
    return (anchor - 2 - position) % 2 == 1  # an odd run of backslashes escapes the letter
