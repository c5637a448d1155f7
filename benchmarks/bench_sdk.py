"""How long binding a typical UiPath request takes: secrets, structuring and validation.

Run: ``python benchmarks/bench_sdk.py``. Prints microseconds per call (best of several timeit repeats), for
the binding alone and for a whole context (serialise variables, replace a secret, parse, bind), next to
``json.loads`` of the same variables as a yardstick measured in the same run.
"""

from __future__ import annotations

import enum
import json
import timeit

import attrs

from uipath_connector.sdk import MapSecretProvider, OutboundConnectorContext, bind, discriminator, variable


class Priority(enum.Enum):
    LOW = "Low"
    NORMAL = "Normal"
    HIGH = "High"


@discriminator("type", "bearer")
@attrs.frozen(kw_only=True)
class Bearer:
    token: str = variable("token", secret=True, not_empty=True)


@discriminator("type", "oauth-client-credentials-flow")
@attrs.frozen(kw_only=True)
class OAuth:
    client_id: str = variable("clientId", not_empty=True)
    client_secret: str = variable("clientSecret", secret=True, not_empty=True)
    scopes: str = variable("scopes", default="OR.Queues")


@attrs.frozen(kw_only=True)
class Configuration:
    cloud_url: str = variable("cloudUrl", default="cloud.uipath.com")
    cloud_org: str = variable("cloudOrg", not_empty=True)
    cloud_tenant: str = variable("cloudTenant", not_empty=True)
    organization_unit_id: int = variable("organizationUnitId", minimum=1)
    timeout: int = variable("connectionTimeoutInSeconds", default=20, minimum=0)


@discriminator("operationType", "addQueueItem")
@attrs.frozen(kw_only=True)
class AddItem:
    authentication: Bearer | OAuth = variable("authentication")
    configuration: Configuration = variable("configuration", embedded=True)
    queue_name: str = variable("queueName", not_empty=True, max_length=50)
    priority: Priority = variable("priority", default=Priority.NORMAL)
    defer_date: str | None = variable("deferDate", default=None)
    due_date: str | None = variable("dueDate", default=None)
    specific_content: dict[str, object] | None = variable("specificContent", default=None)
    reference: str | None = variable("reference", default=None, max_length=128)


@discriminator("operationType", "getItemById")
@attrs.frozen(kw_only=True)
class GetItem:
    authentication: Bearer | OAuth = variable("authentication")
    configuration: Configuration = variable("configuration", embedded=True)
    item_id: int = variable("itemId", minimum=1)


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
    bind_only = _best_microseconds(lambda: bind(resolved, AddItem | GetItem), number)
    whole = _best_microseconds(
        lambda: OutboundConnectorContext(VARIABLES, secret_provider=SECRETS).bind_variables(AddItem | GetItem),
        number,
    )
    print(f"json.loads of the variables (yardstick): {yardstick:6.1f} us")
    print(f"bind (structure + validate):             {bind_only:6.1f} us  ({bind_only / yardstick:.1f}x json.loads)")
    print(f"context + secrets + bind:                {whole:6.1f} us  ({whole / yardstick:.1f}x json.loads)")


if __name__ == "__main__":
    main()
