"""`uipath-connector worker` as operators run it: real processes, side by side, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip(
    "camunda_orchestration_sdk",
    reason="camunda-orchestration-sdk is not installed: pip install -e '.[camunda]'",
)

from test_runtime_camunda_worker import JOB_TYPE, FakeCamunda, serving

from uipath_connector.cli import load_connector, main
from uipath_connector.testing import DEMO, OrchestratorEmulator
from uipath_connector.uipath import INPUT_VARIABLES, UiPathConnector
from uipath_connector.uipath import JOB_TYPE as UIPATH_JOB_TYPE

TESTS = Path(__file__).parent
SECRET = "s3cr3t-name"


@pytest.fixture
def camunda() -> Iterator[tuple[FakeCamunda, str]]:
    fake = FakeCamunda()
    with serving(fake) as address:
        yield fake, address


def start_worker(
    address: str,
    *extra: str,
    connector: str | None = "test_runtime_camunda_worker:EchoConnector",
    secrets: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CAMUNDA_", "ZEEBE_"))  # only the settings this test gives
    }
    env.update(
        {
            "CAMUNDA_REST_ADDRESS": address,
            "CAMUNDA_AUTH_STRATEGY": "NONE",
            "PYTHONPATH": str(TESTS),
            **{f"APP_{name}": value for name, value in (secrets or {"WHO": SECRET}).items()},
        }
    )
    command = [sys.executable, "-m", "uipath_connector.cli", "worker"]
    if connector is not None:
        command += ["--connector", connector]
    command += ["--client", "rest", "--drain-timeout", "3", "--secret-prefix", "APP_", *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def polled_by(fake: FakeCamunda) -> set[str]:
    with fake.lock:
        return {body["worker"] for _, path, body in fake.calls if path == "/v2/jobs/activation"}


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate(timeout=5)
    return process.returncode, stderr


def test_two_workers_side_by_side_share_the_jobs_and_stop_cleanly(camunda: tuple[FakeCamunda, str]) -> None:
    fake, address = camunda
    for key in range(1, 7):
        fake.add_job(key, {"text": "{{secrets.WHO}}", "mode": "ok" if key % 2 else "error"}, {"resultVariable": "r"})
    workers = [start_worker(address, "--name", f"w{n}") for n in (1, 2)]
    try:
        deadline = time.monotonic() + 15  # two interpreters importing the SDK
        # Done when every job has its command and both processes have polled (which one gets which job is
        # the engine's choice, so the split is not asserted).
        while (len(fake.commands()) < 6 or len(polled_by(fake)) < 2) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        results = [stop(worker) for worker in workers]

    assert [code for code, _ in results] == [0, 0]
    paths = sorted(path for _, path, _ in fake.commands())
    assert paths == sorted(
        [f"/v2/jobs/{key}/completion" for key in (1, 3, 5)] + [f"/v2/jobs/{key}/failure" for key in (2, 4, 6)]
    )
    logs = "".join(stderr for _, stderr in results)
    assert f"type={JOB_TYPE} outcome=complete duration=" in logs
    assert f"job 2 type={JOB_TYPE} outcome=fail retries=2 backoff=0ms duration=" in logs
    assert "worker w1 stopped" in logs
    assert "worker w2 stopped" in logs
    assert SECRET not in logs
    assert polled_by(fake) == {"w1", "w2"}


def test_an_unknown_connector_exits_with_2_and_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--connector", "no_such_module:Thing"]) == 2
    assert main(["worker", "--connector", "uipath_connector.sdk:MapSecretProvider"]) == 2


def test_the_worker_command_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "run a connector as a Zeebe job worker" in capsys.readouterr().out


def test_load_connector_instantiates_classes_and_keeps_instances() -> None:
    from test_runtime_camunda_worker import EchoConnector

    assert isinstance(load_connector("test_runtime_camunda_worker:EchoConnector"), EchoConnector)
    with pytest.raises(ValueError, match="MODULE:ATTR"):
        load_connector("just_a_module")


def test_the_default_uipath_connector_adds_a_queue_item_in_the_emulator_end_to_end(
    camunda: tuple[FakeCamunda, str],
) -> None:
    """No --connector: the real UiPathConnector, OAuth against the emulator on loopback, secrets from the env."""
    fake, address = camunda
    emulator = OrchestratorEmulator.demo()
    with emulator.server() as server:
        variables = {
            "operationType": "addQueueItem",
            "authentication": {
                "type": "oauth-client-credentials-flow",
                "clientId": DEMO.client_id,
                "clientSecret": "{{secrets.CLIENT_SECRET}}",
            },
            # The org is a secret: it ends up in every request path, which urllib3 logs at DEBUG.
            "cloudUrl": f"{server.url}/{{{{secrets.ORG}}}}/{DEMO.tenant}/orchestrator_",
            "organizationUnitId": str(DEMO.folder_id),
            "queueName": DEMO.queue_name,
            "reference": "order-42",
            "specificContent": {"orderId": 42},
        }
        headers = {"resultExpression": "={itemId: response.body.Id, itemStatus: body.Status, http: response.status}"}
        fake.add_job(1, variables, headers, job_type=UIPATH_JOB_TYPE)
        worker = start_worker(
            address,
            "--allow-insecure-http",
            "--log-level",
            "DEBUG",
            connector=None,
            secrets={"CLIENT_SECRET": DEMO.client_secret, "ORG": DEMO.org},
        )
        try:
            deadline = time.monotonic() + 15
            while not fake.commands() and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.02)
        finally:
            code, logs = stop(worker)
        items = emulator.items(DEMO.queue_name)

    assert code == 0, logs
    assert fake.commands() == [
        ("POST", "/v2/jobs/1/completion", {"variables": {"itemId": 1, "itemStatus": "New", "http": 201}})
    ]
    activation = next(body for _, path, body in fake.calls if path == "/v2/jobs/activation")
    assert (activation["type"], activation["fetchVariable"]) == (UIPATH_JOB_TYPE, list(INPUT_VARIABLES))
    # The job key is recorded on an item with a reference, so a later attempt of the job can adopt it.
    assert [(item.id, item.reference, item.specific_content) for item in items] == [
        (1, "order-42", {"orderId": 42, "CamundaJobKey": "1"})
    ]
    assert f"job 1 type={UIPATH_JOB_TYPE} outcome=complete duration=" in logs
    assert "--allow-insecure-http: http:// URLs are accepted; use this with a local emulator only" in logs
    assert DEMO.client_secret not in logs
    assert DEMO.org not in logs  # urllib3's request lines stay quiet, even at DEBUG


def test_without_allow_insecure_http_the_uipath_connector_refuses_http() -> None:
    assert UiPathConnector().allow_insecure_http is False
    assert load_connector("uipath_connector.uipath:UiPathConnector").allow_insecure_http is False
    assert load_connector("uipath_connector.uipath:UiPathConnector", allow_insecure_http=True).allow_insecure_http


def test_options_for_a_connector_instance_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(TypeError, match="test_runtime_cli_worker:AN_INSTANCE is an instance; options "):
        load_connector("test_runtime_cli_worker:AN_INSTANCE", allow_insecure_http=True)
    assert main(["worker", "--connector", "test_runtime_cli_worker:AN_INSTANCE", "--allow-insecure-http"]) == 2
    assert main(["worker", "--connector", "test_runtime_camunda_worker:EchoConnector", "--allow-insecure-http"]) == 2


AN_INSTANCE = UiPathConnector()


def test_the_pyzeebe_client_works_jobs_from_zeebe_settings_and_stops_on_sigint() -> None:
    pytest.importorskip("pyzeebe", reason="pyzeebe is not installed: pip install -e '.[pyzeebe]'")
    from concurrent import futures

    import grpc
    from pyzeebe.proto import gateway_pb2_grpc
    from test_runtime_pyzeebe_worker import FakeGateway

    fake = FakeGateway()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    gateway_pb2_grpc.add_GatewayServicer_to_server(fake, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    fake.add_job(1, {"text": "{{secrets.WHO}}", "mode": "ok"}, {"resultExpression": "={said: echo}"})
    fake.add_job(2, {"text": "x", "mode": "input"}, {})
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CAMUNDA_", "ZEEBE_"))}
    env.update(
        {
            "ZEEBE_ADDRESS": f"127.0.0.1:{port}",
            "ZEEBE_INSECURE_CONNECTION": "true",
            "PYTHONPATH": str(TESTS),
            "APP_WHO": SECRET,
        }
    )
    command = [sys.executable, "-m", "uipath_connector.cli", "worker", "--client", "pyzeebe", "--max-jobs", "4"]
    command += ["--connector", "test_runtime_camunda_worker:EchoConnector", "--secret-prefix", "APP_"]
    command += ["--log-level", "DEBUG"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while len(fake.commands()) < 2 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.02)
        worker.send_signal(signal.SIGINT)
        try:
            _, logs = worker.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            _, logs = worker.communicate(timeout=5)
    finally:
        server.stop(grace=None).wait(timeout=2)

    assert worker.returncode == 0, logs
    commands = {fields["jobKey"]: (name, fields) for name, fields in fake.commands()}
    assert commands[1] == ("CompleteJob", {"jobKey": 1, "variables": {"said": "***"}})
    assert (commands[2][0], commands[2][1]["retries"]) == ("FailJob", 0)  # an input error: an incident at once
    activation = next(fields for name, fields in fake.calls if name == "ActivateJobs")
    assert (activation["fetchVariable"], activation["maxJobsToActivate"]) == (["text", "mode"], 4)
    assert "job 1 type=io.example:echo:1 outcome=complete duration=" in logs
    assert "job 2 type=io.example:echo:1 outcome=fail retries=0 backoff=0ms duration=" in logs
    assert SECRET not in logs
    assert logs.rstrip().endswith("stopped")
