"""A fake Zeebe engine with a job lifecycle, served over the REST job API and the gRPC gateway on 127.0.0.1.

Unlike the record-only fakes of the adapter tests, this one behaves like the engine where job safety depends on
it: an activated job whose deadline passes is handed out again, ``UpdateJobTimeout`` / ``PATCH`` moves the
deadline, a Fail with retries left makes the job activatable again, a Fail with 0 retries is an incident, and a
command on a job that is not activated is refused (NOT_FOUND / 404). Commands can be refused on purpose
(``refuse_completes``) or held until the test releases them (``hold_completes``).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

# Every wait in the fake is bounded: a held command waits at most this long for the test to release it.
_HOLD_LIMIT_SECONDS = 20.0


@attrs.define
class EngineJob:
    key: int
    type: str
    variables: dict[str, Any]
    headers: dict[str, str]
    retries: int
    state: str = "activatable"  # activated, completed, incident, error
    deadline: float = 0.0
    available_at: float = 0.0
    activations: int = 0
    result: dict[str, Any] | None = None
    incident: str = ""
    extensions: int = 0


class FakeEngine:
    """The engine's side of job activation and job commands, thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: dict[int, EngineJob] = {}
        self.refuse_completes = 0  # refuse this many Complete commands with a transient error
        self.complete_attempts = 0
        self.hold_completes = False
        self.released = threading.Event()
        self.gateway_version = "8.10.0"  # what Topology answers (REST and gRPC)
        # Every Complete / Fail / ThrowError as it arrived (the REST body, or the gRPC request's text fields), so a
        # test can grep what the worker sent to the engine.
        self.commands: list[str] = []

    def record(self, command: str) -> None:
        with self.lock:
            self.commands.append(command)

    def add_job(
        self, key: int, job_type: str, variables: dict[str, Any], headers: dict[str, str], retries: int = 3
    ) -> None:
        with self.lock:
            self.jobs[key] = EngineJob(key, job_type, variables, headers, retries)

    def job(self, key: int) -> EngineJob:
        with self.lock:
            return attrs.evolve(self.jobs[key])

    def activate(self, job_type: str, maximum: int, timeout_ms: int) -> list[EngineJob]:
        now = time.monotonic()
        handed: list[EngineJob] = []
        with self.lock:
            for job in self.jobs.values():
                if len(handed) >= maximum or job.type != job_type:
                    continue
                timed_out = job.state == "activated" and job.deadline <= now
                if (job.state == "activatable" and job.available_at <= now) or timed_out:
                    job.state = "activated"
                    job.deadline = now + timeout_ms / 1000
                    job.activations += 1
                    handed.append(attrs.evolve(job))
        return handed

    def complete(self, key: int, variables: dict[str, Any]) -> str:
        with self.lock:
            self.complete_attempts += 1
            if self.refuse_completes > 0:
                self.refuse_completes -= 1
                return "unavailable"
            hold = self.hold_completes
        if hold:
            self.released.wait(_HOLD_LIMIT_SECONDS)
            return "dropped"  # the sender is gone: the command never reached the engine
        with self.lock:
            job = self.jobs.get(key)
            if job is None or job.state != "activated":
                return "not_found"
            job.state, job.result = "completed", variables
            return "ok"

    def fail(self, key: int, retries: int, message: str, backoff_ms: int) -> str:
        with self.lock:
            job = self.jobs.get(key)
            if job is None or job.state != "activated":
                return "not_found"
            job.retries = retries
            if retries > 0:
                job.state, job.available_at = "activatable", time.monotonic() + backoff_ms / 1000
            else:
                job.state, job.incident = "incident", message
            return "ok"

    def throw_error(self, key: int, code: str, message: str) -> str:
        with self.lock:
            job = self.jobs.get(key)
            if job is None or job.state != "activated":
                return "not_found"
            job.state, job.incident = "error", f"{code}: {message}"
            return "ok"

    def update_timeout(self, key: int, timeout_ms: int) -> str:
        with self.lock:
            job = self.jobs.get(key)
            if job is None or job.state != "activated":
                return "not_found"
            job.deadline = time.monotonic() + timeout_ms / 1000
            job.extensions += 1
            return "ok"

    def wait_for(self, key: int, states: set[str], timeout: float) -> EngineJob:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(key)
            if job.state in states:
                return job
            time.sleep(0.02)
        raise AssertionError(f"job {key} is {self.job(key).state}, not {states} after {timeout}s")


# -- REST -------------------------------------------------------------------------------------------------------


def _rest_job(job: EngineJob) -> dict[str, Any]:
    return {
        "type": job.type,
        "processDefinitionId": "uipath-process",
        "processDefinitionVersion": 1,
        "elementId": "Task_1",
        "customHeaders": job.headers,
        "worker": "test",
        "retries": job.retries,
        "deadline": 0,
        "variables": job.variables,
        "tenantId": "<default>",
        "physicalTenantId": "<default>",
        "jobKey": str(job.key),
        "processInstanceKey": str(100 + job.key),
        "processDefinitionKey": "7",
        "elementInstanceKey": str(200 + job.key),
        "kind": "BPMN_ELEMENT",
        "listenerEventType": "UNSPECIFIED",
        "userTask": None,
        "tags": [],
        "rootProcessInstanceKey": None,
        "businessId": None,
        "priority": 0,
    }


_STATUS = {"ok": 204, "not_found": 404, "unavailable": 503, "dropped": 503}


@contextmanager
def serving_rest(engine: FakeEngine) -> Iterator[str]:
    """The REST job API of ``engine`` on 127.0.0.1; yields the base address."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if re.fullmatch(r"/v2/jobs/\d+/(completion|failure|error)", self.path):
                engine.record(raw.decode("utf-8"))
            body = json.loads(raw) if raw else {}
            status, payload = self._route(self.command, self.path, body)
            data = b"" if payload is None else json.dumps(payload).encode()
            try:
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the worker was killed while its command was held

        def _route(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
            if method == "GET" and path == "/v2/topology":
                return 200, {
                    "brokers": [],
                    "clusterId": None,
                    "clusterSize": 1,
                    "partitionsCount": 1,
                    "replicationFactor": 1,
                    "gatewayVersion": engine.gateway_version,
                    "lastCompletedChangeId": "-1",
                }
            if path == "/v2/jobs/activation":
                jobs = engine.activate(body["type"], body["maxJobsToActivate"], body["timeout"])
                if not jobs:
                    time.sleep(0.05)  # a short long-poll
                return 200, {"jobs": [_rest_job(job) for job in jobs]}
            match = re.fullmatch(r"/v2/jobs/(\d+)(/completion|/failure|/error)?", path)
            if match is None:
                return 404, {
                    "type": "about:blank",
                    "title": "NOT_FOUND",
                    "status": 404,
                    "detail": path,
                    "instance": path,
                }
            key, command = int(match.group(1)), match.group(2)
            if method == "PATCH" and command is None:
                verdict = engine.update_timeout(key, body["changeset"]["timeout"])
            elif command == "/completion":
                verdict = engine.complete(key, body.get("variables") or {})
            elif command == "/failure":
                verdict = engine.fail(
                    key, body.get("retries", 0), body.get("errorMessage", ""), body.get("retryBackOff", 0)
                )
            elif command == "/error":
                verdict = engine.throw_error(key, body.get("errorCode", ""), body.get("errorMessage", ""))
            else:
                return 404, {"title": "NOT_FOUND", "detail": path}
            status = _STATUS[verdict]
            problem = {
                "type": "about:blank",
                "title": verdict.upper(),
                "status": status,
                "detail": path,
                "instance": path,
            }
            return status, None if status == 204 else problem

        do_GET = _serve
        do_POST = _serve
        do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        engine.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)


# -- gRPC -------------------------------------------------------------------------------------------------------


@contextmanager
def serving_grpc(engine: FakeEngine) -> Iterator[int]:
    """The Zeebe gateway of ``engine`` on 127.0.0.1 (pyzeebe's protos); yields the port."""
    import grpc
    from pyzeebe.proto import gateway_pb2, gateway_pb2_grpc

    codes = {"not_found": grpc.StatusCode.NOT_FOUND, "unavailable": grpc.StatusCode.UNAVAILABLE}

    def answer(verdict: str, context: Any, response: Any) -> Any:
        if verdict in codes:
            context.abort(codes[verdict], verdict)
        if verdict == "dropped":
            context.abort(grpc.StatusCode.UNAVAILABLE, "dropped")
        return response

    class Gateway(gateway_pb2_grpc.GatewayServicer):
        def ActivateJobs(self, request: Any, context: Any) -> Iterator[Any]:
            jobs = engine.activate(request.type, request.maxJobsToActivate, request.timeout)
            if not jobs:
                time.sleep(0.05)
            yield gateway_pb2.ActivateJobsResponse(
                jobs=[
                    gateway_pb2.ActivatedJob(
                        key=job.key,
                        type=job.type,
                        processInstanceKey=100 + job.key,
                        bpmnProcessId="uipath-process",
                        processDefinitionVersion=1,
                        processDefinitionKey=7,
                        elementId="Task_1",
                        elementInstanceKey=200 + job.key,
                        customHeaders=json.dumps(job.headers),
                        worker="test",
                        retries=job.retries,
                        deadline=0,
                        variables=json.dumps(job.variables),
                        tenantId="<default>",
                    )
                    for job in jobs
                ]
            )

        def CompleteJob(self, request: Any, context: Any) -> Any:
            engine.record(request.variables)
            verdict = engine.complete(request.jobKey, json.loads(request.variables or "{}"))
            return answer(verdict, context, gateway_pb2.CompleteJobResponse())

        def FailJob(self, request: Any, context: Any) -> Any:
            engine.record(f"{request.errorMessage}\n{request.variables}")
            verdict = engine.fail(request.jobKey, request.retries, request.errorMessage, request.retryBackOff)
            return answer(verdict, context, gateway_pb2.FailJobResponse())

        def ThrowError(self, request: Any, context: Any) -> Any:
            engine.record(f"{request.errorCode}\n{request.errorMessage}\n{request.variables}")
            verdict = engine.throw_error(request.jobKey, request.errorCode, request.errorMessage)
            return answer(verdict, context, gateway_pb2.ThrowErrorResponse())

        def Topology(self, request: Any, context: Any) -> Any:
            return gateway_pb2.TopologyResponse(
                brokers=[], clusterSize=1, partitionsCount=1, replicationFactor=1, gatewayVersion=engine.gateway_version
            )

        def UpdateJobTimeout(self, request: Any, context: Any) -> Any:
            verdict = engine.update_timeout(request.jobKey, request.timeout)
            return answer(verdict, context, gateway_pb2.UpdateJobTimeoutResponse())

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    gateway_pb2_grpc.add_GatewayServicer_to_server(Gateway(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield port
    finally:
        engine.released.set()
        server.stop(grace=0.5)
