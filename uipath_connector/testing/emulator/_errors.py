"""Errors the emulator answers with, shaped as Orchestrator's (UiPath: API Response Codes).

``EmulatorError`` carries the HTTP status and the camelCase body fields; the HTTP layer turns it into
``{"message","errorCode","traceId"}``. The robot-side methods raise the same classes, so a test that drives
the
robot sees the status the REST API would answer.
"""

from __future__ import annotations

# UiPath: API Response Codes: the message texts are UiPath's; where the reference lists no code ("—"), 0 is used,
# as in the ABP envelope that older servers answer with.
NOT_AUTHENTICATED = "You are not authenticated!"
NOT_AUTHORIZED = "You are not authorized!"
FOLDER_NOT_FOUND = "Folder does not exist or the user does not have access to the folder."
INVALID_ODATA = "Invalid OData query options."
DUPLICATE_REFERENCE = "Error creating Transaction. Duplicate Reference."
NESTED_CONTENT = "Property values must be simple (like numbers or text)"
QUEUE_ITEM_NOT_FOUND = "Queue Item does not exist."
CONFLICT = "Conflict"
UPDATE_CONFLICT = "Conflict with Queue Item being updated."
ROBOT_NOT_FOUND = "Robot does not exist."


class EmulatorError(Exception):
    """An error the emulator reports as Orchestrator would: HTTP status, message and numeric errorCode.

    >>> err = EmulatorError(404, "InvoiceQueue does not exist.", 1002)
    >>> (err.status, err.error_code, str(err))
    (404, 1002, 'InvoiceQueue does not exist.')
    """

    def __init__(self, status: int, message: str, error_code: int = 0, *, resource_ids: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code
        self.resource_ids = resource_ids


class QueueItemNotFoundError(EmulatorError):
    """404/1002: no queue item with that id (in the folder asked for)."""

    def __init__(self, item_id: int) -> None:
        super().__init__(404, QUEUE_ITEM_NOT_FOUND, 1002, resource_ids=True)
        self.item_id = item_id


class QueueItemConflictError(EmulatorError):
    """409: the item is in a status that does not allow the change (``Failed``/``Successful`` are final)."""

    def __init__(self, item_id: int, status: str, action: str) -> None:
        super().__init__(409, CONFLICT, 0)
        self.item_id = item_id
        self.item_status = status
        self.action = action

    def __str__(self) -> str:
        return f"Conflict: cannot {self.action} queue item {self.item_id} in status {self.item_status}"


class InvalidRequestError(EmulatorError):
    """400 for a request body Orchestrator would refuse (errorCode 0: the reference knows no code for it)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message, 0)


class InvalidODataError(EmulatorError):
    """400/1000 for a ``$filter``, ``$top`` or other query option the emulator does not honour."""

    def __init__(self, detail: str) -> None:
        super().__init__(400, INVALID_ODATA, 1000)
        self.detail = detail
