"""The UiPath connector's operation registry: every operation is declared once, in its handler module.

The handlers live in ``_queue_items`` (Add queue item, Get queue item result by ID) and ``_bulk_add`` (Bulk add
queue items); each registers itself with :data:`OPERATIONS`. The ``operationType`` dropdown, the union the job
variables are bound to, the template's steps and presets, the command line and the dispatch derive from here.
"""

from __future__ import annotations

import importlib

from ..sdk import OperationRegistry, TemplateHints

__all__ = ["HANDLER_MODULES", "OPERATIONS", "load_operations"]

#: The modules whose handlers register themselves, in the order their operations appear in the dropdown
#: (Camunda's two first, so a modeler who knows Camunda's template finds them where they were).
HANDLER_MODULES = ("_queue_items", "_bulk_add")

#: The operations of the UiPath connector, chosen by the job variable ``operationType`` (the same variable and
#: values as Camunda's own UiPath template).
OPERATIONS = OperationRegistry(
    "operationType",
    TemplateHints(
        label="Operation type",
        description="The Orchestrator operation to run",
        group="operation",
        property_id="operationType",
    ),
)


def load_operations() -> None:
    """Import the handler modules (each registers its operations once; importing again changes nothing)."""
    for name in HANDLER_MODULES:
        importlib.import_module(f"{__package__}.{name}")
