"""The connector runtime: turns a Zeebe job into an outcome.

Sub-packages:

* :mod:`uipath_connector.runtime.feel` — the FEEL subset used by result and error expressions.
"""

from __future__ import annotations
