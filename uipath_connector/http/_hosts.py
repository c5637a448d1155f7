"""Which hosts credentials may be sent to: an allow-list the operator of a worker controls.

Job variables come from the process model, so whoever can deploy a process chooses the URLs a job calls. Sending
the worker's credentials (a client secret from ``{{secrets...}}``, a bearer token) wherever a job points would
hand them to anyone who can deploy a process. So the worker keeps a list of hosts credentials may go to, and a job
pointing elsewhere is refused before any request is made.

Patterns are host names, compared case-insensitively, or ``*.`` followed by a domain, which allows every host
*under* that domain (not the domain itself).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import attrs

__all__ = ["CredentialHosts"]

_LOOPBACK_NAMES = frozenset({"localhost"})


def _normalised(pattern: str) -> str:
    return pattern.strip().strip(".").lower()


@attrs.frozen
class CredentialHosts:
    """An allow-list of hosts; ``loopback=True`` also allows 127.0.0.0/8, ``::1`` and ``localhost``.

    >>> hosts = CredentialHosts.of(["cloud.uipath.com", "*.dedicated.uipath.com"])
    >>> hosts.allows("Cloud.UiPath.com"), hosts.allows("acme.dedicated.uipath.com"), hosts.allows("evil.example")
    (True, True, False)
    >>> CredentialHosts.parse(" orchestrator.example.com, *.corp.example ").patterns
    ('orchestrator.example.com', '*.corp.example')
    """

    patterns: tuple[str, ...]
    loopback: bool = False

    @classmethod
    def of(cls, patterns: Iterable[str], *, loopback: bool = False) -> CredentialHosts:
        """An allow-list of these patterns (blank ones ignored, duplicates dropped, order kept)."""
        kept: list[str] = []
        for pattern in patterns:
            normalised = _normalised(pattern)
            if normalised and normalised not in kept:
                kept.append(normalised)
        return cls(tuple(kept), loopback)

    @classmethod
    def parse(cls, text: str) -> CredentialHosts:
        """Patterns separated by commas or white space, as an environment variable holds them."""
        return cls.of(text.replace(",", " ").split())

    def __add__(self, other: CredentialHosts) -> CredentialHosts:
        return CredentialHosts.of((*self.patterns, *other.patterns), loopback=self.loopback or other.loopback)

    def allows(self, host: str) -> bool:
        """Whether credentials may be sent to ``host`` (a host name or IP address, without port)."""
        host = _normalised(host).strip("[]")
        if not host:
            return False
        if self.loopback and _is_loopback(host):
            return True
        for pattern in self.patterns:
            if pattern.startswith("*."):
                if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                    return True
            elif host == pattern:
                return True
        return False

    def describe(self) -> str:
        """The list for an error message: ``cloud.uipath.com, *.dedicated.uipath.com``."""
        shown = list(self.patterns) + (["loopback"] if self.loopback else [])
        return ", ".join(shown) if shown else "(none)"


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
