"""Accepting ``chat.send`` / ``chat.action`` commands from every service's stream into the delivery log.

The gateway reads the commands as one consumer group (``gateway.dispatch``) with kit's inbox. Each
command becomes a ``queued`` row in the same transaction as its inbox row, before the stream entry is
acknowledged, so an accepted command survives a crash; ``command_id`` is unique, so a command
published twice (a producer's retry, a relay's replay) is queued once. The command's envelope must
come from the community that owns the connection: another community's command is refused (logged,
recorded as failed in the sender's own log, ``chat.delivery_failed``) exactly like one naming a
connection that does not exist, so it learns nothing about the other tenant.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatAction, ChatDeliveryFailed, ChatSend
from gateway.dispatch.delivery import insert_delivery
from gateway.models import ChatDelivery, Connection
from kit.db import after_commit
from kit.events import Envelope, Subscriptions, emit
from kit.events.envelope import stream_of
from kit.ids import new_id

log = logging.getLogger("guildhall.dispatch")

GROUP = "gateway.dispatch"
STREAMS = [stream_of("membership"), stream_of("gamification"), stream_of("content")]
NOT_FOUND = "connection not found in this community"


def _refusal(connection: Connection | None, envelope: Envelope, command: ChatSend | ChatAction) -> str | None:
    if connection is None:
        return NOT_FOUND
    if connection.community_id != envelope.community_id:
        log.warning(
            "cross-tenant chat command refused",
            extra={
                "command_id": command.command_id,
                "event_id": envelope.id,
                "producer": envelope.producer,
                "community_id": envelope.community_id,
                "connection_id": connection.id,
            },
        )
        return NOT_FOUND
    if connection.platform != command.chat.platform:
        return f"the connection is on {connection.platform}, not {command.chat.platform}"
    if connection.disabled_at is not None:
        return "the connection is disabled"
    return None


async def accept_command(
    session: AsyncSession,
    envelope: Envelope,
    command: ChatSend | ChatAction,
    *,
    now: datetime,
    on_queued: Callable[[], Awaitable[None]] | None = None,
) -> ChatDelivery | None:
    """Queue ``command`` (or record its refusal); None when its ``command_id`` was accepted before."""
    if envelope.community_id is None:
        log.warning("chat command without a community ignored", extra={"command_id": command.command_id})
        await emit(
            session,
            ChatDeliveryFailed(command_id=command.command_id, chat=command.chat, reason=NOT_FOUND, attempts=0),
            community_id=None,
            at=now,
        )
        return None
    connection = await session.get(Connection, command.chat.connection_id)
    refusal = _refusal(connection, envelope, command)
    row = ChatDelivery(
        id=new_id("dlv"),
        command_id=command.command_id,
        event_id=envelope.id,
        community_id=envelope.community_id,
        connection_id=command.chat.connection_id,
        platform=command.chat.platform,
        platform_chat_id=command.chat.platform_chat_id,
        kind="send" if isinstance(command, ChatSend) else "action",
        action=command.action if isinstance(command, ChatAction) else None,
        command=command.model_dump_json(),
        status="failed" if refusal else "queued",
        next_attempt_at=now,
        last_error=refusal,
        created_at=now,
        updated_at=now,
        finished_at=now if refusal else None,
    )
    if not await insert_delivery(session, row):
        log.info("duplicate chat command ignored", extra={"command_id": command.command_id})
        return None
    if refusal is not None:
        failed = ChatDeliveryFailed(command_id=command.command_id, chat=command.chat, reason=refusal, attempts=0)
        await emit(session, failed, community_id=envelope.community_id, at=now)
    elif on_queued is not None:
        after_commit(session, on_queued)
    return row


def intake_subscriptions(
    *, now: Callable[[], datetime], on_queued: Callable[[], Awaitable[None]] | None = None
) -> Subscriptions:
    """The gateway's handlers of chat commands; ``on_queued`` runs after a transaction queued one."""
    subscriptions = Subscriptions()

    @subscriptions.on(ChatSend)
    async def on_send(session: AsyncSession, envelope: Envelope, data: ChatSend) -> None:
        await accept_command(session, envelope, data, now=now(), on_queued=on_queued)

    @subscriptions.on(ChatAction)
    async def on_action(session: AsyncSession, envelope: Envelope, data: ChatAction) -> None:
        await accept_command(session, envelope, data, now=now(), on_queued=on_queued)

    return subscriptions
