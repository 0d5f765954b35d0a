"""The chat commands of a purge: warnings to the groups listed members are in, and their removal from them.

Which groups a member is in is approximated from what membership knows: the community's groups bound
through a connection, on a platform where the member has an identity, open to the member's tier (or to
every tier). Warnings are batched: one message per group mentions up to ``MENTIONS_PER_MESSAGE`` members,
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
from services.membership.models import Group, Identity, Membership
from services.membership.models.purge import PurgeRun, PurgeRunMember
from services.membership.repo.purge import PurgeRepository

MENTIONS_PER_MESSAGE = 20


def _address(group: Group) -> ChatAddress:
    return ChatAddress.model_validate(
        {"platform": group.platform, "connection_id": group.connection_id, "platform_chat_id": group.platform_chat_id}
    )


def _open_to(group: Group, membership: Membership) -> bool:
    return not group.tier_ids or membership.tier_id in group.tier_ids


async def _presence(
    session: AsyncSession, community_id: str, memberships: Mapping[str, Membership]
) -> list[tuple[Group, list[Identity]]]:
    """Each reachable group with the identities of the given members that are (taken to be) in it."""
    repo = PurgeRepository(session)
    identities = await repo.identities(community_id, list(memberships))
    by_platform: dict[str, list[Identity]] = defaultdict(list)
    for identity in identities:
        by_platform[identity.platform].append(identity)
    presence = []
    for group in await repo.groups(community_id):
        present = [i for i in by_platform[group.platform] if _open_to(group, memberships[i.member_id])]
        if present:
            presence.append((group, present))
    return presence


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
            mentions = [f"@{identity.display_name or identity.platform_user_id}" for identity in chunk]
            command = ChatSend(
                command_id=f"{run.id}:warn:{group.id}:{start // MENTIONS_PER_MESSAGE}",
                chat=_address(group),
                text=warning_message(rules.warning_text, mentions=mentions, grace_days=rules.grace_days),
                mentions=[identity.platform_user_id for identity in chunk],
            )
            await emit(session, command, community_id=run.community_id, at=at)
            sent += 1
            for member_id in {identity.member_id for identity in chunk}:
                rows[member_id].warnings_sent += 1
    return sent


async def send_removals(
    session: AsyncSession, run: PurgeRun, membership: Membership, *, reason: str, at: datetime
) -> int:
    """Emit ``chat.action remove`` for each group the member is in; returns the commands sent."""
    sent = 0
    for group, present in await _presence(session, run.community_id, {membership.member_id: membership}):
        for identity in present:
            command = ChatAction(
                command_id=f"{run.id}:remove:{group.id}:{identity.platform_user_id}",
                chat=_address(group),
                platform_user_id=identity.platform_user_id,
                action="remove",
                reason=reason,
            )
            await emit(session, command, community_id=run.community_id, at=at)
            sent += 1
    return sent
