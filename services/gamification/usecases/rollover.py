"""``challenge.rollover``: when a day's window closes, members without a check-in miss it; when nothing can
change any more (makeups and appeals over), every enrollment is decided completed or failed.

It catches up: a worker that was down, or a test clock moved by weeks, records every closed day in order,
each miss stamped with its own window's close rather than the time the job ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import ChallengeCompleted, ChallengeFailed, CheckinMissed
from kit.events import Emission, emit_many
from services.gamification.domain.challenge import EnrollmentStatus, finalize_at
from services.gamification.models.challenge import Challenge
from services.gamification.repo.challenge import ChallengeRepository
from services.gamification.usecases.challenge import schedule_of
from services.gamification.usecases.deposit import settle_challenge

# Appeals nobody reviewed lapse (rejected) this long after the challenge could otherwise be decided.
REVIEW_GRACE = timedelta(days=7)


@dataclass
class Rolled:
    missed: int = 0
    decided: list[str] = field(default_factory=list)  # challenge ids decided in this pass


async def roll_over(session: AsyncSession, *, community_id: str, now: datetime) -> Rolled:
    rolled = Rolled()
    for challenge in await ChallengeRepository(session).unfinished(community_id):
        rolled.missed += await record_missed_days(session, challenge, now=now)
        if await decide_if_due(session, challenge, now=now):
            rolled.decided.append(challenge.id)
    return rolled


async def record_missed_days(session: AsyncSession, challenge: Challenge, *, now: datetime) -> int:
    schedule = schedule_of(challenge)
    last = schedule.last_closed_day(now)
    repo, missed = ChallengeRepository(session), 0
    for day in range(challenge.rolled_through_day + 1, last + 1):
        closed_at = schedule.window(day)[1]
        appeal_until = closed_at + timedelta(hours=challenge.appeal_window_hours)
        local_date = schedule.date_of(day)
        members = await repo.record_misses(
            challenge, day=day, local_date=local_date, appeal_until=appeal_until, at=closed_at
        )
        await emit_many(
            session,
            [
                Emission(
                    CheckinMissed(
                        member_id=member_id,
                        challenge_id=challenge.id,
                        enrollment_id=enrollment_id,
                        day=day,
                        local_date=local_date,
                        appeal_until=appeal_until,
                    ),
                    community_id=challenge.community_id,
                    at=closed_at,
                )
                for enrollment_id, member_id in members
            ],
        )
        missed += len(members)
    challenge.rolled_through_day = max(challenge.rolled_through_day, last)
    return missed


async def decide_if_due(session: AsyncSession, challenge: Challenge, *, now: datetime) -> bool:
    due = finalize_at(
        schedule_of(challenge),
        makeup_count=challenge.makeup_count,
        makeup_days_back=challenge.makeup_days_back,
        appeal_window_hours=challenge.appeal_window_hours,
    )
    if now < due or challenge.rolled_through_day < challenge.days:
        return False
    repo = ChallengeRepository(session)
    if await repo.open_appeals(challenge.id):
        if now < due + REVIEW_GRACE:
            return False
        await repo.lapse_appeals(challenge.id, at=now)
    decided = await repo.decide_outcomes(challenge, at=due)
    emissions = []
    for enrollment_id, member_id, status, days_done in decided:
        event = ChallengeCompleted if status == EnrollmentStatus.COMPLETED else ChallengeFailed
        emissions.append(
            Emission(
                event(
                    member_id=member_id,
                    challenge_id=challenge.id,
                    enrollment_id=enrollment_id,
                    challenge_name=challenge.name,
                    days=challenge.days,
                    days_done=days_done,
                ),
                community_id=challenge.community_id,
                at=due,
            )
        )
    await emit_many(session, emissions)
    await settle_challenge(session, challenge, at=due)
    challenge.finalized_at = now
    return True
