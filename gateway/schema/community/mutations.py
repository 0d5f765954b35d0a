"""Mutations of communities."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.clients.membership import CommunityCreateDTO
from gateway.schema.community.types import Community
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from


@strawberry.input
class CreateCommunityInput:
    name: str
    timezone: str = strawberry.field(description="IANA time zone name, e.g. Asia/Shanghai.")
    mission: str | None = None
    rules: str | None = None
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first result instead of a second community."
    )


@strawberry.type
class CreateCommunitySuccess:
    community: Community


CreateCommunityPayload = Annotated[
    CreateCommunitySuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreateCommunityPayload"),
]


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Create a community (platform admins). Its defaults appear within moments.")
    async def create_community(self, info: Info[Context, None], input: CreateCommunityInput) -> CreateCommunityPayload:
        context = info.context
        context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        data = CommunityCreateDTO(name=input.name, timezone=input.timezone, mission=input.mission, rules=input.rules)
        try:
            dto = await context.membership.create_community(data, idempotency_key=input.idempotency_key)
        except ServiceProblem as problem:
            return user_error_from(problem)
        context.loaders.community.prime(dto.id, dto)
        return CreateCommunitySuccess(community=Community.from_dto(dto))
