"""Statements over invitation codes and applications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models.gate import Application, InvitationCode


class InvitationCodeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str, code_id: str) -> InvitationCode | None:
        row = await self.session.get(InvitationCode, code_id)
        return row if row is not None and row.community_id == community_id else None

    async def by_code(self, community_id: str, code: str) -> InvitationCode | None:
        query = select(InvitationCode).where(InvitationCode.community_id == community_id, InvitationCode.code == code)
        return (await self.session.exec(query)).first()

    async def list(
        self, community_id: str, *, tier_id: str | None, after: str | None, limit: int
    ) -> Sequence[InvitationCode]:
        query = (
            select(InvitationCode)
            .where(InvitationCode.community_id == community_id)
            .order_by(col(InvitationCode.id))
            .limit(limit)
        )
        if tier_id is not None:
            query = query.where(InvitationCode.tier_id == tier_id)
        if after is not None:
            query = query.where(col(InvitationCode.id) > after)
        return (await self.session.exec(query)).all()

    def add(self, row: InvitationCode) -> None:
        self.session.add(row)

    async def redeem(self, code_id: str, *, now: datetime) -> bool:
        """One conditional UPDATE: of two joins racing for a code's last use, exactly one sees a row change."""
        result = await self.session.exec(
            update(InvitationCode)
            .where(col(InvitationCode.id) == code_id)
            .where(col(InvitationCode.revoked_at).is_(None))
            .where(col(InvitationCode.expires_at).is_(None) | (col(InvitationCode.expires_at) > now))
            .where(col(InvitationCode.max_uses).is_(None) | (col(InvitationCode.uses) < col(InvitationCode.max_uses)))
            .values(uses=col(InvitationCode.uses) + 1)
            .execution_options(synchronize_session=False)
        )
        redeemed = bool(result.rowcount)
        if redeemed:
            row = await self.session.get(InvitationCode, code_id)
            if row is not None:
                await self.session.refresh(row, ["uses"])
        return redeemed


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str, application_id: str, *, for_update: bool = False) -> Application | None:
        query = select(Application).where(Application.community_id == community_id, Application.id == application_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def pending_for_member(self, community_id: str, member_id: str) -> Application | None:
        query = select(Application).where(
            Application.community_id == community_id,
            Application.member_id == member_id,
            Application.status == "pending",
        )
        return (await self.session.exec(query)).first()

    async def list(
        self, community_id: str, *, status: str | None, tier_id: str | None, after: str | None, limit: int
    ) -> Sequence[Application]:
        """Oldest first: ids sort by creation time, so the queue is in submission order."""
        query = (
            select(Application)
            .where(Application.community_id == community_id)
            .order_by(col(Application.id))
            .limit(limit)
        )
        if status is not None:
            query = query.where(Application.status == status)
        if tier_id is not None:
            query = query.where(Application.tier_id == tier_id)
        if after is not None:
            query = query.where(col(Application.id) > after)
        return (await self.session.exec(query)).all()

    def add(self, row: Application) -> None:
        self.session.add(row)
