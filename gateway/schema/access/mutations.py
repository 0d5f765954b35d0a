"""Mutations of access: creating live codes and routing a newcomer through one."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.membership.live_code import LiveCodeCreate, LiveCodeRead, NewcomerIn, RoutingRead
from gateway.clients.base import wire
from gateway.schema.access.types import LiveCode, LiveCodeRouting
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.payloads import ADDRESSING, body_of, payload

IDEMPOTENCY_KEY = "Retrying with the same key returns the first result instead of doing it twice."


@strawberry.input(description="A group a live code may send newcomers to, and whom.")
class LiveCodeRouteInput:
    group_id: strawberry.ID = strawberry.field(description="The group (not archived).")
    when: JSON | None = strawberry.field(
        default=None, description='Only newcomers with these attributes: {"region": "Shanghai"}.'
    )


@strawberry.input
class CreateLiveCodeInput:
    community_id: strawberry.ID
    name: str = strawberry.field(description="A name for people, e.g. the campaign it is printed on.")
    routes: list[LiveCodeRouteInput] = strawberry.field(description="Groups in order of preference.")
    tier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Route newcomers as this tier; left out, each as their own tier."
    )
    overflow_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where newcomers go when every group is full; without it they are refused."
    )
    hold_minutes: int | None = strawberry.field(
        default=None,
        description="How long a routed newcomer's place is held, in minutes (1 to 43200); left out, 1440 (a day).",
    )
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The live code was created; share its joinUrl or QR code.")
class CreateLiveCodeSuccess:
    live_code: LiveCode = strawberry.field(description="The new live code.")


CreateLiveCodePayload = Annotated[
    CreateLiveCodeSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreateLiveCodePayload"),
]


@strawberry.input
class RouteNewcomerInput:
    community_id: strawberry.ID
    live_code_id: strawberry.ID = strawberry.field(description="The live code the newcomer opened.")
    member_id: strawberry.ID | None = strawberry.field(default=None, description="A member: routed by their profile.")
    newcomer_ref: str | None = strawberry.field(
        default=None, description="Your reference for someone not yet a member; the same one gets the same group."
    )
    attributes: JSON | None = strawberry.field(
        default=None,
        description="Profile attributes the routes' filters compare; for a member, these override their own.",
    )
    tier_id: strawberry.ID | None = strawberry.field(
        default=None, description="The tier to route them as, unless the live code fixes one; left out, a member's own."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY_KEY)


@strawberry.type(description="The newcomer was routed to a group and their place is held.")
class RouteNewcomerSuccess:
    routing: LiveCodeRouting = strawberry.field(description="Where they were sent, and until when the place is held.")


RouteNewcomerPayload = Annotated[
    RouteNewcomerSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("RouteNewcomerPayload"),
]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Create a live code: one join link over groups in order of preference (admins).")
    async def create_live_code(self, info: Info[Context, None], input: CreateLiveCodeInput) -> CreateLiveCodePayload:
        membership = info.context.membership

        async def create() -> LiveCodeRead:
            routes: list[dict[str, object]] = [
                {"group_id": str(route.group_id), "when": route.when or {}} for route in input.routes
            ]
            body = wire(LiveCodeCreate, **body_of(input, omit_none=True, routes=routes))
            return await membership.create_live_code(
                str(input.community_id), body, idempotency_key=input.idempotency_key
            )

        return await payload(create(), lambda code: CreateLiveCodeSuccess(live_code=LiveCode.from_dto(code)))

    @strawberry.mutation(description="A newcomer opened a live code: the group to send them to, their place held.")
    async def route_newcomer(self, info: Info[Context, None], input: RouteNewcomerInput) -> RouteNewcomerPayload:
        membership = info.context.membership

        async def route() -> RoutingRead:
            body = wire(NewcomerIn, **body_of(input, leave_out=ADDRESSING | {"live_code_id"}, omit_none=True))
            return await membership.route_newcomer(
                str(input.community_id), str(input.live_code_id), body, idempotency_key=input.idempotency_key
            )

        return await payload(route(), lambda routing: RouteNewcomerSuccess(routing=LiveCodeRouting.from_dto(routing)))
