"""Masking secret values in everything a job sends back: messages, variable strings and variable keys.

Camunda masks the failure message and, recursively, the strings and map keys of the error variables, but never the
error code, because boundary events match on it (Camunda's connector secrets). This runtime masks the same
way in *every* outcome, successful ones included (this project's promise: secrets never reach job variables).

A plain ``str.replace`` is not enough: replacing one secret can form another occurrence (secret ``x*`` in
``xx**`` leaves ``x****``), so replacement repeats until no secret is left. Each round removes at least one
non-``*`` character, so it ends; a secret made only of ``*`` cannot be hidden behind ``***`` and is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..sdk import mask_secrets

__all__ = ["SecretMask"]


class SecretMask:
    """Masks a fixed set of secret values; a mask with no values returns its input unchanged (and fast).

    >>> SecretMask(["s3cr3t"]).value({"token s3cr3t": ["s3cr3t!"]})
    {'token ***': ['***!']}
    """

    __slots__ = ("_values",)

    def __init__(self, secret_values: Iterable[str] = ()):
        forms: set[str] = set()
        for value in secret_values:
            if not value.strip() or not value.strip("*"):
                continue
            forms.add(value)
            # The value as it appears inside serialized JSON, e.g. in a message that quotes a JSON body.
            forms.add(json.dumps(value, ensure_ascii=False)[1:-1])
        self._values = tuple(sorted(forms, key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self._values)

    def __repr__(self) -> str:
        return f"SecretMask(<{len(self._values)} forms>)"

    def text(self, text: str) -> str:
        """``text`` with every secret value replaced by ``***``, repeatedly, until none is left."""
        if not self._values:
            return text
        while any(value in text for value in self._values):
            text = mask_secrets(text, self._values)
        return text

    def value(self, value: object) -> object:
        """A JSON-like value with every string and every mapping key masked (lists and tuples become lists)."""
        if not self._values:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        return value

    def variables(self, variables: dict[str, object]) -> dict[str, object]:
        """A variables mapping, masked (see :meth:`value`)."""
        if not self._values:
            return variables
        return {self.text(key): self.value(item) for key, item in variables.items()}
