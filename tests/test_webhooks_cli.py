"""``uipath-connector webhooks`` as an operator runs it: a real process, uvicorn, a fake Camunda REST gateway."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from webhooks_support import SECRET, FakeZeebeRest, delivery, item_dto, serving_rest, signed_headers

pytest.importorskip("uvicorn", reason="pip install 'uipath-connector[webhooks]'")
pytest.importorskip("camunda_orchestration_sdk", reason="pip install 'uipath-connector[camunda]'")

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command_environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("UIPATH_", "CAMUNDA_", "ZEEBE_"))}
    environment.update(extra)
    return environment


def test_the_command_receives_a_signed_delivery_and_publishes_once(tmp_path: Path) -> None:
    fake = FakeZeebeRest()
    port = free_port()
    with serving_rest(fake) as address:
        process = subprocess.Popen(
            [sys.executable, "-m", "uipath_connector.cli", "webhooks", "--port", str(port)],
            env=command_environment(
                UIPATH_WEBHOOK_SECRET=f"old-secret,{SECRET}",
                CAMUNDA_REST_ADDRESS=address,
                CAMUNDA_AUTH_STRATEGY="NONE",
            ),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/uipath/webhooks"
            deadline = time.monotonic() + 20
            while True:
                try:
                    requests.get(url + "/health", timeout=1)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, "the receiver did not come up"
                    assert process.poll() is None, process.communicate()
                    time.sleep(0.05)
            body = delivery("queueItem.transactionCompleted", item_dto(42, reference="INV-42"))
            headers = {k.decode(): v.decode() for k, v in signed_headers(body)}
            answers = [requests.post(url, data=body, headers=headers, timeout=5).status_code for _ in range(2)]
            wrong = requests.post(url, data=body, headers={"X-UiPath-Signature": "AAAA"}, timeout=5)
            deadline = time.monotonic() + 10
            while not fake.published and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    assert answers == [202, 202]
    assert wrong.status_code == 401
    assert [body["messageId"] for body in fake.published] == ["uipath-queue-item:42:Successful"]
    assert fake.published[0]["correlationKey"] == "INV-42"
    assert SECRET not in stderr
    assert "old-secret" not in stderr


@pytest.mark.parametrize(
    ("arguments", "environment", "error"),
    [
        ([], {}, "no webhook secret: set UIPATH_WEBHOOK_SECRET to the secret of the webhook in Orchestrator"),
        (["--poll-only"], {}, "--poll-only needs at least one --queue to reconcile"),
        (
            ["--queue", "Invoices", "--org", "acme", "--tenant", "T", "--folder-id", "1"],
            {"UIPATH_WEBHOOK_SECRET": "s"},
            "the reconciler needs Orchestrator credentials: UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET, or UIPATH_TOKEN",
        ),
        (
            ["--queue", "Invoices", "--org", "acme", "--tenant", "T"],
            {"UIPATH_WEBHOOK_SECRET": "s", "UIPATH_TOKEN": "tok"},
            "Orchestrator settings: Invalid input: organizationUnitId: is required (or give folderPath or folderKey "
            "instead)",
        ),
        (["--ttl-seconds", "0"], {"UIPATH_WEBHOOK_SECRET": "s"}, "time_to_live: must be a positive timedelta"),
    ],
)
def test_configuration_errors_exit_2_naming_the_setting(
    arguments: list[str], environment: dict[str, str], error: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uipath_connector.cli", "webhooks", *arguments],
        env=command_environment(**environment),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert error in result.stderr


def test_poll_only_publishes_what_the_robot_finished_and_keeps_its_place(tmp_path: Path) -> None:
    from uipath_connector.testing import DEMO, OrchestratorEmulator
    from uipath_connector.uipath import (
        AddQueueItemInput,
        Configuration,
        OAuthClientCredentialsAuthentication,
        OrchestratorClient,
        TokenCache,
    )

    fake = FakeZeebeRest()
    emulator = OrchestratorEmulator.demo()
    with serving_rest(fake) as address, emulator.server() as orchestrator:
        client = OrchestratorClient(
            Configuration(cloud_url=orchestrator.base_url, organization_unit_id=DEMO.folder_id),
            OAuthClientCredentialsAuthentication(client_id=DEMO.client_id, client_secret=DEMO.client_secret),
            allow_insecure_http=True,
            token_cache=TokenCache(),
        )
        added = client.add_queue_item(AddQueueItemInput(queue_name=DEMO.queue_name, reference="INV-P"))
        item_id = added.body["Id"]  # type: ignore[index]
        emulator.complete(item_id, output={"Paid": True})
        watermarks = tmp_path / "watermarks.json"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uipath_connector.cli",
                "webhooks",
                "--poll-only",
                "--queue",
                DEMO.queue_name,
                "--cloud-url",
                orchestrator.base_url,
                "--folder-id",
                str(DEMO.folder_id),
                "--allow-insecure-http",
                "--interval",
                "0.2",
                "--watermark-file",
                str(watermarks),
            ],
            env=command_environment(
                UIPATH_CLIENT_ID=DEMO.client_id,
                UIPATH_CLIENT_SECRET=DEMO.client_secret,
                CAMUNDA_REST_ADDRESS=address,
                CAMUNDA_AUTH_STRATEGY="NONE",
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while not fake.published and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            time.sleep(0.5)  # a few more runs: they must not publish it again
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    assert [(m["messageId"], m["correlationKey"]) for m in fake.published] == [
        (f"uipath-queue-item:{item_id}:Successful", "INV-P")
    ]
    assert f"uipath-queue-item:{item_id}:Successful" in watermarks.read_text(encoding="utf-8")
    assert DEMO.client_secret not in stderr
