"""Build an emulator from a configuration file (TOML or JSON), for ``uipath-connector emulator --config``.

The format (every section optional; ``docs/testing.md`` shows a full example)::

    [emulator]                       # max_items, max_page_size, token_lifetime_seconds, demo (seed DEMO too)
    [[tenants]]   org, tenant        # the first one is the default for the sections below
    [[folders]]   path, id, key, org, tenant
    [[queues]]    name, folder (path or id), unique_references, max_retries, accept_automatically_retry, id
    [[robots]]    name, key, machine_name, username
    [[clients]]   id, secret, scopes, folders, robot
    [[tokens]]    token, scopes, folders, expires_in
    [[items]]     queue, folder, reference, priority, specific_content, defer_date, due_date
    [[webhooks]]  url, secret, events, enabled

A mistake raises :class:`EmulatorConfigError` naming its place (``queues[1].folder: no folder 'Finance'``).
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ._emulator import OrchestratorEmulator
from ._errors import EmulatorError
from ._model import Folder, Robot, parse_item_data

#: A configuration file larger than this is refused (it is hand-written; seed items are few).
MAX_CONFIG_BYTES = 16 * 1024 * 1024

_SECTIONS = frozenset({"emulator", "tenants", "folders", "queues", "robots", "clients", "tokens", "items", "webhooks"})
_KEYS: Mapping[str, frozenset[str]] = {
    "emulator": frozenset({"max_items", "max_page_size", "token_lifetime_seconds", "demo"}),
    "tenants": frozenset({"org", "tenant"}),
    "folders": frozenset({"path", "id", "key", "org", "tenant"}),
    "queues": frozenset(
        {"name", "folder", "unique_references", "max_retries", "accept_automatically_retry", "id", "description"}
    ),
    "robots": frozenset({"name", "key", "machine_name", "username"}),
    "clients": frozenset({"id", "secret", "scopes", "folders", "robot"}),
    "tokens": frozenset({"token", "scopes", "folders", "expires_in"}),
    "items": frozenset({"queue", "folder", "reference", "priority", "specific_content", "defer_date", "due_date"}),
    "webhooks": frozenset({"url", "secret", "events", "enabled"}),
}


class EmulatorConfigError(ValueError):
    """A configuration mistake; the message starts with its place, e.g. ``queues[0].name: ...``."""


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a ``.toml`` or ``.json`` file into a mapping (TOML needs Python 3.11's ``tomllib``)."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise EmulatorConfigError(f"{file}: cannot read the file ({exc.strerror})") from None
    if size > MAX_CONFIG_BYTES:
        raise EmulatorConfigError(f"{file}: larger than {MAX_CONFIG_BYTES} bytes")
    text = file.read_text(encoding="utf-8")
    try:
        if file.suffix.lower() == ".json":
            loaded = json.loads(text)
        elif file.suffix.lower() == ".toml":
            try:
                toml = importlib.import_module("tomllib")
            except ImportError:  # Python 3.10
                raise EmulatorConfigError(f"{file}: TOML needs Python 3.11 or later; use a .json file") from None
            loaded = toml.loads(text)
        else:
            raise EmulatorConfigError(f"{file}: the configuration is a .toml or .json file")
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, EmulatorConfigError):
            raise
        raise EmulatorConfigError(f"{file}: not valid {file.suffix[1:].upper()}: {exc}") from None
    if not isinstance(loaded, dict):
        raise EmulatorConfigError(f"{file}: the top level is a table (an object)")
    return loaded


def build_emulator(config: Mapping[str, Any], **overrides: Any) -> OrchestratorEmulator:
    """An emulator with everything ``config`` declares: ``build_emulator(load_config("emulator.toml"))``.

    ``overrides`` (``max_items``, ``max_page_size``, ``clock``, ...) win over the ``[emulator]`` table.
    """
    unknown = sorted(set(config) - _SECTIONS)
    if unknown:
        raise EmulatorConfigError(f"{unknown[0]}: unknown section (known: {', '.join(sorted(_SECTIONS))})")
    settings = _table(config.get("emulator", {}), "emulator")
    tenants = _rows(config, "tenants")
    demo = _optional(settings, "demo", bool, "emulator", False)
    options: dict[str, Any] = {}
    for name in ("max_items", "max_page_size", "token_lifetime_seconds"):
        value = _optional(settings, name, int, "emulator", None)
        if value is not None:
            options[name] = value
    options.update(overrides)
    first = tenants[0] if tenants else None
    org = _required(first, "org", str, "tenants[0]") if first is not None else None
    tenant = _required(first, "tenant", str, "tenants[0]") if first is not None else None
    try:
        if demo:
            emulator = OrchestratorEmulator.demo(**options)
        elif org is not None and tenant is not None:
            emulator = OrchestratorEmulator(org, tenant, **options)
        else:
            emulator = OrchestratorEmulator(**options)
    except (TypeError, ValueError) as exc:
        raise EmulatorConfigError(f"emulator: {exc}") from None
    if demo and org is not None and tenant is not None:
        emulator.add_tenant(org, tenant)
        emulator.org, emulator.tenant = org, tenant
    _Builder(emulator).build(config, tenants)
    return emulator


class _Builder:
    def __init__(self, emulator: OrchestratorEmulator) -> None:
        self.emulator = emulator
        self.robots: dict[str, Robot] = {r.name.lower(): r for r in emulator.robots()}

    def build(self, config: Mapping[str, Any], tenants: list[Mapping[str, Any]]) -> None:
        for index, row in enumerate(tenants):
            where = f"tenants[{index}]"
            self._guard(where, functools.partial(self._tenant, row, where))
        steps: list[tuple[str, Callable[[Mapping[str, Any], str], object]]] = [
            ("folders", self._folder),
            ("queues", self._queue),
            ("robots", self._robot),
            ("clients", self._client),
            ("tokens", self._token),
            ("items", self._item),
            ("webhooks", self._webhook),
        ]
        for section, step in steps:
            for index, row in enumerate(_rows(config, section)):
                where = f"{section}[{index}]"
                self._guard(where, functools.partial(step, row, where))

    @staticmethod
    def _guard(where: str, action: Callable[[], object]) -> None:
        try:
            action()
        except EmulatorConfigError:
            raise
        except EmulatorError as exc:
            raise EmulatorConfigError(f"{where}: {exc.message}") from None
        except (KeyError, TypeError, ValueError) as exc:
            message = exc.args[0] if exc.args else str(exc)
            raise EmulatorConfigError(f"{where}: {message}") from None

    def _tenant(self, row: Mapping[str, Any], where: str) -> None:
        self.emulator.add_tenant(_required(row, "org", str, where), _required(row, "tenant", str, where))

    def _folder(self, row: Mapping[str, Any], where: str) -> Folder:
        return self.emulator.add_folder(
            _required(row, "path", str, where),
            folder_id=_optional(row, "id", int, where, None),
            key=_optional(row, "key", str, where, None),
            org=_optional(row, "org", str, where, None),
            tenant=_optional(row, "tenant", str, where, None),
        )

    def _find_folder(self, value: object, where: str) -> Folder | None:
        if value is None:
            return None
        for folder in self.emulator.folders():
            if folder.id == value or (isinstance(value, str) and folder.path.lower() == value.strip("/").lower()):
                return folder
        raise EmulatorConfigError(f"{where}.folder: no folder {value!r} in the default tenant")

    def _queue(self, row: Mapping[str, Any], where: str) -> object:
        retries = _optional(row, "max_retries", int, where, 0)
        return self.emulator.add_queue(
            _required(row, "name", str, where),
            folder=self._find_folder(row.get("folder"), where),
            enforce_unique_reference=_optional(row, "unique_references", bool, where, False),
            max_number_of_retries=retries,
            accept_automatically_retry=_optional(row, "accept_automatically_retry", bool, where, None),
            queue_id=_optional(row, "id", int, where, None),
        )

    def _robot(self, row: Mapping[str, Any], where: str) -> Robot:
        robot = self.emulator.add_robot(
            _required(row, "name", str, where),
            key=_optional(row, "key", str, where, None),
            machine_name=_optional(row, "machine_name", str, where, "EMULATOR"),
            username=_optional(row, "username", str, where, None),
        )
        self.robots[robot.name.lower()] = robot
        return robot

    def _folder_list(self, row: Mapping[str, Any], where: str) -> list[Folder] | None:
        raw = row.get("folders")
        if raw is None:
            return None
        if not isinstance(raw, list):
            raise EmulatorConfigError(f"{where}.folders: a list of folder paths or ids")
        found = [self._find_folder(value, f"{where}.folders") for value in raw]
        return [folder for folder in found if folder is not None]

    def _scopes(self, row: Mapping[str, Any], where: str) -> list[str]:
        scopes = row.get("scopes", ["OR.Queues"])
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise EmulatorConfigError(f"{where}.scopes: a list of scope names")
        return scopes

    def _client(self, row: Mapping[str, Any], where: str) -> None:
        robot_name = _optional(row, "robot", str, where, None)
        robot = None
        if robot_name is not None:
            robot = self.robots.get(robot_name.lower())
            if robot is None:
                raise EmulatorConfigError(f"{where}.robot: no robot {robot_name!r} (declare it under [[robots]])")
        self.emulator.add_client(
            _required(row, "id", str, where),
            _required(row, "secret", str, where),
            self._scopes(row, where),
            folders=self._folder_list(row, where),
            robot=robot,
        )

    def _token(self, row: Mapping[str, Any], where: str) -> None:
        expires_in = row.get("expires_in")
        if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, (int, float))):
            raise EmulatorConfigError(f"{where}.expires_in: a number of seconds")
        self.emulator.add_token(
            _required(row, "token", str, where),
            self._scopes(row, where),
            expires_in=expires_in,
            folders=self._folder_list(row, where),
        )

    def _item(self, row: Mapping[str, Any], where: str) -> None:
        folder = self._find_folder(row.get("folder"), where)
        queue = self.emulator.queue(_required(row, "queue", str, where), folder=folder)
        raw: dict[str, Any] = {"Name": queue.name}
        for key, field in (
            ("reference", "Reference"),
            ("priority", "Priority"),
            ("specific_content", "SpecificContent"),
            ("defer_date", "DeferDate"),
            ("due_date", "DueDate"),
        ):
            if key in row:
                raw[field] = row[key]
        data = parse_item_data(raw, field=where)
        self.emulator.seed_item(queue, data)

    def _webhook(self, row: Mapping[str, Any], where: str) -> None:
        events = row.get("events")
        if events is not None and (not isinstance(events, list) or not all(isinstance(e, str) for e in events)):
            raise EmulatorConfigError(f"{where}.events: a list of event types")
        self.emulator.webhooks.register(
            _required(row, "url", str, where),
            secret=_optional(row, "secret", str, where, None),
            events=events,
            enabled=_optional(row, "enabled", bool, where, True),
        )


def _rows(config: Mapping[str, Any], section: str) -> list[Mapping[str, Any]]:
    rows = config.get(section, [])
    if not isinstance(rows, list):
        raise EmulatorConfigError(f"{section}: a list of tables ([[{section}]] in TOML)")
    return [_table(row, f"{section}[{index}]", section) for index, row in enumerate(rows)]


def _table(value: object, where: str, section: str | None = None) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise EmulatorConfigError(f"{where}: a table (an object)")
    known = _KEYS[section or where]
    unknown = sorted(set(value) - known)
    if unknown:
        raise EmulatorConfigError(f"{where}.{unknown[0]}: unknown key (known: {', '.join(sorted(known))})")
    return value


def _required(row: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in row:
        raise EmulatorConfigError(f"{where}.{key}: required")
    return _optional(row, key, kind, where, None)


def _optional(row: Mapping[str, Any], key: str, kind: type, where: str, default: Any) -> Any:
    value = row.get(key, default)
    if value is None:
        return default
    if kind is int and isinstance(value, bool):
        raise EmulatorConfigError(f"{where}.{key}: an integer, got {type(value).__name__}")
    if not isinstance(value, kind):
        raise EmulatorConfigError(f"{where}.{key}: a {kind.__name__}, got {type(value).__name__}")
    return value
