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
from contracts.gamification import ChallengeCompleted, CheckinRecorded
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.gamification.domain.challenge import (
    EnrollmentStatus,
    Proof,
    ProofKind,
    has_keyword,
    makeup_problem,
    proof_problem,
    streaks,
)
from services.gamification.models.challenge import Challenge, Checkin, Enrollment, MissedDay
from services.gamification.repo.challenge import ChallengeRepository
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
    repo = ChallengeRepository(session)
    # The morning storm's path: challenge and locked enrollment in one statement, then every counted day in
    # one more (the source, today's slot and the recount all read it); the lookups below only name what is missing.
    found = await repo.locked_enrollment_with_challenge(community_id, challenge_id, member_id)
    if found is None:
        challenge = await challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
        await enrollment_or_raise(session, challenge=challenge, member_id=member_id)
        # Both are there: the member enrolled since the first read.
        found = await repo.locked_enrollment_with_challenge(community_id, challenge_id, member_id)
        assert found is not None
    enrollment, challenge = found
    counted = await repo.counted_days(enrollment.id)
    if (
        source is not None
        and counted.by_source(source) is not None
        and (earlier := await repo.checkin_by_source(community_id, source)) is not None
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
    missed = await repo.missed_day(enrollment.id, day) if makeup else None
    if missed is not None and missed.status == "excused":
        raise CheckinAlreadyRecorded(f"day {day} of {challenge.name} was excused")
    checkin = Checkin(
        id=new_id("chk"),
        community_id=community_id,
        challenge_id=challenge.id,
        enrollment_id=enrollment.id,
        member_id=member_id,
        day=day,
        local_date=schedule.date_of(day),
        makeup=makeup,
        channel=channel,
        source=source or new_id("chs"),
        text=proof.text[:4000],
        photo_urls=list(proof.photo_urls),
        checked_in_at=at,
    )
    if not await repo.insert_checkin(checkin):
        # The day was free, so the source was taken, by another enrollment's check-in.
        if source is not None and (earlier := await repo.checkin_by_source(community_id, source)) is not None:
            return CheckedIn(earlier, enrollment, created=False)
        raise CheckinAlreadyRecorded(f"day {day} of {challenge.name} is already checked in")
    if makeup:
        enrollment.makeups_used += 1
    if missed is not None:
        missed.status = "made_up"
        enrollment.missed_days -= 1
    await _count_day(session, challenge, enrollment, at=at, done=[*counted.done(), day])
    await repo.save_progress(enrollment)
    await emit(
        session,
        CheckinRecorded(
            member_id=member_id,
            challenge_id=challenge.id,
            enrollment_id=enrollment.id,
            checkin_id=checkin.id,
            day=day,
            local_date=checkin.local_date,
            makeup=makeup,
            channel=channel,
            streak=enrollment.streak,
            days_done=enrollment.days_done,
        ),
        community_id=community_id,
        at=at,
    )
    return CheckedIn(checkin, enrollment, created=True)


def _window_text(challenge: Challenge, at: datetime) -> str:
    schedule = schedule_of(challenge)
    today = schedule.calendar_day(at)
    if today < 1:
        return f"{challenge.name} starts on {challenge.start_date.isoformat()}"
    if today > challenge.days:
        return f"{challenge.name} is over"
    start, end = challenge.window_start, challenge.window_end
    return f"check-ins for {challenge.name} are open {start:%H:%M} to {end:%H:%M} {challenge.timezone}"


async def _count_day(
    session: AsyncSession, challenge: Challenge, enrollment: Enrollment, *, at: datetime, done: list[int] | None = None
) -> None:
    """A day now counts for the enrollment: counters, streaks, and completion when every day counts. ``done``:
    the days that count, when the caller read them under the enrollment's lock; else they are read here."""
    if done is None:
        await session.flush()
        done = await ChallengeRepository(session).done_days(enrollment.id)
    done = sorted(done)
    through = min(schedule_of(challenge).calendar_day(at), challenge.days)
    enrollment.days_done = len(done)
    enrollment.last_checkin_day = max(done)
    enrollment.streak, enrollment.best_streak = streaks(done, through=through)
    if enrollment.days_done == challenge.days:
        await complete(session, challenge, enrollment, at=at)


async def complete(session: AsyncSession, challenge: Challenge, enrollment: Enrollment, *, at: datetime) -> None:
    enrollment.status, enrollment.decided_at = EnrollmentStatus.COMPLETED.value, at
    await emit(
        session,
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
