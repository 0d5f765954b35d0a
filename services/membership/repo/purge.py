"""Statements behind lurker purges: silence and missed assignments, exemptions, runs and their members."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.domain.membership import INSIDE
from services.membership.domain.purge import RunStatus
from services.membership.models import ActivityDay, Member, Membership
from services.membership.models.purge import AssignmentMiss, PurgeExemption, PurgeRun, PurgeRunMember
from services.membership.repo.activity import busy


def _busy() -> ColumnElement[bool]:
    return busy() > 0


class PurgeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def inside(self, community_id: str) -> Sequence[tuple[Member, Membership]]:
        query = (
            select(Member, Membership)
            .join(Membership, col(Membership.member_id) == col(Member.id))
            .where(Member.community_id == community_id, col(Membership.status).in_([s.value for s in INSIDE]))
            .order_by(col(Member.id))
        )
        return (await self.session.exec(query)).all()

    async def active_between(self, community_id: str, *, first_day: date, last_day: date) -> set[str]:
        """Members with a message, reaction, check-in or other participation on a day of ``first_day``..``last_day``."""
        query = select(col(ActivityDay.member_id)).where(
            ActivityDay.community_id == community_id,
            col(ActivityDay.day) >= first_day,
            col(ActivityDay.day) <= last_day,
            _busy(),
        )
        return set((await self.session.exec(query)).all())

    async def active_since(self, community_id: str, member_ids: Sequence[str], *, since: datetime) -> set[str]:
        """Of ``member_ids``, those active at or after ``since`` (``last_at`` is a day's latest activity)."""
        if not member_ids:
            return set()
        query = select(col(ActivityDay.member_id)).where(
            ActivityDay.community_id == community_id,
            col(ActivityDay.member_id).in_(member_ids),
            col(ActivityDay.last_at) >= since,
            _busy(),
        )
        return set((await self.session.exec(query)).all())

    async def missed_counts(self, community_id: str, *, after: datetime, until: datetime) -> Counter[str]:
        query = select(col(AssignmentMiss.member_id)).where(
            AssignmentMiss.community_id == community_id,
            col(AssignmentMiss.due_at) > after,
            col(AssignmentMiss.due_at) <= until,
        )
        return Counter((await self.session.exec(query)).all())

    async def record_miss(self, miss: AssignmentMiss) -> bool:
        """Store the miss unless it is known already (a redelivered or repeated event counts once)."""
        key = (miss.community_id, miss.member_id, miss.assignment_id)
        if await self.session.get(AssignmentMiss, key) is not None:
            return False
        self.session.add(miss)
        return True

    async def exempt_ids(self, community_id: str) -> set[str]:
        query = select(col(PurgeExemption.member_id)).where(PurgeExemption.community_id == community_id)
        return set((await self.session.exec(query)).all())

    async def exemption(self, community_id: str, member_id: str) -> PurgeExemption | None:
        return await self.session.get(PurgeExemption, (community_id, member_id))

    async def open_run(self, community_id: str) -> PurgeRun | None:
        query = select(PurgeRun).where(PurgeRun.community_id == community_id, PurgeRun.status == RunStatus.WARNING)
        return (await self.session.exec(query)).first()

    async def run(self, community_id: str, run_id: str, *, for_update: bool = False) -> PurgeRun | None:
        query = select(PurgeRun).where(PurgeRun.community_id == community_id, PurgeRun.id == run_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def runs(self, community_id: str, *, after: str | None, limit: int) -> Sequence[PurgeRun]:
        query = (
            select(PurgeRun).where(PurgeRun.community_id == community_id).order_by(col(PurgeRun.id).desc()).limit(limit)
        )
        if after is not None:
            query = query.where(col(PurgeRun.id) < after)
        return (await self.session.exec(query)).all()

    async def due_runs(self, community_id: str, *, now: datetime) -> Sequence[PurgeRun]:
        query = (
            select(PurgeRun)
            .where(
                PurgeRun.community_id == community_id,
                PurgeRun.status == RunStatus.WARNING,
                col(PurgeRun.remove_after) <= now,
            )
            .order_by(col(PurgeRun.id))
            .with_for_update()
        )
        return (await self.session.exec(query)).all()

    async def run_members(self, run_id: str) -> Sequence[PurgeRunMember]:
        query = select(PurgeRunMember).where(PurgeRunMember.run_id == run_id).order_by(col(PurgeRunMember.member_id))
        return (await self.session.exec(query)).all()

    async def last_removal(self, community_id: str, member_id: str) -> PurgeRunMember | None:
        query = (
            select(PurgeRunMember)
            .where(
                PurgeRunMember.community_id == community_id,
                PurgeRunMember.member_id == member_id,
                col(PurgeRunMember.resolved_at).is_not(None),
                col(PurgeRunMember.state).in_(["removed", "returned"]),
            )
            .order_by(col(PurgeRunMember.resolved_at).desc())
        )
        return (await self.session.exec(query)).first()

    def add(self, row: PurgeRun | PurgeRunMember | PurgeExemption) -> None:
        self.session.add(row)

    async def delete(self, row: PurgeExemption) -> None:
        await self.session.delete(row)
