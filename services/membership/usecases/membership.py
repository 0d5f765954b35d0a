"""Moving a membership between statuses, tiers and roles: checked, seat-counted, logged, announced.

Every other use case (gates, expiry, moderation, purge, import) changes memberships only through these
functions, so the transition log, the capacity counts and the events never disagree with the rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import (
    MemberJoined,
    MemberLeft,
    MemberRemoved,
    MemberRoleChanged,
    MembershipExpired,
    MemberTierChanged,
)
from kit.auth import Principal, ensure_community_access
from kit.errors import Conflict, Forbidden, NotFound
from kit.events import emit
from kit.ids import new_id
from services.membership.domain.actor import Actor
from services.membership.domain.membership import Status, TransitionNotAllowed, ensure_transition, is_inside
from services.membership.domain.role import Permission, Role
from services.membership.models import Member, Membership, MembershipTransition
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.tier import TierRepository
from services.membership.usecases import ban_list
from services.membership.usecases.changes import note_member_changed


class TierFull(Conflict):
    code = "tier_full"


class MembershipTransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


async def resolve_actor(
    session: AsyncSession, *, principal: Principal, community_id: str, acting_member_id: str | None
) -> Actor:
    """The caller, or the member an integrator acts for, whose role then bounds what may be done."""
    ensure_community_access(principal, community_id)
    if acting_member_id is None:
        if principal.role == "system":
            return Actor(kind="system")
        if principal.role == "platform_admin":
            return Actor(kind="platform", id=principal.key_id)
        return Actor(kind="key", id=principal.key_id)
    membership = await MembershipRepository(session).get_for_member(community_id, acting_member_id)
    if membership is None or not is_inside(membership.status):
        raise Forbidden(
            f"member {acting_member_id} is not an active member of this community", code="acting_member_not_active"
        )
    return Actor(kind="member", id=acting_member_id, role=Role(membership.role))


def require(actor: Actor, permission: Permission) -> None:
    if not actor.may(permission):
        raise Forbidden(f"a {actor.role} may not {permission.replace('_', ' ')}", code="permission_denied")


async def get_membership_or_raise(
    session: AsyncSession, community_id: str, member_id: str, *, for_update: bool = False
) -> Membership:
    membership = await MembershipRepository(session).get_for_member(community_id, member_id, for_update=for_update)
    if membership is None:
        raise NotFound(f"member {member_id} has no membership in this community", code="member_not_found")
    return membership


async def change_status(
    session: AsyncSession,
    membership: Membership,
    to: Status,
    *,
    actor: Actor,
    at: datetime,
    reason: str | None = None,
) -> None:
    """Move to ``to`` if the state machine allows it, keeping the tier's seat count in step."""
    before = Status(membership.status)
    try:
        ensure_transition(before, to)
    except TransitionNotAllowed as error:
        raise MembershipTransitionNotAllowed(str(error)) from None
    if membership.role == Role.OWNER and not is_inside(to):
        raise Conflict("the owner cannot leave or be removed; transfer ownership first", code="owner_required")
    tiers = TierRepository(session)
    if membership.tier_id is not None and is_inside(to) != is_inside(before):
        if is_inside(to):
            if not await tiers.take_seat(membership.tier_id):
                raise TierFull(f"tier {membership.tier_id} has no seat left", code="tier_full")
        else:
            await tiers.release_seat(membership.tier_id)
    membership.status = to
    membership.updated_at = at
    if is_inside(to) and not is_inside(before):
        membership.joined_at = at
    log_transition(session, membership, kind="status", before=before, after=to, actor=actor, reason=reason, at=at)
    await _announce_status(session, membership, before=before, actor=actor, reason=reason, at=at)
    await ban_list.follow_status(session, membership, before=before, actor=actor, reason=reason, at=at)


async def change_tier(
    session: AsyncSession,
    membership: Membership,
    tier_id: str | None,
    *,
    actor: Actor,
    at: datetime,
    reason: str | None = None,
    expires_at: datetime | None = None,
) -> None:
    """Put the membership on ``tier_id``, moving its seat when the member is inside."""
    before = membership.tier_id
    if before == tier_id:
        membership.expires_at = expires_at
        return
    tiers = TierRepository(session)
    if is_inside(membership.status):
        if tier_id is not None and not await tiers.take_seat(tier_id):
            raise TierFull(f"tier {tier_id} has no seat left")
        if before is not None:
            await tiers.release_seat(before)
    membership.tier_id = tier_id
    membership.expires_at = expires_at
    membership.updated_at = at
    log_transition(session, membership, kind="tier", before=before, after=tier_id, actor=actor, reason=reason, at=at)
    await emit(
        session,
        MemberTierChanged(
            member_id=membership.member_id,
            membership_id=membership.id,
            from_tier_id=before,
            to_tier_id=tier_id,
            status=membership.status,
            reason=reason,
        ),
        community_id=membership.community_id,
        at=at,
    )


async def change_role(
    session: AsyncSession, membership: Membership, role: Role, *, actor: Actor, at: datetime, reason: str | None = None
) -> None:
    before = Role(membership.role)
    if before == role:
        return
    membership.role = role
    membership.updated_at = at
    log_transition(session, membership, kind="role", before=before, after=role, actor=actor, reason=reason, at=at)
    await emit(
        session,
        MemberRoleChanged(
            member_id=membership.member_id,
            membership_id=membership.id,
            from_role=before,
            to_role=role,
            actor=actor.label,
        ),
        community_id=membership.community_id,
        at=at,
    )


def log_transition(
    session: AsyncSession,
    membership: Membership,
    *,
    kind: str,
    before: str | None,
    after: str | None,
    actor: Actor,
    reason: str | None,
    at: datetime,
) -> None:
    """One row of the transition log (status, tier, role, standing, ...), and the member noted as changed."""
    MembershipRepository(session).log(
        MembershipTransition(
            id=new_id("mtr"),
            community_id=membership.community_id,
            membership_id=membership.id,
            kind=kind,
            from_value=before,
            to_value=after,
            actor=actor.label,
            reason=reason,
            at=at,
        )
    )
    note_member_changed(session, membership.community_id, membership.member_id)


async def _announce_status(
    session: AsyncSession, membership: Membership, *, before: Status, actor: Actor, reason: str | None, at: datetime
) -> None:
    to = Status(membership.status)
    community_id = membership.community_id
    ids = {"member_id": membership.member_id, "membership_id": membership.id}
    if is_inside(to) and not is_inside(before):
        member = await session.get(Member, membership.member_id)
        event = MemberJoined(
            **ids,
            tier_id=membership.tier_id,
            status=to,
            source=membership.source,
            referrer_member_id=membership.referrer_member_id,
            display_name=member.display_name if member is not None else None,
        )
        await emit(session, event, community_id=community_id, at=at)
    elif to is Status.LEFT:
        await emit(session, MemberLeft(**ids, reason=reason), community_id=community_id, at=at)
    elif to in (Status.REMOVED, Status.BANNED) and before is not Status.BANNED:
        banned = to is Status.BANNED
        await emit(
            session,
            MemberRemoved(**ids, actor=actor.label, reason=reason, banned=banned),
            community_id=community_id,
            at=at,
        )
    elif to is Status.EXPIRED:
        await emit(session, MembershipExpired(**ids, tier_id=membership.tier_id), community_id=community_id, at=at)
