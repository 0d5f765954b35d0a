"""Statements over groups and who is in them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models import Group, Identity
from services.membership.models.group_member import GroupMember
from services.membership.repo.upsert import insert_for


@dataclass(frozen=True)
class ChatSeat:
    """A member in one bound group, with the platform account to address there.

    ``present`` says presence records it; False is the fallback for a group with no presence at all yet
    (bound before presence was tracked, or nobody seen there): the member's account on the group's platform."""

    group: Group
    member_id: str
    platform_user_id: str
    display_name: str | None
    present: bool


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

    async def seats_of(self, community_id: str, member_ids: Sequence[str]) -> Sequence[ChatSeat]:
        """Where commands reach these members: each live group bound through a connection where presence has
        them (addressed through the account that is there), plus, for groups with no presence known at all,
        every account the member has on the group's platform on its platform. Ordered by group, member, account."""
        if not member_ids:
            return []
        bound = and_(
            col(Group.community_id) == community_id,
            col(Group.archived).is_(False),
            col(Group.connection_id).is_not(None),
        )
        present = (
            select(Group, GroupMember, Identity.display_name)
            .join(GroupMember, col(GroupMember.group_id) == col(Group.id))
            .outerjoin(
                Identity,
                and_(
                    col(Identity.community_id) == col(GroupMember.community_id),
                    col(Identity.platform) == col(Group.platform),
                    col(Identity.platform_user_id) == col(GroupMember.platform_user_id),
                ),
            )
            .where(bound, col(GroupMember.community_id) == community_id, col(GroupMember.member_id).in_(member_ids))
        )
        seats = [
            ChatSeat(group, presence.member_id, presence.platform_user_id, name, present=True)
            for group, presence, name in (await self.session.exec(present)).all()
        ]
        nobody_known = ~exists().where(col(GroupMember.group_id) == col(Group.id))
        fallback = (
            select(Group, Identity)
            .join(Identity, col(Identity.platform) == col(Group.platform))
            .where(
                bound,
                nobody_known,
                col(Identity.community_id) == community_id,
                col(Identity.member_id).in_(member_ids),
            )
        )
        seats.extend(
            ChatSeat(group, identity.member_id, identity.platform_user_id, identity.display_name, present=False)
            for group, identity in (await self.session.exec(fallback)).all()
        )
        return sorted(seats, key=lambda seat: (seat.group.id, seat.member_id, seat.platform_user_id))
