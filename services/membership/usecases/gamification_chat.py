"""Chat commands that follow gamification's events: the level-up role swap and attention-probe drops.

Gamification knows members and groups by id only; membership knows where each group lives on its platform
and which platform account a member has there (``group_member``), so it turns those events into
``chat.action`` and ``chat.send`` commands for the dispatcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatAction, ChatAddress, ChatSend
from kit.events import emit
from services.membership.models import Group
from services.membership.repo.group import GroupRepository


def _address(group: Group) -> ChatAddress | None:
    if group.connection_id is None:
        return None  # not bound through a connection: nothing can reach it
    return ChatAddress.model_validate(
        {"platform": group.platform, "connection_id": group.connection_id, "platform_chat_id": group.platform_chat_id}
    )


async def swap_level_role(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    level_id: str,
    chat_role: str | None,
    previous_chat_role: str | None,
    at: datetime,
) -> int:
    """``chat.action set_role`` in every group the member is in (set_role replaces the previous level's role;
    ``role`` None clears it). Returns the commands emitted."""
    if chat_role == previous_chat_role:
        return 0
    sent = 0
    for presence, group in await GroupRepository(session).presence_of(community_id, member_id):
        address = _address(group)
        if address is None or group.archived:
            continue
        command = ChatAction(
            command_id=f"level:{level_id}:{member_id}:{group.id}",
            chat=address,
            platform_user_id=presence.platform_user_id,
            action="set_role",
            role=chat_role,
            reason="level reached",
        )
        await emit(session, command, community_id=community_id, at=at)
        sent += 1
    return sent


async def send_probe(
    session: AsyncSession, *, community_id: str, probe_id: str, group_ids: Sequence[str], text: str, at: datetime
) -> int:
    """``chat.send`` of a probe's message into each of its groups that can be reached."""
    query = select(Group).where(Group.community_id == community_id, col(Group.id).in_(group_ids))
    sent = 0
    for group in (await session.exec(query.order_by(col(Group.id)))).all():
        address = _address(group)
        if address is None or group.archived:
            continue
        command = ChatSend(command_id=f"probe:{probe_id}:{group.id}", chat=address, text=text)
        await emit(session, command, community_id=community_id, at=at)
        sent += 1
    return sent
