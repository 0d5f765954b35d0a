"""Memberships running out: the notice ahead of expiry, then the expiry itself.

Both work on one community at a time, at that community's ``now`` (its clock: a test clock moves it), so
the job can play a month out in seconds. Each is safe to run again: a notice is keyed by the expiry date
it announces, and an expired membership is not due any more.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import MembershipExpired, MembershipExpiring
from kit.events import emit
from services.membership.domain.actor import SYSTEM_ACTOR
from services.membership.domain.membership import INSIDE, Status
from services.membership.domain.role import Role
from services.membership.domain.settings import lifecycle_settings
from services.membership.domain.tier import period_end
from services.membership.models import Membership
from services.membership.models.expiry_notice import ExpiryNotice
from services.membership.repo.community import CommunityRepository
from services.membership.repo.tier import TierRepository
from services.membership.repo.upsert import insert_for
from services.membership.usecases.group_access import remove_from_unqualified_groups
from services.membership.usecases.membership import TierFull, change_status, change_tier

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class ExpiryRun:
    notices: int = 0
    expired: int = 0
    moved_to_fallback: int = 0
    removals: int = 0


def _inside() -> list[str]:
    return [status.value for status in INSIDE]


async def send_expiring_notices(session: AsyncSession, *, community_id: str, now: datetime) -> int:
    """``membership.expiring`` for each membership whose expiry is within the community's notice window,
    once per expiry date."""
    community = await CommunityRepository(session).get(community_id)
    if community is None:
        return 0
    days_ahead = lifecycle_settings(community.settings).expiring_days_ahead
    if days_ahead <= 0:
        return 0
    query = (
        select(Membership)
        .outerjoin(
            ExpiryNotice,
            and_(
                col(ExpiryNotice.membership_id) == col(Membership.id),
                col(ExpiryNotice.expires_at) == col(Membership.expires_at),
            ),
        )
        .where(
            Membership.community_id == community_id,
            col(Membership.status).in_(_inside()),
            col(Membership.expires_at) > now,
            col(Membership.expires_at) <= now + timedelta(days=days_ahead),
            col(ExpiryNotice.membership_id).is_(None),
        )
        .order_by(col(Membership.expires_at))
        .limit(BATCH)
    )
    tiers = TierRepository(session)
    sent = 0
    for membership in (await session.exec(query)).all():
        assert membership.expires_at is not None
        marked = await session.exec(
            insert_for(session, ExpiryNotice)
            .values(
                membership_id=membership.id, expires_at=membership.expires_at, community_id=community_id, sent_at=now
            )
            .on_conflict_do_nothing(index_elements=["membership_id", "expires_at"])
        )
        if not marked.rowcount:
            continue  # another runner sent it a moment ago
        tier = await tiers.get(community_id, membership.tier_id) if membership.tier_id else None
        await emit(
            session,
            MembershipExpiring(
                member_id=membership.member_id,
                membership_id=membership.id,
                tier_id=membership.tier_id,
                expires_at=membership.expires_at,
                fallback_tier_id=tier.fallback_tier_id if tier else None,
            ),
            community_id=community_id,
            at=now,
        )
        sent += 1
    return sent


async def expire_due(session: AsyncSession, *, community_id: str, now: datetime) -> ExpiryRun:
    """Move each membership past its expiry to its tier's fallback tier, or to ``expired`` when there is
    none; then ask the dispatcher to remove the member from groups they no longer belong in.

    The owner's membership never lapses (a community always keeps an owner), so it is not due.
    """
    query = (
        select(Membership)
        .where(
            Membership.community_id == community_id,
            col(Membership.status).in_(_inside()),
            col(Membership.expires_at) <= now,
            Membership.role != Role.OWNER,
        )
        .order_by(col(Membership.expires_at))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    run = ExpiryRun()
    for membership in (await session.exec(query)).all():
        if await _move_to_fallback(session, membership, now=now):
            run.moved_to_fallback += 1
        else:
            await change_status(session, membership, Status.EXPIRED, actor=SYSTEM_ACTOR, at=now, reason="expired")
            run.expired += 1
        run.removals += await remove_from_unqualified_groups(session, membership, at=now, reason="membership expired")
    await session.flush()
    return run


async def _move_to_fallback(session: AsyncSession, membership: Membership, *, now: datetime) -> bool:
    tiers = TierRepository(session)
    tier = await tiers.get(membership.community_id, membership.tier_id) if membership.tier_id else None
    if tier is None or tier.fallback_tier_id is None:
        return False
    fallback = await tiers.get(membership.community_id, tier.fallback_tier_id)
    if fallback is None or fallback.archived:
        return False
    expires_at = period_end(fallback.period, fallback.period_days, start=now)
    try:
        await change_tier(
            session, membership, fallback.id, actor=SYSTEM_ACTOR, at=now, reason="expired", expires_at=expires_at
        )
    except TierFull:
        log.warning("fallback tier full; membership expires instead", extra={"membership": membership.id})
        return False
    await emit(
        session,
        MembershipExpired(
            member_id=membership.member_id,
            membership_id=membership.id,
            tier_id=tier.id,
            fallback_tier_id=fallback.id,
        ),
        community_id=membership.community_id,
        at=now,
    )
    return True


async def run_due(session: AsyncSession, *, community_id: str, now: datetime) -> ExpiryRun:
    """Everything due in one community at ``now``: expiries first, then the notices of what comes next."""
    run = await expire_due(session, community_id=community_id, now=now)
    run.notices = await send_expiring_notices(session, community_id=community_id, now=now)
    return run
