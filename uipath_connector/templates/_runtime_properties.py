"""Properties every connector template carries for the runtime, not for the connector's own records.

They mirror Camunda's outbound-connector templates (Camunda's UiPath template v7, rows 1, 25-27, 32-37) and
the runtime's header contract (Camunda's ConnectorJobHandler and ConnectorResultHandler): the job type, result variable
and expression, error expression,
retries, retry backoff, job timeout, and the headers naming the template and its version.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._generator import optional_pattern
from ._model import Binding, Constraints, PropertyCondition, TemplateProperty

__all__ = [
    "DURATION_PATTERN",
    "POSITIVE_DURATION_PATTERN",
    "error_expression_property",
    "result_properties",
    "retry_properties",
    "task_type_property",
    "template_identity_properties",
]

#: An ISO-8601 duration in the form the runtime parses (Java's ``Duration.parse``: days, hours, minutes, seconds),
#: with at least one component, e.g. ``PT30S``, ``PT5M``, ``P1DT2H``.
DURATION_PATTERN = r"^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,9})?S)?)?$"
_DURATION_MESSAGE = "Must be an ISO-8601 duration such as PT30S, PT5M or P1DT2H"
#: The same with at least one non-zero digit: the runtime fails a job whose ``jobTimeout`` is zero (runtime/_job.py).
POSITIVE_DURATION_PATTERN = r"^(?=.*[1-9])" + DURATION_PATTERN[1:]
_POSITIVE_DURATION_MESSAGE = "Must be an ISO-8601 duration longer than zero, such as PT30S, PT5M or P1DT2H"
_DOCS = "https://docs.camunda.io/docs/components/connectors/use-connectors/"


def task_type_property(job_type: str) -> TemplateProperty:
    """The hidden ``zeebe:taskDefinition`` ``type``: the job type the connector's worker subscribes to."""
    return TemplateProperty(type="Hidden", value=job_type, binding=Binding.task_definition("type"))


def result_properties(expressions: Sequence[tuple[PropertyCondition | None, str, str]]) -> tuple[TemplateProperty, ...]:
    """The result variable, then one result expression per ``(condition, property id, prefilled expression)``.

    >>> [p.value for p in result_properties([(None, "resultExpression", "={id: response.body.Id}")])]
    [None, '={id: response.body.Id}']
    """
    variable = TemplateProperty(
        id="resultVariable",
        label="Result variable",
        description="Name of the process variable that stores the whole response {status, headers, body, reason}",
        tooltip=f'Name of variable to store the response in. <a href="{_DOCS}#result-variable" '
        'target="_blank">result variable documentation</a>',
        group="output",
        type="String",
        binding=Binding.header("resultVariable"),
    )
    mapped = tuple(
        TemplateProperty(
            id=property_id,
            label="Result expression",
            description="A FEEL context whose entries become process variables",
            tooltip=f'Expression to map the response into process variables. <a href="{_DOCS}#result-expression" '
            'target="_blank">result expression documentation</a>',
            group="output",
            type="String",
            feel="required",
            value=expression,
            binding=Binding.header("resultExpression"),
            condition=condition,
        )
        for condition, property_id, expression in expressions
    )
    return (variable, *mapped)


def error_expression_property() -> TemplateProperty:
    """The error expression: FEEL with ``bpmnError``, ``jobError`` and ``ignoreError``, evaluated on every outcome."""
    return TemplateProperty(
        id="errorExpression",
        label="Error expression",
        description='e.g. =if error.code = "404" then bpmnError("404", "Queue item not found") else null',
        tooltip=f'Expression to handle errors. <a href="{_DOCS}#bpmn-errors" target="_blank">'
        "BPMN error handling documentation</a>",
        group="errors",
        type="Text",
        feel="required",
        binding=Binding.header("errorExpression"),
    )


def retry_properties(*, retries: int = 3, backoff: str = "PT30S") -> tuple[TemplateProperty, ...]:
    """Retries (``zeebe:taskDefinition`` ``retries``), retry backoff and job timeout (task headers)."""
    return (
        TemplateProperty(
            id="retryCount",
            label="Retries",
            description="Number of retries",
            group="retries",
            type="String",
            feel="optional",
            value=str(retries),
            constraints=Constraints(
                not_empty=True,
                pattern=r"^(=.*|[0-9]+)$",
                pattern_message="Must be a whole number of retries or a FEEL expression",
            ),
            binding=Binding.task_definition("retries"),
        ),
        TemplateProperty(
            id="retryBackoff",
            label="Retry backoff",
            description="ISO-8601 duration to wait between retries",
            group="retries",
            type="String",
            value=backoff,
            constraints=Constraints(not_empty=True, pattern=DURATION_PATTERN, pattern_message=_DURATION_MESSAGE),
            binding=Binding.header("retryBackoff"),
        ),
        TemplateProperty(
            id="jobTimeout",
            label="Job timeout",
            description="ISO-8601 duration the job may run before it is given to another worker; "
            "empty for the worker's default",
            group="retries",
            type="String",
            optional=True,
            # Empty is allowed (the worker's default): the properties panel tests the pattern on an empty field too.
            constraints=Constraints(
                not_empty=False,
                pattern=optional_pattern(POSITIVE_DURATION_PATTERN),
                pattern_message=_POSITIVE_DURATION_MESSAGE,
            ),
            binding=Binding.header("jobTimeout"),
        ),
    )


def template_identity_properties(template_id: str, version: int) -> tuple[TemplateProperty, ...]:
    """Hidden ``elementTemplateVersion`` and ``elementTemplateId`` headers that tag every task with its template."""
    return (
        TemplateProperty(
            id="version",
            label="Version",
            description="Version of the element template",
            group="connector",
            type="Hidden",
            value=str(version),
            binding=Binding.header("elementTemplateVersion"),
        ),
        TemplateProperty(
            id="id",
            label="ID",
            description="ID of the element template",
            group="connector",
            type="Hidden",
            value=template_id,
            binding=Binding.header("elementTemplateId"),
        ),
    )
