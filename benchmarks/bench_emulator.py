"""Emulator figures: loopback server start/stop time and AddQueueItem requests/s (in-process and loopback).

Run: ``python benchmarks/bench_emulator.py`` (prints figures; asserts nothing).
"""

from __future__ import annotations

import statistics
import time

import requests

from uipath_connector.testing import DEMO, OrchestratorEmulator

ROUNDS = 20
REQUESTS = 1000


def start_stop() -> tuple[list[float], list[float]]:
    starts, stops = [], []
    for _ in range(ROUNDS):
        server = OrchestratorEmulator.demo().server()
        began = time.perf_counter()
        server.start()
        requests.get(server.url + "/", timeout=5)  # started means answering
        starts.append(time.perf_counter() - began)
        began = time.perf_counter()
        server.stop()
        stops.append(time.perf_counter() - began)
    return starts, stops


def add_items(session: requests.Session, base: str, count: int) -> float:
    headers = {
        "Authorization": f"Bearer {DEMO.personal_access_token}",
        "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
    }
    url = base + "/odata/Queues/UiPathODataSvc.AddQueueItem"
    body = {"itemData": {"Name": DEMO.queue_name, "SpecificContent": {"InvoiceId": "INV-1", "Amount": 12.5}}}
    began = time.perf_counter()
    for _ in range(count):
        response = session.post(url, json=body, headers=headers, timeout=5)
        assert response.status_code == 201
    return count / (time.perf_counter() - began)


def main() -> None:
    starts, stops = start_stop()
    for label, times in (("server start (until first answer)", starts), ("server stop", stops)):
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(f"{label}, {ROUNDS} rounds: median {median:.1f} ms, max {worst:.1f} ms")

    emulator = OrchestratorEmulator.demo()
    with emulator.serve() as url, requests.Session() as session:
        rate = add_items(session, emulator.base_url(url), REQUESTS)
    print(f"AddQueueItem over loopback, one kept-alive connection, {REQUESTS} requests: {rate:.0f} requests/s")

    emulator = OrchestratorEmulator.demo()
    with emulator.mock(), requests.Session() as session:
        rate = add_items(session, emulator.base_url("https://cloud.uipath.com"), REQUESTS)
    print(f"AddQueueItem in-process (responses), {REQUESTS} requests: {rate:.0f} requests/s")


if __name__ == "__main__":
    main()
