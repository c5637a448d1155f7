"""One job in, one outcome out: Camunda's outbound connector job handling as a pure function.

The steps and their order follow Camunda's ``SpringConnectorJobHandler`` (Camunda connectors,
``connector-runtime-spring``), with one addition: everything that can be refused is refused *before* the
connector runs, because a connector call may have a side effect (a queue item added) that a retry would repeat.

1. preflight the custom headers: ``retryBackoff`` (ISO-8601), ``jobTimeout`` (ISO-8601 or milliseconds,
   positive), ``retries`` (a whole number), ``resultVariable``, and ``resultExpression`` / ``errorExpression``
   parsed as FEEL. Any refusal fails the job with 0 retries (an incident) naming the header and, for an
   expression, the position. Parsed headers are cached per text, so preflight costs a dictionary look-up per job;
2. a valid ``jobTimeout`` is handed to the adapter's ``extend_timeout`` callback before the connector runs (the
   adapter owns the I/O);
3. replace secrets in the variables, build the context; the connector binds and validates (before its first
   request);
4. execute; normalise the result; ``resultVariable`` / ``resultExpression`` build the output variables;
5. evaluate ``errorExpression`` after success and after failure;
6. map to exactly one outcome: throw error, fail (retries and backoff as Camunda's exception handler), or complete.

After a successful call nothing may lead the engine to run the call again by itself: a result or error expression
that fails on the result fails the job with 0 retries (an incident), and its message and variables carry the
result (for an Add Queue Item, the created item's ``Id``). See ``docs/runtime.md``.

Nothing here does I/O besides calling the connector and the secret provider; adapters send the outcome.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import logging
import math
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import attrs

from ..sdk import (
    ConnectorError,
    ConnectorInputError,
    ConnectorRetryError,
    HttpResponse,
    JobInfo,
    MapSecretProvider,
    OutboundConnectorContext,
    OutboundConnectorFunction,
    SecretProvider,
)
from ._masking import SecretMask
from ._outcome import Complete, Fail, JobOutcome, ThrowError

if TYPE_CHECKING:
    from ..feel import FeelExpression

# The FEEL engine is imported where it is first needed (a header to parse, a FEEL value to convert), not here:
# it costs more to import than everything else on ``import uipath_connector.runtime`` (issue 13's cost targets).

__all__ = [
    "ERROR_EXPRESSION_HEADER",
    "JOB_TIMEOUT_HEADER",
    "MAX_ERROR_MESSAGE_LENGTH",
    "RESULT_EXPRESSION_HEADER",
    "RESULT_VARIABLE_HEADER",
    "RETRIES_HEADER",
    "RETRY_BACKOFF_HEADER",
    "InvalidHeaderError",
    "JobHeaders",
    "read_headers",
    "run_job",
]

#: ``error.type`` of the Fail that stands in for an unexpected exception (``run_job`` never raises).
INTERNAL_ERROR_TYPE = "InternalError"
_LOG = logging.getLogger("uipath_connector.runtime")

# Header keys, as Camunda's runtime reads them (Keywords.java, Camunda's ConnectorJobHandler).
RESULT_VARIABLE_HEADER = "resultVariable"
RESULT_EXPRESSION_HEADER = "resultExpression"
ERROR_EXPRESSION_HEADER = "errorExpression"
RETRY_BACKOFF_HEADER = "retryBackoff"
JOB_TIMEOUT_HEADER = "jobTimeout"
# Camunda's templates bind retries to the task definition, not a header; a ``retries`` header is still checked, so
# that a typo there is an incident before the call rather than silently ignored.
RETRIES_HEADER = "retries"

# Zeebe holds a job timeout and a retry backoff in a signed 64-bit number of milliseconds, and retries in a 32-bit
# int (gateway.proto, UpdateJobTimeoutRequest / FailJobRequest); anything larger is refused as input.
_MAX_MILLISECONDS = 2**63 - 1
_MAX_RETRIES = 2**31 - 1
_MAX_HEADER_DIGITS = 30

# Camunda cuts error messages to this many characters (Camunda's connector error handling and
# OutboundConnectorExceptionHandler).
MAX_ERROR_MESSAGE_LENGTH = 6000

# Camunda replaces the message with this notice when it cannot know which values to mask (Camunda's connector secrets).
SECRETS_UNAVAILABLE_MESSAGE = "Fetching secrets failed, original error can't be displayed"


class InvalidHeaderError(ValueError):
    """An invalid custom header: the job fails at once with 0 retries, before the connector runs."""


@attrs.frozen
class JobHeaders:
    """A job's custom headers, checked and parsed (see :func:`read_headers`)."""

    result_variable: str = ""
    result_expression: FeelExpression | None = None
    error_expression: FeelExpression | None = None
    retry_backoff: timedelta | None = None
    job_timeout: timedelta | None = None


class _AfterSuccess(Exception):
    """A result or error expression failed on a successful call's result: never retried automatically."""

    def __init__(self, cause: Exception, result: object):
        super().__init__(str(cause))
        self.cause = cause
        self.result = result


class _SecretsUnavailable(Exception):
    """The secret provider failed; its error is kept as ``cause`` but its text is never shown."""

    def __init__(self, cause: Exception):
        super().__init__(SECRETS_UNAVAILABLE_MESSAGE)
        self.cause = cause


class ErrorExpressionError(Exception):
    """The error expression could not be evaluated, or returned something that is no connector error."""


def run_job(
    function: OutboundConnectorFunction,
    *,
    variables: str | Mapping[str, object],
    custom_headers: Mapping[str, str] | None = None,
    retries: int,
    secret_provider: SecretProvider | None = None,
    job: JobInfo | None = None,
    extend_timeout: Callable[[timedelta], None] | None = None,
) -> JobOutcome:
    """Run a connector for one job and decide what to tell the engine. Never raises for the job's sake.

    ``retries`` are the job's current retries; ``extend_timeout`` is called with the ``jobTimeout`` header's
    duration, when set, before the connector runs (adapters send ``UpdateJobTimeout`` from it).

    >>> from uipath_connector.sdk import outbound_connector
    >>> @outbound_connector(name="Echo", type="io.example:echo:1", input_variables=["text"])
    ... class Echo:
    ...     def execute(self, context):
    ...         return {"echo": context.variables["text"]}
    >>> run_job(Echo(), variables={"text": "hi"}, custom_headers={"resultVariable": "out"}, retries=3)
    Complete(variables={'out': {'echo': 'hi'}})
    """
    try:
        return _bounded(
            _run_job(
                function,
                variables=variables,
                custom_headers=custom_headers,
                retries=retries,
                secret_provider=secret_provider,
                job=job,
                extend_timeout=extend_timeout,
            )
        )
    except Exception as error:
        # The contract is that a job always gets an outcome. Every known failure is mapped above; this is the
        # net under a bug. No retries: the connector may already have changed something (an added item), and an
        # incident lets a person look. The exception's text is not shown: nothing masked it.
        _LOG.error("run_job: unexpected %s while handling a job; failing it without retries", type(error).__name__)
        message = f"The connector runtime failed unexpectedly ({type(error).__name__}); see the worker's log"
        return Fail(
            message=message,
            retries=0,
            backoff=None,
            variables={"error": {"type": INTERNAL_ERROR_TYPE, "message": message}},
        )


# Zeebe refuses a command larger than its message size (4 MB by default, "maxMessageSize" in Camunda's broker
# configuration); a refused Complete would leave the job to time out and run again. Outcomes stay well below it.
#: The most JSON (UTF-8 bytes) a Complete may carry; more fails the job with VARIABLES_TOO_LARGE and no retries.
MAX_VARIABLES_BYTES = 2 * 1024 * 1024
#: The most JSON a Fail or BPMN error may carry in variables; longer texts are cut to MAX_ERROR_TEXT characters.
MAX_ERROR_VARIABLES_BYTES = 64 * 1024
MAX_ERROR_TEXT = 2000
_MAX_ERROR_LIST_ITEMS = 50
VARIABLES_TOO_LARGE = "VARIABLES_TOO_LARGE"


def _json_size(variables: Mapping[str, object]) -> int | None:
    """The size of the variables as the engine receives them, or None when they are not JSON at all."""
    try:
        return len(json.dumps(variables, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (ValueError, TypeError, RecursionError):
        return None


def _bounded(outcome: JobOutcome) -> JobOutcome:
    """The outcome with its variables within what the engine takes (see :data:`MAX_VARIABLES_BYTES`)."""
    size = _json_size(outcome.variables)
    if isinstance(outcome, Complete):
        if size is not None and size <= MAX_VARIABLES_BYTES:
            return outcome
        what = f"{size:,} bytes of JSON" if size is not None else "not JSON"
        message = (
            f"The job's result variables are {what}, more than the {MAX_VARIABLES_BYTES:,} bytes a job may "
            "complete with: map what the process needs with resultExpression instead of resultVariable (the call "
            "succeeded; the job is not retried automatically, so that it is not repeated)"
        )
        too_large = {"type": "ConnectorError", "message": message, "code": VARIABLES_TOO_LARGE}
        return Fail(message=message, retries=0, backoff=None, variables={"error": too_large})
    if size is not None and size <= MAX_ERROR_VARIABLES_BYTES:
        return outcome
    cut_value = _cut_value(outcome.variables)
    cut: dict[str, object] = dict(cut_value) if isinstance(cut_value, dict) else {}
    if (_json_size(cut) or MAX_ERROR_VARIABLES_BYTES + 1) > MAX_ERROR_VARIABLES_BYTES:
        cut_error = cut.get("error")
        kept: dict[str, object] = (
            {k: v for k, v in cut_error.items() if k in ("type", "code", "message")}
            if isinstance(cut_error, dict)
            else {}
        )
        cut = {"error": {**kept, "variables": {"truncated": True}}} if kept else {"truncated": True}
    return attrs.evolve(outcome, variables=cut)


def _cut_value(value: object) -> object:
    """Texts cut to MAX_ERROR_TEXT characters and lists to 50 items, at any depth (no recursion)."""
    root: list[object] = [None]
    pending: list[tuple[object, list[object] | dict[str, object], object]] = [(value, root, 0)]
    while pending:
        current, parent, slot = pending.pop()
        if isinstance(current, str):
            result: object = current if len(current) <= MAX_ERROR_TEXT else current[:MAX_ERROR_TEXT] + "... (cut)"
        elif isinstance(current, int) and not isinstance(current, bool) and current.bit_length() > 1000:
            result = "a number too large to show"
        elif isinstance(current, Mapping):
            container: dict[str, object] = {}
            pending.extend((item, container, str(key)[:MAX_ERROR_TEXT]) for key, item in current.items())
            result = container
        elif isinstance(current, list):
            items: list[object] = [None] * min(len(current), _MAX_ERROR_LIST_ITEMS)
            pending.extend((item, items, index) for index, item in enumerate(current[:_MAX_ERROR_LIST_ITEMS]))
            result = items
        else:
            result = current
        if isinstance(parent, dict):
            parent[str(slot)] = result
        else:
            parent[cast(int, slot)] = result
    return root[0]


def _run_job(
    function: OutboundConnectorFunction,
    *,
    variables: str | Mapping[str, object],
    custom_headers: Mapping[str, str] | None,
    retries: int,
    secret_provider: SecretProvider | None,
    job: JobInfo | None,
    extend_timeout: Callable[[timedelta], None] | None,
) -> JobOutcome:
    headers = dict(custom_headers or {})
    info = attrs.evolve(job, retries=retries) if job is not None else JobInfo(retries=retries)

    try:
        parsed = read_headers(headers)
    except InvalidHeaderError as error:
        # Refused before anything else, without the error expression (Camunda fails an invalid retryBackoff or
        # jobTimeout the same way; here every header is checked, expressions included, before the call).
        return _failure_outcome(error, retries=0, backoff=None, mask=SecretMask())

    context = OutboundConnectorContext(
        variables,
        custom_headers=headers,
        job=info,
        secret_provider=secret_provider if secret_provider is not None else MapSecretProvider(),
    )
    mask = SecretMask()
    try:
        try:
            context.variables  # noqa: B018 - resolves the secrets now, so masking knows their values
        except ConnectorInputError:
            raise
        except Exception as error:
            # The provider failed: which values to mask is unknown, so the message cannot be shown.
            raise _SecretsUnavailable(error) from error
        mask = SecretMask(context.secret_values)
        if parsed.job_timeout is not None and extend_timeout is not None:
            extend_timeout(parsed.job_timeout)
        returned = function.execute(context)
    except Exception as error:
        return _on_failure(error, parsed, retries=retries, mask=mask)
    return _on_success(returned, parsed, retries=retries, mask=mask)


def read_headers(headers: Mapping[str, str]) -> JobHeaders:
    """Check and parse a job's custom headers; :class:`InvalidHeaderError` names the first bad one.

    Parsing is cached per header text, so a worker pays for each distinct set of headers once.

    >>> read_headers({"retryBackoff": "PT30S", "resultExpression": "={itemId: response.body.Id}"}).retry_backoff
    datetime.timedelta(seconds=30)
    >>> read_headers({"resultExpression": "={itemId: response.body.Id"})
    Traceback (most recent call last):
    ...
    uipath_connector.runtime._job.InvalidHeaderError: Invalid resultExpression header '={itemId: response.body.Id': ...
    """
    return _read_headers(
        _text(headers, RESULT_VARIABLE_HEADER),
        _text(headers, RESULT_EXPRESSION_HEADER),
        _text(headers, ERROR_EXPRESSION_HEADER),
        _text(headers, RETRY_BACKOFF_HEADER),
        _text(headers, JOB_TIMEOUT_HEADER),
        _text(headers, RETRIES_HEADER),
    )


def _text(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    return "" if value is None else str(value)


@functools.lru_cache(maxsize=512)
def _read_headers(
    result_variable: str,
    result_expression: str,
    error_expression: str,
    retry_backoff: str,
    job_timeout: str,
    retries: str,
) -> JobHeaders:
    _check_retries(retries)
    return JobHeaders(
        result_variable=result_variable.strip(),
        result_expression=_expression_header(RESULT_EXPRESSION_HEADER, result_expression),
        error_expression=_expression_header(ERROR_EXPRESSION_HEADER, error_expression),
        retry_backoff=_duration_header(RETRY_BACKOFF_HEADER, retry_backoff, allow_zero=True),
        job_timeout=_duration_header(JOB_TIMEOUT_HEADER, job_timeout, allow_zero=False),
    )


# -- headers -------------------------------------------------------------------------------------------------


def _shown(text: str) -> str:
    """A header's text for a message: whole when short, else its start (a header may be a long expression)."""
    return text if len(text) <= 200 else text[:197] + "..."


def _expression_header(name: str, text: str) -> FeelExpression | None:
    if not text.strip():
        return None
    from ..feel import FeelError, parse  # deferred, see the imports

    try:
        return parse(text)
    except FeelError as error:
        raise InvalidHeaderError(f"Invalid {name} header '{_shown(text)}': {error}") from None
    except RecursionError:
        raise InvalidHeaderError(
            f"Invalid {name} header '{_shown(text)}': the expression is nested too deeply"
        ) from None
    except ValueError as error:  # a number literal beyond Python's int/str conversion limit (4,300 digits)
        raise InvalidHeaderError(f"Invalid {name} header '{_shown(text)}': {str(error)[:200]}") from None


def _check_retries(text: str) -> None:
    stripped = text.strip()
    if not stripped:
        return
    if not (stripped.isascii() and stripped.isdigit()) or len(stripped) > 10 or int(stripped) > _MAX_RETRIES:
        raise InvalidHeaderError(
            f"Invalid {RETRIES_HEADER} header '{_shown(text)}': expected a whole number from 0 to {_MAX_RETRIES}"
        )


def _duration_header(name: str, text: str, *, allow_zero: bool) -> timedelta | None:
    stripped = text.strip()
    if not stripped:
        return None
    try:
        if len(stripped) > _MAX_HEADER_DIGITS + 8:
            raise ValueError("the value is too long to be a duration Zeebe accepts")
        # jobTimeout: both an ISO-8601 duration and a plain number of milliseconds (what UpdateJobTimeout takes)
        # are accepted. Not for retryBackoff, which is ISO-8601 only (Java's Duration.parse in Camunda's runtime).
        if name == JOB_TIMEOUT_HEADER and stripped.isascii() and stripped.isdigit():
            value = timedelta(milliseconds=int(stripped))
        else:
            from ..feel import parse_duration  # deferred, see the imports

            value = parse_duration(stripped)
        if value // timedelta(milliseconds=1) > _MAX_MILLISECONDS:
            raise OverflowError
    except OverflowError:
        raise InvalidHeaderError(
            f"Invalid {name} header '{_shown(text)}': the duration is larger than Zeebe accepts"
        ) from None
    except ValueError as error:
        raise InvalidHeaderError(f"Invalid {name} header '{_shown(text)}': {error}") from None
    if value < timedelta(0) or (value == timedelta(0) and not allow_zero):
        raise InvalidHeaderError(f"Invalid {name} header '{_shown(text)}': the duration must be positive")
    return value


# -- success -------------------------------------------------------------------------------------------------


def _evaluate_logging_warnings(
    expression: FeelExpression, context: dict[str, object], header: str, mask: SecretMask
) -> object:
    """Evaluate, and log what Camunda's engine reports as warnings: why a part of the value is null.

    Camunda's FEEL engine turns a failed function call, an unknown function or a type mismatch into null and a
    warning instead of failing the expression; an operator reads those warnings in the log to see why.
    """
    result = expression.evaluate_with_warnings(context)
    for warning in result.warnings:
        _LOG.warning("%s: FEEL %s: %s", header, warning.kind, mask.text(warning.message))
    return result.value


def _output_variables(result: object, headers: JobHeaders, mask: SecretMask) -> dict[str, object]:
    """``resultVariable`` and ``resultExpression``; both may be set, the expression's keys win."""
    output: dict[str, object] = {}
    if headers.result_variable:
        output[headers.result_variable] = result
    if headers.result_expression is not None:
        context: dict[str, object] = dict(result) if isinstance(result, dict) else {}
        context["response"] = result
        try:
            mapped = _json_value(
                _evaluate_logging_warnings(headers.result_expression, context, "resultExpression", mask)
            )
        except ConnectorInputError as error:
            raise ConnectorInputError(f"Result expression: {error.problems[0].message}") from None
        if mapped is None:
            return output
        if not isinstance(mapped, dict):
            raise ConnectorInputError(
                f"Result expression must return a JSON object, but got {_json_type(mapped)}. "
                f"Evaluated value: {_json_text(mapped)}"
            )
        output.update(mapped)
    return output


def _on_success(returned: object, headers: JobHeaders, *, retries: int, mask: SecretMask) -> JobOutcome:
    identifier = _response_id(returned)
    outcome = _mapped_success(returned, headers, retries=retries, mask=mask, response_id=identifier)
    if identifier is None or outcome.response_id == identifier:
        return outcome
    # The rarer outcomes (an error expression's, a result that could not be mapped) get the id afterwards.
    return attrs.evolve(outcome, response_id=identifier)


def _response_id(returned: object) -> int | None:
    """The ``Id`` in the body of a response envelope (the queue item an Add created or a Get read), else None."""
    body = getattr(returned, "body", None)
    if body is None and isinstance(returned, Mapping):
        body = returned.get("body")
    identifier = body.get("Id") if isinstance(body, Mapping) else None
    return identifier if type(identifier) is int else None


def _mapped_success(
    returned: object, headers: JobHeaders, *, retries: int, mask: SecretMask, response_id: int | None
) -> JobOutcome:
    result: object = None
    try:
        result = _json_value(returned)
        output = _output_variables(result, headers, mask)
    except Exception as error:
        return _after_success_failure(_AfterSuccess(error, result), mask)
    if headers.error_expression is not None:
        # Camunda gives the expression the output variables when there are any, else the raw result.
        response: object = output if output else result
        try:
            outcome = _error_expression_outcome(headers.error_expression, response, retries=retries, mask=mask)
        except ErrorExpressionError as error:
            return _after_success_failure(_AfterSuccess(error, result), mask)
        if outcome is not None:
            return outcome
    return Complete(mask.variables(output), response_id=response_id)


def _after_success_failure(failure: _AfterSuccess, mask: SecretMask) -> Fail:
    """The call succeeded but its result could not be mapped: an incident (0 retries) that shows the result.

    Failing with ``retries - 1`` would let the engine run the call again and repeat its side effect (a second
    queue item); the incident keeps the result in its message and in ``error.variables.response``.
    """
    cause = failure.cause
    summary = _result_summary(failure.result)
    note = (
        f" (after the connector call succeeded{summary}; the job is not retried automatically, so that the call "
        "is not repeated: fix the cause, then resolve the incident)"
    )
    wrapped = ConnectorRetryError(
        cause.error_code if isinstance(cause, ConnectorError) else None,
        f"{_error_message(cause, mask)}{note}",
        {"response": failure.result},
        retries=0,
    )
    outcome = _failure_outcome(wrapped, retries=0, backoff=None, mask=mask)
    error_context = dict(cast("dict[str, object]", outcome.variables["error"]))
    error_context["type"] = type(cause).__name__
    variables: dict[str, object] = {"error": error_context}
    message = f"{error_context['message']} | Error variables: {_json_text(variables)}"
    return Fail(message=_truncate(mask.text(message)), retries=0, backoff=None, variables=variables)


def _result_summary(result: object) -> str:
    """``: body.Id 436141352`` for an HTTP envelope whose body names the created resource's ``Id``."""
    body = result.get("body") if isinstance(result, dict) else None
    identifier = body.get("Id") if isinstance(body, dict) else None
    if isinstance(identifier, (int, str)) and not isinstance(identifier, bool):
        return f": response.body.Id {_json_text(identifier)}"
    return ""


# -- failure -------------------------------------------------------------------------------------------------


def _on_failure(error: Exception, headers: JobHeaders, *, retries: int, mask: SecretMask) -> JobOutcome:
    if headers.error_expression is not None:
        try:
            outcome = _error_expression_outcome(
                headers.error_expression, {"error": _error_context(error, mask)}, retries=retries, mask=mask
            )
        except ErrorExpressionError as expression_error:
            return _failure_outcome(expression_error, retries=0, backoff=None, mask=mask)
        if outcome is not None:
            return outcome
    failed_retries, backoff = _retries_and_backoff(error, retries=retries, header_backoff=headers.retry_backoff)
    return _failure_outcome(error, retries=failed_retries, backoff=backoff, mask=mask)


def _retries_and_backoff(
    error: Exception, *, retries: int, header_backoff: timedelta | None
) -> tuple[int, timedelta | None]:
    """The table of Camunda's OutboundConnectorExceptionHandler."""
    if isinstance(error, ConnectorInputError) or isinstance(error.__cause__, ConnectorInputError):
        return 0, header_backoff
    if isinstance(error, ConnectorRetryError):
        chosen = error.retries if error.retries is not None else retries - 1
        backoff = error.backoff if error.backoff is not None else header_backoff
        return max(chosen, 0), backoff
    return max(retries - 1, 0), header_backoff


def _error_context(error: Exception, mask: SecretMask) -> dict[str, object]:
    """``{type, message, code?, variables?}``: what ``error`` is in the error expression and the Fail variables.

    ``type`` is the Python class name (Camunda's is the Java class name, e.g.
    ``io.camunda.connector.api.error.ConnectorException``); the code is never masked (Camunda's connector secrets).
    """
    kind = type(error.cause if isinstance(error, _SecretsUnavailable) else error).__name__
    context: dict[str, object] = {"type": kind, "message": _error_message(error, mask)}
    if isinstance(error, ConnectorError):
        if error.error_code is not None:
            context["code"] = error.error_code
        if error.variables:
            context["variables"] = mask.value(_json_value(error.variables))
    return context


def _error_message(error: Exception, mask: SecretMask) -> str:
    message = str(error) or type(error).__name__
    return _truncate(mask.text(message))


def _failure_outcome(error: Exception, *, retries: int, backoff: timedelta | None, mask: SecretMask) -> Fail:
    """Fail with ``{error: {...}}`` and the message ``<message> | Error variables: <JSON of those variables>``."""
    context = _error_context(error, mask)
    variables: dict[str, object] = {"error": context}
    message = f"{_error_message(error, mask)} | Error variables: {_json_text(variables)}"
    code = context.get("code")
    if code is None:
        return Fail(message=_truncate(mask.text(message)), retries=retries, backoff=backoff, variables=variables)
    # The code is never masked, in the message either (Camunda's connector secrets): mask the text around it.
    # `"code": ` cannot occur
    # earlier, inside the JSON strings of `type` and `message` (their quotes are escaped), so the first one is it.
    marker = f'"code": {_json_text(code)}'
    before, _, after = message.partition(marker)
    masked = mask.text(before) + marker + mask.text(after)
    return Fail(message=_truncate(masked), retries=retries, backoff=backoff, variables=variables)


# -- error expression -----------------------------------------------------------------------------------------


def _error_expression_outcome(
    expression: FeelExpression, response: object, *, retries: int, mask: SecretMask
) -> JobOutcome | None:
    """Evaluate ``errorExpression``; ``None`` means "no error". Raises :class:`ErrorExpressionError`."""
    context: dict[str, object] = dict(response) if isinstance(response, dict) else {}
    context["response"] = response
    context["job"] = {"retries": retries}
    try:
        value = _evaluate_logging_warnings(expression, context, "errorExpression", mask)
    except Exception as error:
        raise ErrorExpressionError(f"Failed to evaluate the error expression: {error}") from error
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise ErrorExpressionError(
            f"The error expression must return a context made by bpmnError, jobError or ignoreError, or null, "
            f"but got {_json_type(_json_value(value))}"
        )
    kind = value.get("errorType")
    if kind == "bpmnError":
        code = value.get("errorCode")
        if code is None:  # Camunda ignores a BPMN error without a code (Camunda's connector error handling)
            return None
        return ThrowError(
            error_code=str(code),
            message=_truncate(mask.text(str(value.get("errorMessage") or ""))),
            variables=mask.variables(_variables_of(value)),
        )
    if kind == "jobError":
        message = _truncate(mask.text(str(value.get("errorMessage") or "")))
        variables = _variables_of(value)
        # Camunda adds (and overwrites) `error` with the message (Camunda's connector error handling).
        variables["error"] = message
        return Fail(
            message=message,
            retries=max(_int(value.get("retries")), 0),
            backoff=_timedelta_or_none(value.get("retryBackoff")),
            variables=mask.variables(variables),
        )
    if kind == "ignoreError":
        return Complete(mask.variables(_variables_of(value)))
    raise ErrorExpressionError(
        f"The error expression returned a context without a known errorType "
        f"(bpmnError, jobError, ignoreError): got {_json_text(_json_value(kind))}"
    )


def _variables_of(value: Mapping[str, object]) -> dict[str, object]:
    variables = _json_value(value.get("variables"))
    return dict(variables) if isinstance(variables, dict) else {}


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return 0
    return int(value)


def _timedelta_or_none(value: object) -> timedelta | None:
    return value if isinstance(value, timedelta) else None


# -- values --------------------------------------------------------------------------------------------------


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_ERROR_MESSAGE_LENGTH else text[:MAX_ERROR_MESSAGE_LENGTH]


def _json_value(value: object) -> object:
    """A connector result or FEEL value as job variables: JSON types only.

    An :class:`HttpResponse` becomes its envelope, attrs records are unstructured, tuples become lists, enums
    their values, dates and times ISO-8601 text, durations ISO-8601 durations.
    """
    kind = type(value)
    if kind is dict:
        return _json_dict(cast("dict[object, object]", value))
    if kind is list:
        return [item if type(item) in _JSON_LEAVES else _json_value(item) for item in cast("list[object]", value)]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, HttpResponse):
        return _json_dict(value.to_dict())
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, enum.Enum):
        return _json_value(value.value)
    if isinstance(value, (dt.date, dt.time)):
        # As Camunda's connector runtime writes java.time values (Jackson's JavaTimeModule, dates as text): a
        # date and time with its offset (ISO_OFFSET_DATE_TIME: "Z" for UTC, no trailing zeros), never a zone id.
        from ..feel import to_json_value  # deferred, see the imports

        return to_json_value(value)
    if isinstance(value, timedelta):
        from ..feel import format_duration  # deferred, see the imports

        return format_duration(value)
    if attrs.has(type(value)):
        # Field by field rather than through cattrs: no annotation has to be resolvable (local classes,
        # string annotations), and nested values get the same treatment as everything else.
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(value)))
        return {field.name: _json_value(getattr(value, field.name)) for field in fields}
    from ..feel import to_json_value  # deferred, see the imports

    try:
        converted = to_json_value(value)  # FEEL's own values: decimals, years-and-months durations, ranges
    except OverflowError as error:
        # A FEEL number beyond what JSON (and the engine) can hold: the expression that made it is at fault.
        raise ConnectorInputError(f"an expression produced a value that is not JSON: {error}") from None
    if converted is not value:
        return _json_value(converted)
    raise TypeError(f"The connector returned a value of type {type(value).__name__}, which is not a JSON value")


#: Values that are JSON as they are (exact types: a subclass, such as an enum, goes through _json_value).
_JSON_LEAVES = frozenset({str, int, bool, type(None)})


def _json_dict(value: Mapping[Any, object]) -> dict[str, object]:
    """A plain dict's items through :func:`_json_value`, the common leaves without a call each (every result)."""
    return {
        key if type(key) is str else str(key): item if type(item) in _JSON_LEAVES else _json_value(item)
        for key, item in value.items()
    }


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
