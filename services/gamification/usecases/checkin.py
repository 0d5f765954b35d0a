"""Check-ins: one per member per challenge day, from the API or from a chat keyword; makeups; appeals.

The member's enrollment row is locked first, so a member's check-ins serialize: a retry or a concurrent
duplicate finds the day taken (the unique (enrollment, day) constraint is the last word either way).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import MemberActivity
from contracts.gamification.events import ChallengeCompleted, CheckinRecorded
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import Emission, emit_many
from kit.ids import new_id
from kit.rows import detached
from services.gamification.domain.challenge import (
    EnrollmentStatus,
    Proof,
    ProofKind,
    has_keyword,
    makeup_problem,
    progress,
    proof_problem,
)
from services.gamification.models.challenge import Challenge, Checkin, Enrollment, MissedDay
from services.gamification.repo.challenge import ChallengeRepository
from services.gamification.repo.checkin import PROGRESS_KEYS, CheckinRepository
from services.gamification.usecases.challenge import (
    challenge_or_raise,
    enrollment_or_raise,
    schedule_of,
)

log = logging.getLogger(__name__)


class CheckinWindowClosed(Conflict):
    code = "checkin_window_closed"


class CheckinAlreadyRecorded(Conflict):
    code = "checkin_already_recorded"


class MakeupRefused(Conflict):
    code = "makeup_refused"


class EnrollmentNotActive(Conflict):
    code = "enrollment_not_active"


class AppealRefused(Conflict):
    code = "appeal_refused"


@dataclass(frozen=True)
class CheckedIn:
    checkin: Checkin
    enrollment: Enrollment
    created: bool


async def check_in(
    session: AsyncSession,
    *,
    community_id: str,
    challenge_id: str,
    member_id: str,
    proof: Proof,
    at: datetime,
    channel: str,
    source: str | None,
    day: int | None = None,
) -> CheckedIn:
    """Record today's check-in, or with ``day`` a makeup of a past day. A repeated ``source`` is a no-op."""
    repo = CheckinRepository(session)
    # The morning storm's path: the challenge, the locked enrollment and the days that count in one statement
    # (the source, today's slot and the recount all read them); the lookups below only name what is missing.
    locked = await repo.locked(community_id, challenge_id, member_id)
    if locked is None:
        challenge = await challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
        await enrollment_or_raise(session, challenge=challenge, member_id=member_id)
        # Both are there: the member enrolled since the first read.
        locked = await repo.locked(community_id, challenge_id, member_id)
        assert locked is not None
    enrollment, challenge, counted = locked.enrollment, locked.challenge, locked.counted
    challenges = ChallengeRepository(session)
    if (
        source is not None
        and counted.by_source(source) is not None
        and (earlier := await challenges.checkin_by_source(community_id, source)) is not None
    ):
        return CheckedIn(earlier, enrollment, created=False)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise EnrollmentNotActive(f"the enrollment in {challenge.name} is {enrollment.status}")
    refused = proof_problem(
        proof, kind=ProofKind(challenge.proof_kind), min_length=challenge.proof_min_length, keywords=challenge.keywords
    )
    InvalidInput.raise_any([refused] if refused else [])
    schedule = schedule_of(challenge)
    makeup = day is not None
    if day is None:
        day = schedule.open_day(at)
        if day is None:
            raise CheckinWindowClosed(_window_text(challenge, at))
    else:
        problem = makeup_problem(
            day=day,
            today=schedule.calendar_day(at),
            days=challenge.days,
            allowed=challenge.makeup_count,
            used=enrollment.makeups_used,
            days_back=challenge.makeup_days_back,
        )
        if problem is not None:
            raise MakeupRefused(f"day {day}: {problem}")
    if (taken := counted.checkins.get(day)) is not None:
        raise CheckinAlreadyRecorded(f"day {day} of {challenge.name} is already checked in ({taken[0]})")
    missed = await challenges.missed_day(enrollment.id, day) if makeup else None
    if missed is not None and missed.status == "excused":
        raise CheckinAlreadyRecorded(f"day {day} of {challenge.name} was excused")
    checkin = detached(
        Checkin,
        {
            "id": new_id("chk"),
            "community_id": community_id,
            "challenge_id": challenge.id,
            "enrollment_id": enrollment.id,
            "member_id": member_id,
            "day": day,
            "local_date": schedule.date_of(day),
            "makeup": makeup,
            "channel": channel,
            "source": source or new_id("chs"),
            "text": proof.text[:4000],
            "photo_urls": list(proof.photo_urls),
            "checked_in_at": at,
        },
    )
    # The enrollment with this day counted; written only if the check-in goes in, else put back as it was.
    before = {key: getattr(enrollment, key) for key in PROGRESS_KEYS}
    if makeup:
        enrollment.makeups_used += 1
    if missed is not None:
        enrollment.missed_days -= 1
    completed = _count(challenge, enrollment, at=at, done=[*counted.done(), day])
    emissions = [_recorded(checkin, enrollment, at=at)]
    if completed:
        emissions.append(_completed(challenge, enrollment, at=at))
    if not await repo.record(checkin, enrollment, emissions):
        for key, value in before.items():
            setattr(enrollment, key, value)
        # The day was free, so the source was taken, by another enrollment's check-in.
        if source is not None and (earlier := await challenges.checkin_by_source(community_id, source)) is not None:
            return CheckedIn(earlier, enrollment, created=False)
        raise CheckinAlreadyRecorded(f"day {day} of {challenge.name} is already checked in")
    if missed is not None:
        missed.status = "made_up"
    return CheckedIn(checkin, enrollment, created=True)


def _recorded(checkin: Checkin, enrollment: Enrollment, *, at: datetime) -> Emission:
    return Emission(
        CheckinRecorded(
            member_id=checkin.member_id,
            challenge_id=checkin.challenge_id,
            enrollment_id=enrollment.id,
            checkin_id=checkin.id,
            day=checkin.day,
            local_date=checkin.local_date,
            makeup=checkin.makeup,
            channel=checkin.channel,
            streak=enrollment.streak,
            days_done=enrollment.days_done,
        ),
        community_id=checkin.community_id,
        at=at,
    )


def _completed(challenge: Challenge, enrollment: Enrollment, *, at: datetime) -> Emission:
    return Emission(
        ChallengeCompleted(
            member_id=enrollment.member_id,
            challenge_id=challenge.id,
            enrollment_id=enrollment.id,
            challenge_name=challenge.name,
            days=challenge.days,
            days_done=enrollment.days_done,
        ),
        community_id=challenge.community_id,
        at=at,
    )


def _window_text(challenge: Challenge, at: datetime) -> str:
    schedule = schedule_of(challenge)
    today = schedule.calendar_day(at)
    if today < 1:
        return f"{challenge.name} starts on {challenge.start_date.isoformat()}"
    if today > challenge.days:
        return f"{challenge.name} is over"
    start, end = challenge.window_start, challenge.window_end
    return f"check-ins for {challenge.name} are open {start:%H:%M} to {end:%H:%M} {challenge.timezone}"


def _count(challenge: Challenge, enrollment: Enrollment, *, at: datetime, done: list[int]) -> bool:
    """Counters and streaks of ``enrollment`` with ``done`` counting; completed (True) when every day counts."""
    now = progress(done, today=schedule_of(challenge).calendar_day(at), days=challenge.days)
    enrollment.days_done, enrollment.last_checkin_day = now.days_done, now.last_checkin_day
    enrollment.streak, enrollment.best_streak = now.streak, now.best_streak
    if now.completed:
        enrollment.status, enrollment.decided_at = EnrollmentStatus.COMPLETED.value, at
    return now.completed


async def _count_day(session: AsyncSession, challenge: Challenge, enrollment: Enrollment, *, at: datetime) -> None:
    """A day now counts for a tracked enrollment (an excused one): counters, streaks, and completion."""
    await session.flush()
    done = await ChallengeRepository(session).done_days(enrollment.id)
    if _count(challenge, enrollment, at=at, done=done):
        await emit_many(session, [_completed(challenge, enrollment, at=at)])


async def check_in_from_activity(
    session: AsyncSession, *, community_id: str, event_id: str, data: MemberActivity
) -> list[Checkin]:
    return await check_in_from_activities(session, community_id=community_id, activities=[(event_id, data)])


async def check_in_from_activities(
    session: AsyncSession, *, community_id: str, activities: Sequence[tuple[str, MemberActivity]]
) -> list[Checkin]:
    """A chat message with a challenge's keyword checks the member in to that challenge's open day; a message
    that does not count (window closed, day taken, proof short) changes nothing. One query for the batch."""
    messages = [(e, d) for e, d in activities if d.kind == "message" and d.text]
    if not messages:
        return []
    members = sorted({d.member_id for _, d in messages})
    enrolled = await ChallengeRepository(session).active_challenges_of(community_id, members)
    challenges_of: dict[str, list[Challenge]] = {}
    for enrollment, challenge in enrolled:
        challenges_of.setdefault(enrollment.member_id, []).append(challenge)
    recorded: list[Checkin] = []
    for event_id, data in messages:
        for challenge in challenges_of.get(data.member_id, []):
            if has_keyword(data.text, challenge.keywords):
                checkin = await _check_in_from_chat(session, challenge, event_id=event_id, data=data)
                if checkin is not None:
                    recorded.append(checkin)
    return recorded


async def _check_in_from_chat(
    session: AsyncSession, challenge: Challenge, *, event_id: str, data: MemberActivity
) -> Checkin | None:
    proof = Proof(text=data.text, photo_urls=tuple(m.ref for m in data.media if m.kind == "image"))
    try:
        async with session.begin_nested():
            result = await check_in(
                session,
                community_id=challenge.community_id,
                challenge_id=challenge.id,
                member_id=data.member_id,
                proof=proof,
                at=data.occurred_at,
                channel="chat",
                source=f"{event_id}:{challenge.id}",
            )
    except (Conflict, InvalidInput) as refused:
        log.info("chat check-in not counted", extra={"challenge": challenge.id, "reason": refused.code})
        return None
    return result.checkin if result.created else None


async def appeal(
    session: AsyncSession,
    *,
    community_id: str,
    challenge_id: str,
    member_id: str,
    day: int,
    reason: str,
    at: datetime,
) -> MissedDay:
    """Ask to excuse a missed day, within the appeal window; appealing again is a no-op."""
    challenge = await challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    enrollment = await enrollment_or_raise(session, challenge=challenge, member_id=member_id, lock=True)
    missed = await ChallengeRepository(session).missed_day(enrollment.id, day)
    if missed is None:
        raise NotFound(f"day {day} of {challenge.name} is not a missed day of member {member_id}", code="not_missed")
    if missed.status == "appealed":
        return missed
    if missed.status != "missed":
        raise AppealRefused(f"day {day} is {missed.status.replace('_', ' ')}; there is nothing to appeal")
    if at >= missed.appeal_until:
        raise AppealRefused(f"appeals for day {day} closed at {missed.appeal_until.isoformat()}")
    missed.status, missed.appeal_reason, missed.appealed_at = "appealed", reason, at
    return missed


async def review_appeal(
    session: AsyncSession,
    *,
    community_id: str,
    missed_day_id: str,
    excuse: bool,
    reviewer_id: str | None,
    note: str | None,
    at: datetime,
) -> MissedDay:
    """Excuse the day (it counts as done) or reject the appeal; deciding the same way again is a no-op."""
    repo = ChallengeRepository(session)
    missed = await repo.missed_day_by_id(community_id, missed_day_id)
    if missed is None:
        raise NotFound(f"missed day {missed_day_id} not found", code="missed_day_not_found")
    target = "excused" if excuse else "rejected"
    if missed.status == target:
        return missed
    if missed.status != "appealed":
        raise AppealRefused(f"missed day {missed_day_id} is {missed.status.replace('_', ' ')}, not appealed")
    challenge = await challenge_or_raise(session, community_id=community_id, challenge_id=missed.challenge_id)
    enrollment = await enrollment_or_raise(session, challenge=challenge, member_id=missed.member_id, lock=True)
    missed.status, missed.reviewed_by, missed.review_note, missed.reviewed_at = target, reviewer_id, note, at
    if excuse:
        enrollment.missed_days -= 1
        if enrollment.status == EnrollmentStatus.ACTIVE:
            await _count_day(session, challenge, enrollment, at=at)
        else:
            await session.flush()
            enrollment.days_done = len(await repo.done_days(enrollment.id))
    return missed


def appeal_deadline(closed_at: datetime, hours: int) -> datetime:
    return closed_at + timedelta(hours=hours)
