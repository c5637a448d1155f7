"""Orchestrator and identity URLs from ``cloudUrl``/``cloudOrg``/``cloudTenant``, and OData literals.

``cloudUrl`` takes two shapes (UiPath: Building API Requests; UiPath: Authenticating with an External Application):

* a host name, optionally with a port (``cloud.uipath.com``, ``govcloud.uipath.us``): Automation Cloud. The
  Orchestrator base is ``https://{host}/{org}/{tenant}/orchestrator_`` and the token endpoint
  ``https://{host}/identity_/connect/token``. Org and tenant are each percent-encoded as ONE path segment, so a
  ``/``, ``?``, ``#`` or ``%`` in them can never change the path's structure; ``.`` and ``..`` are refused.
* an ``https://`` URL: the Orchestrator base URL exactly as given (Automation Suite
  ``https://fqdn/{org}/{tenant}/orchestrator_``, standalone ``https://host``); org and tenant are not used. The
  token endpoint is ``/identity_/connect/token`` on the same host when the path ends in ``/orchestrator_``
  (Automation Suite), else ``/identity/connect/token`` (standalone, no underscore).

User-info, query and fragment are refused in both shapes. ``http://`` is accepted only when the caller (a
constructor flag, never a job variable) allows insecure transport, e.g. the emulator on loopback.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import attrs

__all__ = [
    "OrchestratorUrls",
    "cloud_url_problem",
    "odata_string",
    "orchestrator_urls",
    "token_endpoint_problem",
]

# A DNS name, an IPv4 address or a bracketed IPv6 address, then an optional port.
_HOST = re.compile(
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)"
    r"(?::(?P<port>[0-9]{1,5}))?"
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


@attrs.frozen
class OrchestratorUrls:
    """Where Orchestrator's OData API and the identity token endpoint are."""

    base: str
    token_endpoint: str


def _check_authority(netloc: str) -> str | None:
    if "@" in netloc:
        return "must not contain user information (user:password@)"
    match = _HOST.fullmatch(netloc)
    if match is None:
        return f"{netloc!r} is not a valid host name"
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        return f"port {port} is out of range"
    return None


def cloud_url_problem(cloud_url: str, *, allow_insecure_http: bool = True) -> str | None:
    """What is wrong with a ``cloudUrl`` value, or ``None`` when it is usable.

    >>> cloud_url_problem("cloud.uipath.com/evil")
    "a host name must not contain '/'; give a full https:// URL for Automation Suite or on-premises"
    """
    text = cloud_url.strip()
    if not text:
        return "must not be empty"
    if _CONTROL.search(text):
        return "must not contain spaces or control characters"
    if "://" not in text:
        host = text[:-1] if text.endswith("/") else text
        for character in "/?#":
            if character in host:
                return (
                    f"a host name must not contain {character!r}; "
                    "give a full https:// URL for Automation Suite or on-premises"
                )
        return _check_authority(host)
    return _url_problem(text, allow_insecure_http=allow_insecure_http)


def token_endpoint_problem(url: str, *, allow_insecure_http: bool = True) -> str | None:
    """What is wrong with an ``authentication.oauthTokenEndpoint`` value, or ``None``."""
    text = url.strip()
    if "://" not in text:
        return "must be a full https:// URL"
    return _url_problem(text, allow_insecure_http=allow_insecure_http)


def _url_problem(text: str, *, allow_insecure_http: bool) -> str | None:
    if _CONTROL.search(text):
        return "must not contain spaces or control characters"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme == "http":
        if not allow_insecure_http:
            return (
                "http:// is refused because it would send credentials unencrypted; use https:// "
                "(plain http is only possible when the connector is created with allow_insecure_http=True)"
            )
    elif scheme != "https":
        return f"the scheme must be https://, got {parts.scheme + '://'!r}"
    if parts.query or "?" in text:
        return "must not contain a query ('?...')"
    if parts.fragment or "#" in text:
        return "must not contain a fragment ('#...')"
    authority_problem = _check_authority(parts.netloc)
    if authority_problem is not None:
        return authority_problem
    segments = [segment for segment in parts.path.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        return "the path must not contain '.' or '..' segments"
    return None


def _path_segment(value: str, variable: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError(f"{variable}: is required when cloudUrl is a host name (the {what} is part of the URL)")
    if text in (".", ".."):
        raise ValueError(f"{variable}: {text!r} is not a valid {what} name")
    if _CONTROL.search(text.replace(" ", "")):
        raise ValueError(f"{variable}: must not contain control characters")
    # safe="" encodes '/', so the value stays one path segment whatever it contains.
    return quote(text, safe="")


def orchestrator_urls(
    cloud_url: str,
    org: str | None,
    tenant: str | None,
    *,
    token_endpoint: str | None = None,
    allow_insecure_http: bool = False,
) -> OrchestratorUrls:
    """The Orchestrator base URL and token endpoint; ``ValueError`` (message naming the variable) when invalid.

    >>> orchestrator_urls("cloud.uipath.com", "acme", "Default Tenant").base
    'https://cloud.uipath.com/acme/Default%20Tenant/orchestrator_'
    >>> orchestrator_urls("https://orch.example.com", None, None).token_endpoint
    'https://orch.example.com/identity/connect/token'
    """
    problem = cloud_url_problem(cloud_url, allow_insecure_http=allow_insecure_http)
    if problem is not None:
        raise ValueError(f"cloudUrl: {problem}")
    text = cloud_url.strip()
    if "://" not in text:
        host = text.rstrip("/")
        org_segment = _path_segment(org or "", "cloudOrg", "organization")
        tenant_segment = _path_segment(tenant or "", "cloudTenant", "tenant")
        base = f"https://{host}/{org_segment}/{tenant_segment}/orchestrator_"
        derived = f"https://{host}/identity_/connect/token"
    else:
        parts = urlsplit(text)
        base = f"{parts.scheme.lower()}://{parts.netloc}{parts.path.rstrip('/')}"
        identity = "identity_" if parts.path.rstrip("/").endswith("/orchestrator_") else "identity"
        derived = f"{parts.scheme.lower()}://{parts.netloc}/{identity}/connect/token"
    if token_endpoint is not None and token_endpoint.strip():
        endpoint_problem = token_endpoint_problem(token_endpoint, allow_insecure_http=allow_insecure_http)
        if endpoint_problem is not None:
            raise ValueError(f"authentication.oauthTokenEndpoint: {endpoint_problem}")
        derived = token_endpoint.strip()
    return OrchestratorUrls(base=base, token_endpoint=derived)


def odata_string(value: str) -> str:
    """An OData string literal: single quotes around, each ``'`` doubled (UiPath: Queue Items Requests).

    >>> odata_string("O'Brien")
    "'O''Brien'"
    """
    return "'" + value.replace("'", "''") + "'"
