"""What else an occurrence does after its points: badge counters and awards, surprise draws, probe claims.

The consumer calls ``after_occurrence`` once per event, next to (not inside) the points use case, so the
points path can be batched on its own; everything here is keyed (award keys, draw per event, one claim per
member) and so harmless on a redelivery.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.rule import Occurrence
from services.gamification.usecases import badge, probe, surprise


async def after_occurrence(session: AsyncSession, *, community_id: str, event_id: str, occurrence: Occurrence) -> None:
    await badge.record_occurrence(
        session,
        community_id=community_id,
        member_id=occurrence.member_id,
        event=occurrence.event,
        at=occurrence.occurred_at,
    )
    await surprise.draw_for(session, community_id=community_id, event_id=event_id, occurrence=occurrence)
    # A message outside any bound group claims only when it came one to one: a group chat no community group
    # is bound to is not where the probe was dropped.
    in_reach = occurrence.group_id is not None or occurrence.one_to_one
    if occurrence.event == "member.activity.message" and in_reach:
        await probe.claim_from_message(
            session,
            community_id=community_id,
            member_id=occurrence.member_id,
            group_id=occurrence.group_id,
            text=occurrence.text,
            at=occurrence.occurred_at,
        )
