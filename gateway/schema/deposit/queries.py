"""Queries of deposit challenges: a member's deposit and the economics preview."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, TypeVar

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
        challenge_id: Annotated[
            strawberry.ID, strawberry.argument(description="The deposit challenge, by its id (chl_…).")
        ],
        member_id: Annotated[strawberry.ID, strawberry.argument(description="The enrolled member, by their id.")],
    ) -> Deposit:
        dto = await _call(info.context.gamification.deposit(str(community_id), str(challenge_id), str(member_id)))
        return Deposit.from_dto(dto)

    @strawberry.field(description="Simulate a deposit challenge before launch; nothing is stored.")
    async def deposit_preview(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        stake_amount: Annotated[
            Int64, strawberry.argument(description="The stake each member pays, in minor units (fen, cents).")
        ],
        days: Annotated[int, strawberry.argument(description="How many days the challenge runs, 1 to 366.")],
        members: Annotated[int, strawberry.argument(description="How many members stake, 1 to 100000.")],
        platform_fee_bps: Annotated[
            int, strawberry.argument(description="The fee off the forfeited pool in basis points, 0 to 10000.")
        ] = 0,
        allowed_misses: Annotated[
            int, strawberry.argument(description="Days a member may miss and still finish; fewer than `days`.")
        ] = 0,
        buckets: Annotated[
            list[DepositPreviewBucket] | None,
            strawberry.argument(description="How the members spread over days done; give this or `completionRate`."),
        ] = None,
        completion_rate: Annotated[
            float | None,
            strawberry.argument(description="Instead of `buckets`: the fraction of members, 0 to 1, who do every day."),
        ] = None,
        failed_days_done: Annotated[
            int, strawberry.argument(description="With `completionRate`: the days each of the other members does.")
        ] = 0,
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
