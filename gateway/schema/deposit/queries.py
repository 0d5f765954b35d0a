"""Queries of deposit challenges: a member's deposit and the economics preview."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.deposit.types import Deposit, DepositPreview
from gateway.schema.scalars import Int64

T = TypeVar("T")


async def _call(call: Awaitable[T]) -> T:
    return await call


@strawberry.input(description="How many members do how many days: a fraction of the members per bucket.")
class DepositPreviewBucket:
    days_done: int = strawberry.field(description="Days done by the members of this bucket, 0 to the challenge's days.")
    share_of_members: float = strawberry.field(
        description="The fraction of the members in this bucket, 0 to 1, e.g. 0.6; the buckets' shares add up to 1."
    )


@strawberry.type
class DepositQuery:
    @strawberry.field(description="A member's deposit in a challenge: staked, earned back, share, payable, paid.")
    async def deposit(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        challenge_id: strawberry.ID,
        member_id: strawberry.ID,
    ) -> Deposit:
        dto = await _call(info.context.gamification.deposit(str(community_id), str(challenge_id), str(member_id)))
        return Deposit.from_dto(dto)

    @strawberry.field(description="Simulate a deposit challenge before launch; nothing is stored.")
    async def deposit_preview(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        stake_amount: Int64,
        days: int,
        members: int,
        platform_fee_bps: int = 0,
        allowed_misses: int = 0,
        buckets: list[DepositPreviewBucket] | None = None,
        completion_rate: float | None = None,
        failed_days_done: int = 0,
    ) -> DepositPreview:
        body = {
            "stake_amount": stake_amount,
            "days": days,
            "members": members,
            "platform_fee_bps": platform_fee_bps,
            "allowed_misses": allowed_misses,
            "buckets": [{"days_done": b.days_done, "share_of_members": b.share_of_members} for b in buckets]
            if buckets is not None
            else None,
            "completion_rate": completion_rate,
            "failed_days_done": failed_days_done,
        }
        return DepositPreview.from_dto(await _call(info.context.gamification.deposit_preview(str(community_id), body)))
