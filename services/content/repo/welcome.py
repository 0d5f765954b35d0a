"""Statements over welcome templates, always scoped by community."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.content.models import WelcomeTemplate


class WelcomeTemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_for(self, community_ids: Sequence[str]) -> Sequence[WelcomeTemplate]:
        query = select(WelcomeTemplate).where(col(WelcomeTemplate.community_id).in_(community_ids))
        return (await self.session.exec(query)).all()

    async def get_for(self, community_id: str) -> WelcomeTemplate | None:
        query = select(WelcomeTemplate).where(WelcomeTemplate.community_id == community_id)
        return (await self.session.exec(query)).first()

    def add(self, template: WelcomeTemplate) -> None:
        self.session.add(template)
