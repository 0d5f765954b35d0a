"""Minting API keys. Keys live in the gateway's own database."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway import keys
from gateway.clients import ServiceProblem
from gateway.schema.apikey.types import ApiKey
from gateway.schema.context import Context
from gateway.schema.errors import (
    ConflictError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    user_error_from,
)

NAME_MAX_LENGTH = 100


@strawberry.input
class CreateApiKeyInput:
    name: str = strawberry.field(description="A label to tell the key apart, 1 to 100 characters (trimmed).")
    community_id: strawberry.ID | None = strawberry.field(
        default=None, description="The community the key acts for; omit for a platform-admin key."
    )


@strawberry.type(description="The key was minted; `secret` is the only time it is shown.")
class CreateApiKeySuccess:
    api_key: ApiKey = strawberry.field(description="The new key's record, without its secret.")
    secret: str = strawberry.field(description="The key itself. Store it now: it cannot be shown again.")


CreateApiKeyPayload = Annotated[
    CreateApiKeySuccess | InvalidInputError | ForbiddenError | NotFoundError,
    strawberry.union("CreateApiKeyPayload"),
]


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(description="Mint a key for a community (its admins, platform admins) or for the platform.")
    async def create_api_key(self, info: Info[Context, None], input: CreateApiKeyInput) -> CreateApiKeyPayload:
        context = info.context
        principal = context.principal
        name = input.name.strip()
        if not name or len(name) > NAME_MAX_LENGTH:
            reason = "must not be empty" if not name else f"must be at most {NAME_MAX_LENGTH} characters"
            return InvalidInputError(
                code="invalid_input", message=f"name: {reason}", fields=[FieldError(field="name", reason=reason)]
            )
        community_id = str(input.community_id) if input.community_id is not None else None
        if community_id is None and not principal.is_platform_admin:
            return ForbiddenError(
                code="platform_admin_required", message="only a platform admin can mint platform keys"
            )
        if community_id is not None:
            if not principal.can_access(community_id):
                return NotFoundError(code="community_not_found", message=f"community {community_id} not found")
            try:
                await context.membership.get_community(community_id)
            except ServiceProblem as problem:
                error = user_error_from(problem)
                if isinstance(error, ConflictError):
                    raise problem from None
                return error
        async with context.sessionmaker() as session, session.begin():
            row, minted = await keys.create_key(session, name=name, community_id=community_id)
        return CreateApiKeySuccess(api_key=ApiKey.from_row(row), secret=minted.plaintext)
