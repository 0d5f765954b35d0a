"""Strikes: recorded rule violations that expire, and that escalate through the community's ladder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import StrikeAdded
from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.membership.domain import moderation as rules
from services.membership.domain.activity import message_ref
from services.membership.domain.actor import SYSTEM_ACTOR, Actor
from services.membership.domain.role import Permission
from services.membership.models.moderation import Strike
from services.membership.repo.group import GroupRepository
from services.membership.repo.moderation import StrikeRepository
from services.membership.usecases import audit
from services.membership.usecases.audit import AuditAction
from services.membership.usecases.chat_command import ChatTarget
from services.membership.usecases.membership import require
from services.membership.usecases.moderation import (
    Sanction,
    Target,
    apply_sanction,
    community_or_raise,
    ensure_may_act_on,
    target_or_raise,
)


class StrikeNotFound(NotFound):
    code = "strike_not_found"


class StrikeAlreadyRevoked(Conflict):
    code = "strike_already_revoked"


@dataclass(frozen=True)
class Violation:
    rule: str
    weight: int = 1
    evidence: str | None = None
    reason: str | None = None
    # Days until this strike expires instead of the community's strike lifetime.
    expires_in_days: int | None = None
    # Where it happened, when known: a warning goes there, a mute or removal includes it.
    where: ChatTarget | None = None
    # The chat message it is for (``domain.activity.message_ref``): what that message earned is taken back.
    message_ref: str | None = None


@dataclass(frozen=True)
class MessageInChat:
    """A message as a moderator names it: the group it was sent in and the platform's id of it."""

    group_id: str
    platform_message_id: str


@dataclass
class StrikeOutcome:
    strike: Strike
    active_strikes: int
    # The ladder step carried out, if one was reached and it applied.
    action: rules.Action | None


async def add_strike(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    violation: Violation,
    message: MessageInChat | None = None,
) -> StrikeOutcome:
    """A moderator records a violation, for a chat message or not; the ladder then acts on the member's
    active strike count."""
    require(actor, Permission.MODERATE)
    target = await target_or_raise(session, community_id, member_id)
    ensure_may_act_on(actor, target)
    if message is not None:
        violation = replace(violation, message_ref=await _message_ref(session, community_id, message))
    outcome = await record_strike(session, target, actor=actor, at=clocks.now(community_id), violation=violation)
    await session.flush()
    return outcome


async def _message_ref(session: AsyncSession, community_id: str, message: MessageInChat) -> str:
    group = await GroupRepository(session).get(community_id, message.group_id)
    if group is None:
        raise InvalidInput.of("message.group_id", "is not a group of this community")
    return message_ref(group.platform, group.platform_chat_id, message.platform_message_id)


async def record_strike(
    session: AsyncSession, target: Target, *, actor: Actor, at: datetime, violation: Violation
) -> StrikeOutcome:
    """Store the strike, escalate by the ladder (as Guildhall: the ladder is the community's own policy),
    record both in the audit trail and announce ``strike.added``."""
    community_id, member_id = target.member.community_id, target.member.id
    settings = rules.settings_of((await community_or_raise(session, community_id)).settings)
    strikes = StrikeRepository(session)
    strike = Strike(
        id=new_id("strk"),
        community_id=community_id,
        member_id=member_id,
        rule=violation.rule,
        weight=violation.weight,
        evidence=violation.evidence,
        actor=actor.label,
        reason=violation.reason,
        created_at=at,
        expires_at=rules.strike_expiry(
            at, lifetime_days=settings.strike_lifetime_days, override_days=violation.expires_in_days
        ),
    )
    strikes.add(strike)
    await session.flush()
    active = await strikes.active_weight(community_id, member_id, at=at)
    audit.record(
        session,
        community_id=community_id,
        member_id=member_id,
        action=AuditAction.STRIKE_ADDED,
        actor=actor,
        at=at,
        reason=violation.reason or violation.rule,
        detail={
            "strike_id": strike.id,
            "rule": strike.rule,
            "weight": strike.weight,
            "active_strikes": active,
            **({"message_ref": violation.message_ref} if violation.message_ref else {}),
        },
    )
    action = await _escalate(session, target, strike, active=active, settings=settings, where=violation.where, at=at)
    await emit(
        session,
        StrikeAdded(
            member_id=member_id,
            strike_id=strike.id,
            rule=strike.rule,
            weight=strike.weight,
            active_strikes=active,
            actor=actor.label,
            reason=strike.reason,
            expires_at=strike.expires_at,
            action=action,
            message_ref=violation.message_ref,
        ),
        community_id=community_id,
        at=at,
    )
    return StrikeOutcome(strike, active, action)


async def _escalate(
    session: AsyncSession,
    target: Target,
    strike: Strike,
    *,
    active: int,
    settings: rules.ModerationSettings,
    where: ChatTarget | None,
    at: datetime,
) -> rules.Action | None:
    step = rules.rung_for(settings.ladder, active)
    if step is None:
        return None
    noun = "strike" if active == 1 else "strikes"
    sanction = Sanction(
        step.action,
        reason=f"escalation ladder: {active} active {noun} (latest: {strike.rule})",
        duration_hours=step.duration_hours,
        where=where,
        strike_id=strike.id,
    )
    applied = await apply_sanction(session, target, sanction, actor=SYSTEM_ACTOR, at=at)
    return step.action if applied else None


async def revoke_strike(
    session: AsyncSession, *, community_id: str, strike_id: str, actor: Actor, clocks: Clocks, reason: str | None
) -> Strike:
    """Take a strike back (it stops counting); what the ladder already did stays done."""
    require(actor, Permission.MODERATE)
    strike = await StrikeRepository(session).get(community_id, strike_id, for_update=True)
    if strike is None:
        raise StrikeNotFound(f"strike {strike_id} not found")
    ensure_may_act_on(actor, await target_or_raise(session, community_id, strike.member_id))
    if strike.revoked_at is not None:
        raise StrikeAlreadyRevoked(f"strike {strike_id} was revoked at {strike.revoked_at.isoformat()}")
    at = clocks.now(community_id)
    strike.revoked_at, strike.revoked_by, strike.revoke_reason = at, actor.label, reason
    audit.record(
        session,
        community_id=community_id,
        member_id=strike.member_id,
        action=AuditAction.STRIKE_REVOKED,
        actor=actor,
        at=at,
        reason=reason,
        detail={"strike_id": strike.id, "rule": strike.rule},
    )
    await session.flush()
    return strike


@dataclass
class StrikeList:
    strikes: Sequence[Strike]
    active_strikes: int


async def list_strikes(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    clocks: Clocks,
    active_only: bool,
    after: str | None,
    limit: int,
) -> StrikeList:
    await target_or_raise(session, community_id, member_id, for_update=False)
    now = clocks.now(community_id)
    strikes = StrikeRepository(session)
    rows = await strikes.list_for_member(
        community_id, member_id, active_at=now if active_only else None, after=after, limit=limit
    )
    return StrikeList(rows, await strikes.active_weight(community_id, member_id, at=now))
