"""uipath-connector: drive UiPath robots from Camunda 8 processes.

The package is split into layers (see ``docs/index.md``):

* :mod:`uipath_connector.sdk` — a Python mirror of the Camunda Connector SDK;
* :mod:`uipath_connector.uipath` — the UiPath Orchestrator connector;
* :mod:`uipath_connector.runtime` — jobs to outcomes, worker adapters;
* :mod:`uipath_connector.feel` — FEEL, the whole language, as Camunda's engine evaluates it;
* :mod:`uipath_connector.testing` — test kit for downstream teams.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("uipath-connector")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0.0.0"

__all__ = ["__version__"]
