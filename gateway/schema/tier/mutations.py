"""Mutations of the tier ladder and of tiers' gates."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import (
    ConflictError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    user_error_from,
)
from gateway.schema.scalars import Int64
from gateway.schema.tier.types import Tier


@strawberry.input
class CreateTierInput:
    community_id: strawberry.ID
    key: str = strawberry.field(description="Stable key, unique in the community: lowercase, digits, _ or -.")
    name: str
    rank: int
    price_amount: Int64 = 0
    currency: str | None = None
    period: str = strawberry.field(default="lifetime", description="lifetime, days, monthly or yearly.")
    period_days: int | None = None
    benefits: list[str] = strawberry.field(default_factory=list)
    capacity: int | None = None
    fallback_tier_id: strawberry.ID | None = None
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input(description="Only the fields given change.")
class UpdateTierInput:
    community_id: strawberry.ID
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    rank: int | None = strawberry.UNSET
    price_amount: Int64 | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    period: str | None = strawberry.UNSET
    period_days: int | None = strawberry.UNSET
    benefits: list[str] | None = strawberry.UNSET
    capacity: int | None = strawberry.UNSET
    fallback_tier_id: strawberry.ID | None = strawberry.UNSET
    archived: bool | None = strawberry.UNSET
    acting_member_id: strawberry.ID | None = None


@strawberry.input
class SetTierGateInput:
    community_id: strawberry.ID
    tier_id: strawberry.ID
    requirements: JSON = strawberry.field(
        description='The whole gate, e.g. [{"kind": "invitation"}, {"kind": "profile", "criteria": '
        '[{"attribute": "region", "op": "one_of", "value": ["Shanghai"]}]}]. An empty list opens the tier.'
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class TierSuccess:
    tier: Tier


TierPayload = Annotated[
    TierSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("TierPayload"),
]

_UPDATABLE = (
    "name",
    "rank",
    "price_amount",
    "currency",
    "period",
    "period_days",
    "benefits",
    "capacity",
    "fallback_tier_id",
    "archived",
    "acting_member_id",
)


@strawberry.type
class TierMutation:
    @strawberry.mutation(description="Add a tier to the ladder.")
    async def create_tier(self, info: Info[Context, None], input: CreateTierInput) -> TierPayload:
        data: dict[str, Any] = {
            "key": input.key,
            "name": input.name,
            "rank": input.rank,
            "price_amount": input.price_amount,
            "currency": input.currency,
            "period": input.period,
            "period_days": input.period_days,
            "benefits": input.benefits,
            "capacity": input.capacity,
            "fallback_tier_id": input.fallback_tier_id,
            "acting_member_id": input.acting_member_id,
        }
        try:
            dto = await info.context.membership.create_tier(
                str(input.community_id), data, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return TierSuccess(tier=Tier.from_dto(dto))

    @strawberry.mutation(description="Change a tier; price and period changes apply to purchases from now on.")
    async def update_tier(self, info: Info[Context, None], input: UpdateTierInput) -> TierPayload:
        changes = {name: getattr(input, name) for name in _UPDATABLE if getattr(input, name) is not strawberry.UNSET}
        try:
            dto = await info.context.membership.update_tier(str(input.community_id), str(input.id), changes)
        except ServiceProblem as problem:
            return user_error_from(problem)
        return TierSuccess(tier=Tier.from_dto(dto))

    @strawberry.mutation(description="Replace a tier's gate; a malformed gate names the field and changes nothing.")
    async def set_tier_gate(self, info: Info[Context, None], input: SetTierGateInput) -> TierPayload:
        if not isinstance(input.requirements, list):
            reason = "must be a list of requirements"
            return InvalidInputError(
                code="invalid_input",
                message=f"requirements: {reason}",
                fields=[FieldError(field="requirements", reason=reason)],
            )
        try:
            dto = await info.context.membership.set_gate(
                str(input.community_id),
                str(input.tier_id),
                input.requirements,
                acting_member_id=input.acting_member_id,
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return TierSuccess(tier=Tier.from_dto(dto))
