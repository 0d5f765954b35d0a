"""Statements over probations, and the strike count their clean-days condition needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models.gate import Probation
from services.membership.models.moderation import Strike


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

    async def open(self, community_id: str) -> Sequence[Probation]:
        """The community's open probations, oldest first."""
        query = (
            select(Probation)
            .where(Probation.community_id == community_id, col(Probation.ended_at).is_(None))
            .order_by(col(Probation.id))
        )
        return (await self.session.exec(query)).all()

    def add(self, row: Probation) -> None:
        self.session.add(row)


async def strikes_since(session: AsyncSession, community_id: str, member_id: str, since: datetime) -> int:
    """Strikes recorded against the member at or after ``since`` (revoked ones do not count)."""
    query = select(func.count()).where(
        Strike.community_id == community_id,
        Strike.member_id == member_id,
        col(Strike.created_at) >= since,
        col(Strike.revoked_at).is_(None),
    )
    return int((await session.exec(query)).one())
