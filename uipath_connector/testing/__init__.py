"""The test kit for teams that build on uipath-connector: context builder and secret provider.

>>> from uipath_connector.testing import OutboundConnectorContextBuilder
>>> OutboundConnectorContextBuilder.create().variable("itemId", 7).build().variables
{'itemId': 7}
"""

from __future__ import annotations

from ..sdk import MapSecretProvider
from ._context_builder import OutboundConnectorContextBuilder

__all__ = ["MapSecretProvider", "OutboundConnectorContextBuilder"]
