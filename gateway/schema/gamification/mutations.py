"""Mutations of gamification: point rules, grants, spends."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.clients.gamification import RuleCreateDTO
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.gamification.types import PointEntry, PointRule


@strawberry.input
class CreatePointRuleInput:
    community_id: strawberry.ID
    name: str
    event: str = strawberry.field(description="member.activity.message, checkin.recorded, manual, ...")
    points: int
    daily_cap: int | None = None
    cooldown_seconds: int = 0
    conditions: JSON | None = None
    tier_multipliers: JSON | None = None
    idempotency_key: str | None = None


@strawberry.type
class CreatePointRuleSuccess:
    rule: PointRule


CreatePointRulePayload = Annotated[
    CreatePointRuleSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreatePointRulePayload"),
]


@strawberry.input
class PointsInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    points: int
    reason: str
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key posts nothing twice."
    )


@strawberry.type
class PointsPosted:
    entry: PointEntry
    balance: int
    lifetime_points: int


PointsPayload = Annotated[
    PointsPosted | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("PointsPayload"),
]


async def _post(info: Info[Context, None], action: str, input: PointsInput) -> PointsPayload:
    body = {"member_id": str(input.member_id), "points": input.points, "reason": input.reason}
    try:
        dto = await info.context.gamification.post_points(
            str(input.community_id), action, body, idempotency_key=input.idempotency_key
        )
    except ServiceProblem as problem:
        return user_error_from(problem)
    return PointsPosted(entry=PointEntry.from_dto(dto.entry), balance=dto.balance, lifetime_points=dto.lifetime)


@strawberry.type
class GamificationMutation:
    @strawberry.mutation(description="Add a point rule (data, not code).")
    async def create_point_rule(self, info: Info[Context, None], input: CreatePointRuleInput) -> CreatePointRulePayload:
        data = RuleCreateDTO(
            name=input.name,
            event=input.event,
            points=input.points,
            daily_cap=input.daily_cap,
            cooldown_seconds=input.cooldown_seconds,
            conditions=input.conditions or {},
            tier_multipliers=input.tier_multipliers or {},
        )
        try:
            dto = await info.context.gamification.create_rule(
                str(input.community_id), data, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return CreatePointRuleSuccess(rule=PointRule.from_dto(dto))

    @strawberry.mutation(description="Grant points by hand.")
    async def grant_points(self, info: Info[Context, None], input: PointsInput) -> PointsPayload:
        return await _post(info, "grants", input)

    @strawberry.mutation(description="Spend a member's points; refused with insufficient_points below zero.")
    async def spend_points(self, info: Info[Context, None], input: PointsInput) -> PointsPayload:
        return await _post(info, "spends", input)
