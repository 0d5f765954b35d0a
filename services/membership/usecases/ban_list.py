"""The ban list, enforced across every group and platform of a community.

A banned member has one entry for the member and one per platform account, so a join is refused whichever
account (or member id) it comes with, and a banned account that shows up in any group is put out again.
The entries follow the membership status: ``change_status`` calls ``follow_status`` when a membership
becomes banned or stops being banned, whichever path (ladder, ban endpoint, status endpoint) did it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatMemberJoinedGroup
from kit.events import Envelope
from kit.ids import new_id
from services.membership.domain.actor import SYSTEM_ACTOR, Actor
from services.membership.domain.membership import Status
from services.membership.models import Membership
from services.membership.models.moderation import Ban
from services.membership.repo.member import MemberRepository
from services.membership.repo.moderation import BanRepository
from services.membership.usecases import audit
from services.membership.usecases.audit import AuditAction
from services.membership.usecases.chat_command import ChatTarget, act, targets_of


async def is_banned(
    session: AsyncSession,
    community_id: str,
    member_id: str | None = None,
    platform: str | None = None,
    platform_user_id: str | None = None,
) -> bool:
    """Whether the member, or the platform account (or the member it belongs to), is on the ban list."""
    entries = await BanRepository(session).matching(
        community_id, member_id=member_id, platform=platform, platform_user_id=platform_user_id
    )
    return bool(entries)


async def follow_status(
    session: AsyncSession,
    membership: Membership,
    *,
    before: Status,
    actor: Actor,
    reason: str | None,
    at: datetime,
) -> None:
    """Keep the ban list in step with a status change that ``change_status`` just made."""
    to = Status(membership.status)
    if to is Status.BANNED and before is not Status.BANNED:
        await ban_member(session, membership.community_id, membership.member_id, actor=actor, reason=reason, at=at)
    elif before is Status.BANNED and to is not Status.BANNED:
        await lift_member_ban(session, membership.community_id, membership.member_id, actor=actor, reason=reason, at=at)


async def ban_member(
    session: AsyncSession, community_id: str, member_id: str, *, actor: Actor, reason: str | None, at: datetime
) -> list[Ban]:
    """Entries for the member and each of their accounts, a ban in every chat they can be in, an audit entry."""
    bans = BanRepository(session)
    entries = [_entry(community_id, member_id=member_id, actor=actor, reason=reason, at=at)]
    for identity in await MemberRepository(session).identities(community_id, member_id):
        entry = _entry(community_id, member_id=member_id, actor=actor, reason=reason, at=at)
        entry.platform, entry.platform_user_id = identity.platform, identity.platform_user_id
        entries.append(entry)
    for entry in entries:
        bans.add(entry)
    for target in await targets_of(session, community_id, member_id):
        await act(session, target, "ban", community_id=community_id, at=at, reason=reason)
    audit.record(
        session,
        community_id=community_id,
        member_id=member_id,
        action=AuditAction.BAN,
        actor=actor,
        at=at,
        reason=reason,
        detail={"entries": len(entries)},
    )
    await session.flush()
    return entries


async def lift_member_ban(
    session: AsyncSession, community_id: str, member_id: str, *, actor: Actor, reason: str | None, at: datetime
) -> int:
    """Clear the member's entries and lift the ban in their chats; they come back through a gate."""
    cleared = await BanRepository(session).clear_member(community_id, member_id)
    for target in await targets_of(session, community_id, member_id):
        await act(session, target, "unban", community_id=community_id, at=at, reason=reason)
    audit.record(
        session,
        community_id=community_id,
        member_id=member_id,
        action=AuditAction.UNBAN,
        actor=actor,
        at=at,
        reason=reason,
        detail={"entries": cleared},
    )
    return cleared


def _entry(community_id: str, *, member_id: str | None, actor: Actor, reason: str | None, at: datetime) -> Ban:
    return Ban(
        id=new_id("ban"),
        community_id=community_id,
        member_id=member_id,
        actor=actor.label,
        reason=reason,
        created_at=at,
    )


async def ban_account(
    session: AsyncSession,
    community_id: str,
    *,
    platform: str,
    platform_user_id: str,
    actor: Actor,
    reason: str | None,
    at: datetime,
) -> Ban:
    """An entry for a platform account that belongs to no member (a spammer who never joined)."""
    entry = _entry(community_id, member_id=None, actor=actor, reason=reason, at=at)
    entry.platform, entry.platform_user_id = platform, platform_user_id
    BanRepository(session).add(entry)
    audit.record(
        session,
        community_id=community_id,
        member_id=None,
        action=AuditAction.BAN,
        actor=actor,
        at=at,
        reason=reason,
        detail={"platform": platform, "platform_user_id": platform_user_id},
    )
    await session.flush()
    return entry


async def lift_account_ban(
    session: AsyncSession,
    community_id: str,
    *,
    platform: str,
    platform_user_id: str,
    actor: Actor,
    reason: str | None,
    at: datetime,
) -> int:
    cleared = await BanRepository(session).clear_identity(community_id, platform, platform_user_id)
    if cleared:
        audit.record(
            session,
            community_id=community_id,
            member_id=None,
            action=AuditAction.UNBAN,
            actor=actor,
            at=at,
            reason=reason,
            detail={"platform": platform, "platform_user_id": platform_user_id, "entries": cleared},
        )
    return cleared


async def enforce_ban_on_join(session: AsyncSession, *, envelope: Envelope, joined: ChatMemberJoinedGroup) -> bool:
    """A banned account that joined a group is banned from that chat again; True when it was.

    The chat consumer calls this for every ``chat.member_joined_group`` before admitting anyone."""
    community_id = envelope.community_id
    if community_id is None or joined.member.is_bot:
        return False
    platform, user_id = joined.chat.platform, joined.member.platform_user_id
    if not await is_banned(session, community_id, platform=platform, platform_user_id=user_id):
        return False
    at = envelope.occurred_at
    reason = "on the community's ban list"
    await act(session, ChatTarget(joined.chat, user_id), "ban", community_id=community_id, at=at, reason=reason)
    member = await MemberRepository(session).by_identity(community_id, platform, user_id)
    audit.record(
        session,
        community_id=community_id,
        member_id=member.id if member is not None else None,
        action=AuditAction.BAN_ENFORCED,
        actor=SYSTEM_ACTOR,
        at=at,
        reason=reason,
        detail={"platform": platform, "platform_user_id": user_id, "platform_chat_id": joined.chat.platform_chat_id},
    )
    return True
