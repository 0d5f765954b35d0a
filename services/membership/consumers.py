"""Events the membership service reacts to. (Chat activity arrives with the webhook ingress.)"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import AssignmentMissed
from kit.events import Envelope, Subscriptions
from kit.events.envelope import stream_of
from services.membership.usecases import purge

subscriptions = Subscriptions()
STREAMS: list[str] = []


# Lurker purge input: assignments members missed, from the content service.
STREAMS.append(stream_of("content"))


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
