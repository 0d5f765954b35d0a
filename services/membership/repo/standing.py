"""Statements behind standing: activity totals per member over a window, and the evaluation records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from services.membership.domain.membership import INSIDE
from services.membership.domain.standing import Figures
from services.membership.models import ActivityDay, Membership
from services.membership.models.standing import StandingRecord
from services.membership.repo.activity import busy


def _active_day() -> ColumnElement[int]:
    """1 for a day with any message, reaction, check-in or other participation; 0 otherwise."""
    return func.sum(case((busy() > 0, 1), else_=0))


class StandingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def figures(
        self, community_id: str, *, first_day: date, last_day: date, member_ids: Sequence[str] | None = None
    ) -> dict[str, Figures]:
        """Totals per member over the days ``first_day`` to ``last_day`` (both included)."""
        totals: tuple[Any, ...] = (
            col(ActivityDay.member_id),
            _active_day(),
            func.sum(col(ActivityDay.messages)),
            func.sum(col(ActivityDay.characters)),
            func.sum(col(ActivityDay.reactions)),
            func.sum(col(ActivityDay.checkins)),
            func.sum(col(ActivityDay.participations)),
        )
        # Seven columns: more than sqlmodel's typed select() overloads spell out.
        query = cast(
            "Select[str, int, int, int, int, int, int]",
            select(*totals),
        )
        query = query.where(
            ActivityDay.community_id == community_id,
            col(ActivityDay.day) >= first_day,
            col(ActivityDay.day) <= last_day,
        ).group_by(col(ActivityDay.member_id))
        if member_ids is not None:
            query = query.where(col(ActivityDay.member_id).in_(member_ids))
        rows = (await self.session.exec(query)).all()
        return {
            member_id: Figures(
                days_active=int(days or 0),
                messages=int(messages or 0),
                characters=int(characters or 0),
                reactions_given=int(reactions or 0),
                checkins=int(checkins or 0),
                participations=int(participations or 0),
            )
            for member_id, days, messages, characters, reactions, checkins, participations in rows
        }

    async def inside_memberships(self, community_id: str) -> Sequence[Membership]:
        query = (
            select(Membership)
            .where(Membership.community_id == community_id, col(Membership.status).in_([s.value for s in INSIDE]))
            .order_by(col(Membership.id))
        )
        return (await self.session.exec(query)).all()

    async def records(self, community_id: str, member_ids: Sequence[str] | None = None) -> dict[str, StandingRecord]:
        query = select(StandingRecord).where(StandingRecord.community_id == community_id)
        if member_ids is not None:
            query = query.where(col(StandingRecord.member_id).in_(member_ids))
        return {record.member_id: record for record in (await self.session.exec(query)).all()}

    def add(self, record: StandingRecord) -> None:
        self.session.add(record)
