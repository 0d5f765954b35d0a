"""Statements of reversals: a message's awards, corrections of them, and struck messages; scoped by community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Executable, Result, and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.ledger import EntryKind
from services.gamification.models import PointEntry
from services.gamification.models.reversal import StruckMessage
from services.gamification.repo.ledger import BALANCE, ENTRY, insert_for

STRUCK = StruckMessage.__table__  # type: ignore[attr-defined]


class ReversalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _run(self, statement: Executable) -> Result[Any]:
        return await (await self.session.connection()).execute(statement)

    async def awards_for(self, community_id: str, member_id: str, message_ref: str) -> Sequence[PointEntry]:
        """The rule awards the member got for the message, oldest first."""
        query = (
            select(PointEntry)
            .where(
                PointEntry.community_id == community_id,
                PointEntry.message_ref == message_ref,
                PointEntry.member_id == member_id,
                PointEntry.kind == EntryKind.AWARD.value,
            )
            .order_by(col(PointEntry.id))
        )
        return (await self.session.exec(query)).all()

    async def corrected(self, community_id: str, entry_ids: Sequence[str]) -> dict[str, int]:
        """What later entries correcting each of ``entry_ids`` add up to (absent: none)."""
        if not entry_ids:
            return {}
        query = (
            sa_select(ENTRY.c.corrects_entry_id, func.sum(ENTRY.c.points))
            .where(ENTRY.c.community_id == community_id, ENTRY.c.corrects_entry_id.in_(entry_ids))
            .group_by(ENTRY.c.corrects_entry_id)
        )
        return {
            entry_id: int(total) for entry_id, total in (await (await self.session.connection()).execute(query)).all()
        }

    async def balance(self, community_id: str, member_id: str) -> int:
        """The spendable balance as the database has it now (not a Balance object the session may hold)."""
        query = sa_select(BALANCE.c.balance).where(
            BALANCE.c.community_id == community_id, BALANCE.c.member_id == member_id
        )
        found = (await self._run(query)).scalar_one_or_none()
        return int(found or 0)

    async def strike(
        self, *, community_id: str, message_ref: str, member_id: str, strike_id: str, rule: str, at: dt.datetime
    ) -> bool:
        """Remember the struck message; False when an earlier strike already named it."""
        connection = await self.session.connection()
        statement = (
            insert_for(connection)(STRUCK)
            .values(
                community_id=community_id,
                message_ref=message_ref,
                member_id=member_id,
                strike_id=strike_id,
                rule=rule,
                struck_at=at,
            )
            .on_conflict_do_nothing(index_elements=["community_id", "message_ref"])
            .returning(STRUCK.c.message_ref)
        )
        return (await connection.execute(statement)).first() is not None

    async def struck_among(self, refs: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which ``(community id, message ref)`` pairs are struck messages: one query for a whole batch."""
        if not refs:
            return set()
        by_community: dict[str, set[str]] = {}
        for community_id, ref in refs:
            by_community.setdefault(community_id, set()).add(ref)
        condition = or_(
            *(
                and_(STRUCK.c.community_id == community_id, STRUCK.c.message_ref.in_(sorted(found)))
                for community_id, found in sorted(by_community.items())
            )
        )
        query = sa_select(STRUCK.c.community_id, STRUCK.c.message_ref).where(condition)
        return {
            (row.community_id, row.message_ref)
            for row in (await (await self.session.connection()).execute(query)).all()
        }
