"""Probation: admitted to a trial tier first, promoted to the gate's tier once the condition holds.

Points and completed challenges arrive as gamification events (``consumers.py``); the clean-days
condition is checked by a job (``jobs.py``). Every move goes through ``change_tier``/``change_status``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.ids import new_id
from services.membership.domain.actor import SYSTEM_ACTOR, Actor
from services.membership.domain.gate import (
    ChallengeCondition,
    CleanDaysCondition,
    PointsCondition,
    ProbationRequirement,
    PromotionCondition,
    clean_days_met,
)
from services.membership.domain.membership import Status
from services.membership.domain.tier import period_end
from services.membership.models import Membership, Tier
from services.membership.models.gate import Probation
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.probation import ProbationRepository, strikes_since
from services.membership.repo.tier import TierRepository
from services.membership.usecases.membership import TierFull, change_status, change_tier

log = logging.getLogger(__name__)
_CONDITION = TypeAdapter[PromotionCondition](PromotionCondition)


async def start_probation(
    session: AsyncSession,
    membership: Membership,
    *,
    requirement: ProbationRequirement,
    target: Tier,
    actor: Actor,
    at: datetime,
) -> Probation:
    """Move an outside membership onto the trial tier, on probation, remembering where it is headed."""
    trial = await TierRepository(session).get(membership.community_id, requirement.trial_tier_id)
    assert trial is not None, "set_gate checked the trial tier"
    expires_at = period_end(trial.period, trial.period_days, start=at)
    await change_tier(session, membership, trial.id, actor=actor, at=at, reason="probation", expires_at=expires_at)
    await change_status(
        session, membership, Status.PROBATION, actor=actor, at=at, reason=f"on probation for {target.key}"
    )
    probation = Probation(
        id=new_id("prb"),
        community_id=membership.community_id,
        member_id=membership.member_id,
        membership_id=membership.id,
        trial_tier_id=trial.id,
        target_tier_id=target.id,
        condition=requirement.promote_when.model_dump(mode="json", exclude_none=True),
        started_at=at,
    )
    ProbationRepository(session).add(probation)
    return probation


def condition_of(probation: Probation) -> PromotionCondition:
    return _CONDITION.validate_python(probation.condition)


async def promote(session: AsyncSession, probation: Probation, *, at: datetime, reason: str) -> bool:
    """Put the member on the target tier, active. A member no longer on the trial ends the probation."""
    membership = await MembershipRepository(session).get_for_member(
        probation.community_id, probation.member_id, for_update=True
    )
    if membership is None or membership.status != Status.PROBATION or membership.tier_id != probation.trial_tier_id:
        probation.ended_at, probation.outcome = at, "ended"
        return False
    target = await TierRepository(session).get(probation.community_id, probation.target_tier_id)
    if target is None or target.archived:
        log.warning("probation target tier is gone", extra={"probation_id": probation.id})
        return False
    expires_at = period_end(target.period, target.period_days, start=at)
    try:
        await change_tier(
            session, membership, target.id, actor=SYSTEM_ACTOR, at=at, reason=reason, expires_at=expires_at
        )
    except TierFull:
        # Nothing changed (the seat is taken before anything else); the next signal tries again.
        log.info("probation promotion waits for a seat", extra={"probation_id": probation.id})
        return False
    await change_status(session, membership, Status.ACTIVE, actor=SYSTEM_ACTOR, at=at, reason=reason)
    probation.ended_at, probation.outcome = at, "promoted"
    return True


async def on_points(session: AsyncSession, *, community_id: str, member_id: str, lifetime: int, at: datetime) -> bool:
    probation = await ProbationRepository(session).open_for_member(community_id, member_id)
    if probation is None:
        return False
    condition = condition_of(probation)
    if not isinstance(condition, PointsCondition) or lifetime < condition.lifetime_points:
        return False
    return await promote(session, probation, at=at, reason=f"reached {condition.lifetime_points} lifetime points")


async def on_challenge_completed(
    session: AsyncSession, *, community_id: str, member_id: str, challenge_id: str, at: datetime
) -> bool:
    probation = await ProbationRepository(session).open_for_member(community_id, member_id)
    if probation is None:
        return False
    condition = condition_of(probation)
    if not isinstance(condition, ChallengeCondition):
        return False
    if condition.challenge_id is not None and condition.challenge_id != challenge_id:
        return False
    return await promote(session, probation, at=at, reason=f"completed challenge {challenge_id}")


async def promote_if_clean(session: AsyncSession, probation: Probation, *, now: datetime) -> bool:
    condition = condition_of(probation)
    if not isinstance(condition, CleanDaysCondition):
        return False
    since = now - timedelta(days=condition.days)
    strikes = await strikes_since(session, probation.community_id, probation.member_id, since)
    if not clean_days_met(condition, started_at=probation.started_at, now=now, strikes=strikes):
        return False
    return await promote(session, probation, at=now, reason=f"{condition.days} days without strikes")


async def open_probations(session: AsyncSession, *, community_id: str) -> Sequence[Probation]:
    return await ProbationRepository(session).open(community_id)
