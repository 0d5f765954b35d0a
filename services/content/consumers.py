"""Events the content service reacts to."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import CommunityCreated
from kit.events import Envelope, Subscriptions
from kit.events.envelope import stream_of
from services.content.usecases import welcome

subscriptions = Subscriptions()
STREAMS = [stream_of("membership")]


@subscriptions.on(CommunityCreated)
async def on_community_created(session: AsyncSession, envelope: Envelope, data: CommunityCreated) -> None:
    await welcome.create_default_template(
        session, community_id=data.community_id, community_name=data.name, at=envelope.occurred_at
    )
