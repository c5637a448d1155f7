"""Watch the Zeebe gateway: wait for it with a bounded backoff, check its version, and say whether it is reachable.

One probe (gRPC ``Topology`` or REST ``GET /v2/topology``) answers both questions an operator asks: "is the worker
connected?" (readiness) and "which Camunda is this?" (``gatewayVersion``, checked against what the worker's client
supports). While the gateway is unreachable the probe backs off from 1 s doubling to 30 s, and the state is logged
once per change (unreachable, reachable again) rather than once per poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

__all__ = [
    "GatewayMonitor",
    "SupportedVersions",
    "UnsupportedGatewayVersion",
    "camunda_topology_probe",
    "check_gateway_version",
    "pyzeebe_topology_probe",
    "supported_versions",
]

LOGGER = logging.getLogger("uipath_connector.runtime.gateway")

_VERSION = re.compile(r"(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?")


class UnsupportedGatewayVersion(Exception):
    """The gateway runs a Camunda version the worker's client cannot serve; the message says which and why."""


@attrs.frozen
class SupportedVersions:
    """The Camunda minors a worker client serves: ``lowest`` up to ``tested`` (later 8.x minors work, untested)."""

    client: str
    lowest: tuple[int, int]
    tested: tuple[int, int]
    why: str


def supported_versions(client: str) -> SupportedVersions:
    """What each ``--client`` supports, and why (see docs/workers.md, "Camunda versions").

    >>> supported_versions("rest").lowest
    (8, 10)
    """
    if client == "rest":
        # camunda-orchestration-sdk README, "Versioning": SDK major n ↔ Camunda 8.n, and 10.x's activation model
        # requires fields (physicalTenantId, businessId, priority) that 8.9 and older do not send.
        return SupportedVersions(
            "rest",
            (8, 10),
            (8, 10),
            "camunda-orchestration-sdk 10.x follows Camunda 8.10 and needs job fields older gateways do not send; "
            "use --client pyzeebe for Camunda 8.5 to 8.9",
        )
    # pyzeebe README: "4.x.x: 8.5, 8.6, 8.7, 8.8"; the gRPC gateway API is served by every later 8.x too.
    return SupportedVersions(
        "pyzeebe",
        (8, 5),
        (8, 8),
        "pyzeebe 4.x is tested against Camunda 8.5 to 8.8 (its README) and needs UpdateJobTimeout",
    )


def check_gateway_version(version: str, client: str, logger: logging.Logger = LOGGER) -> None:
    """Raise :class:`UnsupportedGatewayVersion` for a version ``client`` cannot serve; warn for an untested one.

    >>> check_gateway_version("8.10.1", "rest")
    >>> check_gateway_version("8.8.3", "rest")
    Traceback (most recent call last):
    ...
    uipath_connector.runtime._gateway.UnsupportedGatewayVersion: the gateway runs Camunda 8.8.3, but --client rest \
supports Camunda 8.10 and later (8.x): camunda-orchestration-sdk 10.x follows Camunda 8.10 and needs job fields older \
gateways do not send; use --client pyzeebe for Camunda 8.5 to 8.9
    """
    support = supported_versions(client)
    match = _VERSION.match(version.strip())
    if match is None:
        logger.warning("the gateway reports version %r, which is not MAJOR.MINOR: not checked", version[:40])
        return
    minor = (int(match.group(1)), int(match.group(2)))
    lowest = ".".join(map(str, support.lowest))
    if minor[0] != 8 or minor < support.lowest:
        raise UnsupportedGatewayVersion(
            f"the gateway runs Camunda {version[:40]}, but --client {client} supports Camunda {lowest} and later "
            f"(8.x): {support.why}"
        )
    if minor > support.tested:
        logger.warning(
            "the gateway runs Camunda %s; --client %s is tested up to %s",
            version[:40],
            client,
            ".".join(map(str, support.tested)),
        )


Probe = Callable[[], Awaitable[str]]


class GatewayMonitor:
    """Probe the gateway until stopped: every ``check_interval`` s while reachable, with backoff while not.

    Thread-safe readers (:attr:`ready`, :attr:`live`, :meth:`status`) serve the health endpoints from another
    thread. ``ready`` means the last probe succeeded and did so within ``ready_within`` seconds.
    """

    def __init__(
        self,
        probe: Probe,
        *,
        address: str,
        client: str,
        check_interval: float = 10.0,
        first_backoff: float = 1.0,
        max_backoff: float = 30.0,
        probe_timeout: float = 10.0,
        logger: logging.Logger = LOGGER,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[asyncio.Event, float], Awaitable[None]] | None = None,
    ) -> None:
        self._probe = probe
        self.address = address
        self.client = client
        self.check_interval = check_interval
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.probe_timeout = probe_timeout
        self.ready_within = check_interval + probe_timeout + 1.0
        self._logger = logger
        self._clock = clock
        self._pause = pause if pause is not None else _wait_or_stop
        self._lock = threading.Lock()
        self._reachable: bool | None = None  # None: not probed yet
        self._last_success: float | None = None
        self._last_tick = clock()
        self._version = ""
        self._checked_version = ""
        self.connected = asyncio.Event()

    @property
    def reachable(self) -> bool | None:
        with self._lock:
            return self._reachable

    @property
    def ready(self) -> bool:
        with self._lock:
            if not self._reachable or self._last_success is None:
                return False
            return self._clock() - self._last_success <= self.ready_within

    @property
    def live(self) -> bool:
        """The probe loop still turns (a hung event loop stops it): its last tick is within its longest wait."""
        with self._lock:
            return self._clock() - self._last_tick <= self.max_backoff + self.probe_timeout + self.check_interval + 5

    def status(self) -> dict[str, Any]:
        with self._lock:
            age = None if self._last_success is None else round(self._clock() - self._last_success, 3)
            return {
                "gateway": self.address,
                "client": self.client,
                "reachable": bool(self._reachable),
                "gatewayVersion": self._version,
                "secondsSinceContact": age,
            }

    async def run(self, stop: asyncio.Event) -> None:
        """Probe until ``stop`` is set; raises :class:`UnsupportedGatewayVersion` when the version is refused."""
        backoff = self.first_backoff
        while not stop.is_set():
            try:
                version = await asyncio.wait_for(self._probe(), timeout=self.probe_timeout)
            except Exception as error:  # any failure to reach or read the gateway is "unreachable"
                self._went_down(error, backoff)
                wait, backoff = backoff, min(backoff * 2, self.max_backoff)
            else:
                backoff = self.first_backoff
                self._came_up(version)
                wait = self.check_interval
            await self._pause(stop, wait)

    def _came_up(self, version: str) -> None:
        with self._lock:
            was = self._reachable
            self._reachable = True
            self._last_success = self._last_tick = self._clock()
            self._version = version
            check = version != self._checked_version
            self._checked_version = version
        if was is not True:
            self._logger.info("gateway %s reachable (Camunda %s, --client %s)", self.address, version, self.client)
        if check:
            check_gateway_version(version, self.client, self._logger)
        self.connected.set()

    def _went_down(self, error: BaseException, backoff: float) -> None:
        with self._lock:
            was = self._reachable
            self._reachable = False
            self._last_tick = self._clock()
        if was is not False:
            # Only the error's type: its text may hold a URL with credentials or a token endpoint's answer.
            self._logger.warning(
                "gateway %s unreachable (%s); retrying every %g s doubling up to %g s, logging only when it is back",
                self.address,
                type(error).__name__,
                backoff,
                self.max_backoff,
            )


async def _wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class QuietWhileUnreachable(logging.Filter):
    """Drops the job libraries' own log records while the monitor knows the gateway is unreachable.

    pyzeebe and the REST SDK log each failed poll; the monitor has already said, once, that the gateway is down.
    """

    def __init__(self, monitor: GatewayMonitor, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self._monitor = monitor
        self._prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if self._monitor.reachable is not False:
            return True
        return not record.name.startswith(self._prefixes)


def pyzeebe_topology_probe(channel: Any) -> Probe:
    """A probe calling gRPC ``Topology`` on ``channel``; answers the gateway's ``gatewayVersion``."""
    from pyzeebe.grpc_internals.zeebe_adapter import ZeebeAdapter

    # max_connection_retries=-1: the adapter would otherwise close the shared channel after ten failed calls.
    adapter = ZeebeAdapter(channel, max_connection_retries=-1)

    async def probe() -> str:
        topology = await adapter.topology()
        return str(topology.gateway_version)

    return probe


def camunda_topology_probe(configuration: dict[str, Any] | None = None) -> tuple[Probe, Callable[[], Awaitable[None]]]:
    """A probe calling REST ``GET /v2/topology`` (with the worker's ``CAMUNDA_*`` settings), and its closer."""
    from camunda_orchestration_sdk import CamundaAsyncClient

    client = CamundaAsyncClient(
        configuration=configuration,  # type: ignore[arg-type]
        logger=logging.getLogger("uipath_connector.runtime.camunda_sdk"),
    )

    async def probe() -> str:
        topology = await client.get_topology()
        return str(topology.gateway_version)

    async def close() -> None:
        try:
            await client.__aexit__(None, None, None)
        except Exception as error:  # closing a client that never connected: nothing to release
            LOGGER.debug("closing the topology client: %s", type(error).__name__)

    return probe, close
