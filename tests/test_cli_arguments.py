"""The command line as a Unix tool: every bad input is one line and exit status 2, never a traceback.

Covers the shared helpers of ``uipath_connector/cli/_arguments.py`` and what :func:`uipath_connector.cli.main`
adds to every command: ``--version``, ``-v``, progress for long waits, user errors without tracebacks.
"""

from __future__ import annotations

import argparse
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
import responses
from conftest import ITEMS_URL, job

import uipath_connector
from uipath_connector.cli import main
from uipath_connector.cli._arguments import (
    host,
    non_negative_float,
    non_negative_int,
    port,
    port_or_zero,
    positive_float,
    positive_int,
)
from uipath_connector.uipath import UiPathConnector


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``main(argv)``, expect a usage error (exit 2), return the one line it printed."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    return captured.err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["emulator", "--port", "70000"],
            "uipath-connector emulator: --port: 70000 is not a port number (1..65535, or 0 for a free one) "
            "(see uipath-connector emulator --help)\n",
        ),
        (
            ["emulator", "--port", "-1"],
            "uipath-connector emulator: --port: -1 is not a port number (1..65535, or 0 for a free one) "
            "(see uipath-connector emulator --help)\n",
        ),
        (
            ["emulator", "--port", "80a"],
            "uipath-connector emulator: --port: '80a' is not a whole number (see uipath-connector emulator --help)\n",
        ),
        (
            ["emulator", "--host", "local host"],
            "uipath-connector emulator: --host: 'local host' is not a host name or IP address (no scheme, port or "
            "path) (see uipath-connector emulator --help)\n",
        ),
        (
            ["emulator", "--host", "http://127.0.0.1:8765"],
            "uipath-connector emulator: --host: 'http://127.0.0.1:8765' is not a host name or IP address (no scheme, "
            "port or path) (see uipath-connector emulator --help)\n",
        ),
        (
            ["worker", "--max-jobs", "-3"],
            "uipath-connector worker: --max-jobs: -3 is not allowed: give 1 or more (see uipath-connector worker "
            "--help)\n",
        ),
        (
            ["worker", "--max-jobs", "0"],
            "uipath-connector worker: --max-jobs: 0 is not allowed: give 1 or more (see uipath-connector worker "
            "--help)\n",
        ),
        (
            ["worker", "--job-timeout-ms", "-1"],
            "uipath-connector worker: --job-timeout-ms: -1 is not allowed: give 1 or more (see uipath-connector "
            "worker --help)\n",
        ),
        (
            ["worker", "--drain-timeout", "-0.5"],
            "uipath-connector worker: --drain-timeout: -0.5 is negative: give 0 or more seconds (see "
            "uipath-connector worker --help)\n",
        ),
        (
            ["worker", "--drain-timeout", "inf"],
            "uipath-connector worker: --drain-timeout: 'inf' is not a finite number (see uipath-connector worker "
            "--help)\n",
        ),
        (
            ["nonsense"],
            "uipath-connector: COMMAND: invalid choice: 'nonsense' (choose from 'demo', 'add-queue-item', "
            "'get-queue-item', 'bulk-add-queue-items', 'emulator', 'template', 'worker', 'webhooks') "
            "(see uipath-connector --help)\n",
        ),
    ],
)
def test_each_bad_input_is_one_line_and_exit_2(argv: list[str], line: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _usage_error(argv, capsys) == line


def test_a_bad_worker_setting_in_the_environment_is_refused_like_the_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # --max-jobs 0 would start a worker that never polls; from the environment it must not slip through either.
    monkeypatch.setenv("CAMUNDA_WORKER_MAX_CONCURRENT_JOBS", "0")
    assert "--max-jobs: 0 is not allowed: give 1 or more" in _usage_error(["worker"], capsys)


def test_a_negative_operation_timeout_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add-queue-item", "--emulator", "--queue", "DemoQueue", "--timeout", "-3"]) == 2
    assert capsys.readouterr().err == (
        "input error: Invalid input: connectionTimeoutInSeconds: must be at least 0, got -3\n"
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield listener.getsockname()[1]


def test_a_busy_port_is_one_line_naming_the_address(busy_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--port", str(busy_port)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"uipath-connector emulator: cannot listen on 127.0.0.1:{busy_port}: the port is already in use; "
        "choose another --port (0 picks a free one)\n"
    )


def test_a_host_that_does_not_resolve_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # `.invalid` never resolves (RFC 2606), so this needs no network and cannot succeed by accident.
    assert main(["emulator", "--host", "no-such-host.invalid", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("uipath-connector emulator: cannot resolve host 'no-such-host.invalid': ")
    assert err.count("\n") == 1


def test_an_ipv6_address_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "--host", "::1", "--port", "0"]) == 2
    assert capsys.readouterr().err == (
        "uipath-connector emulator: cannot listen on [::1]:0: only IPv4 addresses are supported; try --host 127.0.0.1\n"
    )


def test_the_installed_command_prints_no_traceback(busy_port: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "uipath_connector.cli", "emulator", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr
    assert done.stderr.endswith("the port is already in use; choose another --port (0 picks a free one)\n")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"uipath-connector {uipath_connector.__version__}\n"


# -- -v and progress ------------------------------------------------------------------------------------------


def _log_through_main(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``main(argv)`` with a command that logs like the client's retry loop does."""

    def fake_run(_args: argparse.Namespace) -> int:
        log = logging.getLogger("uipath_connector.uipath")
        log.debug("GET /odata/QueueItems -> 503")
        log.info(
            "retrying %s in %.2f s (attempt %d of %d)", "GET /odata/QueueItems", 0.4, 2, 4, extra={"wait_seconds": 0.4}
        )
        log.info(
            "retrying %s in %.2f s (attempt %d of %d)", "GET /odata/QueueItems", 2.5, 3, 4, extra={"wait_seconds": 2.5}
        )
        log.warning("add queue item: connection lost after sending; looking its reference up before re-sending")
        return 0

    from uipath_connector.cli import _demo_command

    monkeypatch.setattr(_demo_command, "_demo", fake_run)
    assert main(argv) == 0


def test_without_v_only_warnings_and_waits_over_a_second_show(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _log_through_main(["demo"], monkeypatch)
    assert capsys.readouterr().err == (
        "uipath-connector: retrying GET /odata/QueueItems in 2.50 s (attempt 3 of 4)\n"
        "uipath-connector: add queue item: connection lost after sending; looking its reference up before re-sending\n"
    )


@pytest.mark.parametrize("argv", [["-v", "demo"], ["demo", "-v"], ["demo", "--verbose"]])
def test_v_shows_every_attempt_and_wait(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _log_through_main(argv, monkeypatch)
    assert capsys.readouterr().err.splitlines() == [
        "uipath-connector: retrying GET /odata/QueueItems in 0.40 s (attempt 2 of 4)",
        "uipath-connector: retrying GET /odata/QueueItems in 2.50 s (attempt 3 of 4)",
        "uipath-connector: add queue item: connection lost after sending; looking its reference up before re-sending",
    ]


def test_vv_adds_the_requests(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _log_through_main(["-vv", "demo"], monkeypatch)
    assert capsys.readouterr().err.splitlines()[0] == "uipath-connector: GET /odata/QueueItems -> 503"


def test_logging_is_restored_after_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("uipath_connector")
    before = (logger.level, logger.propagate, list(logger.handlers))
    _log_through_main(["-v", "demo"], monkeypatch)
    assert (logger.level, logger.propagate, list(logger.handlers)) == before


def test_the_client_tags_each_wait_with_its_length(
    connector: UiPathConnector, mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    """The retry loop's wait records carry ``wait_seconds``: what the progress filter reads."""
    mocked.add("GET", ITEMS_URL, status=503, body="busy")
    mocked.add("GET", ITEMS_URL, status=503, body="busy")
    mocked.add("GET", ITEMS_URL, json={"@odata.count": 0, "value": []})
    with caplog.at_level(logging.INFO, logger="uipath_connector"):
        connector.execute(job("getItemById"))
    waits = [getattr(record, "wait_seconds", None) for record in caplog.records if "retry" in record.getMessage()]
    assert len(waits) == 2
    assert all(isinstance(wait, float) and wait > 0 for wait in waits)


# -- the validators ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (port, {"1": 1, "65535": 65535, " 443 ": 443}, ["0", "65536", "-1", "1.5", "", "0x50"]),
        (port_or_zero, {"0": 0, "8765": 8765}, ["-1", "70000", "x"]),
        (positive_int, {"1": 1, "10": 10}, ["0", "-3", "2.0", "ten"]),
        (non_negative_int, {"0": 0, "30000": 30000}, ["-1", "1e3"]),
        (positive_float, {"0.5": 0.5, "20": 20.0}, ["0", "-1", "nan", "inf", "-inf"]),
        (non_negative_float, {"0": 0.0, "2.5": 2.5}, ["-0.1", "nan", "inf", "soon"]),
        (
            host,
            {
                "127.0.0.1": "127.0.0.1",
                "::1": "::1",
                "[::1]": "::1",
                "localhost": "localhost",
                "a-b.example": "a-b.example",
            },
            ["", "local host", "http://x", "x:80", "x/y", "-bad.example", "a..b", "a" * 64 + ".example", "ü.example"],
        ),
    ],
)
def test_validators_accept_and_refuse(validator: object, good: dict[str, object], bad: list[str]) -> None:
    assert callable(validator)
    for text, value in good.items():
        assert validator(text) == value, text
    for text in bad:
        with pytest.raises(argparse.ArgumentTypeError):
            validator(text)
