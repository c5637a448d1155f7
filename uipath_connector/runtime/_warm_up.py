"""Load at a worker's start what its first job would otherwise load.

The connector's HTTP stack (``requests``, ``urllib3``, ``ssl``; about 150 ms on a small machine) and the FEEL engine
load on first use, so that importing the connector and commands such as ``uipath-connector template`` stay cheap.
A worker does not want that cost in its first job (whose latency a process may be waiting on): it calls
:func:`warm_up` before it activates jobs.
"""

from __future__ import annotations

import logging
import time

__all__ = ["warm_up"]


def warm_up(connector: object, logger: logging.Logger) -> None:
    """Run the connector's optional ``warm_up()`` and load the FEEL engine; a failure is logged, never fatal.

    A failing warm-up changes nothing a job relies on: the job loads what it needs, and reports what fails then.

    >>> class Connector:
    ...     loaded = False
    ...     def warm_up(self) -> None:
    ...         self.loaded = True
    >>> connector = Connector()
    >>> warm_up(connector, logging.getLogger("example"))
    >>> connector.loaded
    True
    """
    started = time.monotonic()
    hook = getattr(connector, "warm_up", None)
    try:
        if callable(hook):
            hook()
        # Result and error expressions are FEEL: the runtime parses the first job's headers with it.
        from ..feel import parse  # noqa: F401
    except Exception as error:  # the job reports a real problem; the message is not shown (it could be anything)
        logger.warning(
            "warming up the connector failed (%s); jobs load what they need themselves", type(error).__name__
        )
        return
    logger.debug("connector warmed up in %.0f ms", (time.monotonic() - started) * 1000)
