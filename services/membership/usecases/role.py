"""Assigning and revoking roles, and moving ownership: a community always keeps exactly one owner."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import Conflict, Forbidden, InvalidInput
from services.membership.domain.actor import Actor
from services.membership.domain.membership import is_inside
from services.membership.domain.role import Permission, Role, RoleChangeRefused, check_role_change
from services.membership.repo.membership import MembershipRepository
from services.membership.usecases.member import MemberView, get_member_view_or_raise
from services.membership.usecases.membership import change_role, get_membership_or_raise, require


class MemberNotActive(Conflict):
    code = "member_not_active"


async def assign_role(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    role: Role,
    actor: Actor,
    clocks: Clocks,
    reason: str | None = None,
) -> MemberView:
    """Make a member an admin, a moderator, or a plain member again, within the actor's rights."""
    membership = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    try:
        needed = check_role_change(
            actor_role=actor.role if actor.kind == "member" else None, current=Role(membership.role), new=role
        )
    except RoleChangeRefused as refused:
        if refused.code == "permission_denied":
            raise Forbidden(str(refused), code=refused.code) from None
        if refused.code == "ownership_by_transfer_only":
            raise InvalidInput.of("role", f"{refused}: use the ownership transfer") from None
        raise Conflict(str(refused), code=refused.code) from None
    require(actor, needed)
    if role is not Role.MEMBER and not is_inside(membership.status):
        raise MemberNotActive(f"member {member_id} is {membership.status}; only active members get a role")
    await change_role(session, membership, role, actor=actor, at=clocks.now(community_id), reason=reason)
    await session.flush()
    return await get_member_view_or_raise(session, community_id, member_id)


async def transfer_ownership(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    reason: str | None = None,
) -> MemberView:
    """Make ``member_id`` the owner. The old owner stays on as an admin.

    With no owner yet, the community's key or a platform admin sets the first one; afterwards only the
    owner (or the community's key, acting with the owner's rights) hands ownership on.
    """
    at = clocks.now(community_id)
    memberships = MembershipRepository(session)
    current = await memberships.owner(community_id, for_update=True)
    if current is None:
        if actor.kind == "member":
            raise Forbidden(
                "the community has no owner; its key or a platform admin sets the first one",
                code="permission_denied",
            )
    else:
        require(actor, Permission.TRANSFER_OWNERSHIP)
    target = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    if current is not None and current.id == target.id:
        return await get_member_view_or_raise(session, community_id, member_id)
    if not is_inside(target.status):
        raise MemberNotActive(f"member {member_id} is {target.status}; ownership goes only to an active member")
    if current is not None:
        await change_role(session, current, Role.ADMIN, actor=actor, at=at, reason=reason or "handed ownership on")
        await session.flush()  # the old owner steps down before the new one steps up: one owner at a time
    try:
        await change_role(session, target, Role.OWNER, actor=actor, at=at, reason=reason)
        await session.flush()
    except IntegrityError:
        # Two first owners at once: the partial unique index lets one through.
        raise Conflict("another owner was set at the same moment", code="owner_exists") from None
    return await get_member_view_or_raise(session, community_id, member_id)
