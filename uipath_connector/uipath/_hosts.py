"""The hosts UiPath's credentials may be sent to by default, and the setting that adds more.

UiPath's cloud platforms and their access URLs ("Managing federated identity credentials", UiPath Test Cloud /
Automation Cloud admin guide): Automation Cloud ``https://cloud.uipath.com``, Test Cloud Public Sector (formerly
Automation Cloud Public Sector) ``https://govcloud.uipath.us``, Automation Cloud Dedicated
``https://{customURL}.dedicated.uipath.com``. Automation Suite and on-premises Orchestrator run on the customer's
own host names, which only the operator knows: they are added with :data:`CREDENTIAL_HOSTS_ENV`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from ..http import CredentialHosts

__all__ = ["CREDENTIAL_HOSTS_ENV", "UIPATH_CLOUD_HOSTS", "credential_hosts"]

#: Hosts credentials may always be sent to: UiPath's cloud platforms.
UIPATH_CLOUD_HOSTS: tuple[str, ...] = ("cloud.uipath.com", "govcloud.uipath.us", "*.dedicated.uipath.com")
#: The environment variable of a worker that adds hosts (comma- or space-separated; ``*.domain`` for a domain).
CREDENTIAL_HOSTS_ENV = "UIPATH_CONNECTOR_CREDENTIAL_HOSTS"


def credential_hosts(
    extra: Iterable[str] = (), *, loopback: bool = False, environ: Mapping[str, str] | None = None
) -> CredentialHosts:
    """UiPath's cloud hosts, the hosts in :data:`CREDENTIAL_HOSTS_ENV`, and ``extra``.

    >>> credential_hosts(["orchestrator.corp.example"], environ={}).patterns
    ('cloud.uipath.com', 'govcloud.uipath.us', '*.dedicated.uipath.com', 'orchestrator.corp.example')
    """
    environment = os.environ if environ is None else environ
    configured = CredentialHosts.parse(environment.get(CREDENTIAL_HOSTS_ENV, ""))
    return CredentialHosts.of((*UIPATH_CLOUD_HOSTS, *configured.patterns, *extra), loopback=loopback)
