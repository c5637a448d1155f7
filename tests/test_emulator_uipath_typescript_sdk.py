"""Acceptance: UiPath's TypeScript SDK (npm ``@uipath/uipath-typescript``, pinned in package.json) against the
loopback emulator, unmodified.

Version 1.3.8 (the newest on npm when this was written) has queue *definition* calls only — ``getAll`` across
folders or in one folder, with an OData filter and paging, and ``getById`` — and no queue item calls; those are
what this test drives. It skips, and says so, where Node or ``node_modules`` is missing (``npm ci``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from uipath_connector.testing import DEMO, OrchestratorEmulator

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "uipath_typescript_sdk.mjs"
PACKAGE = ROOT / "node_modules" / "@uipath" / "uipath-typescript" / "package.json"


def test_typescript_sdk_lists_filters_pages_and_gets_queues() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: UiPath TypeScript SDK acceptance test skipped")
    if not PACKAGE.exists():
        pytest.skip("@uipath/uipath-typescript is not installed (run `npm ci`): TypeScript SDK acceptance skipped")
    emulator = OrchestratorEmulator.demo()
    with emulator.serve() as url:
        completed = subprocess.run(
            [node, str(SCRIPT), url, DEMO.org, DEMO.tenant, DEMO.personal_access_token, str(DEMO.folder_id)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            check=False,
        )
    emulator.webhooks.stop()

    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result == {
        "all": [DEMO.queue_name, DEMO.unique_queue_name],
        "filtered": [DEMO.unique_queue_name],
        "firstPage": {"names": [DEMO.queue_name], "totalCount": 2, "hasNextPage": True},
        "secondPage": {"names": [DEMO.unique_queue_name], "hasNextPage": False},
        "one": {"name": DEMO.unique_queue_name, "enforceUniqueReference": True, "folderId": DEMO.folder_id},
    }
    paths = [request.url.split("/orchestrator_")[1] for request in emulator.requests]
    assert paths[0] == "/odata/QueueDefinitions/UiPath.Server.Configuration.OData.GetQueuesAcrossFolders"
