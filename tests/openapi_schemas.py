"""Validate JSON against the schemas of tests/data/orchestrator-queues-openapi.json (origin: tests/data/README.md).

Relaxed as tests/data/README.md explains: the spec has no ``nullable`` yet responses carry
nulls, and its free-form maps are typed ``{"type": "object"}`` although their values are primitives.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent / "data" / "orchestrator-queues-openapi.json"
_URI = "urn:uipath:orchestrator-queues"
# RFC 3339 date-time: the offset is required (offset-less dates fail a strict checker).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def load_spec() -> dict[str, Any]:
    """The spec document, shipped with the tests."""
    return _load()


@cache
def _load() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def _accept_nulls_and_free_maps(schema: object) -> None:
    if not isinstance(schema, dict):
        return
    if schema.get("additionalProperties") == {"type": "object"}:
        schema["additionalProperties"] = {}
    if isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    for child in schema.get("properties", {}).values():
        _accept_nulls_and_free_maps(child)
    for key in ("items", "additionalProperties"):
        _accept_nulls_and_free_maps(schema.get(key))


@cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    lenient = copy.deepcopy(_load())
    for schema in lenient["components"]["schemas"].values():
        _accept_nulls_and_free_maps(schema)
    return Registry().with_resource(_URI, Resource.from_contents(lenient, default_specification=DRAFT4))


def schema_errors(schema_name: str, instance: object) -> list[str]:
    """Messages of every violation of ``components/schemas/<schema_name>`` (empty when valid)."""
    from jsonschema import Draft4Validator, FormatChecker

    load_spec()
    checker = FormatChecker()
    # jsonschema checks date-time only when rfc3339-validator is installed; check it here regardless.
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(_RFC3339.match(value)))
    validator = Draft4Validator(
        {"$ref": f"{_URI}#/components/schemas/{schema_name}"}, registry=_registry(), format_checker=checker
    )
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def declared_success_status(path: str, method: str) -> set[int]:
    """The 2xx statuses the spec declares for ``method path``."""
    operation = load_spec()["paths"][path][method.lower()]
    return {int(code) for code in operation["responses"] if code.startswith("2")}
