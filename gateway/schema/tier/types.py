"""GraphQL types of the tier ladder, built from the membership service's answers."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from contracts.membership.tier import TierRead
from gateway.schema.gate.requirements import GateRequirement
from gateway.schema.scalars import Int64


@strawberry.type(description="A step of the tier ladder, from a free lead group to premium membership.")
class Tier:
    id: strawberry.ID
    community_id: strawberry.ID
    key: str = strawberry.field(
        description="Stable key, unique in the community (lowercase letters, digits, _ or -); never changes."
    )
    name: str = strawberry.field(description="The tier's display name, e.g. Premium.")
    rank: int = strawberry.field(description="Its place on the ladder, 0 to 1000: higher is further up.")
    price_amount: Int64 = strawberry.field(description="Price in minor units (fen, cents); 0 for a free tier.")
    currency: str | None = strawberry.field(description="ISO 4217 code of the price.")
    period: str = strawberry.field(description="lifetime, days, monthly or yearly.")
    period_days: int | None = strawberry.field(
        description="How many days a membership lasts when `period` is days; null for the other periods."
    )
    benefits: list[str] = strawberry.field(description="Entitlement keys such as content:premium.")
    capacity: int | None = strawberry.field(description="How many members it may hold at once; null for no limit.")
    seats_taken: int = strawberry.field(description="How many members hold it now.")
    fallback_tier_id: strawberry.ID | None = strawberry.field(
        description="Where a membership goes when its period runs out; null: it expires instead."
    )
    gate: list[GateRequirement] = strawberry.field(
        description="The gate: every requirement a newcomer must meet for this tier, in the fields "
        "`setTierGate` takes; empty when anyone may join."
    )
    requirements: JSON = strawberry.field(
        description="The gate as the service stores it (snake_case keys).",
        deprecation_reason="Use gate, in this schema's names; removed in 0.3.0.",
    )
    archived: bool = strawberry.field(
        description="Archived: nobody joins it or is moved onto it, and lists leave it out unless asked."
    )
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: TierRead) -> Tier:
        return cls(
            id=strawberry.ID(dto.id),
            community_id=strawberry.ID(dto.community_id),
            key=dto.key,
            name=dto.name,
            rank=dto.rank,
            price_amount=dto.price_amount,
            currency=dto.currency,
            period=dto.period,
            period_days=dto.period_days,
            benefits=dto.benefits,
            capacity=dto.capacity,
            seats_taken=dto.seats_taken,
            fallback_tier_id=strawberry.ID(dto.fallback_tier_id) if dto.fallback_tier_id else None,
            gate=[GateRequirement.from_wire(requirement) for requirement in dto.requirements],
            requirements=JSON(dto.requirements),
            archived=dto.archived,
            created_at=dto.created_at,
        )
