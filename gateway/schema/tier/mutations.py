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
    name: str = strawberry.field(description="The display name, 1 to 100 characters.")
    rank: int = strawberry.field(description="Its place on the ladder, 0 to 1000: higher is further up.")
    price_amount: Int64 = strawberry.field(
        default=0, description="Price in minor units (fen, cents); 0, the default, for a free tier."
    )
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code of the price, e.g. CNY; needed when the price is above 0."
    )
    period: str = strawberry.field(default="lifetime", description="lifetime, days, monthly or yearly.")
    period_days: int | None = strawberry.field(
        default=None, description="Days a membership lasts (1 to 36500); only, and then required, with period days."
    )
    benefits: list[str] = strawberry.field(
        default_factory=list,
        description="Entitlement keys holders get, e.g. content:premium or group:<id>; at most 50.",
    )
    capacity: int | None = strawberry.field(
        default=None, description="How many members it may hold at once; null, the default, for no limit."
    )
    fallback_tier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Where a membership goes when its period runs out; null: it expires instead."
    )
    acting_member_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.input(description="Only the fields given change.")
class UpdateTierInput:
    community_id: strawberry.ID
    id: strawberry.ID = strawberry.field(description="The tier to change.")
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new display name, 1 to 100 characters."
    )
    rank: int | None = strawberry.field(default=strawberry.UNSET, description="A new place on the ladder, 0 to 1000.")
    price_amount: Int64 | None = strawberry.field(
        default=strawberry.UNSET, description="A new price in minor units (fen, cents), for purchases from now on."
    )
    currency: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new ISO 4217 code of the price; null only for a free tier."
    )
    period: str | None = strawberry.field(
        default=strawberry.UNSET, description="lifetime, days, monthly or yearly, for purchases from now on."
    )
    period_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Days a membership lasts (1 to 36500), with period days; null with any other.",
    )
    benefits: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The entitlement keys holders get (replaces the list), e.g. content:premium.",
    )
    capacity: int | None = strawberry.field(
        default=strawberry.UNSET, description="How many members it may hold at once; null removes the limit."
    )
    fallback_tier_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Where memberships go when their period runs out; null: they expire."
    )
    archived: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="True takes the tier off the ladder (nobody joins it); false puts it back.",
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="The whole gate of a tier; it replaces the gate the tier had.")
class SetTierGateInput:
    community_id: strawberry.ID
    tier_id: strawberry.ID = strawberry.field(description="The tier whose gate this is.")
    requirements: list[GateRequirementInput] = strawberry.field(
        description="At most six, one of each kind; an empty list opens the tier to anyone."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The tier, as it is after the change.")
class TierSuccess:
    tier: Tier = strawberry.field(description="The tier, with its gate.")


TierPayload = Annotated[
    TierSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("TierPayload"),
]


@strawberry.type
class TierMutation:
    @strawberry.mutation(description="Add a tier to the ladder (admins).")
    async def create_tier(self, info: Info[Context, None], input: CreateTierInput) -> TierPayload:
        membership = info.context.membership
        call = membership.create_tier(str(input.community_id), body_of(input), idempotency_key=input.idempotency_key)
        return await payload(call, _tier_success)

    @strawberry.mutation(description="Change a tier (admins); price and period changes apply to purchases from now on.")
    async def update_tier(self, info: Info[Context, None], input: UpdateTierInput) -> TierPayload:
        membership = info.context.membership
        call = membership.update_tier(str(input.community_id), str(input.id), body_of(input, leave_out=_ADDRESS))
        return await payload(call, _tier_success)

    @strawberry.mutation(
        description="Replace a tier's gate (admins); a malformed gate names the field and changes nothing."
    )
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
