"""``requests`` and ``urllib3`` loaded when the first request is sent, not when the connector is imported.

Importing ``requests`` costs more than importing the whole connector (it loads ``urllib3``, ``http.client``,
``email``, ``ssl``, ``idna`` and a character-set detector), and only sending a request needs it. So the modules of
the HTTP layer and of the connectors name it through a :class:`LazyModule`, which imports it on the first read of
one of its attributes: ``uipath-connector --version``, ``--help`` and ``template``, building records and the
element template, and starting a worker before its first job never load the HTTP stack.

Type checkers see the real module; the code reads the same as with a plain import::

    if TYPE_CHECKING:
        import requests
    else:
        requests = LazyModule("requests")

Classes that *subclass* a ``requests``/``urllib3`` class (:class:`~._too_large.ResponseTooLargeError`, the
deadline adapter, the transport) live in modules that import the HTTP stack at their top and are themselves
imported on first use.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["LazyModule"]


class LazyModule:
    """Stands for the module ``name``, imported on the first read of one of its attributes.

    Every read goes to the real module (nothing is copied), so a patch applied to the module, at any time, is
    seen. The reads are meant for the paths that run once a request has been sent (``except`` clauses, error
    mapping); they cost one Python call each.

    >>> lazy_json = LazyModule("json")
    >>> lazy_json
    LazyModule('json')
    >>> lazy_json.dumps([1])
    '[1]'
    """

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __repr__(self) -> str:
        return f"LazyModule({self._name!r})"

    def __getattr__(self, attribute: str) -> Any:
        # Only called for names that are not the proxy's own slots: every attribute of the module.
        module = self._module
        if module is None:
            # importlib's module lock makes concurrent first reads import once; the assignment is idempotent.
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)
