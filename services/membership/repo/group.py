"""Statements over groups and who is in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Group
from services.membership.models.group_member import GroupMember
from services.membership.repo.upsert import insert_for


class GroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, community_id: str, group_id: str) -> Group | None:
        group = await self.session.get(Group, group_id)
        return group if group is not None and group.community_id == community_id else None

    async def list(
        self, community_id: str, *, include_archived: bool = False, platform: str | None = None
    ) -> Sequence[Group]:
        query = select(Group).where(Group.community_id == community_id).order_by(col(Group.id))
        if not include_archived:
            query = query.where(col(Group.archived).is_(False))
        if platform is not None:
            query = query.where(Group.platform == platform)
        return (await self.session.exec(query)).all()

    async def by_chat(self, community_id: str, platform: str, platform_chat_id: str) -> Group | None:
        query = select(Group).where(
            Group.community_id == community_id,
            Group.platform == platform,
            Group.platform_chat_id == platform_chat_id,
        )
        return (await self.session.exec(query)).first()

    async def list_by_ids(self, community_id: str, group_ids: Sequence[str]) -> Sequence[Group]:
        query = select(Group).where(Group.community_id == community_id, col(Group.id).in_(group_ids))
        return (await self.session.exec(query)).all()

    def add(self, group: Group) -> None:
        self.session.add(group)

    # --- presence ---------------------------------------------------------------------------------

    async def enter(self, group: Group, *, member_id: str, platform_user_id: str, source: str, at: datetime) -> bool:
        """Record the member in the group; False when they were there already (nothing changes)."""
        statement = (
            insert_for(self.session, GroupMember)
            .values(
                group_id=group.id,
                member_id=member_id,
                community_id=group.community_id,
                platform_user_id=platform_user_id,
                source=source,
                joined_at=at,
            )
            .on_conflict_do_nothing(index_elements=["group_id", "member_id"])
        )
        entered = bool((await self.session.exec(statement)).rowcount)
        if entered:
            await self._count(group, +1)
        return entered

    async def leave(self, group: Group, *, member_id: str) -> bool:
        result = await self.session.exec(
            delete(GroupMember).where(col(GroupMember.group_id) == group.id, col(GroupMember.member_id) == member_id)
        )
        left = bool(result.rowcount)
        if left:
            await self._count(group, -1)
        return left

    async def _count(self, group: Group, delta: int) -> None:
        await self.session.exec(
            update(Group)
            .where(col(Group.id) == group.id)
            .values(member_count=col(Group.member_count) + delta)
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(group, ["member_count"])

    async def presence_of(self, community_id: str, member_id: str) -> Sequence[tuple[GroupMember, Group]]:
        query = (
            select(GroupMember, Group)
            .join(Group, col(Group.id) == col(GroupMember.group_id))
            .where(GroupMember.community_id == community_id, GroupMember.member_id == member_id)
            .order_by(col(Group.id))
        )
        return [(presence, group) for presence, group in (await self.session.exec(query)).all()]

    async def members_of(
        self, community_id: str, group_id: str, *, after: str | None, limit: int
    ) -> Sequence[GroupMember]:
        query = (
            select(GroupMember)
            .where(GroupMember.community_id == community_id, GroupMember.group_id == group_id)
            .order_by(col(GroupMember.member_id))
            .limit(limit)
        )
        if after is not None:
            query = query.where(col(GroupMember.member_id) > after)
        return (await self.session.exec(query)).all()
