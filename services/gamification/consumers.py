"""Events the gamification service reacts to."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import CommunityCreated, MemberActivity, MemberJoined, MemberTierChanged
from contracts.gamification import ChallengeCompleted
from kit.events import Envelope, Subscriptions
from kit.events.envelope import stream_of
from services.gamification.domain.rule import Occurrence
from services.gamification.usecases import badge, community, ledger, level, points
from services.gamification.usecases.occurrence import after_occurrence

subscriptions = Subscriptions()
# Its own stream too, for challenge.completed (badges); other own events are acked unread by any handler.
STREAMS = [stream_of("membership"), stream_of("gamification")]


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
    )


@subscriptions.on(MemberActivity)
async def on_member_activity(session: AsyncSession, envelope: Envelope, data: MemberActivity) -> None:
    if envelope.community_id is None:
        return
    occurrence = activity_occurrence(data)
    await points.apply_occurrence(
        session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence
    )
    await after_occurrence(session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence)


@subscriptions.on_batch(MemberActivity)
async def on_member_activities(session: AsyncSession, batch: Sequence[tuple[Envelope, MemberActivity]]) -> None:
    """The hot path: a consumer batch of activity, per community in stream order (the per-event handler
    above is the fallback when this fails, e.g. on a replayed award)."""
    by_community: dict[str, list[tuple[str, Occurrence]]] = {}
    for envelope, data in batch:
        if envelope.community_id is not None:
            by_community.setdefault(envelope.community_id, []).append((envelope.id, activity_occurrence(data)))
    for community_id in sorted(by_community):
        occurrences = by_community[community_id]
        await points.apply_occurrences(session, community_id=community_id, occurrences=occurrences)
        for event_id, occurrence in occurrences:
            await after_occurrence(session, community_id=community_id, event_id=event_id, occurrence=occurrence)


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
    if data.referrer_member_id is not None:
        occurrence = Occurrence(
            event="member.joined.referral", member_id=data.referrer_member_id, occurred_at=envelope.occurred_at
        )
        await points.apply_occurrence(
            session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence
        )
        await after_occurrence(session, community_id=envelope.community_id, event_id=envelope.id, occurrence=occurrence)


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
