"""Statements over strikes, the ban list, the moderation audit and the spam windows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Identity
from services.membership.models.moderation import Ban, ModerationAudit, SpamWindow, Strike
from services.membership.repo.group import ChatSeat, GroupRepository


class StrikeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, strike: Strike) -> None:
        self.session.add(strike)

    async def get(self, community_id: str, strike_id: str, *, for_update: bool = False) -> Strike | None:
        query = select(Strike).where(Strike.community_id == community_id, Strike.id == strike_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def active_weight(self, community_id: str, member_id: str, *, at: datetime) -> int:
        """The member's active strikes at ``at``: unexpired, unrevoked, each counted by its weight."""
        query = select(func.coalesce(func.sum(Strike.weight), 0)).where(
            Strike.community_id == community_id,
            Strike.member_id == member_id,
            col(Strike.expires_at) > at,
            col(Strike.revoked_at).is_(None),
        )
        return int((await self.session.exec(query)).one())

    async def list_for_member(
        self, community_id: str, member_id: str, *, active_at: datetime | None, after: str | None, limit: int
    ) -> Sequence[Strike]:
        """Newest first; only the active ones at ``active_at`` when it is given."""
        query = (
            select(Strike)
            .where(Strike.community_id == community_id, Strike.member_id == member_id)
            .order_by(col(Strike.id).desc())
            .limit(limit)
        )
        if active_at is not None:
            query = query.where(col(Strike.expires_at) > active_at, col(Strike.revoked_at).is_(None))
        if after is not None:
            query = query.where(col(Strike.id) < after)
        return (await self.session.exec(query)).all()


class BanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, ban: Ban) -> None:
        self.session.add(ban)

    async def matching(
        self, community_id: str, *, member_id: str | None, platform: str | None, platform_user_id: str | None
    ) -> Sequence[Ban]:
        """Entries of the member, or of the platform account, or of the member the account belongs to."""
        conditions = []
        if member_id is not None:
            conditions.append(col(Ban.member_id) == member_id)
        if platform is not None and platform_user_id is not None:
            conditions.append((col(Ban.platform) == platform) & (col(Ban.platform_user_id) == platform_user_id))
            owner = select(Identity.member_id).where(
                Identity.community_id == community_id,
                Identity.platform == platform,
                Identity.platform_user_id == platform_user_id,
            )
            conditions.append(col(Ban.member_id).in_(owner.scalar_subquery()))
        if not conditions:
            return []
        query = select(Ban).where(Ban.community_id == community_id, or_(*conditions)).order_by(col(Ban.id))
        return (await self.session.exec(query)).all()

    async def list(self, community_id: str, *, member_id: str | None, after: str | None, limit: int) -> Sequence[Ban]:
        query = select(Ban).where(Ban.community_id == community_id).order_by(col(Ban.id)).limit(limit)
        if member_id is not None:
            query = query.where(Ban.member_id == member_id)
        if after is not None:
            query = query.where(col(Ban.id) > after)
        return (await self.session.exec(query)).all()

    async def clear_member(self, community_id: str, member_id: str) -> int:
        result = await self.session.exec(
            delete(Ban)
            .where(col(Ban.community_id) == community_id, col(Ban.member_id) == member_id)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)

    async def clear_identity(self, community_id: str, platform: str, platform_user_id: str) -> int:
        result = await self.session.exec(
            delete(Ban)
            .where(
                col(Ban.community_id) == community_id,
                col(Ban.member_id).is_(None),
                col(Ban.platform) == platform,
                col(Ban.platform_user_id) == platform_user_id,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: ModerationAudit) -> None:
        self.session.add(entry)

    async def list(
        self, community_id: str, *, member_id: str | None, after: str | None, limit: int
    ) -> Sequence[ModerationAudit]:
        """Newest first."""
        query = (
            select(ModerationAudit)
            .where(ModerationAudit.community_id == community_id)
            .order_by(col(ModerationAudit.id).desc())
            .limit(limit)
        )
        if member_id is not None:
            query = query.where(ModerationAudit.member_id == member_id)
        if after is not None:
            query = query.where(col(ModerationAudit.id) < after)
        return (await self.session.exec(query)).all()


class SpamWindowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str, member_id: str) -> SpamWindow | None:
        query = select(SpamWindow).where(SpamWindow.community_id == community_id, SpamWindow.member_id == member_id)
        return (await self.session.exec(query.with_for_update())).first()

    def add(self, window: SpamWindow) -> None:
        self.session.add(window)


async def member_chats(session: AsyncSession, community_id: str, member_id: str) -> list[ChatSeat]:
    """The groups the member is in, by presence (ADR 0008), each with the account that is there; for a group
    whose presence is not known at all, the member's account on its platform (see ``seats_of``)."""
    return list(await GroupRepository(session).seats_of(community_id, [member_id]))
