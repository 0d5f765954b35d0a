"""Challenges and enrollments: define a challenge, enroll (window, tier, capacity), withdraw before the start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import Conflict, InvalidInput, NotFound
from kit.ids import new_id
from services.gamification.domain.challenge import (
    DEFAULT_KEYWORDS,
    EnrollmentStatus,
    ProofKind,
    Schedule,
    validate_challenge,
)
from services.gamification.models.challenge import Challenge, Enrollment
from services.gamification.repo.challenge import ChallengeRepository
from services.gamification.repo.ledger import LedgerRepository
from services.gamification.usecases.deposit import refund_withdrawal


class EnrollmentClosed(Conflict):
    code = "enrollment_closed"


class ChallengeFull(Conflict):
    code = "challenge_full"


class TierRequired(Conflict):
    code = "tier_required"


class WithdrawalClosed(Conflict):
    code = "withdrawal_closed"


def schedule_of(challenge: Challenge) -> Schedule:
    return Schedule(
        start_date=challenge.start_date,
        days=challenge.days,
        timezone=challenge.timezone,
        window_start=challenge.window_start,
        window_end=challenge.window_end,
    )


@dataclass(frozen=True)
class ChallengeDraft:
    name: str
    start_date: date
    days: int
    timezone: str
    description: str = ""
    window_start: time | None = None
    window_end: time | None = None
    proof_kind: ProofKind = ProofKind.KEYWORD
    proof_min_length: int = 0
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    makeup_count: int = 0
    makeup_days_back: int = 0
    allowed_misses: int = 0
    enroll_opens_at: datetime | None = None
    enroll_closes_at: datetime | None = None
    capacity: int | None = None
    tier_ids: tuple[str, ...] = ()
    stake_amount: int | None = None
    currency: str | None = None
    platform_fee_bps: int = 0
    appeal_window_hours: int = 24


async def create_challenge(
    session: AsyncSession, *, community_id: str, draft: ChallengeDraft, at: datetime
) -> Challenge:
    problems = validate_challenge(
        days=draft.days,
        timezone=draft.timezone,
        window_start=draft.window_start,
        window_end=draft.window_end,
        proof_kind=draft.proof_kind,
        proof_min_length=draft.proof_min_length,
        keywords=draft.keywords,
        makeup_count=draft.makeup_count,
        makeup_days_back=draft.makeup_days_back,
        allowed_misses=draft.allowed_misses,
        capacity=draft.capacity,
        enroll_opens_at=draft.enroll_opens_at,
        enroll_closes_at=draft.enroll_closes_at,
        stake_amount=draft.stake_amount,
        currency=draft.currency,
        appeal_window_hours=draft.appeal_window_hours,
    )
    if not 0 <= draft.platform_fee_bps <= 10_000:
        problems.append(("platform_fee_bps", "must be between 0 and 10000 (basis points)"))
    if draft.stake_amount is None and draft.platform_fee_bps:
        problems.append(("platform_fee_bps", "a fee needs a deposit challenge (stake_amount)"))
    InvalidInput.raise_any(problems)
    schedule = Schedule(
        start_date=draft.start_date,
        days=draft.days,
        timezone=draft.timezone,
        window_start=draft.window_start,
        window_end=draft.window_end,
    )
    if schedule.closes_at <= at:
        InvalidInput.raise_any([("start_date", "the challenge would be over already")])
    closes = draft.enroll_closes_at or schedule.default_enroll_closes_at
    challenge = Challenge(
        id=new_id("chl"),
        community_id=community_id,
        name=draft.name,
        description=draft.description,
        start_date=draft.start_date,
        days=draft.days,
        timezone=draft.timezone,
        window_start=draft.window_start,
        window_end=draft.window_end,
        proof_kind=draft.proof_kind.value,
        proof_min_length=draft.proof_min_length,
        keywords=[k for k in draft.keywords if k.strip()],
        makeup_count=draft.makeup_count,
        makeup_days_back=draft.makeup_days_back,
        allowed_misses=draft.allowed_misses,
        enroll_opens_at=draft.enroll_opens_at,
        enroll_closes_at=closes,
        capacity=draft.capacity,
        tier_ids=list(draft.tier_ids),
        stake_amount=draft.stake_amount,
        currency=draft.currency,
        platform_fee_bps=draft.platform_fee_bps,
        appeal_window_hours=draft.appeal_window_hours,
        created_at=at,
    )
    ChallengeRepository(session).add(challenge)
    return challenge


async def challenge_or_raise(session: AsyncSession, *, community_id: str, challenge_id: str) -> Challenge:
    challenge = await ChallengeRepository(session).get(community_id, challenge_id)
    if challenge is None:
        raise NotFound(f"challenge {challenge_id} not found", code="challenge_not_found")
    return challenge


async def list_challenges(
    session: AsyncSession, *, community_id: str, after: str | None, limit: int
) -> Sequence[Challenge]:
    return await ChallengeRepository(session).page(community_id, after=after, limit=limit)


@dataclass(frozen=True)
class Enrolled:
    enrollment: Enrollment
    created: bool


async def enroll(
    session: AsyncSession, *, community_id: str, challenge_id: str, member_id: str, at: datetime
) -> Enrolled:
    """Enroll a member; enrolling again is a no-op that returns the enrollment."""
    repo = ChallengeRepository(session)
    challenge = await challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    earlier = await repo.enrollment_of(challenge.id, member_id)
    if earlier is not None and earlier.status != EnrollmentStatus.WITHDRAWN:
        return Enrolled(earlier, created=False)
    if challenge.enroll_opens_at is not None and at < challenge.enroll_opens_at:
        raise EnrollmentClosed(f"enrollment in {challenge.name} opens at {challenge.enroll_opens_at.isoformat()}")
    if at >= challenge.enroll_closes_at or challenge.finalized_at is not None:
        raise EnrollmentClosed(
            f"enrollment in {challenge.name} closed at {challenge.enroll_closes_at.isoformat()}"
            " (by default when day 1's check-in window closes); to take members later, create the challenge"
            " with enrollClosesAt (REST: enroll_closes_at) set"
        )
    if challenge.tier_ids:
        tier = (await LedgerRepository(session).tiers_of(community_id, [member_id])).get(member_id)
        if tier not in challenge.tier_ids:
            raise TierRequired(f"{challenge.name} is for members of tiers {', '.join(challenge.tier_ids)}")
    if not await repo.take_seat(challenge.id):
        raise ChallengeFull(f"{challenge.name} is full ({challenge.capacity} members)")
    status = EnrollmentStatus.PENDING if challenge.stake_amount is not None else EnrollmentStatus.ACTIVE
    if earlier is not None:
        earlier.status, earlier.created_at, earlier.decided_at = status.value, at, None
        return Enrolled(earlier, created=True)
    enrollment = Enrollment(
        id=new_id("enr"),
        community_id=community_id,
        challenge_id=challenge.id,
        member_id=member_id,
        status=status.value,
        stake_amount=challenge.stake_amount,
        created_at=at,
    )
    repo.add(enrollment)
    return Enrolled(enrollment, created=True)


async def enrollment_or_raise(
    session: AsyncSession, *, challenge: Challenge, member_id: str, lock: bool = False
) -> Enrollment:
    enrollment = await ChallengeRepository(session).enrollment_of(challenge.id, member_id, lock=lock)
    if enrollment is None:
        raise NotFound(f"member {member_id} is not enrolled in {challenge.name}", code="not_enrolled")
    return enrollment


async def withdraw(
    session: AsyncSession, *, community_id: str, challenge_id: str, member_id: str, at: datetime
) -> Enrollment:
    """Leave before the first day opens; a confirmed stake is given back by the deposit's own rules."""
    challenge = await challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    enrollment = await enrollment_or_raise(session, challenge=challenge, member_id=member_id, lock=True)
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        return enrollment
    if at >= schedule_of(challenge).opens_at:
        raise WithdrawalClosed(f"{challenge.name} has started; members can no longer withdraw")
    enrollment.status, enrollment.decided_at = EnrollmentStatus.WITHDRAWN.value, at
    await ChallengeRepository(session).give_back_seat(challenge.id)
    await refund_withdrawal(session, challenge, enrollment, at=at)
    return enrollment


async def list_enrollments(
    session: AsyncSession, *, challenge: Challenge, status: str | None, after: str | None, limit: int
) -> Sequence[Enrollment]:
    return await ChallengeRepository(session).enrollments(challenge.id, status=status, after=after, limit=limit)


async def member_enrollments(session: AsyncSession, *, community_id: str, member_id: str) -> Sequence[Enrollment]:
    return await ChallengeRepository(session).enrollments_of_member(community_id, member_id)


async def enrollments_of_members(
    session: AsyncSession, *, community_id: str, member_ids: Sequence[str]
) -> Sequence[Enrollment]:
    return await ChallengeRepository(session).enrollments_of_members(community_id, member_ids)
