"""An operable worker: health endpoints, gateway backoff logged once per state change, the Camunda version check."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

pytest.importorskip(
    "camunda_orchestration_sdk",
    reason="camunda-orchestration-sdk is not installed: pip install -e '.[camunda]'",
)

from test_runtime_camunda_worker import JOB_TYPE, FakeCamunda, serving
from test_runtime_cli_worker import start_worker, stop

from uipath_connector.runtime._gateway import (
    GatewayMonitor,
    UnsupportedGatewayVersion,
    check_gateway_version,
)
from uipath_connector.runtime._health import HealthServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def wait_until(condition: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


# -- the version check ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["8.10.0", "8.10.3", "8.10.0-alpha2", "8.11.0-SNAPSHOT"])
def test_the_rest_client_accepts_camunda_8_10_and_later(version: str) -> None:
    check_gateway_version(version, "rest")


@pytest.mark.parametrize("version", ["8.9.4", "8.8.0", "8.6.0", "9.0.0", "7.20.0"])
def test_the_rest_client_refuses_older_gateways_and_says_what_to_use(version: str) -> None:
    with pytest.raises(UnsupportedGatewayVersion) as refused:
        check_gateway_version(version, "rest")
    assert str(refused.value) == (
        f"the gateway runs Camunda {version}, but --client rest supports Camunda 8.10 and later (8.x): "
        "camunda-orchestration-sdk 10.x follows Camunda 8.10 and needs job fields older gateways do not send; "
        "use --client pyzeebe for Camunda 8.5 to 8.9"
    )


def test_pyzeebe_serves_8_5_onwards_and_warns_past_what_it_was_tested_with(caplog: pytest.LogCaptureFixture) -> None:
    for version in ("8.5.0", "8.8.12"):
        check_gateway_version(version, "pyzeebe")
    assert caplog.records == []
    check_gateway_version("8.10.1", "pyzeebe")
    assert [record.getMessage() for record in caplog.records] == [
        "the gateway runs Camunda 8.10.1; --client pyzeebe is tested up to 8.8"
    ]
    with pytest.raises(UnsupportedGatewayVersion, match=r"^the gateway runs Camunda 8\.4\.2, but --client pyzeebe"):
        check_gateway_version("8.4.2", "pyzeebe")


def test_an_unreadable_version_is_warned_about_not_refused(caplog: pytest.LogCaptureFixture) -> None:
    check_gateway_version("dev-" + "x" * 100, "rest")
    assert caplog.records[0].getMessage() == (
        "the gateway reports version 'dev-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', which is not MAJOR.MINOR: not checked"
    )


# -- the monitor ------------------------------------------------------------------------------------------------


def test_the_monitor_backs_off_doubling_to_a_bound_and_logs_each_state_change_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[str | Exception] = [ConnectionRefusedError("down")] * 8 + ["8.10.0"] * 2 + [OSError("gone")] * 2
    waits: list[float] = []
    stop = asyncio.Event()

    async def probe() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def pause(_stop: asyncio.Event, seconds: float) -> None:
        waits.append(seconds)
        if not answers:
            stop.set()

    monitor = GatewayMonitor(probe, address="http://gw:8080", client="rest", check_interval=10, pause=pause)
    caplog.set_level(logging.INFO, logger="uipath_connector.runtime.gateway")
    asyncio.run(monitor.run(stop))

    assert waits == [1, 2, 4, 8, 16, 30, 30, 30, 10, 10, 1, 2]
    assert [record.getMessage() for record in caplog.records] == [
        "gateway http://gw:8080 unreachable (ConnectionRefusedError); retrying every 1 s doubling up to 30 s, "
        "logging only when it is back",
        "gateway http://gw:8080 reachable (Camunda 8.10.0, --client rest)",
        "gateway http://gw:8080 unreachable (OSError); retrying every 1 s doubling up to 30 s, logging only when "
        "it is back",
    ]
    assert monitor.ready is False
    assert monitor.status()["gatewayVersion"] == "8.10.0"


def test_ready_needs_a_recent_successful_probe() -> None:
    now = [100.0]
    stop = asyncio.Event()

    async def probe() -> str:
        return "8.10.0"

    async def pause(_stop: asyncio.Event, _seconds: float) -> None:
        stop.set()

    monitor = GatewayMonitor(
        probe, address="a", client="rest", check_interval=5, probe_timeout=2, clock=lambda: now[0], pause=pause
    )
    assert monitor.ready is False  # not probed yet
    asyncio.run(monitor.run(stop))
    assert monitor.ready is True
    now[0] += monitor.ready_within + 0.001  # the loop is stuck: no probe for longer than the bound
    assert monitor.ready is False


# -- the health server ------------------------------------------------------------------------------------------


@pytest.fixture
def health() -> Iterator[tuple[GatewayMonitor, str]]:
    async def probe() -> str:
        return "8.10.0"

    monitor = GatewayMonitor(probe, address="http://gw", client="rest")
    server = HealthServer(monitor, host="127.0.0.1", port=0)
    server.start()
    try:
        yield monitor, f"http://127.0.0.1:{server.port}"
    finally:
        server.close()


def test_the_health_server_answers_probes_and_refuses_everything_else(health: tuple[GatewayMonitor, str]) -> None:
    _monitor, base = health
    assert get(base + "/livez") == (200, "ok\n")
    status, body = get(base + "/readyz")
    assert status == 503
    assert json.loads(body) == {
        "gateway": "http://gw",
        "client": "rest",
        "reachable": False,
        "gatewayVersion": "",
        "secondsSinceContact": None,
        "ready": False,
    }
    assert get(base + "/metrics") == (404, "metrics are off: install the [metrics] extra (prometheus-client)\n")
    assert get(base + "/nope")[0] == 404
    request = urllib.request.Request(base + "/readyz", method="POST", data=b"x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    refused.value.close()
    assert refused.value.code == 405


# -- the worker process -----------------------------------------------------------------------------------------


def test_the_worker_waits_for_an_unreachable_gateway_quietly_then_works_and_reports_ready() -> None:
    gateway_port, health_port = free_port(), free_port()
    address = f"http://127.0.0.1:{gateway_port}"
    worker = start_worker(address, "--health-port", str(health_port), "--health-host", "127.0.0.1")
    health = f"http://127.0.0.1:{health_port}"
    try:
        assert wait_until(lambda: _reachable(health + "/livez"))
        assert get(health + "/livez") == (200, "ok\n")
        status, body = get(health + "/readyz")
        assert (status, json.loads(body)["reachable"]) == (503, False)
        time.sleep(3.5)  # three or four probes (1 s, 2 s backoff): still one log line
        fake = FakeCamunda()
        fake.add_job(1, {"text": "hi", "mode": "ok"}, {"resultVariable": "r"})
        fake.add_job(2, {"text": "hi", "mode": "error"}, {"resultVariable": "r"})
        with serving(fake, gateway_port):
            assert wait_until(lambda: get(health + "/readyz")[0] == 200, seconds=40)
            assert wait_until(lambda: len(fake.commands()) == 2)
            ready = json.loads(get(health + "/readyz")[1])
            metrics_status, metrics = get(health + "/metrics")
            code, stderr = stop(worker)
    finally:
        if worker.poll() is None:
            stop(worker)

    assert code == 0
    assert ready["gatewayVersion"] == "8.10.0"
    assert ready["ready"] is True
    assert sorted(path for _, path, _ in fake.commands()) == ["/v2/jobs/1/completion", "/v2/jobs/2/failure"]
    assert metrics_status == 200
    assert f'uipath_connector_jobs_total{{error_code="",job_type="{JOB_TYPE}",outcome="complete"}} 1.0' in metrics
    assert f'uipath_connector_jobs_total{{error_code="",job_type="{JOB_TYPE}",outcome="fail"}} 1.0' in metrics
    assert f'uipath_connector_jobs_in_flight{{job_type="{JOB_TYPE}"}} 0.0' in metrics
    assert f'uipath_connector_job_duration_seconds_count{{job_type="{JOB_TYPE}"}} 2.0' in metrics
    assert "metrics on /metrics" in stderr
    assert f"via rest, gateway {address}" in stderr
    assert stderr.count("unreachable") == 1, stderr
    assert stderr.count(f"gateway {address} reachable (Camunda 8.10.0, --client rest)") == 1
    assert "Traceback" not in stderr


def test_the_worker_refuses_a_gateway_it_cannot_serve_before_activating_anything() -> None:
    fake = FakeCamunda()
    fake.gateway_version = "8.8.4"
    fake.add_job(1, {"text": "hi", "mode": "ok"}, {"resultVariable": "r"})
    with serving(fake) as address:
        worker = start_worker(address)
        try:
            _, stderr = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                stop(worker)
    assert worker.returncode == 2
    assert (
        "refusing to work: the gateway runs Camunda 8.8.4, but --client rest supports Camunda 8.10 and later (8.x)"
        in stderr
    )
    assert "Traceback" not in stderr
    assert fake.calls == []  # no activation, no command


def test_a_busy_health_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        worker = start_worker("http://127.0.0.1:9", "--health-port", str(port), "--health-host", "127.0.0.1")
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port} for --health-port: Address already in use" in stderr
    assert "Traceback" not in stderr


def _reachable(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False


def test_job_observers_see_each_outcome_with_its_error_code() -> None:
    from uipath_connector.runtime import Complete, Fail, ThrowError
    from uipath_connector.runtime._job_log import log_job
    from uipath_connector.runtime._metrics import (
        PrometheusJobMetrics,
        add_job_observer,
        job_started,
        remove_job_observer,
    )

    metrics = PrometheusJobMetrics()
    add_job_observer(metrics)
    try:
        for outcome in (Complete({}), ThrowError("UIPATH_404", "gone", {}), Fail("503", 2)):
            job_started("t")
            log_job(1, "t", outcome, 0.25)
    finally:
        remove_job_observer(metrics)
    log_job(2, "t", Complete({}), 0.1)  # removed: not counted
    text = metrics.exposition()[0].decode()
    assert 'uipath_connector_jobs_total{error_code="",job_type="t",outcome="complete"} 1.0' in text
    assert 'uipath_connector_jobs_total{error_code="UIPATH_404",job_type="t",outcome="throw_error"} 1.0' in text
    assert 'uipath_connector_jobs_total{error_code="",job_type="t",outcome="fail"} 1.0' in text
    assert 'uipath_connector_jobs_in_flight{job_type="t"} 0.0' in text
    assert 'uipath_connector_job_duration_seconds_sum{job_type="t"} 0.75' in text


def test_json_logs_carry_the_job_and_process_instance_keys() -> None:
    fake = FakeCamunda()
    fake.add_job(5, {"text": "hi", "mode": "ok"}, {"resultVariable": "r"})
    with serving(fake) as address:
        worker = start_worker(address, "--log-format", "json")
        try:
            assert wait_until(lambda: len(fake.commands()) == 1)
        finally:
            code, stderr = stop(worker)
    assert code == 0
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    job_lines = [line for line in lines if "job_key" in line]
    assert [(line["job_key"], line["process_instance_key"], line["level"]) for line in job_lines] == [
        ("5", "105", "INFO")
    ]
    assert job_lines[0]["message"].startswith(f"job 5 type={JOB_TYPE} outcome=complete duration=")


def test_metrics_count_orchestrator_requests_retries_and_token_fetches_and_logs_carry_the_item_id() -> None:
    """The real UiPath connector against the emulator on loopback, one 503 from the token endpoint: /metrics shows
    each attempt by operation (ids replaced) and status, the retry and the one token fetch; the Add's log line names
    the item it added."""
    from test_runtime_cli_worker import start_worker

    from uipath_connector.testing import DEMO, Endpoint, OrchestratorEmulator, ServerError
    from uipath_connector.uipath import JOB_TYPE as UIPATH_JOB_TYPE

    emulator = OrchestratorEmulator.demo()
    emulator.inject(ServerError(503), endpoint=Endpoint.TOKEN, count=1)
    fake = FakeCamunda()
    health_port = free_port()
    with emulator.server() as server, serving(fake) as address:
        connection = {
            "authentication": {
                "type": "oauth-client-credentials-flow",
                "clientId": DEMO.client_id,
                "clientSecret": "{{secrets.CLIENT_SECRET}}",
            },
            "cloudUrl": f"{server.url}/{DEMO.org}/{DEMO.tenant}/orchestrator_",
            "organizationUnitId": str(DEMO.folder_id),
        }
        add = {"operationType": "addQueueItem", "queueName": DEMO.queue_name, "specificContent": {"orderId": 42}}
        fake.add_job(7, {**connection, **add}, {"resultVariable": "added"}, job_type=UIPATH_JOB_TYPE)
        missing = {"operationType": "getItemById", "itemId": "999"}
        fake.add_job(8, {**connection, **missing}, {"resultVariable": "found"}, job_type=UIPATH_JOB_TYPE)
        worker = start_worker(
            address,
            "--allow-insecure-http",
            "--log-format",
            "json",
            "--health-port",
            str(health_port),
            "--health-host",
            "127.0.0.1",
            connector=None,
            secrets={"CLIENT_SECRET": DEMO.client_secret},
        )
        try:
            assert wait_until(lambda: len(fake.commands()) == 2)
            metrics_status, metrics = get(f"http://127.0.0.1:{health_port}/metrics")
        finally:
            code, stderr = stop(worker)
        items = emulator.items(DEMO.queue_name)

    assert code == 0, stderr
    assert [item.id for item in items] == [1]
    assert metrics_status == 200
    token, add, query = (
        "POST /identity_/connect/token",
        "POST /odata/Queues/UiPathODataSvc.AddQueueItem",
        "GET /odata/QueueItems",
    )
    counted = sorted(
        line
        for line in metrics.splitlines()
        if line.startswith("uipath_connector_orchestrator_") and line.split("{")[0].endswith(("_count", "_total"))
    )
    assert counted == [
        f'uipath_connector_orchestrator_request_seconds_count{{operation="{query}",status="200"}} 1.0',
        f'uipath_connector_orchestrator_request_seconds_count{{operation="{token}",status="200"}} 1.0',
        f'uipath_connector_orchestrator_request_seconds_count{{operation="{token}",status="503"}} 1.0',
        f'uipath_connector_orchestrator_request_seconds_count{{operation="{add}",status="201"}} 1.0',
        f'uipath_connector_orchestrator_retries_total{{operation="{token}"}} 1.0',
        'uipath_connector_orchestrator_token_fetches_total{outcome="ok"} 1.0',
    ]
    job_lines = [json.loads(line) for line in stderr.splitlines() if '"job_key"' in line]
    assert sorted((line["job_key"], line.get("queue_item_id")) for line in job_lines) == [("7", 1), ("8", None)]
    assert [line["message"].endswith(" item=1") for line in sorted(job_lines, key=lambda line: line["job_key"])] == [
        True,
        False,
    ]
    assert DEMO.client_secret not in metrics + stderr


def test_request_observers_see_attempts_retries_and_token_fetches_with_ids_kept_out_of_labels() -> None:
    import responses

    from uipath_connector.http import (
        OAuthClientCredentials,
        Requester,
        TokenCache,
        add_request_observer,
        decide_get,
        operation_label,
        remove_request_observer,
    )
    from uipath_connector.runtime._metrics import PrometheusJobMetrics

    assert operation_label("GET", "/odata/QueueItems(42)?$expand=Robot") == "GET /odata/QueueItems({id})"
    assert operation_label("GET", "/odata/Folders('a b')/x/123") == "GET /odata/Folders({id})/x/{id}"
    assert operation_label("DELETE", "/hooks/0f8fad5b-d9cb-469f-a165-70867728950e") == "DELETE /hooks/{id}"
    assert len(operation_label("GET", "/" + "a" * 500)) == 120

    metrics = PrometheusJobMetrics()
    authenticator = OAuthClientCredentials(
        "https://id.example/connect/token", "robot-app", "s3cret", "OR.Queues", token_cache=TokenCache()
    )
    requester = Requester("https://api.example", authenticator, timeout_seconds=5)
    add_request_observer(metrics)
    try:
        with responses.RequestsMock() as mock:
            mock.post("https://id.example/connect/token", status=400, json={"error": "invalid_client"})
            mock.post("https://id.example/connect/token", json={"access_token": "tok", "expires_in": 3600})
            mock.get("https://api.example/odata/QueueItems(5)", status=503, json={})
            mock.get("https://api.example/odata/QueueItems(5)", json={"Id": 5})
            with pytest.raises(Exception, match=r"rejected by the token endpoint .* \(invalid_client\)"):
                requester.request("GET", "/odata/QueueItems(5)", decide=decide_get)
            assert requester.request("GET", "/odata/QueueItems(5)", decide=decide_get).body == {"Id": 5}
    finally:
        remove_request_observer(metrics)
    with responses.RequestsMock() as mock:  # removed: not counted
        mock.get("https://api.example/odata/QueueItems(6)", json={"Id": 6})
        requester.request("GET", "/odata/QueueItems(6)", decide=decide_get)
    text = metrics.exposition()[0].decode()
    counted = sorted(
        line
        for line in text.splitlines()
        if line.startswith("uipath_connector_orchestrator_") and line.split("{")[0].endswith(("_count", "_total"))
    )
    assert counted == [
        'uipath_connector_orchestrator_request_seconds_count{operation="GET /odata/QueueItems({id})",status="200"} 1.0',
        'uipath_connector_orchestrator_request_seconds_count{operation="GET /odata/QueueItems({id})",status="503"} 1.0',
        'uipath_connector_orchestrator_request_seconds_count{operation="POST /connect/token",status="200"} 1.0',
        'uipath_connector_orchestrator_request_seconds_count{operation="POST /connect/token",status="400"} 1.0',
        'uipath_connector_orchestrator_retries_total{operation="GET /odata/QueueItems({id})"} 1.0',
        'uipath_connector_orchestrator_token_fetches_total{outcome="failed"} 1.0',
        'uipath_connector_orchestrator_token_fetches_total{outcome="ok"} 1.0',
    ]
