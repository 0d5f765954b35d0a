"""Rewards: the catalogue, redemption (points and stock taken atomically, once per key), fulfilment.

A redemption runs in one transaction: the per-member limit and the stock are taken by conditional UPDATEs,
the points by the ledger's conditional debit, and the redemption row is keyed by its redemption key. Any
refusal raises, and the request's transaction rolls back everything taken before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import RewardRedeemed
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.gamification.domain.ledger import EntryKind
from services.gamification.domain.reward import (
    RedemptionStatus,
    availability_problem,
    can_move,
    validate_reward,
)
from services.gamification.models.reward import Redemption, Reward
from services.gamification.repo.reward import RewardRepository
from services.gamification.usecases import ledger


class RewardUnavailable(Conflict):
    code = "reward_unavailable"


class OutOfStock(Conflict):
    code = "out_of_stock"


class RedemptionLimitReached(Conflict):
    code = "redemption_limit_reached"


async def create_reward(
    session: AsyncSession,
    *,
    community_id: str,
    name: str,
    description: str,
    image_url: str | None,
    cost: int,
    stock: int | None,
    per_member_limit: int | None,
    available_from: datetime | None,
    available_until: datetime | None,
    at: datetime,
) -> Reward:
    InvalidInput.raise_any(
        validate_reward(
            cost=cost,
            stock=stock,
            per_member_limit=per_member_limit,
            available_from=available_from,
            available_until=available_until,
        )
    )
    reward = Reward(
        id=new_id("rwd"),
        community_id=community_id,
        name=name,
        description=description,
        image_url=image_url,
        cost=cost,
        stock=stock,
        per_member_limit=per_member_limit,
        available_from=available_from,
        available_until=available_until,
        created_at=at,
    )
    RewardRepository(session).add(reward)
    return reward


async def list_rewards(session: AsyncSession, *, community_id: str) -> Sequence[Reward]:
    return await RewardRepository(session).list(community_id)


async def reward_or_raise(session: AsyncSession, *, community_id: str, reward_id: str) -> Reward:
    reward = await RewardRepository(session).get(community_id, reward_id)
    if reward is None:
        raise NotFound(f"reward {reward_id} not found", code="reward_not_found")
    return reward


@dataclass(frozen=True)
class Redeemed:
    redemption: Redemption
    balance: int | None  # None for a replay
    replayed: bool = False


async def redeem(
    session: AsyncSession,
    *,
    community_id: str,
    reward_id: str,
    member_id: str,
    at: datetime,
    redemption_key: str | None,
) -> Redeemed:
    repo = RewardRepository(session)
    reward = await reward_or_raise(session, community_id=community_id, reward_id=reward_id)
    key = redemption_key or new_id("rdk")
    if redemption_key is not None and (earlier := await repo.redemption_by_key(community_id, key)) is not None:
        if (earlier.reward_id, earlier.member_id) != (reward_id, member_id):
            raise Conflict(f"redemption key {key} was used for another redemption", code="redemption_key_reused")
        return Redeemed(earlier, None, replayed=True)
    problem = availability_problem(
        active=reward.active, available_from=reward.available_from, available_until=reward.available_until, at=at
    )
    if problem is not None:
        raise RewardUnavailable(problem)
    if not await repo.take_claim(
        community_id=community_id, reward_id=reward_id, member_id=member_id, limit=reward.per_member_limit
    ):
        raise RedemptionLimitReached(f"member {member_id} already holds {reward.per_member_limit} of {reward.name}")
    if not await repo.take_unit(reward_id):
        raise OutOfStock(f"{reward.name} is out of stock")
    redemption_id = new_id("rdm")
    posted = await ledger.spend(
        session,
        community_id=community_id,
        member_id=member_id,
        points=reward.cost,
        reason=f"redeemed {reward.name}",
        at=at,
        idempotency_key=None,
        source=f"redemption:{redemption_id}",
    )
    redemption = Redemption(
        id=redemption_id,
        community_id=community_id,
        reward_id=reward_id,
        member_id=member_id,
        redemption_key=key,
        cost=reward.cost,
        status=RedemptionStatus.REQUESTED.value,
        entry_id=posted.entry.id,
        created_at=at,
        updated_at=at,
    )
    if not await repo.insert_redemption(redemption):
        raise Conflict(f"redemption key {key} is being redeemed already", code="redemption_key_in_use")
    await emit(
        session,
        RewardRedeemed(member_id=member_id, reward_id=reward_id, redemption_id=redemption_id, cost=reward.cost),
        community_id=community_id,
        at=at,
    )
    return Redeemed(redemption, posted.balance)


async def redemption_or_raise(session: AsyncSession, *, community_id: str, redemption_id: str) -> Redemption:
    redemption = await RewardRepository(session).redemption(community_id, redemption_id)
    if redemption is None:
        raise NotFound(f"redemption {redemption_id} not found", code="redemption_not_found")
    return redemption


async def fulfil(
    session: AsyncSession, *, community_id: str, redemption_id: str, note: str | None, at: datetime
) -> Redemption:
    return await _move(session, community_id, redemption_id, RedemptionStatus.FULFILLED, note=note, at=at)


async def cancel(
    session: AsyncSession, *, community_id: str, redemption_id: str, note: str | None, at: datetime
) -> Redemption:
    """Cancel a requested redemption: the points come back as a refund entry and the unit goes back in stock."""
    redemption = await _move(session, community_id, redemption_id, RedemptionStatus.CANCELLED, note=note, at=at)
    repo = RewardRepository(session)
    posted = await ledger.post(
        session,
        community_id=community_id,
        member_id=redemption.member_id,
        source=f"redemption:{redemption.id}:refund",
        kind=EntryKind.REFUND,
        points=redemption.cost,
        reason="redemption cancelled",
        at=at,
        corrects_entry_id=redemption.entry_id,
    )
    await repo.give_back_unit(redemption.reward_id)
    await repo.give_back_claim(
        community_id=community_id, reward_id=redemption.reward_id, member_id=redemption.member_id
    )
    await repo.set_refund(redemption.id, posted.entry.id)
    await session.refresh(redemption)
    return redemption


async def _move(
    session: AsyncSession,
    community_id: str,
    redemption_id: str,
    target: RedemptionStatus,
    *,
    note: str | None,
    at: datetime,
) -> Redemption:
    redemption = await redemption_or_raise(session, community_id=community_id, redemption_id=redemption_id)
    current = RedemptionStatus(redemption.status)
    moved = can_move(current, target) and await RewardRepository(session).move(
        community_id, redemption_id, from_status=current.value, to_status=target.value, at=at, note=note
    )
    if not moved:
        raise Conflict(
            f"redemption {redemption_id} is {redemption.status}; it cannot become {target.value}",
            code="redemption_not_requested",
        )
    await session.refresh(redemption)
    return redemption


async def redemptions(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str | None,
    reward_id: str | None,
    status: str | None,
    before: str | None,
    limit: int,
) -> Sequence[Redemption]:
    return await RewardRepository(session).redemptions(
        community_id, member_id=member_id, reward_id=reward_id, status=status, before=before, limit=limit
    )
