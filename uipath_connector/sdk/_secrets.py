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
from typing import Any, Protocol, cast, runtime_checkable

import attrs

__all__ = [
    "EnvironmentSecretProvider",
    "MapSecretProvider",
    "SecretProvider",
    "SecretReplacement",
    "replace_secrets",
    "replace_secrets_in_variables",
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
    replaced = _replace(text, provider, used, missing)
    return SecretReplacement(replaced, used, tuple(missing))


def _replace(text: str, provider: SecretProvider, used: dict[str, str], missing: list[str]) -> str:
    """``text`` (JSON text) with its placeholders replaced; ``used`` and ``missing`` collect the names met."""
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
    return "".join(pieces)


class _NeedsText(Exception):
    """The variables hold something only the replacement in their JSON text treats exactly (see below)."""


#: Containers nested deeper than this go the text way (whose JSON encoder reports too deep a nesting).
_MAX_WALK_DEPTH = 100
#: Integers longer than this (in bits; about 600 digits) go the text way, where Python's limit on converting
#: integers to text (640 digits at the least) decides, as it does for every job.
_MAX_WALK_INT_BITS = 2000


def replace_secrets_in_variables(
    variables: Mapping[str, object], provider: SecretProvider
) -> tuple[dict[str, object], SecretReplacement] | None:
    """The variables with their secrets replaced, and what was replaced; ``None`` when only the text way will do.

    The same result as writing the variables as JSON, :func:`replace_secrets` on the text and parsing it back (as
    Camunda does), without the text: a placeholder lies inside one JSON string, so only the strings that contain
    ``secrets.`` are written, replaced and read back, and everything else is copied as it is. ``None`` (use the
    text) for anything where the two ways could differ or the text way reports an error: values that are not
    plain JSON types (tuples, subclasses, keys that are not text, huge integers), deep nesting, a key with a
    placeholder (a key replaced into a duplicate), and a braced placeholder left open at the end of a string (the
    text's pattern could run on past the string's closing quote). The replacement's ``text`` is empty: the
    variables' JSON text is not written.

    >>> replace_secrets_in_variables({"a": ["x {{secrets.T}}"]}, MapSecretProvider({"T": "t"}))
    ({'a': ['x t']}, SecretReplacement(text='', used=['T'], missing=()))
    """
    if type(variables) is not dict:
        return None
    used: dict[str, str] = {}
    missing: list[str] = []
    try:
        copied = _copy_replacing(variables, 0, provider, used, missing)
    except (_NeedsText, RecursionError):
        return None
    assert type(copied) is dict
    return copied, SecretReplacement("", used, tuple(missing))


def _copy_replacing(value: Any, depth: int, provider: SecretProvider, used: dict[str, str], missing: list[str]) -> Any:
    # In the order json.dumps writes the values, so that secrets are met (and used) in the text's order. Scalars
    # are handled in the loop, without a call each: this runs for every job.
    if depth >= _MAX_WALK_DEPTH:
        raise _NeedsText
    kind = type(value)
    if kind is dict:
        copied: dict[str, object] = {}
        for key, item in value.items():
            if type(key) is not str or _ANCHOR in key:
                raise _NeedsText
            item_kind = type(item)
            if item_kind is str:
                copied[key] = _replace_in_string(item, provider, used, missing) if _ANCHOR in item else item
            elif item_kind in _PLAIN_SCALARS or (item_kind is int and item.bit_length() <= _MAX_WALK_INT_BITS):
                copied[key] = item
            else:
                copied[key] = _copy_replacing(item, depth + 1, provider, used, missing)
        return copied
    if kind is list:
        items: list[object] = []
        for item in value:
            item_kind = type(item)
            if item_kind is str:
                items.append(_replace_in_string(item, provider, used, missing) if _ANCHOR in item else item)
            elif item_kind in _PLAIN_SCALARS or (item_kind is int and item.bit_length() <= _MAX_WALK_INT_BITS):
                items.append(item)
            else:
                items.append(_copy_replacing(item, depth + 1, provider, used, missing))
        return items
    raise _NeedsText  # a tuple, a subclass, a huge integer, anything json.dumps would convert or refuse


_PLAIN_SCALARS = frozenset({bool, float, type(None)})


def _replace_in_string(text: str, provider: SecretProvider, used: dict[str, str], missing: list[str]) -> str:
    encoded = json.dumps(text, ensure_ascii=False)[1:-1]  # as the string appears in the variables' JSON text
    if _open_braced_placeholder(encoded):
        raise _NeedsText
    replaced = _replace(encoded, provider, used, missing)
    return text if replaced == encoded else cast(str, json.loads(f'"{replaced}"'))


def _open_braced_placeholder(encoded: str) -> bool:
    """Whether some ``{{ secrets.`` in a string's JSON text has no closing ``}}`` inside the string.

    Such a pattern is not confined to the string in the whole text: after the closing quote come ``}`` or ``]``
    with no space, and ``{"a": {"b": "{{secrets.x"}}`` would match up to the last braces.
    """
    if "{{" not in encoded:
        return False
    position = 0
    while (anchor := encoded.find(_ANCHOR, position)) >= 0:
        position = anchor + len(_ANCHOR)
        opening = anchor
        while opening > 0 and encoded[opening - 1] in _JAVA_SPACE:
            opening -= 1
        if opening >= 2 and encoded.startswith("{{", opening - 2) and _BRACED_TAIL.match(encoded, position) is None:
            return True
    return False


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
