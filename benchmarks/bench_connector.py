"""Per-call overhead of ``UiPathConnector.execute`` against a bare ``requests`` call, and the cost of binding.

Both run in the same process against the same loopback HTTP/1.1 server (keep-alive), which answers every GET with
the Get Queue Item body of Camunda's UiPath connector docs. Run: ``python benchmarks/bench_connector.py``.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from uipath_connector.sdk import OutboundConnectorContext, bind
from uipath_connector.uipath import OperationRequest, RetryPolicy, UiPathConnector

SEED = json.loads((Path(__file__).parent.parent / "tests" / "data" / "seed_get_queue_item_response.json").read_text())
BODY = json.dumps(SEED["body"]).encode()
ROUNDS, CALLS = 5, 400


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle + delayed ACK add ~40 ms per call.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


def variables(base: str) -> dict[str, object]:
    return {
        "operationType": "getItemById",
        "authentication": {"type": "bearer", "token": "{{secrets.TOKEN}}"},
        "cloudUrl": base,
        "organizationUnitId": "1964413",
        "connectionTimeoutInSeconds": "20",
        "itemId": 436141352,
    }


ADD_VARIABLES = {
    "operationType": "addQueueItem",
    "authentication": {"type": "oauth-client-credentials-flow", "clientId": "id", "clientSecret": "secret"},
    "cloudUrl": "cloud.uipath.com",
    "cloudOrg": "acme",
    "cloudTenant": "DefaultTenant",
    "organizationUnitId": "1964413",
    "queueName": "Invoices",
    "deferDate": "2026-01-15",
    "dueDate": "2026-01-20T17:00:00Z",
    "priority": "High",
    "specificContent": {"InvoiceId": "INV-1", "Amount": 120.5, "Paid": False},
    "reference": "INV-1",
}


def per_call(function: object, calls: int) -> float:
    assert callable(function)
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    url = base + "/odata/QueueItems?$filter=Id%20eq%20436141352&$count=true"
    session = requests.Session()
    headers = {"Authorization": "Bearer t", "Accept": "application/json", "X-UIPATH-OrganizationUnitId": "1964413"}

    def bare() -> None:
        response = session.get(url, headers=headers, timeout=(20, 20))
        response.json()

    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), allow_insecure_http=True)
    job_variables = variables(base)

    def connector_call() -> None:
        from uipath_connector.sdk import MapSecretProvider

        context = OutboundConnectorContext(job_variables, secret_provider=MapSecretProvider({"TOKEN": "t"}))
        connector.execute(context).to_dict()

    for function in (bare, connector_call):  # warm up connections and caches
        per_call(function, 100)
    bare_times, connector_times = [], []
    for _ in range(ROUNDS):
        bare_times.append(per_call(bare, CALLS))
        connector_times.append(per_call(connector_call, CALLS))
    bare_us = statistics.median(bare_times) * 1e6
    connector_us = statistics.median(connector_times) * 1e6

    bind_us = (
        statistics.median(per_call(lambda: bind(ADD_VARIABLES, OperationRequest), 2000) for _ in range(ROUNDS)) * 1e6
    )
    context_us = (
        statistics.median(
            per_call(lambda: OutboundConnectorContext(ADD_VARIABLES).bind_variables(OperationRequest), 2000)
            for _ in range(ROUNDS)
        )
        * 1e6
    )
    server.shutdown()

    print(f"loopback GET, median of {ROUNDS} rounds x {CALLS} calls, one thread, keep-alive")
    print(f"  bare requests.Session.get + .json():      {bare_us:8.1f} us/call")
    print(f"  UiPathConnector.execute (bind+GET+envelope): {connector_us:8.1f} us/call")
    print(f"  overhead: {connector_us - bare_us:8.1f} us/call, ratio {connector_us / bare_us:.2f}x")
    print("binding a typical Add Queue Item job (OAuth, 12 variables)")
    print(f"  bind(variables, OperationRequest):         {bind_us:8.1f} us")
    print(f"  OutboundConnectorContext(...).bind_variables: {context_us:8.1f} us (incl. JSON round trip)")


if __name__ == "__main__":
    main()
