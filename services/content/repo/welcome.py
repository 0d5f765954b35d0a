"""Statements over welcome templates, always scoped by community."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.content.models import WelcomeGroupOverride, WelcomeTemplate


class WelcomeTemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for(self, community_ids: Sequence[str]) -> Sequence[WelcomeTemplate]:
        query = select(WelcomeTemplate).where(col(WelcomeTemplate.community_id).in_(community_ids))
        return (await self.session.exec(query)).all()

    async def get_for(self, community_id: str) -> WelcomeTemplate | None:
        query = select(WelcomeTemplate).where(WelcomeTemplate.community_id == community_id)
        return (await self.session.exec(query)).first()

    def add(self, row: WelcomeTemplate | WelcomeGroupOverride) -> None:
        self.session.add(row)

    async def overrides_for(self, community_ids: Sequence[str]) -> Sequence[WelcomeGroupOverride]:
        query = (
            select(WelcomeGroupOverride)
            .where(col(WelcomeGroupOverride.community_id).in_(community_ids))
            .order_by(col(WelcomeGroupOverride.group_id))
        )
        return (await self.session.exec(query)).all()

    async def override_for(self, community_id: str, group_id: str) -> WelcomeGroupOverride | None:
        query = select(WelcomeGroupOverride).where(
            WelcomeGroupOverride.community_id == community_id, WelcomeGroupOverride.group_id == group_id
        )
        return (await self.session.exec(query)).first()

    async def drop_overrides(self, community_id: str) -> None:
        await self.session.exec(
            delete(WelcomeGroupOverride).where(col(WelcomeGroupOverride.community_id) == community_id)
        )
