"""Orchestrator's webhook signature: ``X-UiPath-Signature``, base64 of HMAC-SHA256 over the raw request body.

UiPath's "Webhooks" page of the Orchestrator user guide (section "Authentication",
https://docs.uipath.com/orchestrator/automation-cloud/latest/user-guide/about-webhooks) says how a receiver checks
a delivery: take the ``X-UiPath-Signature`` header, base64-decode it to the raw signature bytes, compute
HMAC-SHA256 over the raw request body (always UTF-8) keyed with the webhook's secret (UTF-8), and process the
request only when the two match.

>>> header = sign(b'{"Type":"queueItem.transactionCompleted"}', "s3cret")
>>> header
'fkWISydHqV0fNtXuDo+3F/caWTK+tLJVBl45JtAqeYE='
>>> signature_matches(b'{"Type":"queueItem.transactionCompleted"}', header, ["s3cret"])
True
>>> signature_matches(b'{"Type":"queueItem.transactionFailed"}', header, ["s3cret"])
False
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable

__all__ = ["SIGNATURE_HEADER", "sign", "signature_matches"]

#: The header Orchestrator signs every webhook request with.
SIGNATURE_HEADER = "X-UiPath-Signature"

# An HMAC-SHA256 is 32 bytes, 44 base64 characters; anything much longer is not a signature (and is not decoded).
_MAX_HEADER_LENGTH = 128


def sign(body: bytes, secret: str) -> str:
    """The ``X-UiPath-Signature`` value Orchestrator sends for ``body`` with the webhook secret ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_matches(body: bytes, header: str | None, secrets: Iterable[str]) -> bool:
    """Whether ``header`` is the signature of ``body`` under any of ``secrets`` (several allow rotation).

    The comparison is in constant time (:func:`hmac.compare_digest`) so that timing reveals nothing about the
    expected value; every secret is tried, so timing does not reveal which one matched either.
    """
    if not header or len(header) > _MAX_HEADER_LENGTH:
        return False
    try:
        received = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    matched = False
    for secret in secrets:
        expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
        matched |= hmac.compare_digest(expected, received)
    return matched
