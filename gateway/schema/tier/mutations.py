"""Mutations of the tier ladder and of tiers' gates."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.membership.tier import TierRead
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.gate.requirements import GateRequirementInput
from gateway.schema.payloads import ADDRESSING, body_of, payload
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


@strawberry.input(description="The whole gate of a tier; it replaces the gate the tier had.")
class SetTierGateInput:
    community_id: strawberry.ID
    tier_id: strawberry.ID
    requirements: list[GateRequirementInput] = strawberry.field(
        description="At most six, one of each kind; an empty list opens the tier to anyone."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type
class TierSuccess:
    tier: Tier


TierPayload = Annotated[
    TierSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("TierPayload"),
]


@strawberry.type
class TierMutation:
    @strawberry.mutation(description="Add a tier to the ladder.")
    async def create_tier(self, info: Info[Context, None], input: CreateTierInput) -> TierPayload:
        membership = info.context.membership
        call = membership.create_tier(str(input.community_id), body_of(input), idempotency_key=input.idempotency_key)
        return await payload(call, _tier_success)

    @strawberry.mutation(description="Change a tier; price and period changes apply to purchases from now on.")
    async def update_tier(self, info: Info[Context, None], input: UpdateTierInput) -> TierPayload:
        membership = info.context.membership
        call = membership.update_tier(str(input.community_id), str(input.id), body_of(input, leave_out=_ADDRESS))
        return await payload(call, _tier_success)

    @strawberry.mutation(description="Replace a tier's gate; a malformed gate names the field and changes nothing.")
    async def set_tier_gate(self, info: Info[Context, None], input: SetTierGateInput) -> TierPayload:
        # A field a kind does not take stays out unless given, so the service names only what the caller sent.
        requirements = body_of(input, omit_none=True)["requirements"]
        call = info.context.membership.set_gate(
            str(input.community_id), str(input.tier_id), requirements, acting_member_id=input.acting_member_id
        )
        return await payload(call, _tier_success)


_ADDRESS = ADDRESSING | {"id"}


def _tier_success(tier: TierRead) -> TierSuccess:
    return TierSuccess(tier=Tier.from_dto(tier))
