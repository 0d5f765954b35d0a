"""Which GraphQL errors are the caller's to fix and which are our faults, and how each is logged and answered.

A caller's error (a malformed query, a variable of the wrong type, an expected ``NOT_FOUND``) is answered as
it is, with its message, locations and path, and logged at info without a traceback: it is no news to the
operator. A fault is logged at error with its traceback. An unexpected exception is a fault whose text may
hold internals, so the answer says only "Unexpected error." and the ``errorId`` that its log line carries too
(ADR 0027).
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from gateway.clients import ServiceProblem
from gateway.schema.errors import graphql_error_from
from kit.ids import new_id

log = logging.getLogger("guildhall.graphql")

UNEXPECTED = "Unexpected error."
# Codes we give errors on purpose that still mean something is wrong on our side (a service down or failing).
FAULT_CODES = frozenset({"SERVICE_UNAVAILABLE", "SERVICE_ERROR"})


def _cause(error: GraphQLError) -> BaseException | None:
    """The exception behind ``error``: graphql-core wraps a resolver's (or a scalar's) exception, and wraps a
    GraphQLError raised on purpose in another one that adds the location."""
    cause: BaseException | None = error.original_error
    while isinstance(cause, GraphQLError) and cause.original_error is not None:
        cause = cause.original_error
    return cause


def is_unexpected(error: GraphQLError) -> bool:
    """An exception nobody meant to raise, met while executing a field.

    Errors without a path are request errors (parsing, validation, variable coercion): they come before any
    field runs, describe the caller's document or variables, and are theirs to fix, even where a scalar's
    ``ValueError`` said why. Errors we raise on purpose carry a code."""
    if not error.path or (error.extensions and "code" in error.extensions):
        return False
    cause = _cause(error)
    return cause is not None and not isinstance(cause, GraphQLError)


def is_fault(error: GraphQLError) -> bool:
    return is_unexpected(error) or bool(error.extensions and error.extensions.get("code") in FAULT_CODES)


def _request_error_code(error: GraphQLError) -> str:
    return "GRAPHQL_PARSE_FAILED" if error.message.startswith("Syntax Error") else "GRAPHQL_VALIDATION_FAILED"


def report(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Log each error at the level it deserves; give unexpected ones the id that their masked answer shows."""
    operation = execution_context.operation_name if execution_context is not None else None
    for error in errors:
        if error.extensions is None:
            error.extensions = {}
        where: dict[str, Any] = {"operation": operation, "path": ".".join(str(p) for p in error.path or ())}
        if is_unexpected(error):
            error_id = error.extensions.setdefault("errorId", new_id("err"))
            where["error_id"] = error_id
            log.error("graphql fault: %s", error.message, exc_info=_cause(error), extra=where)
        elif is_fault(error):
            log.error("graphql fault: %s", error.message, exc_info=_cause(error), extra=where)
        else:
            if not error.path:
                # A request error: tell clients what kind, as other GraphQL servers do.
                error.extensions.setdefault("code", _request_error_code(error))
            log.info("graphql client error: %s", error.message, extra={**where, "code": error.extensions.get("code")})


class MaskFaults(MaskErrors):
    """Masks unexpected errors, keeping the ``errorId`` that ``report`` logged with the traceback."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=UNEXPECTED)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        # ``report`` runs first on every path that executes fields; should one not, the id is made here.
        error_id = error.extensions.get("errorId") if error.extensions else None
        if error_id is None:
            error_id = new_id("err")
            log.error("graphql fault: %s", error.message, exc_info=_cause(error), extra={"error_id": error_id})
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}
        return masked


def answer_service_problems(errors: list[GraphQLError]) -> None:
    """A service's refusal that a query's resolver let through is answered by the one rule
    (``errors.graphql_error_from``): its message and the GraphQL code of its status, with the service's code as
    ``reason``. So a resolver just awaits its call; only a mutation turns a refusal into its payload's error."""
    for error in errors:
        cause = _cause(error)
        if isinstance(cause, ServiceProblem) and not (error.extensions and "code" in error.extensions):
            answer = graphql_error_from(cause)
            error.message = answer.message
            error.extensions = {**(error.extensions or {}), **(answer.extensions or {})}


class GatewaySchema(strawberry.Schema):
    """The schema, logging its errors by ``report`` instead of strawberry's "every error with a traceback"."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        answer_service_problems(errors)
        report(errors, execution_context)
