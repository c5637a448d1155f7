"""``uipath-connector webhooks``: the webhook receiver (uvicorn) and/or the reconciler, publishing Zeebe messages.

::

    export UIPATH_WEBHOOK_SECRET=... UIPATH_CLIENT_ID=... UIPATH_CLIENT_SECRET=...
    export CAMUNDA_REST_ADDRESS=http://localhost:8080
    uipath-connector webhooks --port 8080 --org acme --tenant DefaultTenant --folder-id 1964413 --queue Invoices
    uipath-connector webhooks --poll-only --org acme --tenant DefaultTenant --folder-id 1964413 --queue Invoices

See ``docs/waiting.md``. Exit status: 0 after SIGINT/SIGTERM, 2 for a configuration error or a missing extra.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

__all__ = ["add_webhooks_command"]

_LOG = logging.getLogger("uipath_connector.webhooks.cli")
EXIT_CONFIGURATION_ERROR = 2


class _ConfigurationError(Exception):
    """A setting the command cannot run with; the message says which and why."""


def add_webhooks_command(commands: Any) -> None:
    parser = commands.add_parser(
        "webhooks",
        help="receive Orchestrator webhooks and/or reconcile queues, publishing Zeebe messages",
        description=(
            "Serve the webhook receiver (uvicorn, extra [webhooks]) and, with --queue, run the reconciler; "
            "--poll-only runs the reconciler alone. Messages go to Camunda's REST API (CAMUNDA_* settings, extra "
            "[camunda]) or over gRPC with pyzeebe (ZEEBE_* settings, extra [pyzeebe]). Secrets come from the "
            "environment only. Stops on SIGINT/SIGTERM."
        ),
    )
    serve = parser.add_argument_group("receiver")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    serve.add_argument(
        "--secret-env",
        default="UIPATH_WEBHOOK_SECRET",
        metavar="NAME",
        help="environment variable holding the webhook secret; comma-separated for rotation "
        "(default UIPATH_WEBHOOK_SECRET)",
    )
    serve.add_argument("--max-body-bytes", type=int, default=1024 * 1024, help="body cap (default 1 MiB)")
    serve.add_argument("--poll-only", action="store_true", help="no receiver: reconcile the --queue queues only")
    messages = parser.add_argument_group("messages")
    messages.add_argument("--client", choices=["rest", "pyzeebe"], default="rest", help="how to publish (default rest)")
    messages.add_argument("--message-name", default=None, help="name of the final events' message")
    messages.add_argument("--correlate-by", choices=["Reference", "Id"], default="Reference")
    messages.add_argument("--ttl-seconds", type=int, default=3600, help="message time to live (default 3600)")
    messages.add_argument("--tenant-id", default=None, help="Zeebe tenant of the messages (multi-tenant clusters)")
    reconcile = parser.add_argument_group("reconciler (Orchestrator credentials: UIPATH_CLIENT_ID/SECRET or TOKEN)")
    reconcile.add_argument("--queue", action="append", default=[], help="queue to reconcile (repeatable)")
    reconcile.add_argument("--cloud-url", help="cloudUrl: a host name (default cloud.uipath.com) or an https:// URL")
    reconcile.add_argument("--org", help="cloudOrg")
    reconcile.add_argument("--tenant", help="cloudTenant")
    folder = reconcile.add_mutually_exclusive_group()
    folder.add_argument("--folder-id", help="organizationUnitId")
    folder.add_argument("--folder-path", help="folderPath")
    folder.add_argument("--folder-key", help="folderKey")
    reconcile.add_argument("--interval", type=float, default=30.0, help="seconds between runs (default 30)")
    reconcile.add_argument("--overlap-seconds", type=float, default=300.0, help="re-read window (default 300)")
    reconcile.add_argument(
        "--watermark-file",
        default="uipath-webhooks-watermarks.json",
        help="where the reconciler keeps its place (default ./uipath-webhooks-watermarks.json)",
    )
    reconcile.add_argument(
        "--allow-insecure-http", action="store_true", help="accept an http:// cloud URL (a local emulator only)"
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.set_defaults(run=_webhooks)


def _webhooks(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Libraries that log request lines or objects we cannot mask stay at WARNING.
    for name in ("httpx", "httpcore", "urllib3", "pyzeebe", "grpc", "uvicorn.access"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(args.log_level)))
    try:
        return _run(args, os.environ)
    except _ConfigurationError as error:
        _LOG.error("%s", error)
        return EXIT_CONFIGURATION_ERROR
    except ImportError as error:
        extra = {"uvicorn": "webhooks", "pyzeebe": "pyzeebe", "grpc": "pyzeebe"}.get(error.name or "", "camunda")
        _LOG.error("%s; install it with: pip install 'uipath-connector[%s]'", error, extra)
        return EXIT_CONFIGURATION_ERROR


def _run(args: argparse.Namespace, environment: Mapping[str, str]) -> int:
    from ..webhooks import FileWatermarkStore, MessageDispatcher, OrchestratorItemSource, Reconciler, WebhookReceiver

    if args.poll_only and not args.queue:
        raise _ConfigurationError("--poll-only needs at least one --queue to reconcile")
    secrets = [s for s in (environment.get(args.secret_env) or "").split(",") if s]
    if not args.poll_only and not secrets:
        raise _ConfigurationError(
            f"no webhook secret: set {args.secret_env} to the secret of the webhook in Orchestrator"
        )
    rules = _rules(args)
    reconciler_source = OrchestratorItemSource(_orchestrator_client(args, environment)) if args.queue else None
    publisher, close_publisher = _publisher(args.client)
    dispatcher = MessageDispatcher(publisher)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        if reconciler_source is not None:
            reconciler = Reconciler(
                reconciler_source,
                dispatcher,
                queues=args.queue,
                rules=rules,
                store=FileWatermarkStore(args.watermark_file),
                interval_seconds=args.interval,
                overlap=timedelta(seconds=args.overlap_seconds),
                max_backoff_seconds=max(300.0, args.interval),
            )
            thread = threading.Thread(target=reconciler.run, args=(stop,), name="uipath-reconciler", daemon=True)
            thread.start()
            threads.append(thread)
            _LOG.info("reconciling %s every %gs", ", ".join(args.queue), args.interval)
        if args.poll_only:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
            stop.wait()
        else:
            import uvicorn

            app = WebhookReceiver(
                secrets=secrets, dispatcher=dispatcher, rules=rules, max_body_bytes=args.max_body_bytes
            )
            config = uvicorn.Config(
                app, host=args.host, port=args.port, log_level=args.log_level.lower(), lifespan="on"
            )
            _LOG.info("receiving webhooks on http://%s:%d/", args.host, args.port)
            _quiet_exit_server(uvicorn.Server)(config).run()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        dispatcher.close()
        close_publisher()
    _LOG.info("webhooks stopped")
    return 0


def _quiet_exit_server(server_class: Any) -> Any:
    """uvicorn's server, but SIGINT/SIGTERM end it with status 0: uvicorn re-raises the signal after shutdown."""

    class Server(server_class):  # type: ignore[misc]
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, self.handle_exit)
            yield

    return Server


def _rules(args: argparse.Namespace) -> Any:
    from ..webhooks import DEFAULT_MESSAGE_NAME, FINAL_EVENT_TYPES, MessageRules

    name = args.message_name or DEFAULT_MESSAGE_NAME
    try:
        return MessageRules(
            message_names=dict.fromkeys(FINAL_EVENT_TYPES, name),
            correlate_by=args.correlate_by,
            time_to_live=timedelta(seconds=args.ttl_seconds),
            tenant_id=args.tenant_id,
        )
    except ValueError as error:
        raise _ConfigurationError(str(error)) from None


def _orchestrator_client(args: argparse.Namespace, environment: Mapping[str, str]) -> Any:
    from ..sdk import ConnectorInputError, bind
    from ..uipath import Authentication, Configuration, OrchestratorClient

    configuration = {
        "cloudUrl": args.cloud_url,
        "cloudOrg": args.org,
        "cloudTenant": args.tenant,
        "organizationUnitId": args.folder_id,
        "folderPath": args.folder_path,
        "folderKey": args.folder_key,
    }
    if environment.get("UIPATH_TOKEN"):
        authentication: dict[str, object] = {"type": "bearer", "token": environment["UIPATH_TOKEN"]}
    elif environment.get("UIPATH_CLIENT_ID") or environment.get("UIPATH_CLIENT_SECRET"):
        authentication = {
            "type": "oauth-client-credentials-flow",
            "clientId": environment.get("UIPATH_CLIENT_ID", ""),
            "clientSecret": environment.get("UIPATH_CLIENT_SECRET", ""),
        }
        if environment.get("UIPATH_SCOPES"):
            authentication["scopes"] = environment["UIPATH_SCOPES"]
    else:
        raise _ConfigurationError(
            "the reconciler needs Orchestrator credentials: UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET, or UIPATH_TOKEN"
        )
    try:
        return OrchestratorClient(
            bind({k: v for k, v in configuration.items() if v is not None}, Configuration),
            bind(authentication, Authentication),
            allow_insecure_http=args.allow_insecure_http,
        )
    except ConnectorInputError as error:
        raise _ConfigurationError(f"Orchestrator settings: {error}") from None


def _publisher(client: str) -> tuple[Any, Any]:
    """The publisher for ``--client`` and how to close it."""
    if client == "pyzeebe":
        from ..webhooks import PyzeebePublisher
        from ._worker_command import _pyzeebe_channel

        grpc_publisher = PyzeebePublisher(_pyzeebe_channel)
        return grpc_publisher, grpc_publisher.close
    from camunda_orchestration_sdk import CamundaClient

    from ..webhooks import CamundaRestPublisher

    rest_client = CamundaClient()
    return CamundaRestPublisher(rest_client), rest_client.close
