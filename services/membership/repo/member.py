"""Statements over members and their platform identities."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Identity, Member


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str, member_id: str) -> Member | None:
        member = await self.session.get(Member, member_id)
        return member if member is not None and member.community_id == community_id else None

    async def list_by_ids(self, community_id: str, member_ids: Sequence[str]) -> Sequence[Member]:
        query = select(Member).where(Member.community_id == community_id, col(Member.id).in_(member_ids))
        return (await self.session.exec(query)).all()

    async def by_external_ref(self, community_id: str, external_ref: str) -> Member | None:
        query = select(Member).where(Member.community_id == community_id, Member.external_ref == external_ref)
        return (await self.session.exec(query)).first()

    async def by_identity(self, community_id: str, platform: str, platform_user_id: str) -> Member | None:
        query = (
            select(Member)
            .join(Identity, col(Identity.member_id) == col(Member.id))
            .where(
                Identity.community_id == community_id,
                Identity.platform == platform,
                Identity.platform_user_id == platform_user_id,
            )
        )
        return (await self.session.exec(query)).first()

    async def identities(self, community_id: str, member_id: str) -> Sequence[Identity]:
        query = (
            select(Identity)
            .where(Identity.community_id == community_id, Identity.member_id == member_id)
            .order_by(col(Identity.platform), col(Identity.platform_user_id))
        )
        return (await self.session.exec(query)).all()

    def add(self, row: Member | Identity) -> None:
        self.session.add(row)
