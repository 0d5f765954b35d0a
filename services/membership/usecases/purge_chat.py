"""The chat commands of a purge: warnings to the groups listed members are in, and their removal from them.

Which groups a member is in comes from presence (ADR 0008): the bound, live groups where they are, addressed
through the account that is there. A group with no presence known at all falls back to the old
approximation: the member's account on its platform, when the group is open to their tier.
Warnings are batched: one message per group mentions up to ``MENTIONS_PER_MESSAGE`` members,
since chat platforms cap messages per group, not mentions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatAction, ChatAddress, ChatSend
from kit.events import emit
from services.membership.domain.purge import PurgeRules, warning_message
from services.membership.models import Group, Membership
from services.membership.models.purge import PurgeRun, PurgeRunMember
from services.membership.repo.group import ChatSeat, GroupRepository

MENTIONS_PER_MESSAGE = 20


def _address(group: Group) -> ChatAddress:
    return ChatAddress.model_validate(
        {"platform": group.platform, "connection_id": group.connection_id, "platform_chat_id": group.platform_chat_id}
    )


def _open_to(group: Group, membership: Membership) -> bool:
    return not group.tier_ids or membership.tier_id in group.tier_ids


async def _presence(
    session: AsyncSession, community_id: str, memberships: Mapping[str, Membership]
) -> list[tuple[Group, list[ChatSeat]]]:
    """Each reachable group with the given members in it (see ``GroupRepository.seats_of``)."""
    by_group: dict[str, list[ChatSeat]] = defaultdict(list)
    groups: dict[str, Group] = {}
    for seat in await GroupRepository(session).seats_of(community_id, list(memberships)):
        if seat.present or _open_to(seat.group, memberships[seat.member_id]):
            groups[seat.group.id] = seat.group
            by_group[seat.group.id].append(seat)
    return [(groups[group_id], seats) for group_id, seats in by_group.items()]


async def send_warnings(
    session: AsyncSession,
    run: PurgeRun,
    listed: Sequence[PurgeRunMember],
    *,
    memberships: Mapping[str, Membership],
    rules: PurgeRules,
    at: datetime,
) -> int:
    """Emit ``chat.send`` warnings; count them on each listed member. Returns the messages sent."""
    rows = {row.member_id: row for row in listed}
    sent = 0
    for group, present in await _presence(session, run.community_id, memberships):
        for start in range(0, len(present), MENTIONS_PER_MESSAGE):
            chunk = present[start : start + MENTIONS_PER_MESSAGE]
            mentions = [f"@{seat.display_name or seat.platform_user_id}" for seat in chunk]
            command = ChatSend(
                command_id=f"{run.id}:warn:{group.id}:{start // MENTIONS_PER_MESSAGE}",
                chat=_address(group),
                text=warning_message(rules.warning_text, mentions=mentions, grace_days=rules.grace_days),
                mentions=[seat.platform_user_id for seat in chunk],
            )
            await emit(session, command, community_id=run.community_id, at=at)
            sent += 1
            for member_id in {seat.member_id for seat in chunk}:
                rows[member_id].warnings_sent += 1
    return sent


async def send_removals(
    session: AsyncSession, run: PurgeRun, membership: Membership, *, reason: str, at: datetime
) -> int:
    """Emit ``chat.action remove`` for each group the member is in; returns the commands sent."""
    sent = 0
    for group, present in await _presence(session, run.community_id, {membership.member_id: membership}):
        for seat in present:
            command = ChatAction(
                command_id=f"{run.id}:remove:{group.id}:{seat.platform_user_id}",
                chat=_address(group),
                platform_user_id=seat.platform_user_id,
                action="remove",
                reason=reason,
            )
            await emit(session, command, community_id=run.community_id, at=at)
            sent += 1
    return sent
