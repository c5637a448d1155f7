"""``uipath-connector worker``: run a connector as a Zeebe job worker (see ``docs/workers.md``).

::

    CAMUNDA_REST_ADDRESS=http://localhost:8080 uipath-connector worker --client rest
    ZEEBE_ADDRESS=localhost:26500 ZEEBE_INSECURE_CONNECTION=true uipath-connector worker --client pyzeebe
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import signal
import socket
import sys
from typing import Any

from ._arguments import non_negative_float, positive_int

__all__ = ["add_worker_command", "load_connector"]

DEFAULT_CONNECTOR = "uipath_connector.uipath:UiPathConnector"
_WORKER_LOGGER = logging.getLogger("uipath_connector.worker")

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
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.set_defaults(run=_worker)


def _worker(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
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
        _WORKER_LOGGER.info("worker %s: job type %s via %s", args.name, job_type, args.client)
        if args.client == "pyzeebe":
            await run_pyzeebe_worker(
                connector,
                _pyzeebe_channel(),
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
