"""Statements over point rules, always scoped by community."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.models import PointRule


class RuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, community_id: str, *, events: Sequence[str] | None = None) -> Sequence[PointRule]:
        query = select(PointRule).where(PointRule.community_id == community_id, col(PointRule.current).is_(True))
        if events is not None:
            query = query.where(col(PointRule.event).in_(events))
        return (await self.session.exec(query.order_by(col(PointRule.rule_id)))).all()

    async def current_or_none(self, community_id: str, rule_id: str) -> PointRule | None:
        query = select(PointRule).where(
            PointRule.community_id == community_id, PointRule.rule_id == rule_id, col(PointRule.current).is_(True)
        )
        return (await self.session.exec(query)).first()

    async def versions(self, community_id: str, rule_id: str) -> Sequence[PointRule]:
        query = (
            select(PointRule)
            .where(PointRule.community_id == community_id, PointRule.rule_id == rule_id)
            .order_by(col(PointRule.version))
        )
        return (await self.session.exec(query)).all()

    async def retire(self, rule: PointRule) -> None:
        await self.session.exec(update(PointRule).where(col(PointRule.id) == rule.id).values(current=False))

    def add(self, rule: PointRule) -> None:
        self.session.add(rule)
