"""Statements over badges, awards and the per-member event counters, always scoped by community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.badge import Streak
from services.gamification.models.badge import Badge, BadgeAward, MemberEventDay, MemberStreak
from services.gamification.repo.ledger import insert_for

AWARD = BadgeAward.__table__  # type: ignore[attr-defined]
EVENT_DAY = MemberEventDay.__table__  # type: ignore[attr-defined]
STREAK = MemberStreak.__table__  # type: ignore[attr-defined]


class BadgeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, badge: Badge) -> None:
        self.session.add(badge)

    async def list(self, community_id: str, *, enabled_only: bool = False) -> Sequence[Badge]:
        query = select(Badge).where(Badge.community_id == community_id)
        if enabled_only:
            query = query.where(col(Badge.enabled).is_(True))
        return (await self.session.exec(query.order_by(col(Badge.id)))).all()

    async def get(self, community_id: str, badge_id: str) -> Badge | None:
        query = select(Badge).where(Badge.community_id == community_id, Badge.id == badge_id)
        return (await self.session.exec(query)).first()

    async def by_name(self, community_id: str, name: str) -> Badge | None:
        query = select(Badge).where(Badge.community_id == community_id, Badge.name == name)
        return (await self.session.exec(query)).first()

    async def insert_award(self, values: dict[str, Any]) -> bool:
        """Add an award; False when the (badge, member, key) already has one."""
        connection = await self.session.connection()
        statement = (
            insert_for(connection)(AWARD)
            .values(values)
            .on_conflict_do_nothing(index_elements=["community_id", "badge_id", "member_id", "award_key"])
            .returning(AWARD.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def award_keys(self, community_id: str, member_id: str, badge_ids: Sequence[str]) -> set[tuple[str, str]]:
        query = select(BadgeAward.badge_id, BadgeAward.award_key).where(
            BadgeAward.community_id == community_id,
            BadgeAward.member_id == member_id,
            col(BadgeAward.badge_id).in_(badge_ids),
        )
        return {(badge_id, key) for badge_id, key in (await self.session.exec(query)).all()}

    async def awards_of(self, community_id: str, member_ids: Sequence[str]) -> Sequence[BadgeAward]:
        query = (
            select(BadgeAward)
            .where(BadgeAward.community_id == community_id, col(BadgeAward.member_id).in_(member_ids))
            .order_by(col(BadgeAward.member_id), col(BadgeAward.id))
        )
        return (await self.session.exec(query)).all()

    async def count_event(self, *, community_id: str, member_id: str, event: str, day: dt.date) -> None:
        connection = await self.session.connection()
        statement = (
            insert_for(connection)(EVENT_DAY)
            .values(community_id=community_id, member_id=member_id, event=event, day=day, count=1)
            .on_conflict_do_update(
                index_elements=["community_id", "member_id", "event", "day"], set_={"count": EVENT_DAY.c.count + 1}
            )
        )
        await connection.execute(statement)

    async def streaks(self, community_id: str, member_id: str, events: Sequence[str]) -> dict[str, Streak]:
        query = select(MemberStreak).where(
            MemberStreak.community_id == community_id,
            MemberStreak.member_id == member_id,
            col(MemberStreak.event).in_(events),
        )
        return {
            row.event: Streak(row.last_day, row.start_day, row.current, row.best)
            for row in (await self.session.exec(query)).all()
        }

    async def save_streak(self, *, community_id: str, member_id: str, event: str, streak: Streak) -> None:
        connection = await self.session.connection()
        values = {
            "last_day": streak.last_day,
            "start_day": streak.start_day,
            "current": streak.current,
            "best": streak.best,
        }
        statement = (
            insert_for(connection)(STREAK)
            .values(community_id=community_id, member_id=member_id, event=event, **values)
            .on_conflict_do_update(index_elements=["community_id", "member_id", "event"], set_=values)
        )
        await connection.execute(statement)

    async def totals(self, community_id: str, member_id: str, events: Sequence[str]) -> dict[str, int]:
        query = (
            select(MemberEventDay.event, func.sum(MemberEventDay.count))
            .where(
                MemberEventDay.community_id == community_id,
                MemberEventDay.member_id == member_id,
                col(MemberEventDay.event).in_(events),
            )
            .group_by(col(MemberEventDay.event))
        )
        return {event: int(total or 0) for event, total in (await self.session.exec(query)).all()}

    async def days(
        self, community_id: str, *, events: Sequence[str], member_id: str | None = None, since: dt.date | None = None
    ) -> Sequence[MemberEventDay]:
        query = select(MemberEventDay).where(
            MemberEventDay.community_id == community_id, col(MemberEventDay.event).in_(events)
        )
        if member_id is not None:
            query = query.where(MemberEventDay.member_id == member_id)
        if since is not None:
            query = query.where(col(MemberEventDay.day) >= since)
        return (await self.session.exec(query)).all()

    async def completed_challenges(self, community_id: str, member_id: str | None = None) -> Sequence[MemberEventDay]:
        query = select(MemberEventDay).where(
            MemberEventDay.community_id == community_id, col(MemberEventDay.event).startswith("challenge.completed:")
        )
        if member_id is not None:
            query = query.where(MemberEventDay.member_id == member_id)
        return (await self.session.exec(query)).all()
