"""How long binding a typical UiPath request takes: secrets, structuring and validation.

Run: ``python benchmarks/bench_sdk.py``. Prints microseconds per call (best of several timeit repeats), for
the binding alone and for a whole context (serialise variables, replace a secret, parse, bind), next to
``json.loads`` of the same variables as a yardstick measured in the same run.
"""

from __future__ import annotations

import json
import timeit

from uipath_connector.sdk import MapSecretProvider, OutboundConnectorContext, bind
from uipath_connector.uipath import OperationRequest

VARIABLES = {
    "operationType": "addQueueItem",
    "authentication": {
        "type": "oauth-client-credentials-flow",
        "clientId": "{{secrets.UIPATH_CLIENT_ID}}",
        "clientSecret": "{{secrets.UIPATH_CLIENT_SECRET}}",
        "scopes": "OR.Queues",
    },
    "cloudUrl": "cloud.uipath.com",
    "cloudOrg": "acme",
    "cloudTenant": "DefaultTenant",
    "organizationUnitId": "1964513",
    "queueName": "Invoices",
    "priority": "High",
    "deferDate": "2026-01-15",
    "specificContent": {"InvoiceId": "INV-1", "Amount": 120.5, "Urgent": True},
    "reference": "INV-1",
}
SECRETS = MapSecretProvider({"UIPATH_CLIENT_ID": "client", "UIPATH_CLIENT_SECRET": "s3cr3t"})


def _best_microseconds(function: object, number: int) -> float:
    timer = timeit.Timer(function)  # type: ignore[arg-type]
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def main() -> None:
    resolved = OutboundConnectorContext(VARIABLES, secret_provider=SECRETS).variables
    text = json.dumps(VARIABLES)
    number = 20_000
    yardstick = _best_microseconds(lambda: json.loads(text), number)
    bind_only = _best_microseconds(lambda: bind(resolved, OperationRequest), number)
    whole = _best_microseconds(
        lambda: OutboundConnectorContext(VARIABLES, secret_provider=SECRETS).bind_variables(OperationRequest),
        number,
    )
    print(f"json.loads of the variables (yardstick): {yardstick:6.1f} us")
    print(f"bind (structure + validate):             {bind_only:6.1f} us  ({bind_only / yardstick:.1f}x json.loads)")
    print(f"context + secrets + bind:                {whole:6.1f} us  ({whole / yardstick:.1f}x json.loads)")


if __name__ == "__main__":
    main()
