"""Publishers for the Zeebe clients the project supports, and one that records (tests, the demo).

* :class:`CamundaRestPublisher`: a ``camunda_orchestration_sdk.CamundaClient`` (extra ``[camunda]``) sends
  ``POST /v2/messages/publication``; the SDK does the authentication (``CAMUNDA_*`` settings).
* :class:`PyzeebePublisher`: pyzeebe's ``ZeebeClient.publish_message`` (extra ``[pyzeebe]``) over gRPC. pyzeebe is
  asynchronous and a gRPC channel belongs to one event loop, so the publisher runs its own loop on a thread and
  creates the channel there.

Both import their library only when constructed. How their errors map to :class:`PublishError`: a duplicate message
id (REST 409, gRPC ``ALREADY_EXISTS``) is ``ALREADY_PUBLISHED``; back-pressure, unavailability, timeouts and 5xx are
transient; anything else (400: an invalid name or tenant, 401/403) is permanent.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from ._messages import QueueItemMessage
from ._publishing import PublishError, PublishOutcome

__all__ = ["CamundaRestPublisher", "PyzeebePublisher", "RecordingPublisher"]

_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class RecordingPublisher:
    """Keeps every published message, and refuses an id it already holds as Zeebe does (``ALREADY_PUBLISHED``).

    >>> from uipath_connector.webhooks import QueueItemMessage
    >>> publisher = RecordingPublisher()
    >>> message = QueueItemMessage("done", "R-1", "uipath-queue-item:1:Successful", {}, 60_000)
    >>> publisher.publish(message), publisher.publish(message)
    (<PublishOutcome.PUBLISHED: 'published'>, <PublishOutcome.ALREADY_PUBLISHED: 'already-published'>)
    >>> len(publisher.messages), publisher.attempts
    (1, 2)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages: list[QueueItemMessage] = []
        self.attempts = 0
        self._ids: set[str] = set()

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        """Record ``message`` unless its id was recorded before."""
        with self._lock:
            self.attempts += 1
            if message.message_id in self._ids:
                return PublishOutcome.ALREADY_PUBLISHED
            self._ids.add(message.message_id)
            self.messages.append(message)
            return PublishOutcome.PUBLISHED


class CamundaRestPublisher:
    """Publish through Camunda 8's REST API with a ``camunda_orchestration_sdk.CamundaClient``.

    With the ``CAMUNDA_*`` environment variables set::

        from camunda_orchestration_sdk import CamundaClient
        publisher = CamundaRestPublisher(CamundaClient())
    """

    def __init__(self, client: Any):
        from camunda_orchestration_sdk.models.message_publication_request import MessagePublicationRequest
        from camunda_orchestration_sdk.models.message_publication_request_variables import (
            MessagePublicationRequestVariables,
        )

        self._client = client
        self._request = MessagePublicationRequest
        self._variables = MessagePublicationRequestVariables

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        """One ``POST /v2/messages/publication``."""
        import httpx

        body = message.rest_body()
        optional: dict[str, Any] = {"tenant_id": body["tenantId"]} if "tenantId" in body else {}
        request = self._request(
            name=message.name,
            correlation_key=message.correlation_key,
            time_to_live=message.time_to_live_ms,
            message_id=message.message_id,
            variables=self._variables.from_dict(body["variables"]),
            **optional,
        )
        try:
            self._client.publish_message(data=request)
        except httpx.HTTPError as error:
            raise PublishError(f"Camunda REST API unreachable: {type(error).__name__}", transient=True) from None
        except Exception as error:
            status = getattr(error, "status_code", None)
            if status == 409:
                return PublishOutcome.ALREADY_PUBLISHED
            if isinstance(status, int):
                raise PublishError(
                    f"Camunda REST API answered {status} to POST /v2/messages/publication",
                    transient=status in _TRANSIENT_STATUSES,
                ) from None
            raise PublishError(f"Camunda REST API: {type(error).__name__}", transient=False) from None
        return PublishOutcome.PUBLISHED


class PyzeebePublisher:
    """Publish over gRPC with pyzeebe; ``channel_factory`` makes the ``grpc.aio`` channel (on the publisher's loop).

    With a Zeebe gateway on ``localhost:26500``::

        from pyzeebe import create_insecure_channel
        publisher = PyzeebePublisher(lambda: create_insecure_channel("localhost:26500"))
        publisher.close()
    """

    def __init__(self, channel_factory: Callable[[], Any], *, request_timeout_seconds: float = 10.0):
        import pyzeebe

        self._timeout = request_timeout_seconds
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="uipath-pyzeebe-publisher", daemon=True)
        self._thread.start()

        async def connect() -> Any:
            self._channel = channel_factory()
            return pyzeebe.ZeebeClient(self._channel)

        self._client = asyncio.run_coroutine_threadsafe(connect(), self._loop).result(self._timeout)

    def publish(self, message: QueueItemMessage) -> PublishOutcome:
        """One ``PublishMessage`` call, bounded by ``request_timeout_seconds``."""
        import concurrent.futures

        from pyzeebe.errors import (
            MessageAlreadyExistsError,
            ZeebeBackPressureError,
            ZeebeDeadlineExceeded,
            ZeebeGatewayUnavailableError,
            ZeebeInternalError,
        )

        call = self._client.publish_message(
            name=message.name,
            correlation_key=message.correlation_key,
            variables=dict(message.variables),
            time_to_live_in_milliseconds=message.time_to_live_ms,
            message_id=message.message_id,
            tenant_id=message.tenant_id,
        )
        future = asyncio.run_coroutine_threadsafe(call, self._loop)
        try:
            future.result(self._timeout)
        except MessageAlreadyExistsError:
            return PublishOutcome.ALREADY_PUBLISHED
        except (ZeebeBackPressureError, ZeebeGatewayUnavailableError, ZeebeInternalError, ZeebeDeadlineExceeded) as e:
            raise PublishError(f"Zeebe gateway: {type(e).__name__}", transient=True) from None
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise PublishError(f"Zeebe gateway: no answer within {self._timeout:g} s", transient=True) from None
        except Exception as error:
            raise PublishError(f"Zeebe gateway refused the message: {type(error).__name__}", transient=False) from None
        return PublishOutcome.PUBLISHED

    def close(self) -> None:
        """Close the channel and stop the publisher's loop."""

        async def close_channel() -> None:
            await self._channel.close()

        try:
            asyncio.run_coroutine_threadsafe(close_channel(), self._loop).result(self._timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(self._timeout)
            self._loop.close()
