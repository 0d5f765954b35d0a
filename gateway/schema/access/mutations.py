"""Mutations of access: creating live codes and routing a newcomer through one."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.live_code import LiveCodeCreate, NewcomerIn
from gateway.clients import ServiceProblem
from gateway.clients.base import given, wire
from gateway.schema.access.types import LiveCode, LiveCodeRouting
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from

IDEMPOTENCY_KEY = "Retrying with the same key returns the first result instead of doing it twice."


@strawberry.input
class LiveCodeRouteInput:
    group_id: strawberry.ID
    when: JSON | None = strawberry.field(
        default=None, description='Only newcomers with these attributes: {"region": "Shanghai"}.'
    )


@strawberry.input
class CreateLiveCodeInput:
    community_id: strawberry.ID
    name: str
    routes: list[LiveCodeRouteInput] = strawberry.field(description="Groups in order of preference.")
    tier_id: strawberry.ID | None = None
    overflow_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where newcomers go when every group is full; without it they are refused."
    )
    hold_minutes: int | None = None
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type
class CreateLiveCodeSuccess:
    live_code: LiveCode


CreateLiveCodePayload = Annotated[
    CreateLiveCodeSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreateLiveCodePayload"),
]


@strawberry.input
class RouteNewcomerInput:
    community_id: strawberry.ID
    live_code_id: strawberry.ID
    member_id: strawberry.ID | None = strawberry.field(default=None, description="A member: routed by their profile.")
    newcomer_ref: str | None = strawberry.field(
        default=None, description="Your reference for someone not yet a member; the same one gets the same group."
    )
    attributes: JSON | None = None
    tier_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type
class RouteNewcomerSuccess:
    routing: LiveCodeRouting


RouteNewcomerPayload = Annotated[
    RouteNewcomerSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("RouteNewcomerPayload"),
]


def _id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Create a live code: one join link over groups in order of preference.")
    async def create_live_code(self, info: Info[Context, None], input: CreateLiveCodeInput) -> CreateLiveCodePayload:
        try:
            data = wire(
                LiveCodeCreate,
                **given(
                    name=input.name,
                    routes=[{"group_id": str(r.group_id), "when": r.when or {}} for r in input.routes],
                    tier_id=_id(input.tier_id),
                    overflow_group_id=_id(input.overflow_group_id),
                    hold_minutes=input.hold_minutes,
                    acting_member_id=_id(input.acting_member_id),
                ),
            )
            dto = await info.context.membership.create_live_code(
                str(input.community_id), data, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return CreateLiveCodeSuccess(live_code=LiveCode.from_dto(dto))

    @strawberry.mutation(description="A newcomer opened a live code: the group to send them to, their place held.")
    async def route_newcomer(self, info: Info[Context, None], input: RouteNewcomerInput) -> RouteNewcomerPayload:
        try:
            data = wire(
                NewcomerIn,
                **given(
                    member_id=_id(input.member_id),
                    newcomer_ref=input.newcomer_ref,
                    attributes=input.attributes,
                    tier_id=_id(input.tier_id),
                ),
            )
            dto = await info.context.membership.route_newcomer(
                str(input.community_id), str(input.live_code_id), data, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return RouteNewcomerSuccess(routing=LiveCodeRouting.from_dto(dto))
