"""``uipath-connector worker``: run a connector as a Zeebe job worker (see ``docs/workers.md``).

::

    CAMUNDA_REST_ADDRESS=http://localhost:8080 uipath-connector worker --client rest
    ZEEBE_ADDRESS=localhost:26500 ZEEBE_INSECURE_CONNECTION=true uipath-connector worker --client pyzeebe
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import importlib
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from ..runtime._gateway import (
    GatewayMonitor,
    QuietWhileUnreachable,
    UnsupportedGatewayVersion,
    camunda_topology_probe,
    pyzeebe_topology_probe,
)
from ..runtime._health import HealthServer
from ..runtime._metrics import add_job_observer, prometheus_job_metrics
from ._arguments import host, non_negative_float, port_or_zero, positive_float, positive_int

__all__ = ["add_worker_command", "load_connector"]

DEFAULT_CONNECTOR = "uipath_connector.uipath:UiPathConnector"
_WORKER_LOGGER = logging.getLogger("uipath_connector.worker")
# What a busy, foreign or privileged --health-port raises; said in one line, not a traceback.
_BIND_ERRORS = {errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES}

# Third-party loggers that print what may hold a secret below WARNING: pyzeebe and the REST SDK log job objects
# (with variables) and failure messages; urllib3 logs each Orchestrator request line, whose path holds cloudOrg and
# cloudTenant (often {{secrets.…}}, Camunda's connector secrets); httpx/httpcore log every poll at INFO.
_QUIET_LOGGERS = ("pyzeebe", "grpc", "uipath_connector.runtime.camunda_sdk", "httpx", "httpcore", "urllib3")


def add_worker_command(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run a connector as a Zeebe job worker",
        description=(
            "Work the connector's jobs until SIGINT/SIGTERM, then finish the jobs in flight and exit. "
            "Connection settings come from the environment: CAMUNDA_* for --client rest (camunda-orchestration-sdk), "
            "ZEEBE_* / CAMUNDA_* for --client pyzeebe. Run as many processes as you like side by side."
        ),
    )
    parser.add_argument(
        "--connector",
        default=os.environ.get("UIPATH_CONNECTOR_CONNECTOR", DEFAULT_CONNECTOR),
        metavar="MODULE:ATTR",
        help=f"the connector class, instance or factory (default: {DEFAULT_CONNECTOR})",
    )
    parser.add_argument(
        "--client",
        choices=["rest", "pyzeebe"],
        default=os.environ.get("UIPATH_CONNECTOR_CLIENT", "rest"),
        help="the job API: Camunda 8 REST (extra [camunda]) or gRPC through pyzeebe (extra [pyzeebe]); default rest",
    )
    parser.add_argument(
        "--secret-prefix",
        default="",
        help="read {{secrets.NAME}} from the environment variable <prefix>NAME (default: no prefix)",
    )
    parser.add_argument(
        "--job-timeout-ms",
        type=positive_int,
        # A string default goes through `type` too, so a bad environment value is refused like a bad flag; unset,
        # the adapters derive the timeout from the connector's worst case.
        default=os.environ.get("CAMUNDA_WORKER_TIMEOUT", "").strip() or None,
        help=(
            "how long an activated job is reserved for this worker; the worker extends it while the job's call runs "
            "(default: CAMUNDA_WORKER_TIMEOUT, else the connector's worst-case duration with a margin; a shorter "
            "value is warned about)"
        ),
    )
    parser.add_argument(
        "--max-jobs",
        type=positive_int,
        default=os.environ.get("CAMUNDA_WORKER_MAX_CONCURRENT_JOBS", "").strip() or "10",
        help=(
            "jobs worked at once by this process, one thread each; no more are activated than there are free "
            "(default: CAMUNDA_WORKER_MAX_CONCURRENT_JOBS or 10)"
        ),
    )
    parser.add_argument(
        "--name",
        default=os.environ.get("CAMUNDA_WORKER_NAME") or f"uipath-connector-{socket.gethostname()}-{os.getpid()}",
        help="worker name shown in Operate (default: CAMUNDA_WORKER_NAME or uipath-connector-<host>-<pid>)",
    )
    parser.add_argument(
        "--drain-timeout",
        type=non_negative_float,
        default=30.0,
        help="seconds to wait for jobs in flight after SIGINT/SIGTERM (default: 30)",
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help=(
            "create the connector with allow_insecure_http=True so that http:// Orchestrator and token URLs work: "
            "for a local emulator only, never against real UiPath (credentials would travel unencrypted)"
        ),
    )
    parser.add_argument(
        "--health-port",
        type=port_or_zero,
        default=os.environ.get("UIPATH_CONNECTOR_HEALTH_PORT", "").strip() or None,
        help=(
            "serve GET /livez, /readyz and /metrics on this port (default: UIPATH_CONNECTOR_HEALTH_PORT, else off; "
            "0 picks a free port and logs it)"
        ),
    )
    parser.add_argument(
        "--health-host",
        type=host,
        # All interfaces: Kubernetes probes the pod's IP; the endpoints show no job data and no secret.
        default=os.environ.get("UIPATH_CONNECTOR_HEALTH_HOST", "0.0.0.0"),  # noqa: S104
        help="the address the health port listens on (default: 0.0.0.0, so that Kubernetes probes reach it)",
    )
    parser.add_argument(
        "--gateway-check-interval",
        type=positive_float,
        default=10.0,
        help="seconds between the gateway topology checks behind /readyz (default: 10)",
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument(
        "--log-format",
        default="text",
        choices=["text", "json"],
        help="text lines, or one JSON object per line with job_key and process_instance_key fields (default: text)",
    )
    parser.set_defaults(run=_worker)


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the job fields when the record has them."""

    _FIELDS = ("job_key", "process_instance_key", "queue_item_id")

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self._FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        return json.dumps(line, ensure_ascii=False)


def _worker(args: argparse.Namespace) -> int:
    handler = logging.StreamHandler(sys.stderr)
    if args.log_format == "json":
        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=args.log_level, handlers=[handler])
    # Our own loggers mask secret values; these libraries' cannot, so they stay at WARNING even with DEBUG.
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(args.log_level)))
    from ..runtime import run_camunda_worker, run_pyzeebe_worker
    from ..sdk import EnvironmentSecretProvider, connector_metadata

    options: dict[str, Any] = {"allow_insecure_http": True} if args.allow_insecure_http else {}
    try:
        connector = load_connector(args.connector, **options)
        job_type = connector_metadata(connector).type
    except (ImportError, AttributeError, ValueError, TypeError) as error:
        _WORKER_LOGGER.error("cannot load the connector %r: %s", args.connector, error)
        return 2
    if args.allow_insecure_http:
        _WORKER_LOGGER.warning("--allow-insecure-http: http:// URLs are accepted; use this with a local emulator only")
    secrets = EnvironmentSecretProvider(args.secret_prefix)

    async def work() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        channel = _pyzeebe_channel() if args.client == "pyzeebe" else None
        address = _gateway_address(args.client)
        _WORKER_LOGGER.info("worker %s: job type %s via %s, gateway %s", args.name, job_type, args.client, address)
        if channel is not None:
            probe, close_probe = pyzeebe_topology_probe(channel), None
        else:
            probe, close_probe = camunda_topology_probe()
        monitor = GatewayMonitor(probe, address=address, client=args.client, check_interval=args.gateway_check_interval)
        quiet = QuietWhileUnreachable(monitor, _QUIET_LOGGERS)
        handlers = list(logging.getLogger().handlers)
        for handler in handlers:
            handler.addFilter(quiet)
        health = _start_health_server(args, monitor)
        try:
            await _watch_and_work(monitor, stop, lambda: run_worker(stop, channel))
        finally:
            if health is not None:
                health.close()
            for handler in handlers:
                handler.removeFilter(quiet)
            if close_probe is not None:
                await close_probe()

    async def run_worker(stop: asyncio.Event, channel: Any) -> None:
        if channel is not None:
            await run_pyzeebe_worker(
                connector,
                channel,
                stop=stop,
                drain_timeout=args.drain_timeout,
                secret_provider=secrets,
                name=args.name,
                timeout_ms=args.job_timeout_ms,
                max_running_jobs=args.max_jobs,
            )
        else:
            await run_camunda_worker(
                connector,
                stop=stop,
                drain_timeout=args.drain_timeout,
                secret_provider=secrets,
                job_timeout_ms=args.job_timeout_ms,
                max_concurrent_jobs=args.max_jobs,
                worker_name=args.name,
            )

    try:
        asyncio.run(work())
    except UnsupportedGatewayVersion as error:
        _WORKER_LOGGER.error("refusing to work: %s", error)
        return 2
    except OSError as error:
        if args.health_port is None or error.errno not in _BIND_ERRORS:
            raise
        _WORKER_LOGGER.error(
            "cannot listen on %s:%s for --health-port: %s", args.health_host, args.health_port, error.strerror
        )
        return 2
    except ImportError as error:
        extra = "pyzeebe" if args.client == "pyzeebe" else "camunda"
        # The package is not on PyPI yet, so `pip install 'uipath-connector[extra]'` would fail: name what works.
        _WORKER_LOGGER.error(
            "%s; install the [%s] extra: in a clone `pip install -e '.[%s]'`, or from a built wheel "
            "`pip install 'uipath_connector-<version>-py3-none-any.whl[%s]'` (docs/getting-started.md)",
            error,
            extra,
            extra,
            extra,
        )
        return 2
    _WORKER_LOGGER.info("worker %s stopped", args.name)
    return 0


async def _watch_and_work(
    monitor: GatewayMonitor, stop: asyncio.Event, run_worker: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Wait for the gateway (backing off, logging once per state change), check its version, then work jobs.

    The monitor keeps probing while the worker runs (for /readyz); a version refused later stops the worker.
    """
    watching = asyncio.create_task(monitor.run(stop))
    connected = asyncio.create_task(monitor.connected.wait())
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({watching, connected, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if watching.done():
            watching.result()  # the version was refused: raise it
            return
        if stop.is_set():
            return
        working = asyncio.create_task(run_worker())
        await asyncio.wait({working, watching}, return_when=asyncio.FIRST_COMPLETED)
        if not working.done():
            stop.set()  # the monitor refused a new gateway version: drain and stop
        await working
        stop.set()
        await watching
    finally:
        for task in (watching, connected, stopping):
            task.cancel()
        await asyncio.gather(watching, connected, stopping, return_exceptions=True)


def _gateway_address(client: str) -> str:
    """The gateway address as configured, for the start-up line and /readyz (never a credential)."""
    if client == "pyzeebe":
        if os.environ.get("CAMUNDA_CLUSTER_ID"):
            region = os.environ.get("CAMUNDA_CLUSTER_REGION", "bru-2")
            return f"{os.environ['CAMUNDA_CLUSTER_ID']}.{region}.zeebe.camunda.io:443"
        return os.environ.get("ZEEBE_ADDRESS") or "localhost:26500"
    return os.environ.get("CAMUNDA_REST_ADDRESS") or "http://localhost:8080/v2"


def _start_health_server(args: argparse.Namespace, monitor: GatewayMonitor) -> HealthServer | None:
    if args.health_port is None:
        return None
    metrics = prometheus_job_metrics()
    server = HealthServer(
        monitor, host=args.health_host, port=args.health_port, metrics=None if metrics is None else metrics.exposition
    )
    server.start()
    if metrics is not None:
        from ..http import add_request_observer

        add_job_observer(metrics)
        add_request_observer(metrics)
    _WORKER_LOGGER.info(
        "health endpoints on http://%s:%d/livez and /readyz; %s",
        args.health_host,
        server.port,
        "metrics on /metrics" if metrics is not None else "metrics are off (install the [metrics] extra)",
    )
    return server


def load_connector(spec: str, **options: Any) -> Any:
    """Import ``module:attr``; a class or factory is called with ``options``, anything else used as is.

    ``options`` (e.g. ``allow_insecure_http=True``) need a class or factory that accepts them; an instance cannot
    take them, which is a ``TypeError``.

    >>> type(load_connector("uipath_connector.sdk:MapSecretProvider")).__name__
    'MapSecretProvider'
    >>> load_connector("uipath_connector.uipath:UiPathConnector", allow_insecure_http=True).allow_insecure_http
    True
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError("expected MODULE:ATTR")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    if isinstance(target, type) or (callable(target) and not hasattr(target, "execute")):
        return target(**options)
    if options:
        raise TypeError(f"{spec} is an instance; options ({', '.join(sorted(options))}) need a class or factory")
    return target


def _pyzeebe_channel() -> Any:
    """A gRPC channel from the conventional settings (pyzeebe 4.7 docs, "Connecting").

    ``CAMUNDA_CLUSTER_ID`` → Camunda SaaS; a client id plus an OAuth URL → self-managed with OAuth; otherwise
    ``ZEEBE_ADDRESS`` (default ``localhost:26500``) over TLS, or plaintext when ``ZEEBE_INSECURE_CONNECTION`` is
    true or no address is set.
    """
    import pyzeebe

    env = os.environ
    if env.get("CAMUNDA_CLUSTER_ID"):
        return pyzeebe.create_camunda_cloud_channel()
    has_client = env.get("CAMUNDA_CLIENT_ID") or env.get("ZEEBE_CLIENT_ID")
    has_oauth_url = env.get("CAMUNDA_OAUTH_URL") or env.get("ZEEBE_AUTHORIZATION_SERVER_URL")
    if has_client and has_oauth_url:
        return pyzeebe.create_oauth2_client_credentials_channel()
    insecure = env.get("ZEEBE_INSECURE_CONNECTION", "").strip().lower() in {"1", "true", "yes"}
    if insecure or not env.get("ZEEBE_ADDRESS"):
        return pyzeebe.create_insecure_channel()
    return pyzeebe.create_secure_channel()
