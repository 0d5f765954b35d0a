"""Participation recorded as activity: a check-in, a claimed probe, a redeemed reward, ... (ADR 0028).

Gamification (and later content) announces what members did; here each act counts once in the member's
activity of that day (``participations``, and ``checkins`` for check-ins) and moves ``last_active_at``,
so standing, lurker purges and the member's "last active" see it, whether it came from the API or a chat.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.domain.activity import local_day
from services.membership.domain.participation import Participation
from services.membership.models.activity import ParticipationRecord
from services.membership.repo.activity import ActivityRepository
from services.membership.repo.community import CommunityRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.usecases.activity import touch


async def record_participation(
    session: AsyncSession, *, community_id: str, participation: Participation, at: datetime
) -> bool:
    """Count ``participation`` (done at ``at``) in the member's activity; False when it was counted before."""
    community = await CommunityRepository(session).get(community_id)
    if community is None:
        return False
    at = at.astimezone(UTC)
    activity = ActivityRepository(session)
    record = ParticipationRecord(
        community_id=community_id,
        kind=participation.kind,
        ref=participation.ref,
        member_id=participation.member_id,
        at=at,
    )
    if not await activity.first_participation(record):
        return False  # the same check-in, claim, ... again: a replay counts nothing
    await activity.add(
        community_id,
        participation.member_id,
        local_day(at, community.timezone),
        at=at,
        checkins=participation.checkins,
        participations=1,
    )
    touch(await MembershipRepository(session).get_for_member(community_id, participation.member_id), at)
    return True
