"""The two halves every mutation shares, written once: a GraphQL input turned into the service's request body,
and the service's answer turned into the payload union (its success, or the user error a refusal maps to)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Collection
from datetime import date, datetime, time
from enum import Enum
from typing import Any, TypeVar

import strawberry

from gateway.clients import ServiceProblem
from gateway.schema.errors import MutationError, user_error_from

T = TypeVar("T")
S = TypeVar("S")

# Fields of an input that address the call rather than fill its body.
ADDRESSING = frozenset({"community_id", "idempotency_key"})


async def payload(
    call: Awaitable[T], success: Callable[[T], S], *, json_inputs: Collection[str] = ()
) -> S | MutationError:
    """The mutation's answer: ``success`` of what the service answered, or the user error its refusal is
    (``errors.user_error_from``); a problem that is not the caller's to fix is raised as a GraphQL error."""
    try:
        return success(await call)
    except ServiceProblem as problem:
        return user_error_from(problem, json_inputs=json_inputs)


def body_of(
    input: object, *, leave_out: Collection[str] = ADDRESSING, omit_none: bool = False, **overrides: Any
) -> dict[str, Any]:
    """The service's request body from a GraphQL input: each field under its own name (the schema's camelCase
    is the wire's snake_case), as JSON values (ids as strings, dates in ISO 8601, enums by value, nested inputs
    as objects). A field left ``UNSET`` stays out, so the service keeps its default, or in a PATCH its value.
    With ``omit_none`` a null is left out too, at every depth: for a service whose "left out" means "the default"
    and which refuses null. ``overrides`` replace or add fields where the wire differs from the input."""
    body = {
        field.name: wire_value(value, omit_none=omit_none)
        for field in dataclasses.fields(input)  # type: ignore[arg-type]
        if field.name not in leave_out
        and (value := getattr(input, field.name)) is not strawberry.UNSET
        and not (omit_none and value is None)
    }
    body.update(overrides)
    return body


def wire_value(value: Any, *, omit_none: bool = False) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [wire_value(item, omit_none=omit_none) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return body_of(value, leave_out=(), omit_none=omit_none)
    return value
