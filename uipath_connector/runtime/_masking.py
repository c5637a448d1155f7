"""The runtime masks with the SDK's one secret mask (``uipath_connector.sdk.SecretMask``).

Camunda masks the failure message and, recursively, the strings and map keys of the error variables, but never the
error code, because boundary events match on it (Camunda's "Connector secrets" documentation). This runtime masks
the same way in *every* outcome, successful ones included, with the mask that also covers encoded forms (JSON,
percent, base64, repr, cut-off prefixes; see ``docs/errors-and-retries.md``).
"""

from __future__ import annotations

from ..sdk import SecretMask

__all__ = ["SecretMask"]
