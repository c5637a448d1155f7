"""``uipath-connector add-queue-item`` / ``get-queue-item``: one operation against Orchestrator or the emulator.

The flags become the job variables a process would send (``{{secrets.NAME}}`` placeholders for credentials),
bound through :class:`~uipath_connector.sdk.OutboundConnectorContext` and run by
:meth:`UiPathConnector.execute <uipath_connector.uipath.UiPathConnector.execute>`, so validation messages are
exactly those a process gets::

    export UIPATH_CLIENT_ID=... UIPATH_CLIENT_SECRET=...
    uipath-connector add-queue-item --org acme --tenant DefaultTenant --folder-id 1964413 \\
        --queue Invoices --reference INV-1 --content '{"InvoiceId": "INV-1"}'
    uipath-connector get-queue-item --emulator --item-id 1

Exit status: 0 success (the envelope is printed as JSON), 1 Orchestrator or connection error, 2 input error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

__all__ = ["EXIT_INPUT_ERROR", "EXIT_OK", "EXIT_ORCHESTRATOR_ERROR", "add_operation_commands", "run_operation"]

EXIT_OK = 0
EXIT_ORCHESTRATOR_ERROR = 1
EXIT_INPUT_ERROR = 2

#: Environment variables read for credentials (flags override them; prefer these for secrets, since command-line
#: arguments are visible to other users in the process list).
CREDENTIAL_ENVIRONMENT: dict[str, str] = {
    "client_id": "UIPATH_CLIENT_ID",
    "client_secret": "UIPATH_CLIENT_SECRET",
    "token": "UIPATH_TOKEN",
    "scopes": "UIPATH_SCOPES",
}


def add_operation_commands(commands: Any) -> None:
    """One subcommand per registered operation with a command name, its flags derived from the input record.

    Each variable of the operation's input record becomes ``--<variable in kebab case>`` (``itemId`` ->
    ``--item-id``), plus the operation's declared aliases (``queueName`` -> ``--queue``); the values go to the
    binding as text, so a bad value gets the connector's own message.
    """
    from ..sdk import record_plan
    from ..uipath import OPERATIONS

    for operation in OPERATIONS:
        if operation.command is None or operation.input is None:
            continue
        parser = commands.add_parser(
            operation.command,
            help=f"{operation.label}: {operation.description} (prints the response envelope)",
            description=f"{operation.label}, as the connector runs it in a process. Credentials come from "
            "UIPATH_CLIENT_ID/UIPATH_CLIENT_SECRET (OAuth) or UIPATH_TOKEN (bearer), or the matching flags.",
        )
        _connection_arguments(parser)
        group = parser.add_argument_group(operation.label.lower())
        variables: list[str] = []
        for field in record_plan(operation.input).fields:
            name = field.spec.name
            hints = field.spec.template
            flags = [_flag(name)]
            alias = operation.cli_aliases.get(name)
            if alias is not None and alias not in flags:
                flags.insert(0, alias)
            text = hints.label or name
            group.add_argument(*flags, dest=_dest(name), metavar=name, help=f"{text} ({name})")
            variables.append(name)
        parser.set_defaults(run=_runner(operation.id, tuple(variables)))


def _flag(variable: str) -> str:
    return "--" + "".join(f"-{c.lower()}" if c.isupper() else c for c in variable).lstrip("-")


def _dest(variable: str) -> str:
    return "operation_" + variable


def _runner(operation_id: str, variables: tuple[str, ...]) -> Any:
    def run(args: argparse.Namespace) -> int:
        values = {name: getattr(args, _dest(name)) for name in variables}
        return run_operation(operation_id, values, args, os.environ, sys.stdout, sys.stderr)

    return run


def _connection_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_argument_group("where")
    where.add_argument(
        "--emulator",
        action="store_true",
        help="start the Orchestrator emulator on loopback with its demo data and demo credentials, and use it",
    )
    where.add_argument("--cloud-url", help="cloudUrl: a host name (default cloud.uipath.com) or an https:// base URL")
    where.add_argument("--org", help="cloudOrg (for a host-name cloud URL)")
    where.add_argument("--tenant", help="cloudTenant (for a host-name cloud URL)")
    folder = where.add_mutually_exclusive_group()
    folder.add_argument("--folder-id", help="organizationUnitId")
    folder.add_argument("--folder-path", help="folderPath, e.g. Shared/Finance")
    folder.add_argument("--folder-key", help="folderKey, a GUID")
    where.add_argument("--timeout", help="connectionTimeoutInSeconds (default 20)")
    where.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="accept an http:// cloud URL (only for an emulator started with `uipath-connector emulator`)",
    )
    credentials = parser.add_argument_group(
        "credentials", "Prefer the environment variables: command-line arguments are visible in the process list."
    )
    credentials.add_argument("--client-id", help="OAuth client id (default: $UIPATH_CLIENT_ID)")
    credentials.add_argument("--client-secret", help="OAuth client secret (default: $UIPATH_CLIENT_SECRET)")
    credentials.add_argument("--scopes", help="OAuth scopes (default: $UIPATH_SCOPES, else OR.Queues)")
    credentials.add_argument("--token", help="bearer token, e.g. a personal access token (default: $UIPATH_TOKEN)")


def run_operation(
    operation: str,
    operation_variables: Mapping[str, object],
    args: argparse.Namespace,
    environment: Mapping[str, str],
    out: TextIO,
    err: TextIO,
) -> int:
    """Build the job variables, run the connector once, print the envelope or the error; the exit status.

    ``run_operation("getItemById", {"itemId": "7"}, args, os.environ, sys.stdout, sys.stderr)``.
    """
    from ..sdk import ConnectorError, ConnectorInputError, MapSecretProvider, OutboundConnectorContext
    from ..uipath import TokenCache, UiPathConnector

    # With --emulator only flags count: credentials meant for a real Orchestrator are never sent to the emulator.
    credentials = {
        name: getattr(args, name) or (None if args.emulator else environment.get(env))
        for name, env in CREDENTIAL_ENVIRONMENT.items()
    }
    for flag in ("client_secret", "token"):
        if getattr(args, flag):
            print(
                f"warning: --{flag.replace('_', '-')} is visible in the process list; "
                f"prefer the environment variable {CREDENTIAL_ENVIRONMENT[flag]}",
                file=err,
            )
    with _target(args, credentials) as (cloud_url, folder, insecure):
        secrets: dict[str, str] = {}
        if credentials["token"]:
            secrets["UIPATH_TOKEN"] = credentials["token"]
            authentication: dict[str, object] = {"type": "bearer", "token": "{{secrets.UIPATH_TOKEN}}"}
        elif credentials["client_id"] or credentials["client_secret"]:
            secrets["UIPATH_CLIENT_ID"] = credentials["client_id"] or ""
            secrets["UIPATH_CLIENT_SECRET"] = credentials["client_secret"] or ""
            authentication = {
                "type": "oauth-client-credentials-flow",
                "clientId": "{{secrets.UIPATH_CLIENT_ID}}",
                "clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
            }
            if credentials["scopes"]:
                authentication["scopes"] = credentials["scopes"]
        else:
            print(
                "input error: no credentials; set UIPATH_CLIENT_ID and UIPATH_CLIENT_SECRET (OAuth client "
                "credentials) or UIPATH_TOKEN (bearer token), or pass --client-id/--client-secret or --token",
                file=err,
            )
            return EXIT_INPUT_ERROR
        variables: dict[str, object] = {"operationType": operation, "authentication": authentication}
        variables |= {"cloudUrl": cloud_url, "cloudOrg": args.org, "cloudTenant": args.tenant, **folder}
        variables |= {"connectionTimeoutInSeconds": args.timeout, **operation_variables}
        present = {name: value for name, value in variables.items() if value is not None}
        context = OutboundConnectorContext(present, secret_provider=MapSecretProvider(secrets))
        connector = UiPathConnector(allow_insecure_http=insecure, token_cache=TokenCache())
        try:
            envelope = connector.execute(context)
        except ConnectorInputError as error:
            print(f"input error: {error}", file=err)
            return EXIT_INPUT_ERROR
        except ConnectorError as error:
            # The client masks every secret value it knows in its errors (docs/errors-and-retries.md).
            print(f"error {error.error_code}: {error}", file=err)
            return EXIT_ORCHESTRATOR_ERROR
    print(json.dumps(envelope.to_dict(), indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


@contextlib.contextmanager
def _target(
    args: argparse.Namespace, credentials: dict[str, str | None]
) -> Iterator[tuple[str | None, dict[str, object], bool]]:
    """The cloud URL, folder variables and whether http is allowed; with ``--emulator``, a running emulator."""
    folder = {
        "organizationUnitId": args.folder_id,
        "folderPath": args.folder_path,
        "folderKey": args.folder_key,
    }
    if not args.emulator:
        yield args.cloud_url, folder, args.allow_insecure_http
        return
    from ..testing import DEMO, OrchestratorEmulator

    if not (credentials["token"] or credentials["client_id"] or credentials["client_secret"]):
        # The emulator's own demo application: valid nowhere else, so not a secret.
        credentials["client_id"], credentials["client_secret"] = DEMO.client_id, DEMO.client_secret
    if not any(folder.values()):
        folder["organizationUnitId"] = str(DEMO.folder_id)
    with OrchestratorEmulator.demo().server() as server:
        yield args.cloud_url or server.base_url, folder, True
