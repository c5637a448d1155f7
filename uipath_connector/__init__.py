"""uipath-connector: drive UiPath robots from Camunda 8 processes.

The package is split into layers (see ``docs/index.md``):

* :mod:`uipath_connector.sdk` — a Python mirror of the Camunda Connector SDK;
* :mod:`uipath_connector.uipath` — the UiPath Orchestrator connector;
* :mod:`uipath_connector.runtime` — jobs to outcomes, worker adapters;
* :mod:`uipath_connector.feel` — FEEL, the whole language, as Camunda's engine evaluates it;
* :mod:`uipath_connector.testing` — test kit for downstream teams.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # importlib.metadata costs more to import than requests does: read the version only when someone asks for it.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("uipath-connector")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        found = "0.0.0"
    globals()["__version__"] = found
    return found
