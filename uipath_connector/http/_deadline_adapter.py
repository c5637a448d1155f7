"""The ``urllib3`` connections and pools, and the ``requests`` adapter, that keep :mod:`._deadlines`' deadline.

They subclass ``urllib3``'s and ``requests``' classes, so this module imports both at its top; it is imported by
the first :func:`~._deadlines.deadline_session`, when a thread is about to send its first request.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ._deadlines import _DeadlineMixin

__all__ = ["new_deadline_session"]


class _DeadlineHTTPConnection(_DeadlineMixin, HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineMixin, HTTPSConnection):
    pass


class _DeadlineHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


_POOLS = {"http": _DeadlineHTTPConnectionPool, "https": _DeadlineHTTPSConnectionPool}


class _DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def new_deadline_session() -> requests.Session:
    """A ``requests.Session`` whose ``http://`` and ``https://`` adapter keeps the announced deadline.

    >>> type(new_deadline_session().get_adapter("https://cloud.uipath.com")).__name__
    '_DeadlineAdapter'
    """
    session = requests.Session()
    adapter = _DeadlineAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
