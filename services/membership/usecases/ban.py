"""Banning and lifting bans by hand, and reading the ban list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict
from services.membership.domain.actor import Actor
from services.membership.domain.membership import Status
from services.membership.domain.moderation import Action
from services.membership.domain.role import Permission
from services.membership.models.moderation import Ban
from services.membership.repo.member import MemberRepository
from services.membership.repo.moderation import BanRepository
from services.membership.usecases import ban_list
from services.membership.usecases.membership import change_status, require
from services.membership.usecases.moderation import Sanction, apply_sanction, ensure_may_act_on, target_or_raise


class AlreadyBanned(Conflict):
    code = "already_banned"


class NotBanned(Conflict):
    code = "not_banned"


class OwnerProtected(Conflict):
    code = "owner_required"


@dataclass(frozen=True)
class Account:
    platform: str
    platform_user_id: str


@dataclass
class BanResult:
    member_id: str | None
    entries: Sequence[Ban]


async def ban(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    member_id: str | None,
    account: Account | None,
    reason: str | None,
) -> BanResult:
    """Ban a member (found by id or by one of their accounts), or an account that belongs to nobody."""
    require(actor, Permission.BAN_MEMBER)
    at = clocks.now(community_id)
    if member_id is None and account is not None:
        owner = await MemberRepository(session).by_identity(community_id, account.platform, account.platform_user_id)
        member_id = owner.id if owner is not None else None
    if member_id is None:
        assert account is not None
        if await ban_list.is_banned(
            session, community_id, platform=account.platform, platform_user_id=account.platform_user_id
        ):
            raise AlreadyBanned(f"{account.platform} account {account.platform_user_id} is banned already")
        entry = await ban_list.ban_account(
            session,
            community_id,
            platform=account.platform,
            platform_user_id=account.platform_user_id,
            actor=actor,
            reason=reason,
            at=at,
        )
        return BanResult(None, [entry])
    target = await target_or_raise(session, community_id, member_id)
    ensure_may_act_on(actor, target)
    if target.membership is not None and target.membership.role == "owner":
        raise OwnerProtected("the owner cannot be banned; transfer ownership first")
    if not await apply_sanction(session, target, Sanction(Action.BAN, reason), actor=actor, at=at):
        raise AlreadyBanned(f"member {member_id} is banned already")
    await session.flush()
    entries = await BanRepository(session).list(community_id, member_id=member_id, after=None, limit=100)
    return BanResult(member_id, entries)


async def unban(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    member_id: str | None,
    account: Account | None,
    reason: str | None,
) -> int:
    """Lift a ban: a banned membership becomes removed (the entries go with it); the number of entries cleared."""
    require(actor, Permission.BAN_MEMBER)
    at = clocks.now(community_id)
    bans = BanRepository(session)
    if member_id is None and account is not None:
        owner = await MemberRepository(session).by_identity(community_id, account.platform, account.platform_user_id)
        member_id = owner.id if owner is not None else None
    if member_id is None:
        assert account is not None
        cleared = await ban_list.lift_account_ban(
            session,
            community_id,
            platform=account.platform,
            platform_user_id=account.platform_user_id,
            actor=actor,
            reason=reason,
            at=at,
        )
        if not cleared:
            raise NotBanned(f"{account.platform} account {account.platform_user_id} is not banned")
        return cleared
    target = await target_or_raise(session, community_id, member_id)
    ensure_may_act_on(actor, target)
    entries = len(await bans.list(community_id, member_id=member_id, after=None, limit=1_000))
    membership = target.membership
    if membership is not None and membership.status == Status.BANNED:
        await change_status(session, membership, Status.REMOVED, actor=actor, at=at, reason=reason)
    elif entries:
        await ban_list.lift_member_ban(session, community_id, member_id, actor=actor, reason=reason, at=at)
    else:
        raise NotBanned(f"member {member_id} is not banned")
    await session.flush()
    return entries


async def list_bans(
    session: AsyncSession, *, community_id: str, member_id: str | None, after: str | None, limit: int
) -> Sequence[Ban]:
    return await BanRepository(session).list(community_id, member_id=member_id, after=after, limit=limit)
