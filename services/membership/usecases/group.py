"""Groups: the chat rooms of a community, on any platform, and who is in them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput, NotFound
from kit.ids import new_id
from services.membership.domain.actor import Actor
from services.membership.domain.group import has_room
from services.membership.domain.role import Permission
from services.membership.models import Group
from services.membership.models.group_member import GroupMember
from services.membership.repo.group import GroupRepository
from services.membership.repo.member import MemberRepository
from services.membership.usecases.member import get_tier_or_raise
from services.membership.usecases.membership import require


class GroupNotFound(NotFound):
    code = "group_not_found"


class GroupChatTaken(Conflict):
    code = "group_chat_taken"


class GroupFull(Conflict):
    code = "group_full"


async def get_group_or_raise(session: AsyncSession, community_id: str, group_id: str) -> Group:
    group = await GroupRepository(session).get(community_id, group_id)
    if group is None:
        raise GroupNotFound(f"group {group_id} not found in this community")
    return group


async def _check_tiers(session: AsyncSession, community_id: str, tier_ids: Sequence[str]) -> None:
    for index, tier_id in enumerate(tier_ids):
        await get_tier_or_raise(session, community_id, tier_id, field=f"tier_ids.{index}")


async def _check_chat_free(
    session: AsyncSession, community_id: str, platform: str, platform_chat_id: str, *, group_id: str | None = None
) -> None:
    existing = await GroupRepository(session).by_chat(community_id, platform, platform_chat_id)
    if existing is not None and existing.id != group_id:
        raise GroupChatTaken(
            f"platform_chat_id: {platform} chat {platform_chat_id} is group {existing.id} of this community already"
        )


async def create_group(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    name: str,
    platform: str,
    platform_chat_id: str,
    connection_id: str | None = None,
    capacity: int | None = None,
    tier_ids: Sequence[str] = (),
) -> Group:
    require(actor, Permission.MANAGE_COMMUNITY)
    await _check_tiers(session, community_id, tier_ids)
    await _check_chat_free(session, community_id, platform, platform_chat_id)
    group = Group(
        id=new_id("grp"),
        community_id=community_id,
        name=name,
        platform=platform,
        connection_id=connection_id,
        platform_chat_id=platform_chat_id,
        capacity=capacity,
        tier_ids=list(tier_ids),
        created_at=clocks.now(community_id),
    )
    GroupRepository(session).add(group)
    await session.flush()
    return group


async def update_group(
    session: AsyncSession, *, community_id: str, group_id: str, actor: Actor, changes: dict[str, Any]
) -> Group:
    """Apply the given fields (archiving included); a taken chat or an unknown tier changes nothing."""
    require(actor, Permission.MANAGE_COMMUNITY)
    group = await get_group_or_raise(session, community_id, group_id)
    if "tier_ids" in changes:
        await _check_tiers(session, community_id, changes["tier_ids"])
    platform = changes.get("platform", group.platform)
    chat_id = changes.get("platform_chat_id", group.platform_chat_id)
    if (platform, chat_id) != (group.platform, group.platform_chat_id):
        await _check_chat_free(session, community_id, platform, chat_id, group_id=group.id)
    for field, value in changes.items():
        setattr(group, field, value)
    await session.flush()
    return group


async def list_groups(
    session: AsyncSession, *, community_id: str, include_archived: bool, platform: str | None = None
) -> Sequence[Group]:
    return await GroupRepository(session).list(community_id, include_archived=include_archived, platform=platform)


async def add_to_group(
    session: AsyncSession, *, community_id: str, group_id: str, member_id: str, actor: Actor, clocks: Clocks
) -> GroupMember:
    """An admin records that a member is in a group (one Guildhall did not see them join)."""
    require(actor, Permission.MANAGE_MEMBERSHIPS)
    group = await get_group_or_raise(session, community_id, group_id)
    if group.archived:
        raise Conflict(f"group {group_id} is archived", code="group_archived")
    members = MemberRepository(session)
    if await members.get(community_id, member_id) is None:
        raise NotFound(f"member_id: member {member_id} not found", code="member_not_found")
    account = next((i for i in await members.identities(community_id, member_id) if i.platform == group.platform), None)
    if account is None:
        raise InvalidInput.of("member_id", f"the member has no {group.platform} account to be in this group with")
    groups = GroupRepository(session)
    present = {presence.group_id: presence for presence, _ in await groups.presence_of(community_id, member_id)}
    if group.id in present:
        return present[group.id]
    if not has_room(group.member_count, group.capacity):
        raise GroupFull(f"group {group_id} is full ({group.capacity} members)")
    await groups.enter(
        group,
        member_id=member_id,
        platform_user_id=account.platform_user_id,
        source="admin",
        at=clocks.now(community_id),
    )
    for presence, _ in await groups.presence_of(community_id, member_id):
        if presence.group_id == group.id:
            return presence
    raise AssertionError("presence just recorded is missing")


async def remove_from_group(
    session: AsyncSession, *, community_id: str, group_id: str, member_id: str, actor: Actor
) -> None:
    """Forget a presence (the member is not in the group any more); idempotent."""
    require(actor, Permission.MANAGE_MEMBERSHIPS)
    group = await get_group_or_raise(session, community_id, group_id)
    await GroupRepository(session).leave(group, member_id=member_id)


async def group_members(
    session: AsyncSession, *, community_id: str, group_id: str, after: str | None, limit: int
) -> Sequence[GroupMember]:
    await get_group_or_raise(session, community_id, group_id)
    return await GroupRepository(session).members_of(community_id, group_id, after=after, limit=limit)
