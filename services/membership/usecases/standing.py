"""Standing: recomputing it from activity, reading it, and an admin's lock on it.

Every standing change goes through ``apply_standing``: it logs a ``standing`` transition, notes the
member for the entitlement cache and emits ``member.standing_changed`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import MemberStandingChanged
from kit.clock import Clocks
from kit.errors import InvalidInput, NotFound
from kit.events import emit
from services.membership.domain.actor import SYSTEM_ACTOR, Actor
from services.membership.domain.role import Permission
from services.membership.domain.standing import (
    EARNED_LEVELS,
    Figures,
    Standing,
    StandingRules,
    StandingState,
    decide,
    rules_from_settings,
)
from services.membership.models import Community, Membership
from services.membership.models.standing import StandingRecord
from services.membership.repo.community import CommunityRepository
from services.membership.repo.standing import StandingRepository
from services.membership.usecases.membership import get_membership_or_raise, log_transition, require

SETTINGS_KEY = "standing"


@dataclass(frozen=True)
class StandingChange:
    member_id: str
    from_standing: str
    to_standing: str
    reason: str | None


@dataclass(frozen=True)
class StandingView:
    membership: Membership
    record: StandingRecord | None
    rules: StandingRules
    figures: Mapping[Standing, Figures]


async def get_community_or_raise(session: AsyncSession, community_id: str) -> Community:
    community = await CommunityRepository(session).get(community_id)
    if community is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")
    return community


def standing_rules(community: Community) -> StandingRules:
    try:
        return rules_from_settings(community.settings.get(SETTINGS_KEY))
    except ValueError as error:
        field, _, reason = str(error).partition(": ")
        raise InvalidInput.of(f"settings.standing.{field.removeprefix('standing.')}", reason or str(error)) from None


def local_day(community: Community, at: datetime) -> date:
    """The day ``at`` falls on in the community's time zone."""
    return at.astimezone(ZoneInfo(community.timezone)).date()


async def figures_per_level(
    session: AsyncSession,
    community: Community,
    rules: StandingRules,
    *,
    today: date,
    member_ids: Sequence[str] | None = None,
) -> dict[Standing, dict[str, Figures]]:
    """Each earned level's figures per member, over that level's window ending today."""
    repo = StandingRepository(session)
    result: dict[Standing, dict[str, Figures]] = {}
    for level in EARNED_LEVELS:
        first_day = today - timedelta(days=rules.criteria(level).window_days - 1)
        result[level] = await repo.figures(community.id, first_day=first_day, last_day=today, member_ids=member_ids)
    return result


async def recompute_standing(
    session: AsyncSession, *, community_id: str, now: datetime, actor: Actor = SYSTEM_ACTOR
) -> list[StandingChange]:
    """Evaluate every member inside the community at ``now`` and apply the promotions and demotions due."""
    community = await get_community_or_raise(session, community_id)
    rules = standing_rules(community)
    today = local_day(community, now)
    repo = StandingRepository(session)
    per_level = await figures_per_level(session, community, rules, today=today)
    records = await repo.records(community_id)
    changes: list[StandingChange] = []
    for membership in await repo.inside_memberships(community_id):
        record = records.get(membership.member_id)
        figures = {level: per_level[level].get(membership.member_id, Figures()) for level in EARNED_LEVELS}
        state = StandingState(
            standing=Standing(membership.standing),
            locked=membership.standing_locked,
            below_since=record.below_since if record is not None else None,
        )
        decision = decide(rules, state, figures=figures, today=today)
        _remember(repo, record, membership, decision.state.below_since, figures=figures, at=now)
        if decision.changed:
            changes.append(
                StandingChange(membership.member_id, membership.standing, decision.state.standing, decision.reason)
            )
            await apply_standing(
                session, membership, decision.state.standing, actor=actor, at=now, reason=decision.reason
            )
    await session.flush()
    return changes


def _remember(
    repo: StandingRepository,
    record: StandingRecord | None,
    membership: Membership,
    below_since: date | None,
    *,
    figures: Mapping[Standing, Figures],
    at: datetime,
) -> None:
    snapshot: dict[str, Any] = {level.value: vars(figures[level]).copy() for level in figures}
    if record is None:
        record = StandingRecord(community_id=membership.community_id, member_id=membership.member_id, evaluated_at=at)
        repo.add(record)
    record.below_since = below_since
    record.figures = snapshot
    record.evaluated_at = at


async def apply_standing(
    session: AsyncSession,
    membership: Membership,
    to: Standing,
    *,
    actor: Actor,
    at: datetime,
    reason: str | None,
) -> None:
    before = membership.standing
    if before == to:
        return
    membership.standing = to
    membership.updated_at = at
    log_transition(session, membership, kind="standing", before=before, after=to, actor=actor, reason=reason, at=at)
    await emit(
        session,
        MemberStandingChanged(
            member_id=membership.member_id,
            membership_id=membership.id,
            from_standing=before,
            to_standing=to,
            locked=membership.standing_locked,
            actor=actor.label,
            reason=reason,
        ),
        community_id=membership.community_id,
        at=at,
    )


async def lock_standing(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    standing: Standing | None,
    reason: str | None,
) -> StandingView:
    """Freeze the member's standing (at ``standing`` when given); the computation then leaves it alone."""
    require(actor, Permission.LOCK_STANDING)
    membership = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    at = clocks.now(community_id)
    membership.standing_locked = True
    if standing is not None and standing != membership.standing:
        why = f"set by an admin: {reason}" if reason else "set by an admin"
        await apply_standing(session, membership, standing, actor=actor, at=at, reason=why)
    log_transition(
        session,
        membership,
        kind="standing_lock",
        before=None,
        after=f"locked:{membership.standing}",
        actor=actor,
        reason=reason,
        at=at,
    )
    membership.updated_at = at
    await session.flush()
    return await get_standing_view(session, community_id=community_id, member_id=member_id, now=at)


async def unlock_standing(
    session: AsyncSession, *, community_id: str, member_id: str, actor: Actor, clocks: Clocks, reason: str | None
) -> StandingView:
    """Hand the standing back to the computation; its grace period starts afresh."""
    require(actor, Permission.LOCK_STANDING)
    membership = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    at = clocks.now(community_id)
    if membership.standing_locked:
        membership.standing_locked = False
        membership.updated_at = at
        record = (await StandingRepository(session).records(community_id, [member_id])).get(member_id)
        if record is not None:
            record.below_since = None
        log_transition(
            session, membership, kind="standing_lock", before=None, after="unlocked", actor=actor, reason=reason, at=at
        )
        await session.flush()
    return await get_standing_view(session, community_id=community_id, member_id=member_id, now=at)


async def get_standing_view(session: AsyncSession, *, community_id: str, member_id: str, now: datetime) -> StandingView:
    """The member's standing, lock and grace state, with their figures as of ``now`` against each level."""
    community = await get_community_or_raise(session, community_id)
    membership = await get_membership_or_raise(session, community_id, member_id)
    rules = standing_rules(community)
    per_level = await figures_per_level(
        session, community, rules, today=local_day(community, now), member_ids=[member_id]
    )
    record = (await StandingRepository(session).records(community_id, [member_id])).get(member_id)
    figures = {level: per_level[level].get(member_id, Figures()) for level in EARNED_LEVELS}
    return StandingView(membership=membership, record=record, rules=rules, figures=figures)


async def set_standing_rules(
    session: AsyncSession, *, community_id: str, actor: Actor, raw: dict[str, Any]
) -> StandingRules:
    """Store the community's standing criteria (checked first; bad input changes nothing)."""
    require(actor, Permission.MANAGE_COMMUNITY)
    community = await get_community_or_raise(session, community_id)
    try:
        rules = rules_from_settings(raw)
    except ValueError as error:
        field, _, reason = str(error).partition(": ")
        raise InvalidInput.of(field.removeprefix("standing."), reason or str(error)) from None
    community.settings = {**community.settings, SETTINGS_KEY: rules.as_settings()}
    await session.flush()
    return rules
