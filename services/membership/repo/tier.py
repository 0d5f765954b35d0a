"""Statements over tiers, including the seat count that enforces capacity."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Tier


class TierRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str, tier_id: str) -> Tier | None:
        tier = await self.session.get(Tier, tier_id)
        return tier if tier is not None and tier.community_id == community_id else None

    async def list(self, community_id: str, *, include_archived: bool = False) -> Sequence[Tier]:
        query = select(Tier).where(Tier.community_id == community_id).order_by(col(Tier.rank), col(Tier.id))
        if not include_archived:
            query = query.where(col(Tier.archived).is_(False))
        return (await self.session.exec(query)).all()

    async def list_for_communities(self, community_ids: Sequence[str]) -> Sequence[Tier]:
        """The live ladders of several communities, by community, then rank."""
        query = (
            select(Tier)
            .where(col(Tier.community_id).in_(community_ids), col(Tier.archived).is_(False))
            .order_by(col(Tier.community_id), col(Tier.rank), col(Tier.id))
        )
        return (await self.session.exec(query)).all()

    def add(self, tier: Tier) -> None:
        self.session.add(tier)

    async def take_seat(self, tier_id: str) -> bool:
        """One conditional UPDATE: of two joins racing for the last seat, exactly one sees a row change."""
        result = await self.session.exec(
            update(Tier)
            .where(col(Tier.id) == tier_id)
            .where((col(Tier.capacity).is_(None)) | (col(Tier.seats_taken) < col(Tier.capacity)))
            .values(seats_taken=col(Tier.seats_taken) + 1)
            .execution_options(synchronize_session=False)
        )
        taken = bool(result.rowcount)
        if taken:
            await self._refresh(tier_id)
        return taken

    async def release_seat(self, tier_id: str) -> None:
        await self.session.exec(
            update(Tier)
            .where(col(Tier.id) == tier_id)
            .where(col(Tier.seats_taken) > 0)
            .values(seats_taken=col(Tier.seats_taken) - 1)
            .execution_options(synchronize_session=False)
        )
        await self._refresh(tier_id)

    async def _refresh(self, tier_id: str) -> None:
        tier = await self.session.get(Tier, tier_id)
        if tier is not None:
            await self.session.refresh(tier, ["seats_taken"])
