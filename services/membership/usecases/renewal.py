"""Renewal: one more tier period for a membership that is running or has run out.

``renew`` is the entry point for everyone who renews: the admin endpoint here, and the payment
confirmation of the gates (which calls it inside its own transaction once a payment is recorded).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import MembershipRenewed
from kit.clock import Clocks
from kit.errors import Conflict
from kit.events import emit
from kit.ids import new_id
from services.membership.domain.actor import Actor
from services.membership.domain.lifecycle import NotRenewable, check_renewable, renewed_expiry
from services.membership.domain.membership import Status
from services.membership.domain.role import Permission
from services.membership.models import Membership, MembershipTransition, Tier
from services.membership.repo.membership import MembershipRepository
from services.membership.usecases.changes import note_member_changed
from services.membership.usecases.member import MemberView, get_member_view_or_raise, get_tier_or_raise
from services.membership.usecases.membership import change_status, change_tier, get_membership_or_raise, require


class MembershipNotRenewable(Conflict):
    code = "membership_not_renewable"


async def renew(
    session: AsyncSession,
    membership: Membership,
    tier: Tier,
    *,
    at: datetime,
    actor: Actor,
    reason: str | None = None,
) -> datetime:
    """Extend ``membership`` on ``tier`` by one period from the later of ``at`` and its current expiry.

    On another tier (a lapsed member who fell back to the free tier and pays again) the membership moves
    to ``tier`` and its period starts now; an expired membership comes back in (taking a seat). Returns the
    new expiry. The caller checks permissions; load ``membership`` ``for_update`` so two renewals queue.
    """
    try:
        check_renewable(membership.status)
        same_tier = membership.tier_id == tier.id
        current = membership.expires_at if same_tier else None
        expires_at = renewed_expiry(tier.period, tier.period_days, current=current, now=at)
    except NotRenewable as error:
        raise MembershipNotRenewable(str(error)) from None
    previous = membership.expires_at
    why = reason or "renewed"
    if membership.status == Status.EXPIRED:
        # Back in on the renewed tier: the seat is taken on that tier, not on the one that ran out.
        await change_tier(session, membership, tier.id, actor=actor, at=at, reason=why, expires_at=expires_at)
        await change_status(session, membership, Status.ACTIVE, actor=actor, at=at, reason=why)
    else:
        await change_tier(session, membership, tier.id, actor=actor, at=at, reason=why, expires_at=expires_at)
    membership.expires_at = expires_at
    membership.updated_at = at
    MembershipRepository(session).log(
        MembershipTransition(
            id=new_id("mtr"),
            community_id=membership.community_id,
            membership_id=membership.id,
            kind="renewal",
            from_value=previous.isoformat() if previous else None,
            to_value=expires_at.isoformat(),
            actor=actor.label,
            reason=why,
            at=at,
        )
    )
    note_member_changed(session, membership.community_id, membership.member_id)
    await emit(
        session,
        MembershipRenewed(
            member_id=membership.member_id,
            membership_id=membership.id,
            tier_id=tier.id,
            previous_expires_at=previous,
            expires_at=expires_at,
            actor=actor.label,
        ),
        community_id=membership.community_id,
        at=at,
    )
    return expires_at


async def renew_member(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    actor: Actor,
    clocks: Clocks,
    tier_id: str | None = None,
    reason: str | None = None,
) -> MemberView:
    """An admin (or the integrator) renews by hand, on the member's tier unless ``tier_id`` says another."""
    require(actor, Permission.MANAGE_MEMBERSHIPS)
    membership = await get_membership_or_raise(session, community_id, member_id, for_update=True)
    chosen = tier_id or membership.tier_id
    if chosen is None:
        raise MembershipNotRenewable(f"member {member_id} has no tier to renew; name one in tier_id")
    tier = await get_tier_or_raise(session, community_id, chosen)
    await renew(session, membership, tier, at=clocks.now(community_id), actor=actor, reason=reason)
    await session.flush()
    return await get_member_view_or_raise(session, community_id, member_id)
