"""Events the membership service reacts to: chat activity (gateway), missed assignments (content), probation
inputs and participation (gamification)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatMemberJoinedGroup, ChatMemberLeftGroup, ChatMessageReceived, ChatReactionAdded
from contracts.events import AssignmentMissed
from contracts.gamification.events import (
    ChallengeCompleted,
    CheckinRecorded,
    LevelReached,
    PointsAwarded,
    ProbeClaimed,
    ProbeDropped,
    RewardRedeemed,
)
from kit.events import Envelope, EventData, Subscriptions
from kit.events.envelope import stream_of
from services.membership.domain.participation import participation_of
from services.membership.usecases import activity, ban_list, gamification_chat, participation, probation, purge

subscriptions = Subscriptions()
STREAMS: list[str] = [stream_of("gateway"), stream_of("content"), stream_of("gamification")]
# The events that are participation (domain.participation.SOURCES says which kind each is).
PARTICIPATIONS: tuple[type[EventData], ...] = (CheckinRecorded, ProbeClaimed, RewardRedeemed)


@subscriptions.on(ChatMessageReceived)
async def on_message(session: AsyncSession, envelope: Envelope, data: ChatMessageReceived) -> None:
    await activity.record_message(session, envelope, data)


@subscriptions.on(ChatReactionAdded)
async def on_reaction(session: AsyncSession, envelope: Envelope, data: ChatReactionAdded) -> None:
    await activity.record_reaction(session, envelope, data)


@subscriptions.on(ChatMemberJoinedGroup)
async def on_joined(session: AsyncSession, envelope: Envelope, data: ChatMemberJoinedGroup) -> None:
    if await ban_list.enforce_ban_on_join(session, envelope=envelope, joined=data):
        return  # a banned person: sent back out, not admitted
    await activity.record_join(session, envelope, data)


@subscriptions.on(ChatMemberLeftGroup)
async def on_left(session: AsyncSession, envelope: Envelope, data: ChatMemberLeftGroup) -> None:
    await activity.record_leave(session, envelope, data)


async def on_participation(session: AsyncSession, envelope: Envelope, data: EventData) -> None:
    """A check-in, claim, redemption, ...: activity of the member, counted once however often it arrives."""
    done = participation_of(data.event_type, data.model_dump())
    if envelope.community_id is None or done is None:
        return
    await participation.record_participation(
        session, community_id=envelope.community_id, participation=done, at=envelope.occurred_at
    )


for _model in PARTICIPATIONS:
    subscriptions.on(_model)(on_participation)


@subscriptions.on(AssignmentMissed)
async def on_assignment_missed(session: AsyncSession, envelope: Envelope, data: AssignmentMissed) -> None:
    if envelope.community_id is None:
        return
    await purge.record_missed_assignment(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        assignment_id=data.assignment_id,
        due_at=data.due_at,
        at=envelope.occurred_at,
    )


@subscriptions.on(PointsAwarded)
async def on_points_awarded(session: AsyncSession, envelope: Envelope, data: PointsAwarded) -> None:
    """A member on probation whose condition is N lifetime points may be promoted now."""
    if envelope.community_id is None:
        return
    await probation.on_points(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        lifetime=data.lifetime,
        at=envelope.occurred_at,
    )


@subscriptions.on(ChallengeCompleted)
async def on_challenge_completed(session: AsyncSession, envelope: Envelope, data: ChallengeCompleted) -> None:
    if envelope.community_id is None:
        return
    await probation.on_challenge_completed(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        challenge_id=data.challenge_id,
        at=envelope.occurred_at,
    )


@subscriptions.on(LevelReached)
async def on_level_reached(session: AsyncSession, envelope: Envelope, data: LevelReached) -> None:
    """The level-up role swap: membership knows the member's groups and platform accounts."""
    if envelope.community_id is None:
        return
    await gamification_chat.swap_level_role(
        session,
        community_id=envelope.community_id,
        member_id=data.member_id,
        level_id=data.level_id,
        chat_role=data.chat_role,
        previous_chat_role=data.previous_chat_role,
        at=envelope.occurred_at,
    )


@subscriptions.on(ProbeDropped)
async def on_probe_dropped(session: AsyncSession, envelope: Envelope, data: ProbeDropped) -> None:
    if envelope.community_id is None:
        return
    await gamification_chat.send_probe(
        session,
        community_id=envelope.community_id,
        probe_id=data.probe_id,
        group_ids=data.group_ids,
        text=data.text,
        at=envelope.occurred_at,
    )
