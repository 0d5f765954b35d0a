"""Statements over memberships and their transition log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Membership, MembershipTransition


class MembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_for_member(self, community_id: str, member_id: str, *, for_update: bool = False) -> Membership | None:
        query = select(Membership).where(Membership.community_id == community_id, Membership.member_id == member_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def list_for_members(self, community_id: str, member_ids: Sequence[str]) -> Sequence[Membership]:
        query = select(Membership).where(
            Membership.community_id == community_id, col(Membership.member_id).in_(member_ids)
        )
        return (await self.session.exec(query)).all()

    async def owner(self, community_id: str, *, for_update: bool = False) -> Membership | None:
        query = select(Membership).where(Membership.community_id == community_id, Membership.role == "owner")
        if for_update:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    def add(self, membership: Membership) -> None:
        self.session.add(membership)

    def log(self, transition: MembershipTransition) -> None:
        self.session.add(transition)

    async def transitions(
        self, community_id: str, membership_id: str, *, after: str | None, limit: int
    ) -> Sequence[MembershipTransition]:
        query = (
            select(MembershipTransition)
            .where(
                MembershipTransition.community_id == community_id,
                MembershipTransition.membership_id == membership_id,
            )
            .order_by(col(MembershipTransition.id))
            .limit(limit)
        )
        if after is not None:
            query = query.where(col(MembershipTransition.id) > after)
        return (await self.session.exec(query)).all()
