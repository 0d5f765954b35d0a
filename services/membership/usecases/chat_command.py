"""Commands to the gateway's chat dispatcher (``chat.send``, ``chat.action``), emitted with the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatAction, ChatActionKind, ChatAddress, ChatSend
from kit.events import emit
from kit.ids import new_id
from services.membership.models import Group
from services.membership.repo.moderation import member_chats


@dataclass(frozen=True)
class ChatTarget:
    """One person in one chat: where a moderation action lands."""

    chat: ChatAddress
    platform_user_id: str


def address_of(group: Group) -> ChatAddress:
    assert group.connection_id is not None
    return ChatAddress(
        platform=group.platform,
        connection_id=group.connection_id,
        platform_chat_id=group.platform_chat_id,
    )


async def targets_of(
    session: AsyncSession, community_id: str, member_id: str, *, also: ChatTarget | None = None
) -> list[ChatTarget]:
    """Every chat the member is in (see ``member_chats``), plus ``also`` (where the violation happened)."""
    chats = await member_chats(session, community_id, member_id)
    targets = [ChatTarget(address_of(seat.group), seat.platform_user_id) for seat in chats]
    if also is not None and also not in targets:
        targets.append(also)
    return targets


async def act(
    session: AsyncSession,
    target: ChatTarget,
    action: ChatActionKind,
    *,
    community_id: str,
    at: datetime,
    reason: str | None = None,
    duration_seconds: int | None = None,
) -> None:
    command = ChatAction(
        command_id=new_id("cmd"),
        chat=target.chat,
        platform_user_id=target.platform_user_id,
        action=action,
        duration_seconds=duration_seconds,
        reason=reason,
    )
    await emit(session, command, community_id=community_id, at=at)


async def say(
    session: AsyncSession, chat: ChatAddress, text: str, *, mentions: list[str], community_id: str, at: datetime
) -> None:
    command = ChatSend(command_id=new_id("cmd"), chat=chat, text=text, mentions=mentions)
    await emit(session, command, community_id=community_id, at=at)
