"""The connector's cost per call against a bare ``requests`` call: the cost targets of docs/performance.md.

Every figure is a ratio to a yardstick measured in the same run:

1. **stubbed transport** (no network: a ``requests`` transport adapter that answers at once with the 201 body of
   an Add Queue Item): a bare ``requests.Session.post(...)`` + ``.json()`` against ``UiPathConnector.execute`` and
   ``run_job`` (Add, bearer token from a secret, result expression); the same bare call with ``trust_env=False``
   shows what is left of it without the per-request look-up of the proxy and CA bundle environment;
2. **loopback**: the same against an HTTP/1.1 keep-alive server in a separate process (so that the server's work
   does not share this process's interpreter lock);
3. **threads**: 8 threads sharing one connector against 8 threads each with its own ``requests.Session``;
4. **imports**: ``import uipath_connector.uipath`` / ``uipath_connector.runtime`` against ``import requests``,
   each in a fresh interpreter.

Run: ``python benchmarks/bench_connector.py`` (add ``--quick`` for fewer rounds). With ``--callgrind`` the
stubbed-transport calls are also counted in instructions under ``valgrind --tool=callgrind`` (deterministic, unlike
times on a shared machine), printed per call next to their ratios.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import BaseAdapter

from uipath_connector.runtime import Complete, run_job
from uipath_connector.sdk import MapSecretProvider, OutboundConnectorContext
from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

ROOT = Path(__file__).resolve().parent.parent
SEED_ADD = json.loads((ROOT / "tests" / "data" / "seed_add_queue_item_response.json").read_text(encoding="utf-8"))
ADD_BODY = json.dumps(SEED_ADD["body"]).encode()
ADD_HEADERS = {
    "Content-Type": "application/json; odata.metadata=minimal; odata.streaming=true",
    "Content-Length": str(len(ADD_BODY)),
    "Location": "https://cloud.uipath.com/acme/DefaultTenant/orchestrator_/odata/QueueItems(436141352)",
}
SECRETS = MapSecretProvider({"UIPATH_TOKEN": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.benchmark"})
HEADERS = {"resultExpression": "={itemId: response.body.Id}", "retryBackoff": "PT30S"}


def add_variables(cloud_url: str) -> dict[str, object]:
    return {
        "operationType": "addQueueItem",
        "authentication": {"type": "bearer", "token": "{{secrets.UIPATH_TOKEN}}"},
        "cloudUrl": cloud_url,
        "cloudOrg": "acme",
        "cloudTenant": "DefaultTenant",
        "organizationUnitId": "1964413",
        "queueName": "Invoices",
        "priority": "High",
        "reference": "INV-1",
        "specificContent": {"InvoiceId": "INV-1", "Amount": 42},
    }


# -- 1. a transport that answers at once --------------------------------------------------------------------------


class InstantAdapter(BaseAdapter):
    """Answers every request with the Add Queue Item 201, as urllib3 would hand it to ``requests``."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = 201
        response.reason = "Created"
        response.headers = requests.structures.CaseInsensitiveDict(ADD_HEADERS)
        # The body as urllib3 hands it over, unread: a streamed request reads it from ``raw``, a plain one too.
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(ADD_BODY), headers=ADD_HEADERS, status=201, preload_content=False
        )
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass


def stub_session() -> requests.Session:
    session = requests.Session()
    session.mount("https://", InstantAdapter())
    session.mount("http://", InstantAdapter())
    return session


def bare_call(session: requests.Session, url: str) -> Callable[[], object]:
    """The yardstick: what any client must do: POST the item with a token and a folder, read the JSON answer."""
    token = SECRETS.get_secret("UIPATH_TOKEN")
    item = {"itemData": {"Priority": "High", "Name": "Invoices", "SpecificContent": {"InvoiceId": "INV-1"}}}

    def call() -> object:
        response = session.post(
            url + "/odata/Queues/UiPathODataSvc.AddQueueItem",
            json=item,
            headers={"Authorization": f"Bearer {token}", "X-UIPATH-OrganizationUnitId": "1964413"},
            timeout=20,
        )
        return response.json()["Id"]

    return call


def connector_calls(cloud_url: str, session_factory: Callable[[], requests.Session]) -> dict[str, Callable[[], object]]:
    connector = UiPathConnector(
        retry_policy=RetryPolicy.disabled(),
        allow_insecure_http=cloud_url.startswith("http://"),
        token_cache=TokenCache(),
        session_factory=session_factory,
    )
    variables = add_variables(cloud_url)

    def execute() -> object:
        return connector.execute(OutboundConnectorContext(variables, secret_provider=SECRETS)).body["Id"]

    def job() -> object:
        outcome = run_job(connector, variables=variables, custom_headers=HEADERS, retries=3, secret_provider=SECRETS)
        assert isinstance(outcome, Complete), outcome
        return outcome

    return {"execute": execute, "run_job": job}


def per_call(call: Callable[[], object], number: int, rounds: int) -> float:
    """Median over rounds of the microseconds per call."""
    for _ in range(min(50, number)):
        call()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(number):
            call()
        times.append((time.perf_counter() - started) / number * 1e6)
    return statistics.median(times)


def interleaved(calls: dict[str, Callable[[], object]], number: int, rounds: int) -> dict[str, float]:
    """Rounds alternate between the calls, so that drifts of a shared machine hit all of them alike."""
    results: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            results[name].append(per_call(call, number, 1))
    return {name: statistics.median(values) for name, values in results.items()}


# -- 2. loopback, the server in its own process -------------------------------------------------------------------


class AddHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; Nagle would add ~40 ms

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(201, "Created")
        for name, value in ADD_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(ADD_BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(port_file: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), AddHandler)
    Path(port_file).write_text(str(server.server_address[1]), encoding="utf-8")
    server.serve_forever()


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port_file = Path(tempfile.mkdtemp()) / "port"
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)])
    deadline = time.monotonic() + 20
    while not port_file.exists() or not port_file.read_text(encoding="utf-8"):
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the benchmark server did not start within 20 s")
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text(encoding='utf-8')}"


def threaded(make_call: Callable[[], Callable[[], object]], threads: int, seconds: float) -> float:
    """Calls per second of ``threads`` threads, each running the call ``make_call`` gives it, for ``seconds``."""
    counts = [0] * threads
    stop = threading.Event()

    def work(index: int) -> None:
        call = make_call()
        while not stop.is_set():
            call()
            counts[index] += 1

    workers = [threading.Thread(target=work, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


# -- 4. imports ---------------------------------------------------------------------------------------------------


def import_ms(modules: list[str], runs: int, bytecode_folder: str) -> dict[str, float]:
    """Median wall time of ``import module`` in a fresh interpreter, minus that of an empty one, for each module.

    The runs alternate between the modules (and the empty interpreter), so that a shared machine's drifts hit all
    of them alike. Every module is imported from bytecode, as after ``pip install`` (which compiles it): with
    ``PYTHONDONTWRITEBYTECODE`` set, an editable checkout would otherwise compile its own sources on every run
    while ``requests`` loads the bytecode pip wrote, and the ratio would measure the compiler. The bytecode goes
    to a scratch folder (``PYTHONPYCACHEPREFIX``), written by one unmeasured import first.
    """
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = bytecode_folder

    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=environment)
        return (time.perf_counter() - started) * 1000

    codes = {"": "pass", **{module: f"import {module}" for module in modules}}
    for code in codes.values():
        run(code)
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(runs):
        for name, code in codes.items():
            times[name].append(run(code))
    empty = statistics.median(times.pop(""))
    return {module: statistics.median(values) - empty for module, values in times.items()}


# -- instruction counts --------------------------------------------------------------------------------------------


def callgrind_instructions(name: str, number: int) -> float:
    """Instructions per call of ``name``, counted by callgrind over ``number`` calls (setup subtracted)."""

    def instructions(count: int) -> int:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "callgrind.out"
            subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
                 "--count", name, str(count)],
                check=True, capture_output=True,
            )  # fmt: skip
            for line in out.read_text(encoding="utf-8").splitlines():
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
        raise RuntimeError("callgrind wrote no totals")

    return (instructions(number) - instructions(0)) / number


def stubbed_calls(session: requests.Session) -> dict[str, Callable[[], object]]:
    """The yardstick, the same without the environment (``trust_env=False``), and the connector's two calls."""
    quiet = stub_session()
    quiet.trust_env = False
    return {
        "bare requests": bare_call(session, "https://cloud.uipath.com/acme/DefaultTenant/orchestrator_"),
        NO_ENVIRONMENT: bare_call(quiet, "https://cloud.uipath.com/acme/DefaultTenant/orchestrator_"),
        **connector_calls("cloud.uipath.com", lambda: session),
    }


#: ``requests`` without reading the environment on each call: what is left of a bare call's cost once the
#: proxy and CA bundle settings are not looked up per request (as the connector looks them up once per host).
NO_ENVIRONMENT = "bare, trust_env=False"


def count(name: str, number: int) -> None:
    """Run ``number`` calls of ``name`` on the stubbed transport (the body of a callgrind measurement)."""
    calls = stubbed_calls(stub_session())
    call = calls[name]
    call()  # imports, caches and the first token: setup, counted in the zero-call run too
    for _ in range(number):
        call()


def main(quick: bool, with_callgrind: bool) -> None:
    rounds, number = (3, 300) if quick else (7, 1000)
    print(f"CPython {sys.version.split()[0]}, {os.cpu_count()} CPUs; medians of {rounds} rounds")

    calls = stubbed_calls(stub_session())
    stubbed = interleaved(calls, number, rounds)
    base = stubbed["bare requests"]
    print("\n1. stubbed transport (Add Queue Item, 201 body of Camunda's docs)")
    for name, micros in stubbed.items():
        print(f"   {name:28s} {micros:8.1f} µs  {micros / base:5.2f}x")
    if with_callgrind and shutil.which("valgrind"):
        counted = {name: callgrind_instructions(name, 200) for name in calls}
        print("   by instruction count (callgrind, 200 calls, setup subtracted):")
        for name, per_call in counted.items():
            print(f"   {name:28s} {per_call:10,.0f} instr.  {per_call / counted['bare requests']:5.2f}x")

    server, url = start_server()
    try:
        loop_session = requests.Session()
        loop_calls = {"bare requests": bare_call(loop_session, url)}
        loop_calls |= connector_calls(url, requests.Session)
        looped = interleaved(loop_calls, number // 4, rounds)
        base = looped["bare requests"]
        print("\n2. loopback, server in its own process")
        for name, micros in looped.items():
            print(f"   {name:28s} {micros:8.1f} µs  {micros / base:5.2f}x")

        shared = connector_calls(url, requests.Session)["execute"]
        seconds = 1.5 if quick else 3.0
        private_rates: list[float] = []
        shared_rates: list[float] = []
        for _ in range(rounds // 2 + 1):  # alternating, as the other measures
            private_rates.append(threaded(lambda: bare_call(requests.Session(), url), 8, seconds))
            shared_rates.append(threaded(lambda: shared, 8, seconds))
        private_rate, shared_rate = statistics.median(private_rates), statistics.median(shared_rates)
        print(f"\n3. 8 threads on loopback (medians of {len(private_rates)} alternating rounds of {seconds:.1f} s)")
        print(f"   8 private requests.Session   {private_rate:8.0f} calls/s  1.00x")
        print(f"   1 shared UiPathConnector     {shared_rate:8.0f} calls/s  {shared_rate / private_rate:5.2f}x")
    finally:
        server.kill()
        server.wait()

    runs = 5 if quick else 15
    with tempfile.TemporaryDirectory() as bytecode_folder:
        imports = import_ms(["requests", "uipath_connector.uipath", "uipath_connector.runtime"], runs, bytecode_folder)
    yardstick = imports.pop("requests")
    print("\n4. imports (fresh interpreter from bytecode, median, minus an empty interpreter; runs alternate)")
    print(f"   import requests              {yardstick:8.1f} ms  1.00x")
    for module, millis in imports.items():
        print(f"   import {module:22s}{millis:8.1f} ms  {millis / yardstick:5.2f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["--count"]:
        count(sys.argv[2], int(sys.argv[3]))
    else:
        main(quick="--quick" in sys.argv, with_callgrind="--callgrind" in sys.argv)
