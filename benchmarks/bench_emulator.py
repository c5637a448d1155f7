"""Emulator figures: loopback server start/stop time, AddQueueItem requests/s (in-process and loopback), and the
cost and memory of 100,000 Adds (flat per-Add cost, bounded RSS).

Run: ``python benchmarks/bench_emulator.py`` (prints figures; asserts nothing). ``BENCH_EMULATOR_ADDS`` sets the
number of Adds of the scaling run (default 100,000).
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time

import requests

from uipath_connector.testing import DEMO, EmulatorRequest, OrchestratorEmulator

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


SCALING_ADDS = int(os.environ.get("BENCH_EMULATOR_ADDS", "100000"))
BLOCK = SCALING_ADDS // 10


def rss_mib() -> float:
    """The process's resident set size now (Linux /proc), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def scaling(label: str, emulator: OrchestratorEmulator) -> None:
    """Adds with a unique Reference each to the unique-reference queue, through the emulator's request handler
    (the whole HTTP semantics, no transport): the duplicate check and the indexes are what is measured."""
    url = emulator.base_url("https://cloud.uipath.com") + "/odata/Queues/UiPathODataSvc.AddQueueItem"
    headers = {
        "Authorization": f"Bearer {DEMO.personal_access_token}",
        "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
        "Content-Type": "application/json",
    }
    gc.collect()
    before = rss_mib()
    print(f"{label}: RSS before {before:.0f} MiB")
    for block in range(10):
        began = time.perf_counter()
        for n in range(block * BLOCK, (block + 1) * BLOCK):
            body = {
                "itemData": {
                    "Name": DEMO.unique_queue_name,
                    "Reference": f"INV-{n}",
                    "SpecificContent": {"InvoiceId": f"INV-{n}", "Amount": 12.5},
                }
            }
            response = emulator.handle(EmulatorRequest("POST", url, headers, json.dumps(body).encode()))
            assert response.status == 201, response.body
            if emulator.max_items is not None:
                emulator.complete(response.json()["Id"])  # finished items are what retention purges
        per_add = (time.perf_counter() - began) / BLOCK * 1e6
        items = len(emulator.items()) if block in (0, 9) else None
        print(
            f"  Adds {block * BLOCK:>7,}-{(block + 1) * BLOCK:>7,}: {per_add:6.1f} µs/Add, RSS {rss_mib():6.0f} MiB"
            + (f", {items:,} items kept" if items is not None else "")
        )


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

    scaling(f"{SCALING_ADDS:,} Adds, every item kept", OrchestratorEmulator.demo())
    scaling(
        f"{SCALING_ADDS:,} Adds completed, retention max_items={BLOCK:,}", OrchestratorEmulator.demo(max_items=BLOCK)
    )


if __name__ == "__main__":
    main()
