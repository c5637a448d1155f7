"""Waiting figures: webhook received -> message published on loopback, and requests per waiting item.

Run: ``python benchmarks/bench_webhooks.py`` (prints figures; asserts nothing). Needs the extras ``[webhooks]`` and
``[camunda]`` (uvicorn, camunda-orchestration-sdk), as the test extra has.

1. Latency: the receiver served by uvicorn on 127.0.0.1, publishing through ``CamundaRestPublisher`` to a fake Camunda
   REST API on 127.0.0.1; one signed delivery at a time, from ``requests.post`` to the fake recording the message.
2. Throughput: the same, with several client threads sending distinct deliveries; until every message is recorded.
3. Requests per waiting item over an hour of simulated time: a 30-second polling loop in the process (a timer, a
   *Get Queue Item* job, a gateway) against webhooks plus the reconciler running every 30 seconds.
"""

from __future__ import annotations

import random
import statistics
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
import uvicorn
from camunda_orchestration_sdk import CamundaClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from webhooks_support import FakeZeebeRest, delivery, item_dto, serving_rest, signed_headers

from uipath_connector.webhooks import (
    CamundaRestPublisher,
    MessageDispatcher,
    Reconciler,
    RecordingPublisher,
    WebhookReceiver,
)

SECRET = "whsec-5pR1ng-0f-T3sts"
LATENCY_ROUNDS = 300
THROUGHPUT_DELIVERIES = 2000
THROUGHPUT_THREADS = 8
WAITING_ITEMS = 200
POLL_SECONDS = 30
HOUR = 3600


class TimedFake(FakeZeebeRest):
    """Records when each message id arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        answer = super().handle(method, path, body)
        if isinstance(body, Mapping) and "messageId" in body:
            self.arrived.setdefault(body["messageId"], time.perf_counter())
        return answer


def serve(app: WebhookReceiver) -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}/uipath/webhooks"


def wait_for(fake: TimedFake, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.arrived) < count and time.monotonic() < deadline:
        time.sleep(0.001)


def loopback_figures() -> None:
    fake = TimedFake()
    with serving_rest(fake) as address:
        client = CamundaClient(configuration={"CAMUNDA_REST_ADDRESS": address, "CAMUNDA_AUTH_STRATEGY": "NONE"})
        app = WebhookReceiver(secrets=[SECRET], dispatcher=MessageDispatcher(CamundaRestPublisher(client)))
        server, thread, url = serve(app)
        try:
            with requests.Session() as session:
                latencies, answers = [], []
                for n in range(1, LATENCY_ROUNDS + 1):
                    body = delivery("queueItem.transactionCompleted", item_dto(n, reference=f"R{n}"))
                    headers = {k.decode(): v.decode() for k, v in signed_headers(body, SECRET)}
                    began = time.perf_counter()
                    response = session.post(url, data=body, headers=headers, timeout=5)
                    answers.append(time.perf_counter() - began)
                    assert response.status_code == 202
                    wait_for(fake, n)
                    latencies.append(fake.arrived[f"uipath-queue-item:{n}:Successful"] - began)
            ms = sorted(value * 1000 for value in latencies)
            answer_ms = statistics.median(answers) * 1000
            print(
                f"webhook received -> message published (uvicorn + Camunda REST fake, loopback, {LATENCY_ROUNDS} "
                f"sequential deliveries): median {statistics.median(ms):.1f} ms, p95 {ms[int(len(ms) * 0.95)]:.1f} "
                f"ms, max {ms[-1]:.1f} ms; the 202 answer itself: median {answer_ms:.1f} ms"
            )

            first = LATENCY_ROUNDS + 1
            bodies = [
                delivery("queueItem.transactionCompleted", item_dto(n, reference=f"R{n}"))
                for n in range(first, first + THROUGHPUT_DELIVERIES)
            ]
            local = threading.local()

            def send(body: bytes) -> int:
                if not hasattr(local, "session"):
                    local.session = requests.Session()
                headers = {k.decode(): v.decode() for k, v in signed_headers(body, SECRET)}
                return int(local.session.post(url, data=body, headers=headers, timeout=10).status_code)

            began = time.perf_counter()
            with ThreadPoolExecutor(THROUGHPUT_THREADS) as pool:
                statuses = list(pool.map(send, bodies))
            received = time.perf_counter() - began
            wait_for(fake, LATENCY_ROUNDS + THROUGHPUT_DELIVERIES)
            published = time.perf_counter() - began
            assert statuses.count(202) == THROUGHPUT_DELIVERIES, set(statuses)
            print(
                f"throughput, {THROUGHPUT_DELIVERIES} deliveries from {THROUGHPUT_THREADS} threads: received "
                f"{THROUGHPUT_DELIVERIES / received:.0f}/s, published {THROUGHPUT_DELIVERIES / published:.0f}/s "
                f"(4 publishing threads; {len(fake.published)} messages, no duplicates: "
                f"{len({m['messageId'] for m in fake.published}) == len(fake.published)})"
            )
        finally:
            server.should_exit = True
            thread.join(10)
            client.close()


class SimulatedOrchestrator:
    """Items ending at known moments; counts the reconciler's requests."""

    def __init__(self, items: Sequence[tuple[int, datetime]], clock: list[datetime]) -> None:
        self.items = items
        self.clock = clock
        self.requests = 0

    def final_items(self, queue: str, ended_since: datetime, *, skip: int, top: int) -> list[dict[str, Any]]:
        self.requests += 1
        ended = sorted((end, item_id) for item_id, end in self.items if ended_since <= end <= self.clock[0])[
            skip : skip + top
        ]
        stamp = "%Y-%m-%dT%H:%M:%S.%fZ"
        return [item_dto(item_id, reference=f"R{item_id}", ended=end.strftime(stamp)) for end, item_id in ended]


def requests_per_waiting_item() -> None:
    rng = random.Random(15)
    start = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    # Items added at random moments of the hour; the robot takes 1 to 20 minutes.
    waits = []
    for item_id in range(1, WAITING_ITEMS + 1):
        added = rng.uniform(0, HOUR - 1200)
        waits.append((item_id, added, added + rng.uniform(60, 1200)))

    # Polling: every 30 s after the Add, a timer, a Get job (one Orchestrator request) and a gateway, until final.
    polls = sum(int((done - added) // POLL_SECONDS) + 1 for _, added, done in waits)
    poll_delay = statistics.mean(POLL_SECONDS - ((done - added) % POLL_SECONDS) for _, added, done in waits)

    # Webhooks + reconciler every 30 s over the same hour (poll-only mode is the reconciler alone).
    clock = [start]
    ends = [(item_id, start + timedelta(seconds=done)) for item_id, _, done in waits]
    source = SimulatedOrchestrator(ends, clock)
    publisher = RecordingPublisher()
    reconciler = Reconciler(
        source,
        MessageDispatcher(publisher),
        queues=["Invoices"],
        wall_clock=lambda: clock[0],
        initial_lookback=timedelta(0),
    )
    delays = []
    seen: set[str] = set()
    for tick in range(0, HOUR + POLL_SECONDS, POLL_SECONDS):
        clock[0] = start + timedelta(seconds=tick)
        reconciler.run_once()
        for message in publisher.messages:
            if message.message_id not in seen:
                seen.add(message.message_id)
                item_id = int(message.message_id.split(":")[1])
                delays.append((clock[0] - ends[item_id - 1][1]).total_seconds())
    assert len(seen) == WAITING_ITEMS
    webhook_requests = WAITING_ITEMS  # one delivery per final item
    print(
        f"{WAITING_ITEMS} items waited on over one simulated hour (robot time 1-20 min): a 30 s polling loop sends "
        f"{polls} Get requests ({polls / WAITING_ITEMS:.1f} per item, each also a job and a timer in Zeebe; "
        f"result {poll_delay:.0f} s late on average); webhooks + reconciler: {webhook_requests} deliveries + "
        f"{source.requests} reconciler requests = {(webhook_requests + source.requests) / WAITING_ITEMS:.2f} "
        f"requests per item and 1 message each (reconciler requests do not grow with the items: "
        f"{source.requests} per queue per hour); poll-only (reconciler alone): "
        f"{source.requests / WAITING_ITEMS:.2f} per item, result {statistics.mean(delays):.0f} s late on average"
    )


def main() -> None:
    loopback_figures()
    requests_per_waiting_item()
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
