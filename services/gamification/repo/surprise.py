"""Statements over surprise rules, budgets and draws, always scoped by community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.models.surprise import SurpriseBudget, SurpriseDraw, SurpriseRule
from services.gamification.repo.ledger import insert_for

BUDGET = SurpriseBudget.__table__  # type: ignore[attr-defined]
DRAW = SurpriseDraw.__table__  # type: ignore[attr-defined]


class SurpriseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, rule: SurpriseRule) -> None:
        self.session.add(rule)

    async def rules(self, community_id: str, *, enabled_only: bool = False) -> Sequence[SurpriseRule]:
        query = select(SurpriseRule).where(SurpriseRule.community_id == community_id)
        if enabled_only:
            query = query.where(col(SurpriseRule.enabled).is_(True))
        return (await self.session.exec(query.order_by(col(SurpriseRule.id)))).all()

    async def rule(self, community_id: str, rule_id: str) -> SurpriseRule | None:
        query = select(SurpriseRule).where(SurpriseRule.community_id == community_id, SurpriseRule.id == rule_id)
        return (await self.session.exec(query)).first()

    async def spent(self, rule_id: str, day: dt.date) -> int:
        query = select(SurpriseBudget.spent).where(SurpriseBudget.rule_id == rule_id, SurpriseBudget.day == day)
        return (await self.session.exec(query)).first() or 0

    async def take_budget(self, *, community_id: str, rule_id: str, day: dt.date, points: int, budget: int) -> bool:
        """Count ``points`` against the day's budget, only if it stays within ``budget``."""
        connection = await self.session.connection()
        await connection.execute(
            insert_for(connection)(BUDGET)
            .values(rule_id=rule_id, day=day, community_id=community_id, spent=0)
            .on_conflict_do_nothing(index_elements=["rule_id", "day"])
        )
        statement = (
            update(BUDGET)
            .where(BUDGET.c.rule_id == rule_id, BUDGET.c.day == day, BUDGET.c.spent + points <= budget)
            .values(spent=BUDGET.c.spent + points)
            .returning(BUDGET.c.spent)
        )
        return (await connection.execute(statement)).first() is not None

    async def draw_exists(self, rule_id: str, event_id: str, member_id: str) -> bool:
        query = select(SurpriseDraw.id).where(
            SurpriseDraw.rule_id == rule_id, SurpriseDraw.event_id == event_id, SurpriseDraw.member_id == member_id
        )
        return (await self.session.exec(query)).first() is not None

    async def insert_draw(self, draw: SurpriseDraw) -> None:
        connection = await self.session.connection()
        await connection.execute(insert_for(connection)(DRAW).values(draw.model_dump()))

    async def draws(
        self, community_id: str, *, rule_id: str | None, member_id: str | None, before: str | None, limit: int
    ) -> Sequence[SurpriseDraw]:
        query = select(SurpriseDraw).where(SurpriseDraw.community_id == community_id)
        if rule_id is not None:
            query = query.where(SurpriseDraw.rule_id == rule_id)
        if member_id is not None:
            query = query.where(SurpriseDraw.member_id == member_id)
        if before is not None:
            query = query.where(col(SurpriseDraw.id) < before)
        return (await self.session.exec(query.order_by(col(SurpriseDraw.id).desc()).limit(limit))).all()

    async def draw(self, community_id: str, draw_id: str) -> SurpriseDraw | None:
        query = select(SurpriseDraw).where(SurpriseDraw.community_id == community_id, SurpriseDraw.id == draw_id)
        return (await self.session.exec(query)).first()
