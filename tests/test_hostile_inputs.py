"""Generated job inputs, hostile and plain, through ``run_job`` and the UiPath connector to a recording transport.

For every example: ``run_job`` returns an outcome (it never raises), every Fail carries a documented error type
and, for connector errors, a code; every input error names its field; nothing invalid reaches the transport (a
header value that is not Latin-1 or holds CR/LF, a body that is not JSON, a host other than the job's); and no
example takes more than a second. ``UIPATH_CONNECTOR_HOSTILE_EXAMPLES`` sets how many examples run (default 300;
the figures in docs/errors-and-retries.md come from 10,000).
"""

from __future__ import annotations

import io
import json
import os
import time
import traceback
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uipath_connector.runtime import Complete, Fail, ThrowError, run_job
from uipath_connector.sdk import MapSecretProvider
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

EXAMPLES = int(os.environ.get("UIPATH_CONNECTOR_HOSTILE_EXAMPLES", "300"))

#: The error types a Fail may name (docs/errors-and-retries.md, docs/runtime.md).
DOCUMENTED_TYPES = frozenset(
    {
        "ConnectorError",
        "ConnectorInputError",
        "ConnectorRetryError",
        "DuplicateReferenceError",
        "ErrorExpressionError",
        "InvalidHeaderError",
        "OrchestratorAuthenticationError",
        "OrchestratorConnectionError",
        "OrchestratorError",
        "OrchestratorNotFoundError",
        "OrchestratorPermissionError",
        "OrchestratorRateLimitError",
        "OrchestratorServerError",
        "QueueItemMayExistError",
        "TokenEndpointError",
    }
)
#: Codes of errors that carry none: input errors (zero retries) and the runtime's own header/expression errors.
CODELESS_TYPES = frozenset({"ConnectorInputError", "InvalidHeaderError", "ErrorExpressionError"})


class RecordingAdapter(requests.adapters.BaseAdapter):
    """A transport that checks what reaches it and answers like a healthy Orchestrator."""

    def __init__(self) -> None:
        super().__init__()
        self.invalid: list[str] = []
        self.sent = 0

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:  # type: ignore[override]
        self.sent += 1
        self._check(request)
        url = request.url or ""
        path = urlsplit(url).path
        if path.endswith("/connect/token"):
            return _response(request, 200, {"access_token": "issued-access-token", "expires_in": 3600})
        if path.endswith("AddQueueItem"):
            return _response(request, 201, {"Id": 7, "Key": "k", "Status": "New", "Reference": "r"})
        return _response(request, 200, {"@odata.count": 1, "value": [{"Id": 7, "Status": "New"}]})

    def close(self) -> None:
        pass

    def _check(self, request: requests.PreparedRequest) -> None:
        host = urlsplit(request.url or "").hostname
        if host != "cloud.uipath.com":  # the only host the generated jobs may send credentials to
            self.invalid.append(f"a request went to {host}")
        for name, value in request.headers.items():
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            if "\r" in text or "\n" in text:
                self.invalid.append(f"header {name} holds CR/LF")
            try:
                text.encode("latin-1")
            except UnicodeEncodeError:
                self.invalid.append(f"header {name} is not Latin-1")
        if request.body is not None and (request.headers.get("Content-Type") or "").startswith("application/json"):
            try:
                json.loads(request.body)
            except ValueError:
                self.invalid.append("body is not JSON")


def _response(request: requests.PreparedRequest, status: int, body: object) -> requests.Response:
    data = json.dumps(body).encode()
    raw = urllib3.HTTPResponse(
        body=io.BytesIO(data),
        headers={"Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(data))},
        status=status,
        preload_content=False,
    )
    return requests.adapters.HTTPAdapter().build_response(request, raw)


# -- generated inputs ------------------------------------------------------------------------------------------

text = st.text(max_size=12)
hostile_text = st.one_of(
    text,
    st.sampled_from(
        [
            "Prod Tenant",
            "a\r\nX-Injected: 1",
            "é€😀",
            "\ud800",
            "' or 1 eq 1 or '",
            "../../x",
            "%2F%0d%0a",
            "9" * 5000,
            "[" * 100_000,
            '{"a": ' * 3000 + "1" + "}" * 3000,
        ]
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 1964413, 10**30, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
)
values = st.one_of(st.none(), st.booleans(), numbers, hostile_text, st.just({}), st.just([]))
secret_values = st.one_of(
    st.sampled_from(["s3cr3t-token-value", "Prod Tenant", "tok\r\nen", "tökén-€", "\ud800x", "QA", "x" * 300]),
    st.text(min_size=1, max_size=20),
)


@st.composite
def jobs(draw: st.DrawFn) -> tuple[dict[str, object], dict[str, str], dict[str, str]]:
    """``(variables, custom headers, secrets)`` of one job: mostly plausible, every field sometimes hostile."""
    secrets: dict[str, str] = {}
    names = [
        "authentication", "token", "clientId", "clientSecret", "scopes", "oauthTokenEndpoint", "cloudUrl",
        "cloudOrg", "cloudTenant", "organizationUnitId", "connectionTimeoutInSeconds", "queueName", "priority",
        "deferDate", "dueDate", "reference", "specificContent", "itemId", "operationType",
    ]  # fmt: skip
    hostile = set(draw(st.lists(st.sampled_from(names), max_size=3)))

    def field(name: str, plausible: st.SearchStrategy[object]) -> object:
        """Mostly what the template writes; hostile for the few fields chosen; sometimes through a secret."""
        value = draw(st.one_of(values, hostile_text) if name in hostile else plausible)
        if isinstance(value, str) and draw(st.booleans()):
            secret_name = f"S{len(secrets)}"
            secrets[secret_name] = draw(secret_values) if name in hostile else value
            if secrets[secret_name]:
                return "{{secrets." + secret_name + "}}"
        return value

    operation = draw(st.sampled_from(["addQueueItem", "getItemById", "deleteEverything", None, 5]))
    if "operationType" not in hostile:
        operation = draw(st.sampled_from(["addQueueItem", "getItemById"]))
    if draw(st.booleans()):
        authentication: object = {"type": "bearer", "token": field("token", st.just("bearer-token-value"))}
    else:
        authentication = {
            "type": "oauth-client-credentials-flow",
            "clientId": field("clientId", st.just("client-id-value")),
            "clientSecret": field("clientSecret", st.just("client-secret-value")),
            "scopes": field("scopes", st.just("OR.Queues")),
            "clientAuthentication": draw(st.sampled_from(["basicAuthHeader", "credentialsBody", "other"])),
        }
        if draw(st.booleans()):
            authentication["oauthTokenEndpoint"] = field(  # type: ignore[index]
                "oauthTokenEndpoint",
                st.sampled_from(["https://cloud.uipath.com/identity_/connect/token", "https://evil.example/t"]),
            )
    variables: dict[str, object] = {
        "operationType": operation,
        "authentication": draw(values) if "authentication" in hostile else authentication,
        "cloudUrl": field(
            "cloudUrl", st.sampled_from(["cloud.uipath.com", "https://cloud.uipath.com", "evil.example"])
        ),
        "cloudOrg": field("cloudOrg", st.sampled_from(["acme", "Prod Org"])),
        "cloudTenant": field("cloudTenant", st.sampled_from(["DefaultTenant", "Prod Tenant"])),
        "organizationUnitId": field("organizationUnitId", st.sampled_from(["1964413", 1964413])),
        "connectionTimeoutInSeconds": field("connectionTimeoutInSeconds", st.sampled_from(["20", 5])),
        "queueName": field("queueName", st.sampled_from(["Invoices", "Queue é"])),
        "priority": field("priority", st.sampled_from(["Low", "Normal", "High"])),
        "deferDate": field("deferDate", st.sampled_from(["2024-01-02", "2024-01-02T03:04:05Z", None])),
        "dueDate": field("dueDate", st.sampled_from(["2024-02-02", None])),
        "reference": field("reference", st.sampled_from(["INV-1", None])),
        "specificContent": draw(
            st.one_of(st.dictionaries(st.text(max_size=5), values, max_size=3), hostile_text, values)
            if "specificContent" in hostile
            else st.just({"Invoice": "INV-1", "Amount": 12.5})
        ),
        "itemId": field("itemId", st.sampled_from(["42", 42])),
    }
    if "operationType" in hostile or draw(st.integers(0, 9)) == 0:
        variables = {key: value for key, value in variables.items() if value is not None or draw(st.booleans())}
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["resultVariable"] = draw(st.sampled_from(["result", "", " "]))
    if draw(st.booleans()):
        headers["resultExpression"] = draw(
            st.sampled_from(
                [
                    "={itemId: response.body.Id}",
                    "={n: " + "9" * 5000 + "}",
                    "={big: 10 ** 5000}",
                    '={m: matches("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "(a+)+$")}',
                    "=response",
                    "=1",
                    "={",
                ]
            )
        )
    if draw(st.booleans()):
        headers["errorExpression"] = draw(
            st.sampled_from(
                [
                    '=if error.code = "404" then bpmnError("NF", error.message) else null',
                    '=jobError(error.message, {}, 1, duration("PT1S"))',
                    "=ignoreError({itemId: error.variables.existingItem.Id})",
                    "=bpmnError(",
                ]
            )
        )
    if draw(st.booleans()):
        headers["retryBackoff"] = draw(st.sampled_from(["PT10S", "P99999999999999999999D", "PT-1S", "nonsense", "P1Y"]))
    if draw(st.booleans()):
        headers["jobTimeout"] = draw(st.sampled_from(["PT5M", "9" * 30, "0", "PT0S"]))
    return variables, headers, secrets


# -- the property -----------------------------------------------------------------------------------------------

FAILURES: dict[str, list[str]] = {}


def _record(kind: str, detail: str) -> None:
    FAILURES.setdefault(kind, []).append(detail)


def _input_error_names_field(message: str) -> bool:
    # "Invalid input: <path>: <problem>[; <path>: <problem>]" or the runtime's own header / secret messages.
    head = message.partition(" | Error variables:")[0]
    if head.startswith(("Invalid input: Result expression", "Invalid input: Error expression")):
        return True  # names the header; evaluated after the call by nature
    if head.startswith("Invalid input: "):
        return _names_a_field(head.removeprefix("Invalid input: "))
    if head.startswith("Invalid input ("):
        return all(_names_a_field(line) for line in head.split("\n - ")[1:])
    # The runtime's own header checks name the header (the field of a custom header).
    return head.startswith("Invalid ") and " header '" in head


def _names_a_field(problem: str) -> bool:
    path, colon, _ = problem.partition(": ")
    return bool(colon and path.strip() and " " not in path.strip())


def check_job(variables: Mapping[str, object], headers: Mapping[str, str], secrets: Mapping[str, str]) -> None:
    adapter = RecordingAdapter()

    def session() -> requests.Session:
        made = requests.Session()
        made.mount("https://", adapter)
        made.mount("http://", adapter)
        return made

    connector = UiPathConnector(retry_policy=RetryPolicy.disabled(), token_cache=TokenCache(), session_factory=session)
    started = time.monotonic()
    try:
        outcome = run_job(
            connector,
            variables=dict(variables),
            custom_headers=dict(headers),
            retries=3,
            secret_provider=MapSecretProvider(dict(secrets)),
        )
    except BaseException as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{frame.filename.rpartition('/')[2]}:{frame.lineno}"
        _record("raised", f"{type(error).__name__} at {where}: {str(error)[:200]}")
        return
    finally:
        elapsed = time.monotonic() - started
    if elapsed > 1.0:
        _record("hang", f"{elapsed:.1f} s")
    for problem in adapter.invalid:
        _record("invalid reached the transport", problem)
    assert isinstance(outcome, (Complete, Fail, ThrowError))
    try:
        json.dumps(outcome.variables)
    except (ValueError, TypeError) as error:
        _record("variables not JSON", str(error)[:200])
    if isinstance(outcome, Fail):
        error_context = outcome.variables.get("error")
        if not isinstance(error_context, dict):  # a jobError from the error expression: its own shape
            return
        kind = error_context.get("type")
        if kind == "InternalError":
            _record("raised", outcome.message[:200])  # run_job's net caught it: a bug all the same
        elif kind not in DOCUMENTED_TYPES:
            _record("undocumented type", f"{kind}: {outcome.message[:200]}")
        elif kind not in CODELESS_TYPES and not error_context.get("code"):
            _record("no code", f"{kind}: {outcome.message[:200]}")
        if kind == "OrchestratorConnectionError" and not adapter.sent:
            _record("bad input failed inside the HTTP layer", outcome.message[:200])
        if kind == "ConnectorInputError":
            if not _input_error_names_field(outcome.message):
                _record("input error names no field", outcome.message[:200])
            if adapter.sent and "expression" not in outcome.message.partition(":")[2][:20].lower():
                _record("input error after a request", outcome.message[:200])
            if outcome.retries != 0:
                _record("input error with retries", outcome.message[:200])


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(job=jobs())
def test_generated_jobs_never_raise_and_fail_only_in_documented_ways(
    job: tuple[dict[str, object], dict[str, str], dict[str, str]],
) -> None:
    variables, headers, secrets = job
    FAILURES.clear()
    check_job(variables, headers, secrets)
    assert FAILURES == {}


def main(count: int) -> dict[str, int]:
    """Run ``count`` examples without stopping at the first failure; the failures by kind (for the docs' figures).

    ``python tests/test_hostile_inputs.py 10000``
    """
    FAILURES.clear()

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(job=jobs())
    def collect(job: tuple[dict[str, object], dict[str, str], dict[str, str]]) -> None:
        check_job(*job)

    collect()
    return {kind: len(found) for kind, found in FAILURES.items()}


if __name__ == "__main__":
    import sys

    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    counts = main(examples)
    print(json.dumps({"examples": examples, "failures": counts}, indent=2))
    for kind, found in FAILURES.items():
        print(kind, "e.g.", sorted(set(found))[:5])
