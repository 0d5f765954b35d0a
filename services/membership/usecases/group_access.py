"""Keeping group presence in step with memberships: who must leave which group after a change."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatAction, ChatAddress
from kit.events import emit
from kit.ids import new_id
from services.membership.domain.lifecycle import qualifies_for_group
from services.membership.models import Membership
from services.membership.repo.group import GroupRepository


async def remove_from_unqualified_groups(
    session: AsyncSession, membership: Membership, *, at: datetime, reason: str
) -> int:
    """Send the dispatcher a ``chat.action`` remove for each group the member is in but no longer belongs
    in (outside the community, or on a tier the group does not take). Presence ends when the platform
    reports the member gone (``chat.member_left_group``), so it always says who is really there.
    Returns the number of commands sent; a group without a gateway connection cannot be addressed."""
    sent = 0
    for presence, group in await GroupRepository(session).presence_of(membership.community_id, membership.member_id):
        if group.archived or group.connection_id is None:
            continue
        if qualifies_for_group(group.tier_ids, tier_id=membership.tier_id, status=membership.status):
            continue
        chat = ChatAddress.model_validate(
            {
                "platform": group.platform,
                "connection_id": group.connection_id,
                "platform_chat_id": group.platform_chat_id,
            }
        )
        command = ChatAction(
            command_id=new_id("cmd"),
            chat=chat,
            platform_user_id=presence.platform_user_id,
            action="remove",
            reason=reason,
        )
        await emit(session, command, community_id=membership.community_id, at=at)
        sent += 1
    return sent
