"""One secret mask for everything that leaves the process, in every form a secret can take on the way out.

A secret reaches a message, a log line, a ``repr`` or a job variable not only as itself. On the way it may be

* JSON-escaped (``a\\"b``, ``\\u00e9``): a message quoting a JSON body;
* percent-encoded in a path, a query or a form (``Prod%20Tenant``, ``Prod+Tenant``, ``%c3%a9`` in either case);
* inside base64: the ``Authorization: Basic base64(id:secret)`` header a token endpoint echoes back, or the
  UTF-16LE base64 of ``X-UIPATH-FolderPath-Encoded``;
* a Python ``repr`` with either quote kind (``'it\\'s'``, ``"it's"``, ``\\n``, ``\\x07``);
* cut off: an error message that shows the first N characters of a value and ends in ``...``.

So the mask is built once from the secret values in play and matches, per character, any of that character's
encodings (raw, JSON, repr, percent in either hex case, ``+`` for a space): one regular expression finds a secret
however its characters were written, mixed forms included. Base64 cannot be matched per character; the base64 of
*any* text containing the secret (``id:secret``) contains one of three fixed strings, one per alignment of the
secret in the 3-byte groups, and those are matched literally. A prefix of at least :data:`MIN_MASKED_PREFIX`
characters that ends the text or stands before an ellipsis is masked too.

Two rules keep masking from garbling text without protecting anything:

* a value that is blank, or made only of ``*``, is not a secret the mask can hide (``***`` would reveal it);
* **short secrets** (1 to :data:`SHORT_SECRET_LENGTH` - 1 characters) are masked only where they stand alone:
  not directly after or before a letter, digit or underscore. The tenant ``QA`` is masked in
  ``/acme/QA/orchestrator_`` and in ``"QA"``, not inside ``QUALITY``; its base64 and prefix forms are not
  masked (two or three characters hide nothing that masking every ``a`` in a message would not destroy).

Replacing one secret can form another occurrence (secret ``x*`` in ``xx**`` leaves ``x****``), so replacement
repeats until nothing matches; each round removes at least one character that is not ``*``, so it ends.

The mask is pure text processing: this module imports no HTTP library (the SDK's rule).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
from collections.abc import Iterable, Mapping

import attrs

__all__ = ["MASK", "MIN_MASKED_PREFIX", "SHORT_SECRET_LENGTH", "SecretMask", "mask_secrets"]

#: What a secret is replaced with.
MASK = "***"
#: Secrets shorter than this are masked only as whole tokens (see the module docstring).
SHORT_SECRET_LENGTH = 4
#: A cut-off secret is masked when at least this many of its first characters end the text or precede ``...``.
MIN_MASKED_PREFIX = 4
# How many ellipses / text ends are examined for cut-off prefixes: bounds the work on hostile text.
_MAX_CUT_POINTS = 32
_ELLIPSES = ("...", "\u2026")


def _case_insensitive_hex(byte: int) -> str:
    pieces = []
    for digit in f"{byte:02X}":
        pieces.append(f"[{digit}{digit.lower()}]" if digit.isalpha() else digit)
    return "%" + "".join(pieces)


def _json_escapes(character: str) -> list[str]:
    """How JSON writes one character: json.dumps' own form, and ``\\uXXXX`` in either hex case."""
    forms = [json.dumps(character, ensure_ascii=False)[1:-1], json.dumps(character)[1:-1]]
    if character == "/":
        forms.append("\\/")  # JSON allows an escaped solidus, and some servers write one
    return forms


def _repr_escapes(character: str) -> list[str]:
    """How Python's ``repr`` writes one character inside either quote kind."""
    if character in "'\"":
        return ["\\" + character]
    return [repr(character)[1:-1]]


def _repr_body(secret: str, quote: str) -> str:
    """The inside of ``repr(secret)`` written with ``quote`` (Python picks the kind; both can occur in text)."""
    return "".join("\\" + c if c == quote else repr(c)[1:-1] if c not in "'\"" else c for c in secret)


@functools.lru_cache(maxsize=4096)
def _character_pattern(character: str) -> str:
    literal: set[str] = {character, *_json_escapes(character), *_repr_escapes(character)}
    alternatives = [re.escape(form) for form in sorted(literal, key=len, reverse=True)]
    hexes = [c for c in literal if c.startswith(("\\u", "\\x"))]
    for form in hexes:  # the same escape with the hex digits in the other case
        alternatives.append(re.escape(form[:2]) + "".join(_either_case(c) for c in form[2:]))
    try:
        encoded = character.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form, hence no percent form
        encoded = b""
    if encoded:
        alternatives.append("".join(_case_insensitive_hex(byte) for byte in encoded))
    if character == " ":
        alternatives.append(r"\+")  # application/x-www-form-urlencoded and quote_plus
    return "(?:" + "|".join(alternatives) + ")"


def _either_case(character: str) -> str:
    if character.isalpha() and character.isascii():
        return f"[{character.upper()}{character.lower()}]"
    return re.escape(character)


def _base64_cores(secret: str) -> list[str]:
    """The fixed base64 text inside the base64 of *any* string containing ``secret``, for each alignment.

    The secret's bytes start at offset 0, 1 or 2 of a 3-byte group; for each, the base64 characters that depend
    only on the secret's bytes are the same whatever surrounds it (standard and URL-safe alphabets).
    """
    cores: set[str] = set()
    for encoding in ("utf-8", "utf-16-le"):
        try:
            data = secret.encode(encoding)
        except UnicodeEncodeError:
            continue
        for offset in range(3):
            encoded = base64.b64encode(b"\0" * offset + data).decode("ascii").rstrip("=")
            total_bits = 8 * (offset + len(data))
            first = -(-8 * offset // 6)  # the first character made only of the secret's bits
            last = (total_bits - 6) // 6  # the last character whose 6 bits are all the secret's
            core = encoded[first : last + 1]
            if len(core) >= SHORT_SECRET_LENGTH:
                cores.add(core)
                cores.add(core.replace("+", "-").replace("/", "_"))
    return sorted(cores, key=len, reverse=True)


def _literal_forms(secret: str) -> list[str]:
    """The usual whole-value encodings of a secret, for finding a cut-off prefix of one."""
    from urllib.parse import quote, quote_plus  # a text function, not an HTTP library

    forms = {
        secret,
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1],
        _repr_body(secret, "'"),
        _repr_body(secret, '"'),
    }
    with contextlib.suppress(UnicodeEncodeError):
        forms |= {quote(secret, safe=""), quote(secret, safe="/'"), quote_plus(secret)}
    forms |= {form.lower() for form in forms if "%" in form}
    return sorted(forms, key=len, reverse=True)


def _usable(value: str) -> bool:
    return bool(value.strip()) and bool(value.strip("*"))


class SecretMask:
    """Masks a fixed set of secret values in every encoded form; a mask with no values returns its input as is.

    >>> mask = SecretMask(["s3cr3t", "Prod Tenant"])
    >>> mask.text("token s3cr3t, path /acme/Prod%20Tenant/, form x=Prod+Tenant")
    'token ***, path /acme/***/, form x=***'
    >>> mask.value({"token s3cr3t": ["s3cr3t!"]})
    {'token ***': ['***!']}
    """

    __slots__ = ("_compiled", "_count")

    def __init__(self, secret_values: Iterable[str] = ()):
        secrets = tuple(sorted({value for value in secret_values if isinstance(value, str) and _usable(value)}))
        self._count = len(secrets)
        # Building the expression costs milliseconds for a long token; a worker sees the same secrets job after
        # job, so the compiled form is shared (and kept for at most _COMPILED_CACHE_SIZE sets of secrets).
        self._compiled = _compile(secrets) if secrets else None

    def __bool__(self) -> bool:
        return self._compiled is not None

    def __repr__(self) -> str:
        return f"SecretMask(<{self._count} secrets>)"

    def text(self, text: str) -> str:
        """``text`` with every secret, in any encoded form and as a cut-off prefix, replaced by ``***``."""
        compiled = self._compiled
        if compiled is None or not text or compiled.quick.isdisjoint(text):
            return text
        while True:
            masked = compiled.pattern.sub(MASK, text)
            masked = _mask_cut_prefixes(masked, compiled.prefix_forms)
            if masked == text:
                return masked
            text = masked

    def value(self, value: object) -> object:
        """A JSON-like value with every string and every mapping key masked (lists and tuples become lists)."""
        if self._compiled is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def variables(self, variables: dict[str, object]) -> dict[str, object]:
        """A variables mapping, masked (see :meth:`value`)."""
        if self._compiled is None:
            return variables
        return {self.text(key): self.value(item) for key, item in variables.items()}


def _mask_cut_prefixes(text: str, prefix_forms: tuple[str, ...]) -> str:
    if not prefix_forms:
        return text
    cuts = [len(text)]
    for ellipsis in _ELLIPSES:
        start = text.find(ellipsis)
        while start >= 0 and len(cuts) < _MAX_CUT_POINTS:
            cuts.append(start)
            start = text.find(ellipsis, start + 1)
    spans: list[tuple[int, int]] = []
    for cut in sorted(set(cuts)):
        prefix_start = _cut_prefix_start(text, cut, prefix_forms)
        if prefix_start is not None:
            spans.append((prefix_start, cut))
    if not spans:
        return text
    pieces: list[str] = []
    copied = 0
    for start, end in spans:
        if start < copied:
            continue
        pieces += (text[copied:start], MASK)
        copied = end
    pieces.append(text[copied:])
    return "".join(pieces)


def _cut_prefix_start(text: str, cut: int, prefix_forms: tuple[str, ...]) -> int | None:
    """Where the longest prefix (>= MIN_MASKED_PREFIX) of a secret form ending at ``cut`` starts, if any."""
    best: int | None = None
    for form in prefix_forms:
        head = form[:MIN_MASKED_PREFIX]
        low = max(0, cut - len(form) + 1)
        start = text.find(head, low, cut)
        while start >= 0:
            if form.startswith(text[start:cut]):
                if best is None or start < best:
                    best = start
                break
            start = text.find(head, start + 1, cut)
    return best


@attrs.frozen
class _Compiled:
    pattern: re.Pattern[str]
    prefix_forms: tuple[str, ...]
    quick: frozenset[str]


_COMPILED_CACHE_SIZE = 64


@functools.lru_cache(maxsize=_COMPILED_CACHE_SIZE)
def _compile(secrets: tuple[str, ...]) -> _Compiled:
    branches: list[tuple[int, str]] = []
    prefix_forms: set[str] = set()
    quick = set("\\%+")
    for secret in secrets:
        body = "".join(_character_pattern(c) for c in secret)
        quick.update(secret)
        if len(secret) < SHORT_SECRET_LENGTH:
            branches.append((len(secret), rf"(?<!\w){body}(?!\w)"))
            continue
        branches.append((len(secret), body))
        for core in _base64_cores(secret):
            branches.append((len(core), re.escape(core)))
            quick.add(core[0])
        prefix_forms.update(form for form in _literal_forms(secret) if len(form) > MIN_MASKED_PREFIX)
    # Longest first, so that a secret containing another is masked whole. Every encoded occurrence contains a raw
    # character of a secret, an escape character or a base64 core's first character: texts with none of those
    # skip the expression.
    branches.sort(key=lambda branch: branch[0], reverse=True)
    return _Compiled(
        re.compile("|".join(pattern for _, pattern in branches)),
        tuple(sorted(prefix_forms, key=len, reverse=True)),
        frozenset(quick),
    )


@functools.lru_cache(maxsize=128)
def _cached_mask(values: frozenset[str]) -> SecretMask:
    return SecretMask(values)


def mask_secrets(text: str, secret_values: object) -> str:
    """``text`` with the given secret values masked in every form (see :class:`SecretMask`).

    ``secret_values`` is any iterable of strings (a mapping's values, a set); blank values are ignored.

    >>> mask_secrets("token abc rejected", ["abc"])
    'token *** rejected'
    """
    values = frozenset(_strings(secret_values))
    if not values:
        return text
    return _cached_mask(values).text(text)


def _strings(values: object) -> list[str]:
    if isinstance(values, Mapping):
        values = values.values()
    if isinstance(values, str):
        return [values]
    try:
        return [value for value in values if isinstance(value, str)]  # type: ignore[attr-defined]
    except TypeError:
        return []
