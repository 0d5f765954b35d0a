"""Moderation settings, the audit log, and the sanctions of the escalation ladder (warn, mute, demote,
remove, ban), each carried out in the community's chats and recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Forbidden, InvalidInput, NotFound
from services.membership.domain import moderation as rules
from services.membership.domain.actor import Actor
from services.membership.domain.membership import ALLOWED, Status, is_inside
from services.membership.domain.moderation import Action, ModerationSettings
from services.membership.domain.role import Permission, Role
from services.membership.domain.spam import SettingError
from services.membership.domain.tier import period_end
from services.membership.models import Community, Member, Membership, Tier
from services.membership.models.moderation import ModerationAudit
from services.membership.repo.community import CommunityRepository
from services.membership.repo.member import MemberRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.moderation import AuditRepository, member_chats
from services.membership.repo.tier import TierRepository
from services.membership.usecases import audit, ban_list
from services.membership.usecases.audit import AuditAction
from services.membership.usecases.chat_command import ChatTarget, act, address_of, say, targets_of
from services.membership.usecases.membership import TierFull, change_status, change_tier, require

# --- settings -----------------------------------------------------------------------------------------


async def community_or_raise(session: AsyncSession, community_id: str) -> Community:
    community = await CommunityRepository(session).get(community_id)
    if community is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")
    return community


async def get_settings(session: AsyncSession, *, community_id: str) -> ModerationSettings:
    return rules.settings_of((await community_or_raise(session, community_id)).settings)


async def update_settings(
    session: AsyncSession, *, community_id: str, actor: Actor, clocks: Clocks, changes: dict[str, Any]
) -> ModerationSettings:
    """Apply a partial settings document; a bad field is named and nothing changes."""
    require(actor, Permission.MANAGE_COMMUNITY)
    community = await community_or_raise(session, community_id)
    current = rules.settings_of(community.settings)
    try:
        updated = rules.apply_changes(current, changes)
    except SettingError as error:
        raise InvalidInput.of(error.field, error.reason) from None
    stored = dict(community.settings.get(rules.SETTINGS_KEY) or {})
    document = updated.document()
    for key in changes:
        if key == "spam":
            stored["spam"] = {**stored.get("spam", {}), **{name: document["spam"][name] for name in changes["spam"]}}
        else:
            stored[key] = document[key]
    # A new dict, so the JSON column sees the change; other areas' keys stay as they are.
    community.settings = {**community.settings, rules.SETTINGS_KEY: stored}
    action = AuditAction.LADDER_CHANGED if "ladder" in changes else AuditAction.SETTINGS_CHANGED
    audit.record(
        session,
        community_id=community_id,
        member_id=None,
        action=action,
        actor=actor,
        at=clocks.now(community_id),
        detail={"changed": sorted(changes), **{key: stored[key] for key in changes if key != "spam"}},
    )
    await session.flush()
    return updated


async def list_audit(
    session: AsyncSession, *, community_id: str, actor: Actor, member_id: str | None, after: str | None, limit: int
) -> Sequence[ModerationAudit]:
    require(actor, Permission.VIEW_AUDIT)
    return await AuditRepository(session).list(community_id, member_id=member_id, after=after, limit=limit)


# --- who may act on whom ------------------------------------------------------------------------------


@dataclass
class Target:
    member: Member
    membership: Membership | None

    @property
    def role(self) -> Role:
        return Role(self.membership.role) if self.membership is not None else Role.MEMBER


async def target_or_raise(
    session: AsyncSession, community_id: str, member_id: str, *, field: str = "member_id", for_update: bool = True
) -> Target:
    member = await MemberRepository(session).get(community_id, member_id)
    if member is None:
        raise NotFound(f"{field}: member {member_id} not found", code="member_not_found")
    membership = await MembershipRepository(session).get_for_member(community_id, member_id, for_update=for_update)
    return Target(member, membership)


def ensure_may_act_on(actor: Actor, target: Target) -> None:
    """Nobody acts on a peer or a superior (nor on themselves)."""
    if actor.kind == "member" and not rules.may_act_on(actor.role, target.role):
        raise Forbidden(
            f"a {actor.role} may not act on a {target.role}: moderation only goes downwards", code="target_outranks"
        )


# --- sanctions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sanction:
    action: Action
    reason: str | None
    duration_hours: int | None = None
    # Where the violation happened (the spam message's chat), besides the chats the member is in.
    where: ChatTarget | None = None
    # The strike that led to it, for the audit trail.
    strike_id: str | None = None


async def apply_sanction(
    session: AsyncSession, target: Target, sanction: Sanction, *, actor: Actor, at: datetime
) -> bool:
    """Carry out ``sanction`` on ``target``; False when it did not apply (the owner is never put out, a
    demotion needs a lower tier, a removal someone inside)."""
    community_id = target.member.community_id
    if sanction.action in rules.OUSTING and target.role is Role.OWNER:
        return False
    match sanction.action:
        case Action.WARN:
            await _warn(session, target, sanction, at=at)
        case Action.MUTE:
            await _mute(session, target, sanction, at=at)
        case Action.DEMOTE:
            if not await _demote(session, target, sanction, actor=actor, at=at):
                return False
        case Action.REMOVE:
            if not await _remove(session, target, sanction, actor=actor, at=at):
                return False
        case Action.BAN:
            if not await _ban(session, target, sanction, actor=actor, at=at):
                return False
    if sanction.action is not Action.BAN:  # a ban is recorded by the ban list with its entries
        detail: dict[str, Any] = {"strike_id": sanction.strike_id} if sanction.strike_id else {}
        if sanction.duration_hours is not None:
            detail["duration_hours"] = sanction.duration_hours
        audit.record(
            session,
            community_id=community_id,
            member_id=target.member.id,
            action=AuditAction(sanction.action.value),
            actor=actor,
            at=at,
            reason=sanction.reason,
            detail=detail,
        )
    return True


async def _warn(session: AsyncSession, target: Target, sanction: Sanction, *, at: datetime) -> None:
    community_id = target.member.community_id
    text = f"⚠️ {target.member.display_name}: a warning from the moderators. {sanction.reason or ''}".strip()
    chats = (
        [sanction.where] if sanction.where is not None else await targets_of(session, community_id, target.member.id)
    )
    for where in chats:
        await say(session, where.chat, text, mentions=[where.platform_user_id], community_id=community_id, at=at)


async def _mute(session: AsyncSession, target: Target, sanction: Sanction, *, at: datetime) -> None:
    community_id = target.member.community_id
    seconds = (sanction.duration_hours or 24) * 3600
    for where in await targets_of(session, community_id, target.member.id, also=sanction.where):
        await act(
            session, where, "mute", community_id=community_id, at=at, reason=sanction.reason, duration_seconds=seconds
        )


async def _demote(session: AsyncSession, target: Target, sanction: Sanction, *, actor: Actor, at: datetime) -> bool:
    membership = target.membership
    if membership is None or membership.tier_id is None or not is_inside(membership.status):
        return False
    tiers = TierRepository(session)
    current = await tiers.get(membership.community_id, membership.tier_id)
    lower = await _lower_tier(tiers, current) if current is not None else None
    if lower is None:
        return False
    try:
        await change_tier(
            session,
            membership,
            lower.id,
            actor=actor,
            at=at,
            reason=sanction.reason,
            expires_at=period_end(lower.period, lower.period_days, start=at),
        )
    except TierFull:
        return False
    # Out of the groups that only the higher tiers may be in.
    for seat in await member_chats(session, membership.community_id, membership.member_id):
        if seat.group.tier_ids and lower.id not in seat.group.tier_ids:
            where = ChatTarget(address_of(seat.group), seat.platform_user_id)
            await act(session, where, "remove", community_id=membership.community_id, at=at, reason=sanction.reason)
    return True


async def _lower_tier(tiers: TierRepository, current: Tier) -> Tier | None:
    """The tier's fallback, or else the next lower-ranked tier of the ladder."""
    if current.fallback_tier_id is not None:
        fallback = await tiers.get(current.community_id, current.fallback_tier_id)
        if fallback is not None and not fallback.archived:
            return fallback
    below = [tier for tier in await tiers.list(current.community_id) if tier.rank < current.rank]
    return below[-1] if below else None


async def _remove(session: AsyncSession, target: Target, sanction: Sanction, *, actor: Actor, at: datetime) -> bool:
    membership = target.membership
    removed = membership is not None and Status.REMOVED in ALLOWED[Status(membership.status)]
    if membership is not None and removed:
        await change_status(session, membership, Status.REMOVED, actor=actor, at=at, reason=sanction.reason)
    community_id = target.member.community_id
    chats = await targets_of(session, community_id, target.member.id, also=sanction.where)
    for where in chats:
        await act(session, where, "remove", community_id=community_id, at=at, reason=sanction.reason)
    return removed or bool(chats)


async def _ban(session: AsyncSession, target: Target, sanction: Sanction, *, actor: Actor, at: datetime) -> bool:
    community_id, member_id = target.member.community_id, target.member.id
    membership = target.membership
    if membership is not None:
        if membership.status == Status.BANNED:
            return False
        # The ban list follows the status: entries, chat bans and the audit entry come with it.
        await change_status(session, membership, Status.BANNED, actor=actor, at=at, reason=sanction.reason)
    elif await ban_list.is_banned(session, community_id, member_id):
        return False
    else:
        await ban_list.ban_member(session, community_id, member_id, actor=actor, reason=sanction.reason, at=at)
    if sanction.where is not None:
        await act(session, sanction.where, "ban", community_id=community_id, at=at, reason=sanction.reason)
    return True


async def moderate(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    action: Action,
    reason: str | None,
    duration_hours: int | None,
) -> bool:
    """A moderator's warning or mute, outside the ladder."""
    if action not in (Action.WARN, Action.MUTE):
        raise InvalidInput.of("action", "must be warn or mute (strikes, removal and bans have their own endpoints)")
    if action is Action.MUTE and duration_hours is None:
        raise InvalidInput.of("duration_hours", "a mute needs a duration")
    require(actor, Permission.MODERATE)
    target = await target_or_raise(session, community_id, member_id)
    ensure_may_act_on(actor, target)
    sanction = Sanction(action, reason, duration_hours if action is Action.MUTE else None)
    applied = await apply_sanction(session, target, sanction, actor=actor, at=clocks.now(community_id))
    await session.flush()
    return applied
