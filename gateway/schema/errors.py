"""User errors that mutations return as members of their payload unions, and the mapping from
services' problem+json to them (or, in queries, to GraphQL errors with an ``extensions.code``)."""

from __future__ import annotations

from collections.abc import Collection

import strawberry
from graphql import GraphQLError

from gateway.clients import ServiceProblem


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.type(description="One input field that was refused, and why.")
class FieldError:
    field: str = strawberry.field(description="The input field at fault, as named in this schema.")
    reason: str = strawberry.field(description="Why it was refused, in words (e.g. `must not be empty`).")


@strawberry.interface(description="Something the caller can fix; `code` is stable, `message` is for people.")
class UserError:
    code: str = strawberry.field(
        description="Stable and machine-readable, in snake case (e.g. `tier_not_found`): branch on this."
    )
    message: str = strawberry.field(description="What went wrong, in words for people; may change between releases.")


@strawberry.type(description="The input was refused and nothing changed: `fields` name each field at fault and why.")
class InvalidInputError(UserError):
    fields: list[FieldError] = strawberry.field(description="Every field refused, with its reason.")


@strawberry.type(
    description="The API key, or the acting member's role in the community, does not allow this; nothing changed."
)
class ForbiddenError(UserError):
    pass


@strawberry.type(description="Something the input names (by id or key) does not exist in this community.")
class NotFoundError(UserError):
    pass


@strawberry.type(
    description=(
        "The request clashes with the current state (a duplicate, a full tier, a state that no longer allows it, "
        "an idempotency key whose first attempt is still running); nothing changed."
    )
)
class ConflictError(UserError):
    pass


MutationError = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


def field_path(field: str, *, json_inputs: Collection[str] = ()) -> str:
    """A service's field path in this schema's names; below a JSON input (``json_inputs``, service names) the
    segments are the caller's own keys (condition names, tier ids) and stay as they are."""
    head, *rest = field.split(".")
    if head in json_inputs:
        return ".".join([camel(head), *rest])
    return ".".join(camel(p) for p in field.split("."))


def user_error_from(problem: ServiceProblem, *, json_inputs: Collection[str] = ()) -> MutationError:
    message = problem.body.detail or problem.body.title
    if problem.status == 422 or problem.status == 400:
        fields = [
            FieldError(field=field_path(e.field, json_inputs=json_inputs), reason=e.reason) for e in problem.errors
        ]
        return InvalidInputError(code=problem.code, message=message, fields=fields)
    if problem.status == 403:
        return ForbiddenError(code=problem.code, message=message)
    if problem.status == 404:
        return NotFoundError(code=problem.code, message=message)
    if problem.status == 409:
        return ConflictError(code=problem.code, message=message)
    raise graphql_error_from(problem)  # not the caller's to fix: a GraphQL error, not a payload


def missing_input(reason: str) -> InvalidInputError:
    """The error of a mutation that takes its old arguments or ``input`` while a release lasts, given neither."""
    return InvalidInputError(
        code="invalid_input", message=f"input: {reason}", fields=[FieldError(field="input", reason=reason)]
    )


GRAPHQL_CODES = {
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "BAD_USER_INPUT",
    503: "SERVICE_UNAVAILABLE",
}


def graphql_error_from(problem: ServiceProblem) -> GraphQLError:
    return GraphQLError(
        problem.body.detail or problem.body.title,
        extensions={"code": GRAPHQL_CODES.get(problem.status, "SERVICE_ERROR"), "reason": problem.code},
    )


def not_found(message: str, reason: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "NOT_FOUND", "reason": reason})
