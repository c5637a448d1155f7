"""`uipath-connector demo`, `add-queue-item` and `get-queue-item`: output, exit codes, and no secret anywhere."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from uipath_connector.cli import main
from uipath_connector.cli._demo_command import run_demo
from uipath_connector.testing import DEMO, OrchestratorEmulator, QueueItemStatus

SENTINEL_ID = "sentinel-client-id-7c1f"
SENTINEL_SECRET = "sentinel-client-secret-93ab"
SENTINEL_TOKEN = "sentinel-bearer-token-5d2e"


def _issued_tokens(emulator: OrchestratorEmulator) -> list[str]:
    # The emulator keeps the tokens it issued privately; the leak check needs their values.
    return list(emulator._model._tokens)


# -- demo ---------------------------------------------------------------------------------------------------


def test_demo_text_shows_request_envelope_expression_and_status_change() -> None:
    out = io.StringIO()
    emulator = OrchestratorEmulator.demo()

    assert run_demo(out, emulator=emulator) == 0

    text = out.getvalue()
    port = re.search(r"http://127\.0\.0\.1:(\d+)", text)
    assert port is not None
    base = f"http://127.0.0.1:{port.group(1)}/demo-org/DefaultTenant/orchestrator_"
    for expected in (
        f"POST {base}/odata/Queues/UiPathODataSvc.AddQueueItem",
        "X-UIPATH-OrganizationUnitId: 1964413",
        '"Name": "DemoQueue"',
        '"Reference": "INV-1001"',
        '"status": 201',
        "resultExpression: ={itemId: response.body.Id}",
        '{"itemId": 1}',
        "Queue item 1 is New",
        f"GET {base}/odata/QueueItems?$filter=Id%20eq%201&$count=true",
        '{"itemStatus": "Successful"}',
        "queue item 1: New -> Successful",
        'output: {"Approved": true, "PaymentReference": "PAY-INV-1001"}',
        '"clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}"',
    ):
        assert expected in text, expected
    assert re.search(r"Done in \d+\.\d\d s\.", text)
    assert emulator.item(1).status is QueueItemStatus.SUCCESSFUL
    assert emulator.item(1).output == {"Approved": True, "PaymentReference": "PAY-INV-1001"}


def test_demo_never_prints_a_secret_or_a_token() -> None:
    emulator = OrchestratorEmulator.demo()
    emulator.add_client(SENTINEL_ID, SENTINEL_SECRET, DEMO.scopes)
    for as_json in (False, True):
        out = io.StringIO()
        assert (
            run_demo(out, as_json=as_json, emulator=emulator, client_id=SENTINEL_ID, client_secret=SENTINEL_SECRET) == 0
        )
        text = out.getvalue()
        tokens = _issued_tokens(emulator)
        assert len(tokens) >= 2  # the personal access token and at least one issued token
        for secret in (SENTINEL_ID, SENTINEL_SECRET, *tokens):
            assert secret not in text
        assert "Authorization" not in text
        assert "Bearer" not in text


def test_demo_json_is_one_document() -> None:
    out = io.StringIO()
    assert run_demo(out, as_json=True) == 0

    document = json.loads(out.getvalue())
    assert document["itemId"] == 1
    assert document["statusAfterAdd"] == "New"
    assert document["statusAfterRobot"] == "Successful"
    assert document["output"] == {"Approved": True, "PaymentReference": "PAY-INV-1001"}
    assert [job["outcome"]["type"] for job in document["jobs"]] == ["Complete", "Complete"]
    assert document["jobs"][0]["request"]["body"] == {
        "itemData": {
            "Priority": "Normal",
            "Name": "DemoQueue",
            "SpecificContent": {"InvoiceId": "INV-1001", "Vendor": "ACME Corp", "Amount": 1250.5, "Currency": "EUR"},
            "Reference": "INV-1001",
        }
    }
    assert document["elapsedSeconds"] < 5


def test_demo_exits_1_and_says_why_when_a_job_fails() -> None:
    emulator = OrchestratorEmulator.demo()
    emulator.add_client(SENTINEL_ID, SENTINEL_SECRET, DEMO.scopes)
    out = io.StringIO()

    assert run_demo(out, emulator=emulator, client_id=SENTINEL_ID, client_secret="wrong-" + SENTINEL_SECRET) == 1

    text = out.getvalue()
    assert "The job did not complete:" in text
    assert "invalid_client" in text
    assert SENTINEL_SECRET not in text


def test_demo_runs_with_only_the_runtime_dependencies() -> None:
    # The README's first command: responses and pytest must not be needed, so they must not be imported.
    code = (
        "import sys\n"
        "sys.modules['responses'] = None\n"
        "sys.modules['pytest'] = None\n"
        "from uipath_connector.cli import main\n"
        "sys.exit(main(['demo']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "queue item 1: New -> Successful" in result.stdout


# -- add-queue-item / get-queue-item --------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("UIPATH_CLIENT_ID", "UIPATH_CLIENT_SECRET", "UIPATH_TOKEN", "UIPATH_SCOPES"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_credentials")
def test_add_queue_item_against_the_emulator_prints_the_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(
        capsys,
        "add-queue-item",
        "--emulator",
        "--queue",
        "DemoQueue",
        "--reference",
        "INV-9",
        "--priority",
        "high",
        "--defer-date",
        "2026-01-15",
        "--content",
        '{"InvoiceId": "INV-9", "Amount": 3}',
    )
    assert (status, err) == (0, "")
    envelope = json.loads(out)
    assert envelope["status"] == 201
    assert envelope["reason"] == "Created"
    body = envelope["body"]
    assert (body["Id"], body["Status"], body["Priority"], body["Reference"]) == (1, "New", "High", "INV-9")
    assert body["DeferDate"] == "2026-01-15T00:00:00Z"
    assert body["SpecificContent"] == {"InvoiceId": "INV-9", "Amount": 3}


@pytest.mark.usefixtures("no_credentials")
def test_get_queue_item_against_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "get-queue-item", "--emulator", "--item-id", "1")
    assert (status, err) == (0, "")
    assert json.loads(out)["body"]["value"] == []  # a fresh emulator: no item 1 yet, as Orchestrator answers


@pytest.mark.usefixtures("no_credentials")
def test_unknown_queue_exits_1_with_orchestrators_message(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "add-queue-item", "--emulator", "--queue", "Nope")
    assert (status, out) == (1, "")
    assert re.fullmatch(
        r"error 404: Orchestrator answered 404 Not Found to POST /odata/Queues/UiPathODataSvc\.AddQueueItem: "
        r"Nope does not exist\. \(errorCode 1002, traceId 00-[0-9a-f]{32}-[0-9a-f]{16}-00\)\n",
        err,
    )


@pytest.mark.usefixtures("no_credentials")
def test_input_errors_exit_2_with_the_binding_message(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(
        capsys,
        "add-queue-item",
        "--emulator",
        "--queue",
        "DemoQueue",
        "--content",
        '{"A": {"b": 1}}',
        "--due-date",
        "x",
    )
    assert (status, out) == (2, "")
    assert err == (
        "input error: Invalid input (2 problems):\n"
        " - dueDate: 'x' is not a date yyyy-MM-dd or an ISO-8601 date-time with an offset (Z or ±hh:mm), "
        "e.g. 2026-01-15 or 2026-01-15T09:30:00Z\n"
        " - specificContent: Property values must be simple (like numbers or text): 'A' is an object\n"
    )


@pytest.mark.usefixtures("no_credentials")
def test_missing_credentials_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(
        capsys, "get-queue-item", "--org", "acme", "--tenant", "T", "--folder-id", "1", "--item-id", "1"
    )
    assert (status, out) == (2, "")
    assert err.startswith("input error: no credentials; set UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET")


def test_real_orchestrator_path_with_environment_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Real" Orchestrator = any cloud URL; here a loopback emulator the test runs, reached like a remote one.
    emulator = OrchestratorEmulator.demo()
    emulator.add_client(SENTINEL_ID, SENTINEL_SECRET, ["OR.Queues.Write"])
    monkeypatch.setenv("UIPATH_CLIENT_ID", SENTINEL_ID)
    monkeypatch.setenv("UIPATH_CLIENT_SECRET", SENTINEL_SECRET)
    monkeypatch.setenv("UIPATH_SCOPES", "OR.Queues.Write")
    monkeypatch.delenv("UIPATH_TOKEN", raising=False)
    with emulator.server() as server:
        url = ["--cloud-url", server.base_url, "--allow-insecure-http"]
        status, out, err = _run(capsys, "add-queue-item", *url, "--folder-path", "Shared", "--queue", "DemoQueue")
        assert (status, err) == (0, "")
        assert json.loads(out)["body"]["Id"] == 1
        # The write-only scope cannot read: Orchestrator's 403, exit 1, no secret in the message.
        status, out, err = _run(capsys, "get-queue-item", *url, "--folder-key", DEMO.folder_key, "--item-id", "1")
    assert (status, out) == (1, "")
    assert err.startswith(
        "error 403: Orchestrator answered 403 Forbidden to GET /odata/QueueItems: You are not authorized!"
    )
    assert [r.headers.get("X-UIPATH-FolderPath") for r in emulator.requests if r.endpoint.value == "AddQueueItem"] == [
        "Shared"
    ]
    for secret in (SENTINEL_ID, SENTINEL_SECRET, *_issued_tokens(emulator)):
        assert secret not in out + err


def test_bearer_token_from_a_flag_warns_and_is_never_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = OrchestratorEmulator.demo()
    emulator.add_token(SENTINEL_TOKEN, ["OR.Queues"])
    with emulator.server() as server:
        status, out, err = _run(
            capsys, "get-queue-item", "--cloud-url", server.base_url, "--allow-insecure-http", "--folder-id", "1964413",
            "--item-id", "5", "--token", SENTINEL_TOKEN,
        )  # fmt: skip
        assert status == 0
        assert err == "warning: --token is visible in the process list; prefer the environment variable UIPATH_TOKEN\n"
        # A token Orchestrator refuses: 401, exit 1, the token is not in the message.
        emulator.revoke_tokens()
        status, out, err = _run(
            capsys, "get-queue-item", "--cloud-url", server.base_url, "--allow-insecure-http", "--folder-id", "1964413",
            "--item-id", "5", "--token", SENTINEL_TOKEN,
        )  # fmt: skip
    assert status == 1
    assert "error 401: Orchestrator answered 401 Unauthorized" in err
    assert SENTINEL_TOKEN not in out + err


def test_http_cloud_url_needs_the_insecure_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UIPATH_TOKEN", SENTINEL_TOKEN)
    status, _out, err = _run(
        capsys,
        "get-queue-item",
        "--cloud-url",
        "http://127.0.0.1:9/o/t/orchestrator_",
        "--folder-id",
        "1",
        "--item-id",
        "1",
    )
    assert status == 2
    assert err.startswith("input error: ")
    assert "http:// is refused because it would send credentials unencrypted" in err


def test_every_command_is_documented() -> None:
    cli_doc = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in ("demo", "add-queue-item", "get-queue-item", "emulator", "template", "worker"):
        assert f"uipath-connector {command}" in cli_doc
    for name in ("UIPATH_CLIENT_ID", "UIPATH_CLIENT_SECRET", "UIPATH_TOKEN", "UIPATH_SCOPES"):
        assert name in cli_doc
