"""Statements over rewards and redemptions, always scoped by community; stock and limits by conditional UPDATE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.models.reward import Redemption, Reward, RewardClaim
from services.gamification.repo.ledger import insert_for

REWARD = Reward.__table__  # type: ignore[attr-defined]
REDEMPTION = Redemption.__table__  # type: ignore[attr-defined]
CLAIM = RewardClaim.__table__  # type: ignore[attr-defined]


class RewardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Reward | Redemption) -> None:
        self.session.add(row)

    async def list(self, community_id: str) -> Sequence[Reward]:
        query = select(Reward).where(Reward.community_id == community_id).order_by(col(Reward.id))
        return (await self.session.exec(query)).all()

    async def get(self, community_id: str, reward_id: str) -> Reward | None:
        query = select(Reward).where(Reward.community_id == community_id, Reward.id == reward_id)
        return (await self.session.exec(query)).first()

    async def take_unit(self, reward_id: str) -> bool:
        """One unit off the stock if there is one left (unlimited rewards always have one)."""
        connection = await self.session.connection()
        statement = (
            update(REWARD)
            .where(REWARD.c.id == reward_id, (REWARD.c.stock.is_(None)) | (REWARD.c.stock >= 1))
            .values(stock=REWARD.c.stock - 1)
            .returning(REWARD.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def give_back_unit(self, reward_id: str) -> None:
        connection = await self.session.connection()
        await connection.execute(
            update(REWARD).where(REWARD.c.id == reward_id, REWARD.c.stock.is_not(None)).values(stock=REWARD.c.stock + 1)
        )

    async def take_claim(self, *, community_id: str, reward_id: str, member_id: str, limit: int | None) -> bool:
        """Count one more redemption of the member, unless that passes ``limit``."""
        connection = await self.session.connection()
        keys = {"community_id": community_id, "reward_id": reward_id, "member_id": member_id}
        await connection.execute(
            insert_for(connection)(CLAIM).values(**keys, count=0).on_conflict_do_nothing(index_elements=list(keys))
        )
        statement = (
            update(CLAIM)
            .where(CLAIM.c.community_id == community_id, CLAIM.c.reward_id == reward_id, CLAIM.c.member_id == member_id)
            .values(count=CLAIM.c.count + 1)
            .returning(CLAIM.c.count)
        )
        if limit is not None:
            statement = statement.where(CLAIM.c.count < limit)
        return (await connection.execute(statement)).first() is not None

    async def give_back_claim(self, *, community_id: str, reward_id: str, member_id: str) -> None:
        connection = await self.session.connection()
        await connection.execute(
            update(CLAIM)
            .where(CLAIM.c.community_id == community_id, CLAIM.c.reward_id == reward_id, CLAIM.c.member_id == member_id)
            .values(count=CLAIM.c.count - 1)
        )

    async def redemption(self, community_id: str, redemption_id: str) -> Redemption | None:
        query = select(Redemption).where(Redemption.community_id == community_id, Redemption.id == redemption_id)
        return (await self.session.exec(query)).first()

    async def redemption_by_key(self, community_id: str, key: str) -> Redemption | None:
        query = select(Redemption).where(Redemption.community_id == community_id, Redemption.redemption_key == key)
        return (await self.session.exec(query)).first()

    async def move(
        self,
        community_id: str,
        redemption_id: str,
        *,
        from_status: str,
        to_status: str,
        at: dt.datetime,
        note: str | None,
    ) -> bool:
        """Move a redemption from ``from_status`` only: a concurrent move loses and gets False."""
        connection = await self.session.connection()
        statement = (
            update(REDEMPTION)
            .where(
                REDEMPTION.c.community_id == community_id,
                REDEMPTION.c.id == redemption_id,
                REDEMPTION.c.status == from_status,
            )
            .values(status=to_status, updated_at=at, note=note)
            .returning(REDEMPTION.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def set_refund(self, redemption_id: str, entry_id: str) -> None:
        connection = await self.session.connection()
        await connection.execute(
            update(REDEMPTION).where(REDEMPTION.c.id == redemption_id).values(refund_entry_id=entry_id)
        )

    async def redemptions(
        self,
        community_id: str,
        *,
        member_id: str | None,
        reward_id: str | None,
        status: str | None,
        before: str | None,
        limit: int,
    ) -> Sequence[Redemption]:
        query = select(Redemption).where(Redemption.community_id == community_id)
        if member_id is not None:
            query = query.where(Redemption.member_id == member_id)
        if reward_id is not None:
            query = query.where(Redemption.reward_id == reward_id)
        if status is not None:
            query = query.where(Redemption.status == status)
        if before is not None:
            query = query.where(col(Redemption.id) < before)
        return (await self.session.exec(query.order_by(col(Redemption.id).desc()).limit(limit))).all()

    async def insert_redemption(self, redemption: Redemption) -> bool:
        """Add the redemption; False when its key already redeemed (a concurrent twin)."""
        connection = await self.session.connection()
        statement = (
            insert_for(connection)(REDEMPTION)
            .values(redemption.model_dump())
            .on_conflict_do_nothing(index_elements=["community_id", "redemption_key"])
            .returning(REDEMPTION.c.id)
        )
        return (await connection.execute(statement)).first() is not None
