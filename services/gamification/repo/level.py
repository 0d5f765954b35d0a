"""Statements over levels, always scoped by community."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.models import Level


class LevelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for(self, community_ids: Sequence[str]) -> Sequence[Level]:
        query = (
            select(Level)
            .where(col(Level.community_id).in_(community_ids))
            .order_by(col(Level.community_id), col(Level.rank))
        )
        return (await self.session.exec(query)).all()

    async def exists_for(self, community_id: str) -> bool:
        query = select(Level.id).where(Level.community_id == community_id).limit(1)
        return (await self.session.exec(query)).first() is not None

    async def delete_for(self, community_id: str) -> None:
        await self.session.exec(delete(Level).where(col(Level.community_id) == community_id))

    def add_all(self, levels: Sequence[Level]) -> None:
        self.session.add_all(levels)
