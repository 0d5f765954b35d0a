"""Adding members directly, reading them, and moving them through the lifecycle by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, NotFound
from kit.ids import new_id
from services.membership.domain.actor import Actor
from services.membership.domain.membership import Status
from services.membership.domain.role import Permission
from services.membership.domain.tier import period_end
from services.membership.models import Identity, Member, Membership, MembershipTransition, Tier
from services.membership.repo.member import MemberRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.tier import TierRepository
from services.membership.usecases.community import ensure_community_exists
from services.membership.usecases.membership import change_status, get_membership_or_raise, require


@dataclass(frozen=True)
class IdentitySpec:
    platform: str
    platform_user_id: str
    display_name: str | None = None


@dataclass
class MemberView:
    member: Member
    membership: Membership | None
    identities: Sequence[Identity]


class TierNotFound(NotFound):
    code = "tier_not_found"


async def get_tier_or_raise(session: AsyncSession, community_id: str, tier_id: str, *, field: str = "tier_id") -> Tier:
    tier = await TierRepository(session).get(community_id, tier_id)
    if tier is None or tier.archived:
        raise TierNotFound(f"{field}: tier {tier_id} not found in this community")
    return tier


async def create_member(
    session: AsyncSession,
    *,
    community_id: str,
    display_name: str,
    at: datetime,
    external_ref: str | None = None,
    attributes: dict[str, Any] | None = None,
    identities: Sequence[IdentitySpec] = (),
) -> Member:
    """A person with no membership yet; gates, imports and chat joins give them one."""
    members = MemberRepository(session)
    if external_ref is not None and await members.by_external_ref(community_id, external_ref) is not None:
        raise Conflict(f"external_ref: a member with external_ref {external_ref!r} exists", code="member_exists")
    for spec in identities:
        if await members.by_identity(community_id, spec.platform, spec.platform_user_id) is not None:
            raise Conflict(
                f"identities: {spec.platform} account {spec.platform_user_id} already belongs to a member",
                code="identity_taken",
            )
    member = Member(
        id=new_id("mbr"),
        community_id=community_id,
        display_name=display_name,
        external_ref=external_ref,
        attributes=attributes or {},
        created_at=at,
    )
    members.add(member)
    await session.flush()  # identities refer to the member row
    for spec in identities:
        members.add(
            Identity(
                id=new_id("idn"),
                community_id=community_id,
                member_id=member.id,
                platform=spec.platform,
                platform_user_id=spec.platform_user_id,
                display_name=spec.display_name,
                created_at=at,
            )
        )
    await session.flush()
    return member


def new_membership(member: Member, *, at: datetime, source: str, referrer_member_id: str | None = None) -> Membership:
    """A membership that is nowhere yet; ``change_status`` moves it in (taking a seat) and logs it."""
    return Membership(
        id=new_id("mshp"),
        community_id=member.community_id,
        member_id=member.id,
        status=Status.LEFT,
        source=source,
        referrer_member_id=referrer_member_id,
        updated_at=at,
    )


async def add_member(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    display_name: str,
    external_ref: str | None = None,
    attributes: dict[str, Any] | None = None,
    tier_id: str | None = None,
    identities: Sequence[IdentitySpec] = (),
    source: str = "admin",
) -> MemberView:
    """An admin adds a person directly: no gate, active at once on ``tier_id`` (if any)."""
    require(actor, Permission.IMPORT_MEMBERS)
    at = clocks.now(community_id)
    expires_at = None
    if tier_id is not None:
        tier = await get_tier_or_raise(session, community_id, tier_id)
        expires_at = period_end(tier.period, tier.period_days, start=at)
    member = await create_member(
        session,
        community_id=community_id,
        display_name=display_name,
        at=at,
        external_ref=external_ref,
        attributes=attributes,
        identities=identities,
    )
    membership = new_membership(member, at=at, source=source)
    membership.tier_id = tier_id
    membership.expires_at = expires_at
    MembershipRepository(session).add(membership)
    await session.flush()
    await change_status(session, membership, Status.ACTIVE, actor=actor, at=at, reason="added by an admin")
    await session.flush()
    return await get_member_view_or_raise(session, community_id, member.id)


async def get_member_view_or_raise(session: AsyncSession, community_id: str, member_id: str) -> MemberView:
    members = MemberRepository(session)
    member = await members.get(community_id, member_id)
    if member is None:
        await ensure_community_exists(session, community_id)
        raise NotFound(f"member {member_id} not found", code="member_not_found")
    membership = await MembershipRepository(session).get_for_member(community_id, member_id)
    return MemberView(member, membership, await members.identities(community_id, member_id))


async def set_status(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    to: Status,
    reason: str | None,
) -> MemberView:
    """A hand-made status change: leaving (by the member's integrator), removal, ban, lifting a ban."""
    needed = {
        Status.BANNED: Permission.BAN_MEMBER,
        Status.REMOVED: Permission.REMOVE_MEMBER,
    }.get(to, Permission.MANAGE_COMMUNITY)
    if to is Status.REMOVED and await _is_banned(session, community_id, member_id):
        needed = Permission.BAN_MEMBER
    require(actor, needed)
    membership = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    await change_status(session, membership, to, actor=actor, at=clocks.now(community_id), reason=reason)
    await session.flush()
    return await get_member_view_or_raise(session, community_id, member_id)


async def _is_banned(session: AsyncSession, community_id: str, member_id: str) -> bool:
    membership = await MembershipRepository(session).get_for_member(community_id, member_id)
    return membership is not None and membership.status == Status.BANNED


async def list_transitions(
    session: AsyncSession, *, community_id: str, member_id: str, after: str | None, limit: int
) -> Sequence[MembershipTransition]:
    membership = await get_membership_or_raise(session, community_id, member_id)
    return await MembershipRepository(session).transitions(community_id, membership.id, after=after, limit=limit)
