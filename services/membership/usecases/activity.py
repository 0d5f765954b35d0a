"""What chat events do to members: identities resolved (or created), presence in groups, activity per
day, ``member.activity`` for gamification, and every message handed on to the spam heuristics first, so
that its ``member.activity`` carries their verdict.

Times are the platform's (``sent_at``, ``joined_at``, ...); "a day" is a day in the community's time zone.
``member.activity`` goes out for members inside the community only: a removed member's chatter earns
nothing. The per-day counters record everyone, since standing and purges judge the facts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import (
    ChatAddress,
    ChatMedia,
    ChatMemberJoinedGroup,
    ChatMemberLeftGroup,
    ChatMessageReceived,
    ChatReactionAdded,
    ChatUser,
)
from contracts.events import MemberActivity
from kit.events import Envelope, emit
from services.membership.domain.activity import ActivityKind, local_day, text_length
from services.membership.domain.actor import SYSTEM_ACTOR
from services.membership.domain.member import DISPLAY_NAME_MAX_LENGTH, clean_display_name
from services.membership.domain.membership import Status, is_inside
from services.membership.domain.role import Role
from services.membership.domain.settings import lifecycle_settings
from services.membership.domain.tier import period_end
from services.membership.models import Community, Group, Member, Membership, Tier
from services.membership.repo.activity import ActivityRepository
from services.membership.repo.community import CommunityRepository
from services.membership.repo.group import GroupRepository
from services.membership.repo.member import MemberRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.tier import TierRepository
from services.membership.usecases import live_code, spam
from services.membership.usecases.member import IdentitySpec, create_member, new_membership
from services.membership.usecases.membership import TierFull, change_status
from services.membership.usecases.sender import Sender

log = logging.getLogger(__name__)


@dataclass
class Where:
    """The community an event is about and the bound group it happened in (None: a chat no group binds)."""

    community: Community
    group: Group | None


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


async def locate(session: AsyncSession, envelope: Envelope, chat: ChatAddress) -> Where | None:
    if envelope.community_id is None:
        return None
    community = await CommunityRepository(session).get(envelope.community_id)
    if community is None:
        return None
    group = await GroupRepository(session).by_chat(community.id, chat.platform, chat.platform_chat_id)
    return Where(community, group if group is not None and not group.archived else None)


def _display_name(user: ChatUser, platform: str) -> str:
    try:
        return clean_display_name(user.display_name or "")
    except ValueError:
        return f"{platform} {user.platform_user_id}"[:DISPLAY_NAME_MAX_LENGTH]


async def _lowest_allowed_tier(session: AsyncSession, group: Group) -> Tier | None:
    if not group.tier_ids:
        return None
    tiers = [t for t in await TierRepository(session).list(group.community_id) if t.id in group.tier_ids]
    return tiers[0] if tiers else None  # listed by rank, lowest first


async def _admit(session: AsyncSession, member: Member, group: Group, *, at: datetime) -> Membership | None:
    """A person with no membership who turns up in a bound group is in: active on the group's lowest
    allowed tier (or on no tier when the group takes anyone). A full tier leaves them without one."""
    tier = await _lowest_allowed_tier(session, group)
    membership = new_membership(member, at=at, source="chat")
    if tier is not None:
        membership.tier_id = tier.id
        membership.expires_at = period_end(tier.period, tier.period_days, start=at)
    try:
        async with session.begin_nested():
            MembershipRepository(session).add(membership)
            await session.flush()
            await change_status(
                session, membership, Status.ACTIVE, actor=SYSTEM_ACTOR, at=at, reason=f"joined group {group.id}"
            )
            await session.flush()
    except TierFull:
        log.warning("tier full: a chat newcomer stays without membership", extra={"member": member.id})
        return None
    return membership


async def resolve_sender(
    session: AsyncSession, where: Where, user: ChatUser, platform: str, *, at: datetime
) -> tuple[Member, Membership | None] | None:
    """The member behind a platform account: known, or created when they show up in a bound group."""
    community_id = where.community.id
    members = MemberRepository(session)
    member = await members.by_identity(community_id, platform, user.platform_user_id)
    if member is None:
        if where.group is None:
            return None  # a stranger in a chat that no group binds (a private chat with the bot)
        spec = IdentitySpec(platform, user.platform_user_id, user.display_name)
        member = await create_member(
            session, community_id=community_id, display_name=_display_name(user, platform), at=at, identities=[spec]
        )
    else:
        await _refresh_display_name(session, community_id, member, user, platform)
    membership = await MembershipRepository(session).get_for_member(community_id, member.id)
    if membership is None and where.group is not None:
        membership = await _admit(session, member, where.group, at=at)
    return member, membership


async def _refresh_display_name(
    session: AsyncSession, community_id: str, member: Member, user: ChatUser, platform: str
) -> None:
    if not user.display_name:
        return
    for identity in await MemberRepository(session).identities(community_id, member.id):
        same_account = identity.platform == platform and identity.platform_user_id == user.platform_user_id
        if same_account and identity.display_name != user.display_name[:DISPLAY_NAME_MAX_LENGTH]:
            identity.display_name = user.display_name[:DISPLAY_NAME_MAX_LENGTH]


async def _announce(
    session: AsyncSession,
    where: Where,
    member: Member,
    membership: Membership | None,
    *,
    kind: ActivityKind,
    platform: str,
    at: datetime,
    text: str = "",
    platform_message_id: str | None = None,
    media: list[ChatMedia] | None = None,
    message_ref: str | None = None,
    spam: Sequence[str] = (),
    one_to_one: bool = False,
) -> None:
    if membership is None or not is_inside(membership.status):
        return
    await emit(
        session,
        MemberActivity(
            member_id=member.id,
            kind=kind,
            group_id=where.group.id if where.group else None,
            platform=platform,
            text_length=text_length(text) if kind is ActivityKind.MESSAGE else 0,
            text=text,
            platform_message_id=platform_message_id,
            media=media or [],
            occurred_at=at,
            message_ref=message_ref,
            spam=list(spam),
            one_to_one=one_to_one,
        ),
        community_id=where.community.id,
        at=at,
    )


def touch(membership: Membership | None, at: datetime) -> None:
    """Move the membership's ``last_active_at`` forward to ``at`` (never back)."""
    if membership is not None and (membership.last_active_at is None or membership.last_active_at < at):
        membership.last_active_at = at


async def _enter(session: AsyncSession, where: Where, member: Member, platform_user_id: str, at: datetime) -> None:
    if where.group is not None:
        await GroupRepository(session).enter(
            where.group, member_id=member.id, platform_user_id=platform_user_id, source="chat", at=at
        )


async def record_message(session: AsyncSession, envelope: Envelope, message: ChatMessageReceived) -> None:
    if message.sender.is_bot or (where := await locate(session, envelope, message.chat)) is None:
        return
    at = _utc(message.sent_at)
    platform = message.chat.platform
    resolved = await resolve_sender(session, where, message.sender, platform, at=at)
    if resolved is None:
        return
    member, membership = resolved
    await _enter(session, where, member, message.sender.platform_user_id, at)
    activity = ActivityRepository(session)
    earlier = await activity.messages_before(where.community.id, member.id)
    # The verdict first, so the activity carries it: a message the heuristics strike earns nothing (ADR 0035).
    sender = Sender(member=member, membership=membership, group=where.group, earlier_messages=earlier)
    verdict = await spam.inspect_message(session, envelope=envelope, message=message, sender=sender)
    if message.edit_of is None:  # an edit is not a new message
        await activity.add(
            where.community.id,
            member.id,
            local_day(at, where.community.timezone),
            at=at,
            messages=1,
            characters=text_length(message.text),
        )
        touch(membership, at)
        await _announce(
            session,
            where,
            member,
            membership,
            kind=ActivityKind.MESSAGE,
            platform=platform,
            at=at,
            text=message.text,
            platform_message_id=message.platform_message_id,
            media=message.media,
            message_ref=spam.ref_of(message),
            spam=verdict.spam,
            one_to_one=message.chat.chat_type == "private",
        )
    await session.flush()


async def record_reaction(session: AsyncSession, envelope: Envelope, reaction: ChatReactionAdded) -> None:
    if reaction.user.is_bot or (where := await locate(session, envelope, reaction.chat)) is None:
        return
    at = _utc(reaction.reacted_at)
    platform = reaction.chat.platform
    resolved = await resolve_sender(session, where, reaction.user, platform, at=at)
    if resolved is None:
        return
    member, membership = resolved
    await _enter(session, where, member, reaction.user.platform_user_id, at)
    await ActivityRepository(session).add(
        where.community.id, member.id, local_day(at, where.community.timezone), at=at, reactions=1
    )
    touch(membership, at)
    await _announce(
        session,
        where,
        member,
        membership,
        kind=ActivityKind.REACTION,
        platform=platform,
        at=at,
        text=reaction.reaction,
        platform_message_id=reaction.platform_message_id,
    )


async def record_join(session: AsyncSession, envelope: Envelope, joined: ChatMemberJoinedGroup) -> None:
    if joined.member.is_bot or (where := await locate(session, envelope, joined.chat)) is None:
        return
    if where.group is None:
        return
    at = _utc(joined.joined_at)
    platform = joined.chat.platform
    resolved = await resolve_sender(session, where, joined.member, platform, at=at)
    if resolved is None:
        return
    member, membership = resolved
    await _enter(session, where, member, joined.member.platform_user_id, at)
    await live_code.settle_join(
        session, where.group, member_id=member.id, platform_user_id=joined.member.platform_user_id, at=at
    )
    await _announce(session, where, member, membership, kind=ActivityKind.JOIN, platform=platform, at=at)


async def record_leave(session: AsyncSession, envelope: Envelope, left: ChatMemberLeftGroup) -> None:
    """Presence in the group ends; the membership stays, unless the community says that leaving the last
    group means leaving the community."""
    if (where := await locate(session, envelope, left.chat)) is None or where.group is None:
        return
    at = _utc(left.left_at)
    platform = left.chat.platform
    community_id = where.community.id
    member = await MemberRepository(session).by_identity(community_id, platform, left.member.platform_user_id)
    if member is None:
        return
    groups = GroupRepository(session)
    await groups.leave(where.group, member_id=member.id)
    membership = await MembershipRepository(session).get_for_member(community_id, member.id)
    await _announce(session, where, member, membership, kind=ActivityKind.LEAVE, platform=platform, at=at)
    if membership is None or not is_inside(membership.status) or membership.role == Role.OWNER:
        return
    if lifecycle_settings(where.community.settings).leaving_last_group != "left":
        return
    remaining: Sequence[object] = [g for _, g in await groups.presence_of(community_id, member.id) if not g.archived]
    if not remaining:
        reason = "removed from the last group" if left.removed_by else "left the last group"
        await change_status(session, membership, Status.LEFT, actor=SYSTEM_ACTOR, at=at, reason=reason)
