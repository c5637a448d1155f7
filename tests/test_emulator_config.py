"""``uipath-connector emulator --config``: the file format docs/testing.md shows, and errors that name their place."""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from uipath_connector import cli
from uipath_connector.testing import EmulatorServer, OrchestratorEmulator
from uipath_connector.testing.emulator._config import EmulatorConfigError, build_emulator, load_config
from uipath_connector.testing.emulator._run import run_emulator_server

DOCS = Path(__file__).resolve().parent.parent / "docs" / "testing.md"


def _docs_toml() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Configuration file") :]
    match = re.search(r"```toml\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TOML needs Python 3.11's tomllib")
def test_the_documented_file_builds_what_it_says(tmp_path: Path) -> None:
    path = tmp_path / "emulator.toml"
    path.write_text(_docs_toml(), encoding="utf-8")

    emulator = build_emulator(load_config(path))

    assert (emulator.org, emulator.tenant, emulator.max_items) == ("acme", "Prod", 50000)
    folder = emulator.folders()[0]
    assert (folder.path, folder.id, folder.key) == ("Finance/Invoices", 515128, "2e0b7d4c-1f5a-4f7e-9d8c-3b2a1c0d9e8f")
    queue = emulator.queue("InvoiceQueue")
    assert (queue.enforce_unique_reference, queue.max_number_of_retries) == (True, 2)
    [item] = emulator.items()
    assert (item.reference, item.priority.value, item.specific_content) == (
        "INV-1",
        "High",
        {"InvoiceId": "INV-1", "Amount": 125.5},
    )
    assert [r.name for r in emulator.robots()] == ["bot-1"]
    assert [w.url for w in emulator.webhooks.all()] == ["http://127.0.0.1:9000/uipath"]
    with emulator.serve() as url:
        token = requests.post(
            emulator.token_url(url),
            data={
                "grant_type": "client_credentials",
                "client_id": "camunda-worker",
                "client_secret": "a-local-test-secret",
            },
            timeout=5,
        )
        listed = requests.get(
            f"{emulator.base_url(url)}/odata/QueueItems",
            headers={"Authorization": "Bearer local-pat", "X-UIPATH-FolderPath": "Finance/Invoices"},
            timeout=5,
        )
        robot_token = requests.post(
            emulator.token_url(url),
            data={
                "grant_type": "client_credentials",
                "client_id": "robot-app",
                "client_secret": "another-local-secret",
            },
            timeout=5,
        ).json()["access_token"]
        started = requests.post(
            f"{emulator.base_url(url)}/odata/Queues/UiPathODataSvc.StartTransaction",
            json={"transactionData": {"Name": "InvoiceQueue"}},
            headers={"Authorization": f"Bearer {robot_token}", "X-UIPATH-OrganizationUnitId": "515128"},
            timeout=5,
        )
    emulator.webhooks.stop()
    assert token.status_code == 200
    assert [i["Reference"] for i in listed.json()["value"]] == ["INV-1"]
    assert started.json()["Status"] == "InProgress"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"queue": []}, "queue: unknown section"),
        ({"queues": {"name": "Q"}}, "queues: a list of tables ([[queues]] in TOML)"),
        (
            {"folders": [{"path": "A"}], "queues": [{"name": "Q", "folder": "B"}]},
            "queues[0].folder: no folder 'B' in the default tenant",
        ),
        ({"folders": [{"path": "A"}], "queues": [{"folder": "A"}]}, "queues[0].name: required"),
        ({"folders": [{"path": "A", "id": "7"}]}, "folders[0].id: a int, got str"),
        ({"folders": [{"path": "A", "colour": "red"}]}, "folders[0].colour: unknown key"),
        ({"folders": [{"path": "A"}, {"path": "a"}]}, "folders[1]: folder 'a' exists"),
        (
            {"folders": [{"path": "A"}], "clients": [{"id": "c", "secret": "s", "robot": "nobody"}]},
            "clients[0].robot: no robot 'nobody'",
        ),
        (
            {"folders": [{"path": "A"}], "clients": [{"id": "c", "secret": "s", "scopes": ["OR.Everything"]}]},
            "clients[0]: 'OR.Everything' is not a valid Scope",
        ),
        (
            {
                "folders": [{"path": "A"}],
                "queues": [{"name": "Q"}],
                "items": [{"queue": "Q", "specific_content": {"a": {}}}],
            },
            "items[0]: Property values must be simple",
        ),
        ({"webhooks": [{"url": "ftp://x"}]}, "webhooks[0]: Url: an absolute http or https URL is required."),
        ({"emulator": {"max_items": True}}, "emulator.max_items: an integer, got bool"),
        ({"emulator": {"max_page_size": 0}}, "emulator: max_page_size lies within 1 and 10,000"),
    ],
)
def test_mistakes_name_their_place(config: dict[str, Any], message: str) -> None:
    with pytest.raises(EmulatorConfigError) as raised:
        build_emulator(config)

    assert str(raised.value).startswith(message)


def test_load_config_refuses_unreadable_or_other_files(tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text("a: 1", encoding="utf-8")
    (tmp_path / "e.json").write_text("[1]", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")

    for name, message in (
        ("e.yaml", "the configuration is a .toml or .json file"),
        ("e.json", "the top level is a table"),
        ("bad.json", "not valid JSON"),
        ("missing.json", "cannot read the file"),
    ):
        with pytest.raises(EmulatorConfigError, match=re.escape(message)):
            load_config(tmp_path / name)


def test_cli_with_a_json_config_serves_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "emulator.json"
    path.write_text(
        json.dumps({"folders": [{"path": "Ops", "id": 9}], "queues": [{"name": "OpsQueue", "folder": 9}]}),
        encoding="utf-8",
    )
    stop = threading.Event()
    seen: list[tuple[EmulatorServer, OrchestratorEmulator]] = []

    def ready(server: EmulatorServer, emulator: OrchestratorEmulator) -> None:
        seen.append((server, emulator))
        stop.set()

    assert run_emulator_server("127.0.0.1", 0, config=path, stop=stop, on_ready=ready) == 0
    [(_server, emulator)] = seen
    assert [q.name for q in emulator.queues()] == ["OpsQueue"]
    assert emulator.max_items == 100_000
    out = capsys.readouterr().out
    assert "Folders:               Ops (id 9)" in out
    assert "client secret" not in out


def test_cli_config_error_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "emulator.json"
    path.write_text(json.dumps({"queues": [{"name": "Q", "folder": "Nope"}]}), encoding="utf-8")

    assert cli.main(["emulator", "--config", str(path), "--port", "0"]) == 2
    assert (
        capsys.readouterr().err
        == "uipath-connector emulator: queues[0].folder: no folder 'Nope' in the default tenant\n"
    )
