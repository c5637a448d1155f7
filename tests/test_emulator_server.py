"""The loopback server's lifecycle, the CLI command, the pytest fixtures and the package's exports."""

from __future__ import annotations

import doctest
import inspect
import io
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests

import uipath_connector.testing as testing
from uipath_connector import cli
from uipath_connector.testing import (
    DEMO,
    MAX_DELAY_SECONDS,
    Delay,
    EmulatorRequest,
    EmulatorServer,
    Endpoint,
    OrchestratorEmulator,
    run_emulator_server,
)
from uipath_connector.testing.emulator import _clock, _dates, _emulator, _odata, _run, _server


def test_server_starts_serves_and_stops_cleanly() -> None:
    emulator = OrchestratorEmulator.demo()
    server = emulator.server()

    with server:
        url = server.url
        assert url.startswith("http://127.0.0.1:")
        assert server.base_url == f"{url}/{DEMO.org}/{DEMO.tenant}/orchestrator_"
        response = requests.post(
            server.token_url,
            data={"grant_type": "client_credentials"},
            auth=(DEMO.client_id, DEMO.client_secret),
            timeout=5,
        )
        assert response.status_code == 200

    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(url, timeout=1)
    assert not [t for t in threading.enumerate() if t.name == "uipath-emulator"]


def test_serve_yields_the_url_and_a_fixed_port_is_reusable() -> None:
    emulator = OrchestratorEmulator.demo()
    with emulator.serve() as url:
        port = int(url.rsplit(":", 1)[1])
    with emulator.serve(port=port) as again:
        assert again == f"http://127.0.0.1:{port}"


def test_server_cannot_start_twice() -> None:
    with OrchestratorEmulator.demo().server() as server, pytest.raises(RuntimeError, match="already running"):
        server.start()


AUTH = {"Authorization": f"Bearer {DEMO.personal_access_token}", "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id)}
ADD = "/odata/Queues/UiPathODataSvc.AddQueueItem"


def _wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.002)


def _handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_stop_with_a_request_in_flight_is_bounded_and_drops_it() -> None:
    emulator = OrchestratorEmulator.demo()
    emulator.inject(Delay(MAX_DELAY_SECONDS), endpoint=Endpoint.LIST_QUEUE_ITEMS)
    outcome: list[object] = []
    server = emulator.server().start()

    def call() -> None:
        try:
            outcome.append(requests.get(server.base_url + "/odata/QueueItems", headers=AUTH, timeout=60))
        except requests.exceptions.ConnectionError as exc:
            outcome.append(exc)

    client = threading.Thread(target=call)
    client.start()
    _wait_until(lambda: len(emulator.requests) == 1)  # processed, now held back by the delay
    started = time.monotonic()
    server.stop()
    client.join(5)

    assert time.monotonic() - started < 2  # the held answer is dropped, not waited for (30 s)
    assert not client.is_alive()
    [error] = outcome
    assert isinstance(error, requests.exceptions.ConnectionError)


def test_stop_closes_kept_alive_connections() -> None:
    emulator = OrchestratorEmulator.demo()
    session = requests.Session()
    with emulator.server() as server:
        url = server.base_url + "/odata/QueueItems"
        assert session.get(url, headers=AUTH, timeout=5).status_code == 200

    # Before the fix the kept-alive connection's thread went on answering after stop().
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(url, headers=AUTH, timeout=5)
    _wait_until(lambda: not _handler_threads())
    assert len(emulator.requests) == 1


def test_chunked_request_body_is_read() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"itemData":'
        yield b'{"Name":"DemoQueue","Reference":"chunked"}}'

    emulator = OrchestratorEmulator.demo()
    with emulator.server() as server, requests.Session() as session:
        created = session.post(
            server.base_url + ADD, data=chunks(), headers={**AUTH, "Content-Type": "application/json"}, timeout=5
        )
        after = session.get(server.base_url + "/odata/QueueItems", headers=AUTH, timeout=5)

    assert emulator.requests[0].headers.get("Transfer-Encoding") == "chunked"
    assert (created.status_code, created.json()["Reference"]) == (201, "chunked")
    # The chunks were consumed, so the kept-alive connection still frames the next request correctly.
    assert [row["Reference"] for row in after.json()["value"]] == ["chunked"]


@pytest.mark.parametrize(
    "framing",
    [b"Content-Length: abc\r\n", b"Content-Length: -5\r\n", b"Transfer-Encoding: chunked\r\n\r\nzz"],
)
def test_unframable_body_is_400_and_no_traceback(framing: bytes, capfd: pytest.CaptureFixture[str]) -> None:
    emulator = OrchestratorEmulator.demo()
    with emulator.server() as server, socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"POST /x HTTP/1.1\r\nHost: emulator\r\n" + framing + b"\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert emulator.requests == []
    assert "Traceback" not in capfd.readouterr().err


def test_client_hanging_up_leaves_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    emulator = OrchestratorEmulator.demo()
    with emulator.server() as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
            raw.sendall(b"GET /x HTTP/1.1\r\nHost: emulator\r\n")
        _wait_until(lambda: not _handler_threads())

    assert "Traceback" not in capfd.readouterr().err


def test_concurrent_adds_get_unique_increasing_ids() -> None:
    emulator = OrchestratorEmulator.demo()
    per_thread: dict[int, list[int]] = {}

    def add_items(worker: int, url: str) -> None:
        with requests.Session() as session:
            per_thread[worker] = [
                session.post(url, json={"itemData": {"Name": "DemoQueue"}}, headers=AUTH, timeout=10).json()["Id"]
                for _ in range(25)
            ]

    with emulator.server() as server:
        workers = [threading.Thread(target=add_items, args=(n, server.base_url + ADD)) for n in range(12)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)

    ids = [item_id for ids in per_thread.values() for item_id in ids]
    assert sorted(ids) == list(range(1, 301))
    assert all(ids == sorted(ids) for ids in per_thread.values())  # each client sees its ids increase
    assert [item.id for item in emulator.items()] == list(range(1, 301))


def test_run_emulator_server_prints_the_demo_credentials_and_stops() -> None:
    out = io.StringIO()
    stop = threading.Event()
    ready: list[EmulatorServer] = []

    def on_ready(server: EmulatorServer, emulator: OrchestratorEmulator) -> None:
        ready.append(server)
        assert requests.get(server.base_url + "/odata/QueueItems", timeout=5).status_code == 401
        stop.set()

    status = run_emulator_server("127.0.0.1", 0, stop=stop, on_ready=on_ready, out=out)

    assert status == 0
    text = out.getvalue()
    assert f"client id:     {DEMO.client_id}" in text
    assert f"client secret: {DEMO.client_secret}" in text
    assert "valid only in this emulator, not secrets" in text
    assert text.endswith("Emulator stopped.\n")


def test_run_emulator_server_keeps_a_bounded_request_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_run, "MAX_RECORDED_REQUESTS", 3)
    stop = threading.Event()
    seen: list[list[str]] = []

    def on_ready(server: EmulatorServer, emulator: OrchestratorEmulator) -> None:
        with requests.Session() as session:
            for n in range(5):
                session.get(f"{server.base_url}/odata/QueueItems({n + 1})", timeout=5)
        seen.append([record.url.rsplit("/", 1)[1] for record in emulator.requests])
        stop.set()

    run_emulator_server("127.0.0.1", 0, stop=stop, on_ready=on_ready, out=io.StringIO())

    assert seen == [["QueueItems(3)", "QueueItems(4)", "QueueItems(5)"]]


def test_request_log_is_unbounded_by_default_and_the_bound_is_checked() -> None:
    emulator = OrchestratorEmulator.demo()
    for _ in range(3):
        emulator.handle(EmulatorRequest("GET", emulator.base_url("https://cloud.uipath.com") + "/odata/QueueItems", {}))

    assert [record.status for record in emulator.requests] == [401, 401, 401]
    with pytest.raises(ValueError, match="max_recorded_requests is at least 0"):
        OrchestratorEmulator(max_recorded_requests=-1)


def test_run_emulator_server_in_a_thread_without_demo_data() -> None:
    out = io.StringIO()
    stop = threading.Event()
    thread = threading.Thread(
        target=run_emulator_server,
        args=("127.0.0.1", 0),
        kwargs={"seed_demo_data": False, "stop": stop, "out": out},
    )
    thread.start()
    deadline = time.monotonic() + 5
    while "listening" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.005)
    stop.set()
    thread.join(5)

    assert not thread.is_alive()
    assert "client id" not in out.getvalue()


def test_cli_emulator_command(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int, dict[str, object]]] = []

    def fake_run(host: str, port: int, **options: object) -> int:
        calls.append((host, port, options))
        return 0

    monkeypatch.setattr(testing, "run_emulator_server", fake_run)

    assert cli.main(["emulator", "--port", "0", "--empty"]) == 0
    assert cli.main(["emulator", "--config", "e.toml", "--max-items", "0", "--max-page-size", "1000"]) == 0
    assert cli.main(["emulator"]) == 0
    defaults = {"config": None, "max_items": 100_000, "max_page_size": None}
    assert calls == [
        ("127.0.0.1", 0, {"seed_demo_data": False, **defaults}),
        ("127.0.0.1", 8765, {"seed_demo_data": True, "config": "e.toml", "max_items": None, "max_page_size": 1000}),
        ("127.0.0.1", 8765, {"seed_demo_data": True, **defaults}),
    ]
    assert cli.main([]) == 2  # no command: the help, on stderr


def test_fixture_in_process(uipath_orchestrator: OrchestratorEmulator) -> None:
    response = requests.post(
        "https://cloud.uipath.com/identity_/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": DEMO.client_id,
            "client_secret": DEMO.client_secret,
        },
        timeout=5,
    )

    assert response.json()["scope"] == "OR.Queues OR.Queues.Read OR.Queues.Write OR.Webhooks"
    assert uipath_orchestrator.requests[0].status == 200


def test_fixture_loopback(uipath_orchestrator_server: EmulatorServer) -> None:
    assert uipath_orchestrator_server.emulator is not None
    response = requests.get(
        uipath_orchestrator_server.base_url + "/odata/QueueItems",
        headers={"Authorization": f"Bearer {DEMO.personal_access_token}"},
        timeout=5,
    )

    assert response.json()["value"] == []


def test_plugin_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, uipath_connector.testing.pytest_plugin; "
        "heavy = ('responses', 'requests', 'attrs', 'cattrs', 'uipath_connector.sdk', "
        "'uipath_connector.testing.emulator'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30)

    assert output.stdout.strip() == "[]"


def test_exports_are_sorted_and_complete() -> None:
    public = {
        name
        for name in dir(testing)
        if name.isidentifier()
        and not name.startswith("_")
        and name not in {"annotations", "importlib", "TYPE_CHECKING"}
        and not inspect.ismodule(getattr(testing, name))
    }

    assert set(testing.__all__) == public
    assert set(testing.emulator.__all__) <= set(testing.__all__)


@pytest.mark.parametrize("module", [_clock, _dates, _emulator, _odata, _server])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]

    assert result.failed == 0
    assert result.attempted > 0
