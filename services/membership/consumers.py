"""Events the membership service reacts to. (Chat activity arrives with the webhook ingress.)"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification import ChallengeCompleted, PointsAwarded
from kit.events import Envelope, Subscriptions
from kit.events.envelope import stream_of
from services.membership.usecases import probation

subscriptions = Subscriptions()
STREAMS: list[str] = [stream_of("gamification")]


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
