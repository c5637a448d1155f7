"""The connector runtime: turns a Zeebe job into an outcome, and runs connectors as job workers.

>>> from uipath_connector.runtime import Complete, run_job
>>> class Hello:
...     def execute(self, context):
...         return {"greeting": "hello " + context.variables["name"]}
>>> run_job(Hello(), variables={"name": "Ada"}, custom_headers={"resultExpression": "={text: greeting}"}, retries=3)
Complete(variables={'text': 'hello Ada'})

Sub-packages and adapters (each worker library is imported only when its adapter is used):

* :mod:`uipath_connector.feel` — FEEL, the language of result and error expressions;
* :func:`register_pyzeebe_task`, :func:`run_pyzeebe_worker` — pyzeebe (extra ``[pyzeebe]``);
* :func:`create_camunda_job_worker`, :func:`run_camunda_worker` — Camunda 8 REST (extra ``[camunda]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._job import run_job
from ._job_log import describe_outcome
from ._masking import SecretMask
from ._outcome import Complete, Fail, JobOutcome, ThrowError

if TYPE_CHECKING:
    from ._camunda_worker import create_camunda_job_worker, run_camunda_worker
    from ._pyzeebe_worker import register_pyzeebe_task, run_pyzeebe_worker

__all__ = [
    "Complete",
    "Fail",
    "JobOutcome",
    "SecretMask",
    "ThrowError",
    "create_camunda_job_worker",
    "describe_outcome",
    "register_pyzeebe_task",
    "run_camunda_worker",
    "run_job",
    "run_pyzeebe_worker",
]

#: The worker adapters import asyncio (and, when used, their worker library): loaded on first use, so that a
#: process that only runs jobs (or imports the runtime for run_job) does not pay for them.
_ADAPTERS = {
    "create_camunda_job_worker": "._camunda_worker",
    "run_camunda_worker": "._camunda_worker",
    "register_pyzeebe_task": "._pyzeebe_worker",
    "run_pyzeebe_worker": "._pyzeebe_worker",
}


def __getattr__(name: str) -> object:
    module = _ADAPTERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
