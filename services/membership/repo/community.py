"""Statements over communities."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Community


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str) -> Community | None:
        return await self.session.get(Community, community_id)

    async def list(self, *, ids: Sequence[str] | None, after: str | None, limit: int) -> Sequence[Community]:
        query = select(Community).order_by(col(Community.id)).limit(limit)
        if ids is not None:
            query = query.where(col(Community.id).in_(ids))
        if after is not None:
            query = query.where(col(Community.id) > after)
        return (await self.session.exec(query)).all()

    async def existing_ids(self, ids: Sequence[str]) -> set[str]:
        return set((await self.session.exec(select(col(Community.id)).where(col(Community.id).in_(ids)))).all())

    def add(self, community: Community) -> None:
        self.session.add(community)
