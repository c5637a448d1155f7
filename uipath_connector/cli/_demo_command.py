"""``uipath-connector demo``: one queue item from a process's point of view, against the emulator on loopback.

The README's first command, so it needs nothing beyond the runtime dependencies: the emulator's loopback server
is the standard library's ``http.server`` (``responses`` and ``pytest`` are not imported). It runs two jobs
through :func:`~uipath_connector.runtime.run_job` exactly as a worker would — job variables with
``{{secrets.NAME}}`` placeholders, custom headers with the template's result expressions, a secret provider — and
prints what a user wants to see: the request, the response envelope, the result expression's output, and the
item's status moving from ``New`` to ``Successful`` once the emulated robot has worked it.

Secrets never reach the output: the job variables show placeholders, the token is not printed, and the emulator
records the ``Authorization`` header as ``***``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..runtime import JobOutcome
    from ..testing import OrchestratorEmulator, RecordedRequest

__all__ = ["ADD_RESULT_EXPRESSION", "GET_RESULT_EXPRESSION", "add_demo_command", "run_demo"]

#: The element template's prefilled result expressions (Camunda's UiPath template v7 and docs).
ADD_RESULT_EXPRESSION = "={itemId: response.body.Id}"
GET_RESULT_EXPRESSION = "={itemStatus: response.body.value[1].Status}"

_INVOICE = {"InvoiceId": "INV-1001", "Vendor": "ACME Corp", "Amount": 1250.5, "Currency": "EUR"}
_ROBOT_OUTPUT = {"Approved": True, "PaymentReference": "PAY-INV-1001"}
#: Envelope headers that say something about Orchestrator's answer (the rest is transport: Date, Server, ...).
_SHOWN_HEADERS = ("content-type", "location")
#: QueueItemDto fields worth reading in a terminal; the others (null, zero or bookkeeping) are counted, not shown.
_SHOWN_ITEM_FIELDS = frozenset(
    {"@odata.context", "@odata.count", "Id", "Key", "QueueDefinitionId", "Status", "Reference", "Priority"}
    | {"CreationTime", "StartProcessing", "EndProcessing", "OrganizationUnitId", "SpecificContent", "Output"}
)


def add_demo_command(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="run a queue item through the connector, the Orchestrator emulator and an emulated robot",
        description="Start the UiPath Orchestrator emulator on loopback, add a queue item with the connector exactly "
        "as a process would (OAuth client credentials, result expression), let the emulated robot complete it, and "
        "read its result. Needs no UiPath tenant and no network.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="instead: a process waiting for the robot by message (webhooks, docs/waiting.md); needs the extras "
        "[webhooks] and [camunda]",
    )
    parser.set_defaults(run=_demo)


def _demo(args: argparse.Namespace) -> int:
    if args.wait:
        from ._wait_demo import run_wait_demo

        try:
            return run_wait_demo(sys.stdout, as_json=args.json)
        except ImportError as error:
            print(f"{error}; install it with: pip install 'uipath-connector[webhooks,camunda]'", file=sys.stderr)
            return 2
    return run_demo(sys.stdout, as_json=args.json)


def run_demo(
    out: TextIO,
    *,
    as_json: bool = False,
    emulator: OrchestratorEmulator | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> int:
    """Run the demo, writing to ``out``; returns the exit status (0 when both jobs completed).

    ``run_demo(sys.stdout)``. ``emulator`` (default: a fresh ``OrchestratorEmulator.demo()``) and the OAuth
    client (default: the demo client) exist for tests, e.g. to prove that secret values never reach the output.
    """
    started = time.perf_counter()
    from ..runtime import Complete, run_job
    from ..sdk import MapSecretProvider
    from ..testing import DEMO, Endpoint, OrchestratorEmulator
    from ..uipath import JOB_TYPE, TokenCache, UiPathConnector

    emulator = emulator if emulator is not None else OrchestratorEmulator.demo()
    secrets = MapSecretProvider(
        {
            "UIPATH_CLIENT_ID": client_id if client_id is not None else DEMO.client_id,
            "UIPATH_CLIENT_SECRET": client_secret if client_secret is not None else DEMO.client_secret,
        }
    )
    # Its own token cache, so the demo's token never lands in the process-wide cache of an embedding program.
    connector = UiPathConnector(allow_insecure_http=True, token_cache=TokenCache())
    report = _Report(out, as_json=as_json)

    with emulator.server() as server:
        connection: dict[str, object] = {
            "authentication": {
                "type": "oauth-client-credentials-flow",
                "clientId": "{{secrets.UIPATH_CLIENT_ID}}",
                "clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
                "scopes": "OR.Queues",
            },
            # The URL form of cloudUrl (Automation Suite / on-premises, docs/operations.md): the Orchestrator base
            # with org and tenant in its path; plain http is allowed only because the connector was built with
            # allow_insecure_http=True for the loopback emulator.
            "cloudUrl": server.base_url,
            "organizationUnitId": str(DEMO.folder_id),
        }
        report.intro(server.url, JOB_TYPE, connection)

        add_variables: dict[str, object] = {"operationType": "addQueueItem", **connection}
        add_variables["queueName"] = DEMO.queue_name
        add_variables |= {"priority": "Normal", "reference": _INVOICE["InvoiceId"], "specificContent": _INVOICE}
        add_headers = {"resultVariable": "addResult", "resultExpression": ADD_RESULT_EXPRESSION}
        add_outcome = run_job(
            connector, variables=add_variables, custom_headers=add_headers, retries=3, secret_provider=secrets
        )
        add_request = _last_request(emulator.requests, Endpoint.ADD_QUEUE_ITEM)
        report.job("1. Add queue item", add_variables, add_headers, add_request, add_outcome, "addResult")
        if not isinstance(add_outcome, Complete):
            return report.failed(add_outcome, time.perf_counter() - started)
        item_id = add_outcome.variables["itemId"]
        status_before = _body_of(add_outcome.variables["addResult"]).get("Status")
        report.status_line(item_id, status_before)

        settled = emulator.process_new(lambda item: dict(_ROBOT_OUTPUT), queue=DEMO.queue_name)
        report.robot(item_id, [(item.id, item.status.value) for item in settled])

        get_variables: dict[str, object] = {"operationType": "getItemById", **connection, "itemId": item_id}
        get_headers = {"resultVariable": "getResult", "resultExpression": GET_RESULT_EXPRESSION}
        get_outcome = run_job(
            connector, variables=get_variables, custom_headers=get_headers, retries=3, secret_provider=secrets
        )
        get_request = _last_request(emulator.requests, Endpoint.LIST_QUEUE_ITEMS)
        report.job("3. Get queue item result by ID", get_variables, get_headers, get_request, get_outcome, "getResult")
        if not isinstance(get_outcome, Complete):
            return report.failed(get_outcome, time.perf_counter() - started)
        values = _body_of(get_outcome.variables["getResult"]).get("value") or [{}]
        report.result(item_id, status_before, get_outcome.variables.get("itemStatus"), values[0].get("Output"))
    report.done(time.perf_counter() - started)
    return 0


def _last_request(recorded: list[RecordedRequest], endpoint: object) -> RecordedRequest | None:
    matching = [request for request in recorded if request.endpoint == endpoint]
    return matching[-1] if matching else None


def _body_of(envelope: object) -> Mapping[str, Any]:
    body = envelope.get("body") if isinstance(envelope, Mapping) else None
    return body if isinstance(body, Mapping) else {}


def _trimmed_item(item: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    kept = {k: v for k, v in item.items() if k in _SHOWN_ITEM_FIELDS and v is not None}
    return kept, len(item) - len(kept)


def _trimmed_envelope(envelope: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The envelope with the fields that tell the story; how many body fields were left out."""
    headers = {k: v for k, v in (envelope.get("headers") or {}).items() if k.lower() in _SHOWN_HEADERS}
    body = envelope.get("body")
    omitted = 0
    if isinstance(body, Mapping):
        trimmed, omitted = _trimmed_item(body)
        if isinstance(body.get("value"), list):
            items = []
            for item in body["value"]:
                if isinstance(item, Mapping):
                    kept, left_out = _trimmed_item(item)
                    items.append(kept)
                    omitted += left_out
                else:
                    items.append(item)
            trimmed["value"] = items
            omitted -= 1  # "value" itself is shown
        body = trimmed
    shown = {"status": envelope.get("status"), "headers": headers, "body": body, "reason": envelope.get("reason")}
    return shown, omitted


def _pretty(value: object, indent: str = "    ") -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return "\n".join(indent + line for line in text.splitlines())


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Report:
    """Writes the demo as readable text, or collects it for one JSON document."""

    def __init__(self, out: TextIO, *, as_json: bool) -> None:
        self._out = out
        self._as_json = as_json
        self._document: dict[str, Any] = {"jobs": []}

    def _print(self, text: str = "") -> None:
        if not self._as_json:
            print(text, file=self._out)

    def intro(self, url: str, job_type: str, connection: Mapping[str, Any]) -> None:
        self._document |= {"emulator": url, "jobType": job_type, "connectionVariables": dict(connection)}
        self._print("uipath-connector demo: a UiPath queue item, from a process's point of view")
        self._print()
        self._print(f"Orchestrator emulator on {url} (loopback, demo data: no UiPath tenant, no network)")
        self._print(f"Jobs of type {job_type}, run by uipath_connector.runtime.run_job as a worker runs them.")
        self._print("Connection variables of both jobs (secrets as placeholders, replaced by the runtime):")
        self._print(_pretty(dict(connection)))

    def job(
        self,
        title: str,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        request: RecordedRequest | None,
        outcome: JobOutcome,
        result_variable: str,
    ) -> None:
        from ..runtime import Complete

        shown_request = _request_summary(request)
        entry: dict[str, Any] = {"title": title, "variables": dict(variables), "headers": dict(headers)}
        entry["request"] = shown_request
        entry["outcome"] = {"type": type(outcome).__name__, **_outcome_fields(outcome)}
        self._document["jobs"].append(entry)
        self._print()
        self._print(title)
        own = {k: v for k, v in variables.items() if k not in self._document["connectionVariables"]}
        self._print("  Job variables (besides the connection variables)")
        self._print(_pretty(own))
        self._print("  Custom headers")
        for name, value in headers.items():
            self._print(f"    {name}: {value}")
        if shown_request is not None:
            self._print("  Request the connector sent")
            self._print(f"    {shown_request['method']} {shown_request['url']}")
            for name, value in shown_request["headers"].items():
                self._print(f"    {name}: {value}")
            if shown_request["body"] is not None:
                self._print(_pretty(shown_request["body"]))
        if not isinstance(outcome, Complete):
            return
        envelope = outcome.variables.get(result_variable)
        if isinstance(envelope, Mapping):
            trimmed, omitted = _trimmed_envelope(envelope)
            note = f"; {omitted} more fields and the transport headers not shown" if omitted else ""
            self._print(f"  Response envelope (result variable {result_variable}{note})")
            self._print(_pretty(trimmed))
        expression_output = {k: v for k, v in outcome.variables.items() if k != result_variable}
        self._print(f"  Result expression {headers['resultExpression']}")
        self._print(f"    {_compact(expression_output)}")

    def status_line(self, item_id: object, status: object) -> None:
        self._document |= {"itemId": item_id, "statusAfterAdd": status}
        self._print(f"  Queue item {item_id} is {status}")

    def robot(self, item_id: object, settled: list[tuple[int, str]]) -> None:
        self._document["robot"] = {"output": _ROBOT_OUTPUT, "settled": [list(pair) for pair in settled]}
        self._print()
        self._print("2. The robot")
        self._print(f"    The emulated robot takes queue item {item_id}, works it and completes it with")
        self._print(f"    output {_compact(_ROBOT_OUTPUT)}")

    def result(self, item_id: object, before: object, after: object, output: object) -> None:
        self._document |= {"statusAfterRobot": after, "output": output}
        self._print()
        self._print("Result")
        self._print(f"    queue item {item_id}: {before} -> {after}")
        self._print(f"    output: {_compact(output)}")

    def failed(self, outcome: JobOutcome, elapsed: float) -> int:
        self._document |= {"failed": _outcome_fields(outcome), "elapsedSeconds": round(elapsed, 3)}
        message = getattr(outcome, "message", repr(outcome))
        if self._as_json:
            print(json.dumps(self._document, indent=2, ensure_ascii=False), file=self._out)
        else:
            self._print(f"The job did not complete: {message}")
        return 1

    def done(self, elapsed: float) -> None:
        self._document["elapsedSeconds"] = round(elapsed, 3)
        if self._as_json:
            print(json.dumps(self._document, indent=2, ensure_ascii=False), file=self._out)
            return
        self._print()
        self._print(f"Done in {elapsed:.2f} s. Next: docs/operations.md for real Orchestrator settings,")
        self._print("docs/testing.md to test your own processes against this emulator.")


def _request_summary(request: RecordedRequest | None) -> dict[str, Any] | None:
    """Method, URL, the folder header and the JSON body: what identifies the call (never the Authorization)."""
    if request is None:
        return None
    headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-uipath-")}
    body: object = None
    if request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = request.body
    return {"method": request.method, "url": request.url, "headers": headers, "body": body}


def _outcome_fields(outcome: JobOutcome) -> dict[str, Any]:
    import attrs

    fields = attrs.asdict(outcome, recurse=False)
    if "backoff" in fields:
        fields["backoff"] = None if fields["backoff"] is None else str(fields["backoff"])
    return fields
