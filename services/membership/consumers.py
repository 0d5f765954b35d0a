"""Events the membership service reacts to: chat activity from the gateway's webhook ingress."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatMemberJoinedGroup, ChatMemberLeftGroup, ChatMessageReceived, ChatReactionAdded
from kit.events import Envelope, Subscriptions
from kit.events.envelope import stream_of
from services.membership.usecases import activity

subscriptions = Subscriptions()
STREAMS: list[str] = [stream_of("gateway")]


@subscriptions.on(ChatMessageReceived)
async def on_message(session: AsyncSession, envelope: Envelope, data: ChatMessageReceived) -> None:
    await activity.record_message(session, envelope, data)


@subscriptions.on(ChatReactionAdded)
async def on_reaction(session: AsyncSession, envelope: Envelope, data: ChatReactionAdded) -> None:
    await activity.record_reaction(session, envelope, data)


@subscriptions.on(ChatMemberJoinedGroup)
async def on_joined(session: AsyncSession, envelope: Envelope, data: ChatMemberJoinedGroup) -> None:
    await activity.record_join(session, envelope, data)


@subscriptions.on(ChatMemberLeftGroup)
async def on_left(session: AsyncSession, envelope: Envelope, data: ChatMemberLeftGroup) -> None:
    await activity.record_leave(session, envelope, data)
