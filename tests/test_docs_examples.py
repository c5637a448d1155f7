"""Every ```python block of the user docs runs as written.

A block may be preceded (on the line right before its fence, blank lines allowed) by one marker, an HTML comment
that GitHub and most Markdown viewers do not show:

* no marker: the block is self-contained; it runs in a fresh namespace and must not raise.
* ``<!-- run against the emulator -->``: the block talks to Orchestrator at ``https://cloud.uipath.com`` as org
  ``acme``, tenant ``DefaultTenant``, folder ``1964413``, queue ``Invoices``, with a bearer token from the
  environment variable ``UIPATH_TOKEN``. The test mounts the in-process emulator there with exactly that data and
  sets ``UIPATH_TOKEN`` to a token it accepts; the block must run and must have sent the emulator a request.
* ``<!-- not run: <why> -->``: the block needs what a test cannot have (a Zeebe cluster, a UiPath tenant); it is
  compiled (so it is valid Python) but not run, and the reason must be given. A block that needs a UiPath tenant
  must be followed by its emulator variant (a block without a marker), so every example can be tried as printed.

Any other ``<!-- ... -->`` comment right before a block is an error, so a misspelt marker cannot hide a block.
docs/testing.md, docs/connector-sdk.md and docs/feel.md have examples tests of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from uipath_connector.testing import OrchestratorEmulator

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "README.md",
    "docs/index.md",
    "docs/getting-started.md",
    "docs/operations.md",
    "docs/authentication.md",
    "docs/errors-and-retries.md",
    "docs/runtime.md",
    "docs/workers.md",
    "docs/element-template.md",
    "docs/cli.md",
    "docs/api.md",
    "docs/performance.md",
    "docs/waiting.md",
)
EMULATOR_TOKEN = "docs-example-token"  # exists only in the emulator below

_FENCE = re.compile(r"^```python\n(?P<code>.*?)^```", re.S | re.M)
_MARKER = re.compile(r"<!--\s*(?P<text>.*?)\s*-->\s*\Z", re.S)


@attrs.frozen
class Example:
    page: str
    line: int
    code: str
    marker: str | None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _examples() -> list[Example]:
    found = []
    for page in PAGES:
        text = (ROOT / page).read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            before = text[: match.start()].rstrip("\n")
            marker = _MARKER.search(before.rsplit("\n", 1)[-1] if before else "")
            line = text.count("\n", 0, match.start()) + 1
            found.append(Example(page, line, match.group("code"), marker.group("text") if marker else None))
    return found


EXAMPLES = _examples()


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[OrchestratorEmulator]:
    """The Orchestrator the examples assume: acme / DefaultTenant, folder 1964413, queue Invoices, a bearer token."""
    emulator = OrchestratorEmulator("acme", "DefaultTenant")
    folder = emulator.add_folder("Shared", folder_id=1964413)
    emulator.add_queue("Invoices", folder=folder)
    emulator.add_token(EMULATOR_TOKEN)
    monkeypatch.setenv("UIPATH_TOKEN", EMULATOR_TOKEN)
    with emulator.mock(base_host="https://cloud.uipath.com"):
        yield emulator


def test_the_pages_have_examples() -> None:
    # A broken fence pattern would find nothing and pass everything below.
    assert len(EXAMPLES) >= 6, [example.id for example in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.id)
def test_example_runs(example: Example, request: pytest.FixtureRequest) -> None:
    namespace: dict[str, object] = {"__name__": "__docs_example__"}
    compiled = compile(example.code, example.id, "exec")
    if example.marker is None:
        exec(compiled, namespace)  # the docs' own examples
        return
    if example.marker.startswith("not run:"):
        reason = example.marker.removeprefix("not run:").strip()
        assert reason, f"{example.id}: say why the block cannot run (<!-- not run: why -->)"
        if "uipath tenant" in reason.lower():
            following = [other for other in EXAMPLES if other.page == example.page and other.line > example.line]
            assert following, f"{example.id}: needs a tenant, but no emulator variant follows it"
            assert following[0].marker is None, f"{example.id}: the next block must be its emulator variant"
        return  # compiled above: valid Python, not run
    assert example.marker == "run against the emulator", f"{example.id}: unknown marker <!-- {example.marker} -->"
    emulator: OrchestratorEmulator = request.getfixturevalue("emulator")
    exec(compiled, namespace)  # the docs' own examples
    assert emulator.requests, f"{example.id} sent nothing to Orchestrator"
    answers = [(recorded.method, recorded.url, recorded.status) for recorded in emulator.requests]
    assert all(status is not None and status < 400 for _, _, status in answers), answers
