"""Statements over probations, and the strike count their clean-days condition needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models.gate import Probation


class ProbationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_for_member(self, community_id: str, member_id: str) -> Probation | None:
        query = select(Probation).where(
            Probation.community_id == community_id,
            Probation.member_id == member_id,
            col(Probation.ended_at).is_(None),
        )
        return (await self.session.exec(query)).first()

    async def open(self, *, after: str | None, limit: int) -> Sequence[Probation]:
        """Open probations of every community, in id order: the promotion job walks them in batches."""
        query = select(Probation).where(col(Probation.ended_at).is_(None)).order_by(col(Probation.id)).limit(limit)
        if after is not None:
            query = query.where(col(Probation.id) > after)
        return (await self.session.exec(query)).all()

    def add(self, row: Probation) -> None:
        self.session.add(row)


async def strikes_since(session: AsyncSession, community_id: str, member_id: str, since: datetime) -> int:
    """Strikes recorded against the member at or after ``since``.

    NOTE for the merge: strikes are built on the moderation branch (a ``strike`` table). Until that is
    merged this answers 0, so the clean-days condition is "N days since probation started". Wire it
    to the strike table (count strikes with ``created_at >= since``) when both branches meet.
    """
    del session, community_id, member_id, since
    return 0
