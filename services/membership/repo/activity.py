"""Statements over per-day activity and the participations counted in it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import ActivityDay
from services.membership.models.activity import ParticipationRecord
from services.membership.repo.upsert import insert_for


def busy() -> ColumnElement[int]:
    """What makes a day active: any message, reaction, check-in or other participation (> 0)."""
    return (
        col(ActivityDay.messages)
        + col(ActivityDay.reactions)
        + col(ActivityDay.checkins)
        + col(ActivityDay.participations)
    )


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        community_id: str,
        member_id: str,
        day: date,
        *,
        at: datetime,
        messages: int = 0,
        characters: int = 0,
        reactions: int = 0,
        checkins: int = 0,
        participations: int = 0,
    ) -> None:
        """Add to the member's counters of ``day`` in one statement, creating the row when it is the first.
        ``last_at`` only moves forward: events of different streams arrive in any order."""
        insert = insert_for(self.session, ActivityDay).values(
            community_id=community_id,
            member_id=member_id,
            day=day,
            messages=messages,
            characters=characters,
            reactions=reactions,
            checkins=checkins,
            participations=participations,
            last_at=at,
        )
        await self.session.exec(
            insert.on_conflict_do_update(
                index_elements=["community_id", "member_id", "day"],
                set_={
                    "messages": col(ActivityDay.messages) + insert.excluded.messages,
                    "characters": col(ActivityDay.characters) + insert.excluded.characters,
                    "reactions": col(ActivityDay.reactions) + insert.excluded.reactions,
                    "checkins": col(ActivityDay.checkins) + insert.excluded.checkins,
                    "participations": col(ActivityDay.participations) + insert.excluded.participations,
                    "last_at": case(
                        (insert.excluded.last_at > col(ActivityDay.last_at), insert.excluded.last_at),
                        else_=col(ActivityDay.last_at),
                    ),
                },
            )
        )

    async def days(
        self, community_id: str, member_id: str, *, since: date | None, until: date | None
    ) -> Sequence[ActivityDay]:
        query = (
            select(ActivityDay)
            .where(ActivityDay.community_id == community_id, ActivityDay.member_id == member_id)
            .order_by(col(ActivityDay.day))
        )
        if since is not None:
            query = query.where(col(ActivityDay.day) >= since)
        if until is not None:
            query = query.where(col(ActivityDay.day) <= until)
        return (await self.session.exec(query)).all()

    async def messages_before(self, community_id: str, member_id: str) -> int:
        query = select(func.coalesce(func.sum(ActivityDay.messages), 0)).where(
            ActivityDay.community_id == community_id, ActivityDay.member_id == member_id
        )
        return int((await self.session.exec(query)).one())

    async def first_participation(self, participation: ParticipationRecord) -> bool:
        """Store ``participation`` unless its act is known already: False for a replay, which counts nothing."""
        insert = insert_for(self.session, ParticipationRecord).values(
            community_id=participation.community_id,
            kind=participation.kind,
            ref=participation.ref,
            member_id=participation.member_id,
            at=participation.at,
        )
        result: Any = await self.session.exec(insert.on_conflict_do_nothing())
        return bool(result.rowcount)
