"""Sending through one ``requests.Session`` with its settings resolved once, not on every request.

``Session.request`` redoes, for every request, work whose result does not change between the requests of one
connection: it reads the environment's proxy settings (``get_environ_proxies`` walks ``os.environ`` and parses
``NO_PROXY``, twice), looks the host up in ``~/.netrc``, copies the session's cookie jar, merges and re-validates
the session's headers with the request's, and re-parses the URL. On a stubbed transport that is about half of a
request's cost in Python.

A :class:`SessionTransport` builds the ``PreparedRequest`` itself and hands it to ``Session.send`` (so mounted
adapters, ``responses``, the session's hooks and cookie persistence all still apply), with:

* the environment's settings (``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``, ``REQUESTS_CA_BUNDLE``,
  ``CURL_CA_BUNDLE``, and the session's own ``proxies``/``verify``/``cert``) merged by the session's own
  ``merge_environment_settings`` once per scheme and host, on the session's first request there;
* the session's headers merged with the connection's fixed headers once, and validated once; only the headers that
  change per request (the token, the content type) are validated per request;
* each distinct URL prepared (IDNA, quoting) once, in a bounded cache;
* the session's cookies sent when it holds any, as ``Session.request`` sends them.

Two differences from ``Session.request``, both deliberate: a ``~/.netrc`` entry for the host does not replace the
request's ``Authorization`` header (``requests`` applies netrc credentials to any request without its own ``auth``,
which would send a netrc password to Orchestrator in place of the bearer token), and a change of the proxy
environment variables after a session's first request to a host is not seen by that session (a worker reads its
environment when it starts). Sessions this fast path cannot reproduce exactly — a ``Session`` subclass or a
patched ``Session`` that overrides how requests are prepared, a session with ``auth`` or ``params``, a URL with
credentials in it — go through ``Session.request`` as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity

__all__ = ["SessionTransport"]

_OWN_METHODS = ("request", "prepare_request", "merge_environment_settings")


def _genuine_methods() -> dict[str, object] | None:
    """``requests.Session``'s own methods, or ``None`` while one of them is patched."""
    methods = {name: getattr(requests.Session, name) for name in _OWN_METHODS}
    genuine = all(
        getattr(method, "__module__", None) == "requests.sessions"
        and getattr(method, "__qualname__", None) == f"Session.{name}"
        for name, method in methods.items()
    )
    return methods if genuine else None


# Captured when this module is imported (on a thread's first request): a test (or a user) that patches these on
# ``requests.Session`` afterwards gets its patch honoured, because such a session no longer matches and takes
# ``Session.request``. A patch already in place then is honoured too: the capture is retried until it finds
# requests' own methods.
_PLAIN_METHODS = _genuine_methods()
#: Distinct URLs kept prepared per session (a connection sends to a handful; Get by ID to one per item).
_MAX_PREPARED_URLS = 256
#: Distinct hosts whose environment settings are kept per session (a connection talks to one or two).
_MAX_ORIGINS = 64
#: Distinct sets of fixed headers kept merged per session (one per connection the session serves).
_MAX_HEADER_BASES = 64
_NOT_PREPARED = ("", "")


def _plain(session: requests.Session) -> bool:
    global _PLAIN_METHODS  # captured once requests' own methods are in place
    plain = _PLAIN_METHODS
    if plain is None:
        plain = _PLAIN_METHODS = _genuine_methods()
        if plain is None:
            return False
    kind = type(session)
    return all(getattr(kind, name, None) is method for name, method in plain.items())


class SessionTransport:
    """One thread's session, with what does not change between its requests worked out once.

    >>> SessionTransport(requests.Session()).session.trust_env
    True

    Not thread-safe, like the session it wraps: :class:`~._sessions.ThreadSessions` hands each thread its own.
    """

    def __init__(self, session: requests.Session):
        self.session = session
        self._settings: dict[str, Mapping[str, Any]] = {}
        # URL -> (the URL as requests prepares it, its scheme://host); _NOT_PREPARED: the URL carries credentials.
        self._urls: dict[str, tuple[str, str]] = {}
        self._header_bases: dict[tuple[tuple[str, str], ...], CaseInsensitiveDict[Any]] = {}

    def __repr__(self) -> str:
        return "SessionTransport()"

    def send(
        self,
        method: str,
        url: str,
        *,
        fixed_headers: tuple[tuple[str, str], ...],
        headers: Mapping[str, str],
        body: bytes | Mapping[str, str] | None,
        timeout: tuple[float, float],
    ) -> requests.Response:
        """Send ``method url`` without following redirects, streamed (the caller reads the body).

        ``fixed_headers`` are the same for many requests (merged and validated once); ``headers`` change per
        request, come after the fixed ones and win over them. ``body`` is bytes, or a form (a mapping, sent
        url-encoded).
        """
        session = self.session
        prepared_url, origin = (
            self._prepared_url(url)
            if session.auth is None and not session.params and _plain(session)
            else _NOT_PREPARED
        )
        if not prepared_url:
            return session.request(
                method,
                url,
                headers={**dict(fixed_headers), **headers},
                data=body,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
            )
        prepared = requests.PreparedRequest()
        prepared.method = method.upper()
        prepared.url = prepared_url
        merged = self._header_base(fixed_headers).copy()
        for name, value in headers.items():
            check_header_validity((name, value))
            merged[name] = value
        prepared.headers = merged
        cookies = session.cookies
        if len(cookies):
            prepared.prepare_cookies(cookies)
        else:
            # Session.send reads the jar when the answer is a redirect (to prepare the redirect it never follows).
            prepared._cookies = cookies  # type: ignore[attr-defined]
        prepared.prepare_body(body, None, None)
        if any(session.hooks.values()):
            prepared.prepare_hooks(session.hooks)
        settings = self._settings.get(origin)
        if settings is None:
            # The session's own merge, as Session.request does it, for this scheme and host once.
            settings = dict(session.merge_environment_settings(origin + "/", {}, True, None, None))
            if len(self._settings) >= _MAX_ORIGINS:
                self._settings.clear()
            self._settings[origin] = settings
        return session.send(prepared, timeout=timeout, allow_redirects=False, **settings)

    def _prepared_url(self, url: str) -> tuple[str, str]:
        """``url`` as ``Session.request`` prepares it, and its origin (:data:`_NOT_PREPARED` with credentials)."""
        cached = self._urls.get(url)
        if cached is not None:
            return cached
        probe = requests.PreparedRequest()
        probe.prepare_url(url, None)
        prepared_url = str(probe.url)
        parts = urlsplit(prepared_url)
        result = _NOT_PREPARED if parts.username is not None else (prepared_url, f"{parts.scheme}://{parts.netloc}")
        if len(self._urls) >= _MAX_PREPARED_URLS:
            self._urls.clear()
        self._urls[url] = result
        return result

    def _header_base(self, fixed_headers: tuple[tuple[str, str], ...]) -> CaseInsensitiveDict[Any]:
        """The session's headers with the fixed ones merged in, as ``Session.request`` merges them (None drops)."""
        base = self._header_bases.get(fixed_headers)
        if base is None:
            merged: CaseInsensitiveDict[str | bytes | None] = CaseInsensitiveDict(self.session.headers)
            for name, value in fixed_headers:
                merged[name] = value
            base = CaseInsensitiveDict[Any]()
            for name, merged_value in merged.items():
                if merged_value is not None:
                    check_header_validity((name, merged_value))  # type: ignore[type-var]
                    base[name] = merged_value
            if len(self._header_bases) >= _MAX_HEADER_BASES:
                self._header_bases.clear()
            self._header_bases[fixed_headers] = base
        return base
