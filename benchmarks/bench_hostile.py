"""Peak memory of one job whose server answers a gzip bomb (1 GiB of spaces, about 1 MB on the wire) or a 100 MB
body: bounded by the body cap (16 MiB) plus a constant, measured with ``resource.getrusage`` in a fresh process.

Run: ``.venv/bin/python benchmarks/bench_hostile.py`` (one subprocess per case; prints the outcome's code and the
peak RSS before and after the job).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

CASES = ("gzip-bomb", "100-MB-body")


def measure(kind: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from hostile_server import HostileServer, gzip_bomb, huge_body

    from uipath_connector.runtime import Fail, run_job
    from uipath_connector.uipath import RetryPolicy, TokenCache, UiPathConnector

    with HostileServer() as server:
        server.script(gzip_bomb(1024**3) if kind == "gzip-bomb" else huge_body(100 * 1024 * 1024))
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        connector = UiPathConnector(
            retry_policy=RetryPolicy.disabled(), allow_insecure_http=True, token_cache=TokenCache()
        )
        variables = {
            "operationType": "getItemById",
            "authentication": {"type": "bearer", "token": "t0k3n-value"},
            "cloudUrl": server.url,
            "organizationUnitId": "1",
            "itemId": 7,
        }
        started = time.monotonic()
        outcome = run_job(connector, variables=variables, retries=3)
        elapsed = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = outcome.variables["error"]["code"] if isinstance(outcome, Fail) else "completed"
    print(
        f"{kind:12} {code:20} peak RSS {before / 1024:5.0f} MiB before the job, "
        f"{after / 1024:5.0f} MiB after ({elapsed:.2f} s)"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        measure(sys.argv[1])
    else:
        for case in CASES:
            subprocess.run([sys.executable, __file__, case], check=True)
