"""Events the gamification service reacts to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import (
    CommunityCreated,
    CourseCompleted,
    MemberActivity,
    MemberJoined,
    MemberTierChanged,
    ReferralConverted,
    StrikeAdded,
)
from contracts.gamification.events import BadgeAwarded, ChallengeCompleted, CheckinRecorded
from kit.events import Envelope, Subscriptions
from kit.events.envelope import stream_of
from services.gamification.domain.certificate import TriggerKind
from services.gamification.domain.rule import Occurrence
from services.gamification.usecases import badge, checkin, community, ledger, level, points, reversal
from services.gamification.usecases import certificate as certificates
from services.gamification.usecases import referral as referrals
from services.gamification.usecases.occurrence import after_occurrence

subscriptions = Subscriptions()
# Its own stream too, for challenge.completed and badge.awarded (badges, certificates) and checkin.recorded
# (points), and content's for course.completed (certificates); other events are acked unread by any handler.
STREAMS = [stream_of("membership"), stream_of("gamification"), stream_of("content")]


@subscriptions.on(CommunityCreated)
async def on_community_created(session: AsyncSession, envelope: Envelope, data: CommunityCreated) -> None:
    await community.remember_community(
        session, community_id=data.community_id, timezone=data.timezone, at=envelope.occurred_at
    )
    await level.create_default_scheme(session, community_id=data.community_id, at=envelope.occurred_at)


def activity_occurrence(data: MemberActivity) -> Occurrence:
    return Occurrence(
        event=f"member.activity.{data.kind}",
        member_id=data.member_id,
        occurred_at=data.occurred_at,
        group_id=data.group_id,
        text=data.text,
        text_length=data.text_length or len(data.text),
        message_ref=data.message_ref if data.kind == "message" else None,
        one_to_one=data.one_to_one,
    )


@subscriptions.on(MemberActivity)
async def on_member_activity(session: AsyncSession, envelope: Envelope, data: MemberActivity) -> None:
    """Points, then badges and surprises, for activity that earns (spam does not, ADR 0035); check-ins."""
    if envelope.community_id is None:
        return
    if await reversal.earns(session, envelope, data):
        occurrence = activity_occurrence(data)
        await points.apply_occurrence(
            session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence
        )
        await after_occurrence(session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence)
    await checkin.check_in_from_activity(session, community_id=envelope.community_id, event_id=envelope.id, data=data)


@subscriptions.on_batch(MemberActivity)
async def on_member_activities(session: AsyncSession, batch: Sequence[tuple[Envelope, MemberActivity]]) -> None:
    """The hot path: a consumer batch of activity, per community in stream order (the per-event handler
    above is the fallback when this fails, e.g. on a replayed award)."""
    earning = await reversal.earning(session, batch)
    await _apply_occurrences(session, [(e, activity_occurrence(d)) for e, d in earning])
    for community_id in sorted({e.community_id for e, _ in batch if e.community_id is not None}):
        activities = [(e.id, d) for e, d in batch if e.community_id == community_id]
        await checkin.check_in_from_activities(session, community_id=community_id, activities=activities)


@subscriptions.on(MemberJoined)
async def on_member_joined(session: AsyncSession, envelope: Envelope, data: MemberJoined) -> None:
    if envelope.community_id is None:
        return
    await ledger.remember_tier(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        tier_id=data.tier_id,
        at=envelope.occurred_at,
    )
    if data.display_name is not None:
        await certificates.remember_name(
            session,
            community_id=envelope.community_id,
            member_id=data.member_id,
            name=data.display_name,
            at=envelope.occurred_at,
        )
    if data.referrer_member_id is not None:
        occurrence = Occurrence(
            event="member.joined.referral", member_id=data.referrer_member_id, occurred_at=envelope.occurred_at
        )
        await points.apply_occurrence(
            session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence
        )
        await after_occurrence(session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence)


@subscriptions.on(ReferralConverted)
async def on_referral_converted(session: AsyncSession, envelope: Envelope, data: ReferralConverted) -> None:
    """The referrer's ``referral.converted`` rules: a referred member paid for a priced tier."""
    if envelope.community_id is None:
        return
    await referrals.reward_conversion(
        session, community_id=envelope.community_id, event_id=envelope.id, data=data, at=envelope.occurred_at
    )


@subscriptions.on(MemberTierChanged)
async def on_member_tier_changed(session: AsyncSession, envelope: Envelope, data: MemberTierChanged) -> None:
    if envelope.community_id is None:
        return
    await ledger.remember_tier(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        tier_id=data.to_tier_id,
        at=envelope.occurred_at,
    )


@subscriptions.on(CheckinRecorded)
async def on_checkin_recorded(session: AsyncSession, envelope: Envelope, data: CheckinRecorded) -> None:
    """Operators reward check-ins with a ``checkin.recorded`` rule (points, then badges and surprises)."""
    if envelope.community_id is None:
        return
    occurrence = _checkin_occurrence(envelope, data)
    await points.apply_occurrence(
        session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence
    )
    await after_occurrence(session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence)


@subscriptions.on_batch(CheckinRecorded)
async def on_checkins_recorded(session: AsyncSession, batch: Sequence[tuple[Envelope, CheckinRecorded]]) -> None:
    """The morning storm's events, a consumer batch at a time (the per-event handler above is the fallback)."""
    await _apply_occurrences(session, [(e, _checkin_occurrence(e, d)) for e, d in batch])


def _checkin_occurrence(envelope: Envelope, data: CheckinRecorded) -> Occurrence:
    return Occurrence(event="checkin.recorded", member_id=data.member_id, occurred_at=envelope.occurred_at)


async def _apply_occurrences(
    session: AsyncSession, batch: Sequence[tuple[Envelope, Occurrence]]
) -> dict[str, list[tuple[str, Occurrence]]]:
    """A batch's occurrences, per community in stream order: points in one pass, then badges, surprises and
    probes event by event, as the per-event handlers do. The occurrences by community."""
    by_community: dict[str, list[tuple[str, Occurrence]]] = {}
    for envelope, occurrence in batch:
        if envelope.community_id is not None:
            by_community.setdefault(envelope.community_id, []).append((envelope.id, occurrence))
    for community_id in sorted(by_community):
        occurrences = by_community[community_id]
        await points.apply_occurrences(session, community_id=community_id, occurrences=occurrences)
        for event_id, occurrence in occurrences:
            await after_occurrence(session, community_id=community_id, event_id=event_id, occurrence=occurrence)
    return by_community


@subscriptions.on(ChallengeCompleted)
async def on_challenge_completed(session: AsyncSession, envelope: Envelope, data: ChallengeCompleted) -> None:
    if envelope.community_id is None:
        return
    await badge.record_occurrence(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        event="challenge.completed",
        at=envelope.occurred_at,
        challenge_id=data.challenge_id,
    )
    await certificates.issue_for(
        session,
        community_id=envelope.community_id,
        kind=TriggerKind.CHALLENGE,
        ref=data.challenge_id,
        member_id=data.member_id,
        source=f"challenge:{data.enrollment_id}",
        at=envelope.occurred_at,
    )


@subscriptions.on(CourseCompleted)
async def on_course_completed(session: AsyncSession, envelope: Envelope, data: CourseCompleted) -> None:
    if envelope.community_id is None:
        return
    await certificates.issue_for(
        session,
        community_id=envelope.community_id,
        kind=TriggerKind.COURSE,
        ref=data.course_id,
        member_id=data.member_id,
        source=f"course:{data.course_id}:{data.member_id}",
        at=envelope.occurred_at,
    )


@subscriptions.on(BadgeAwarded)
async def on_badge_awarded(session: AsyncSession, envelope: Envelope, data: BadgeAwarded) -> None:
    if envelope.community_id is None:
        return
    await certificates.issue_for(
        session,
        community_id=envelope.community_id,
        kind=TriggerKind.BADGE,
        ref=data.badge_id,
        member_id=data.member_id,
        source=f"badge:{data.award_id}",
        at=envelope.occurred_at,
    )


@subscriptions.on(StrikeAdded)
async def on_strike_added(session: AsyncSession, envelope: Envelope, data: StrikeAdded) -> None:
    """A strike on a chat message takes back what that message earned (ADR 0035)."""
    if envelope.community_id is None or data.message_ref is None:
        return
    await reversal.reverse_struck_message(
        session, community_id=envelope.community_id, strike=data, at=envelope.occurred_at
    )
