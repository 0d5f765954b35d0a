"""The tier ladder: creating, changing and reading tiers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.auth import Principal
from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput
from kit.ids import new_id
from services.membership.domain import tier as rules
from services.membership.domain.actor import Actor
from services.membership.domain.role import Permission
from services.membership.domain.tier import Period
from services.membership.models import Tier
from services.membership.repo.community import CommunityRepository
from services.membership.repo.tier import TierRepository
from services.membership.usecases.member import get_tier_or_raise
from services.membership.usecases.membership import require


async def create_tier(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    key: str,
    name: str,
    rank: int,
    price_amount: int = 0,
    currency: str | None = None,
    period: Period = Period.LIFETIME,
    period_days: int | None = None,
    benefits: Sequence[str] = (),
    capacity: int | None = None,
    fallback_tier_id: str | None = None,
) -> Tier:
    require(actor, Permission.MANAGE_TIERS)
    tiers = TierRepository(session)
    if any(existing.key == key for existing in await tiers.list(community_id, include_archived=True)):
        raise Conflict(f"key: a tier with key {key!r} exists in this community", code="tier_key_taken")
    if fallback_tier_id is not None:
        await get_tier_or_raise(session, community_id, fallback_tier_id, field="fallback_tier_id")
    tier = Tier(
        id=new_id("tier"),
        community_id=community_id,
        key=key,
        name=name,
        rank=rank,
        price_amount=price_amount,
        currency=currency,
        period=period,
        period_days=period_days,
        benefits=list(benefits),
        capacity=capacity,
        fallback_tier_id=fallback_tier_id,
        created_at=clocks.now(community_id),
    )
    tiers.add(tier)
    await session.flush()
    return tier


async def update_tier(
    session: AsyncSession, *, community_id: str, tier_id: str, actor: Actor, changes: dict[str, Any]
) -> Tier:
    """Apply the given fields; the result must still be a consistent tier, or nothing changes."""
    require(actor, Permission.MANAGE_TIERS)
    tier = await TierRepository(session).get(community_id, tier_id)
    if tier is None:
        await get_tier_or_raise(session, community_id, tier_id)
    assert tier is not None
    fallback = changes.get("fallback_tier_id")
    if fallback is not None:
        if fallback == tier.id:
            raise InvalidInput.of("fallback_tier_id", "a tier cannot fall back to itself")
        await get_tier_or_raise(session, community_id, fallback, field="fallback_tier_id")
    period = Period(changes.get("period", tier.period))
    period_days = changes.get("period_days", tier.period_days if period is Period.DAYS else None)
    try:
        rules.check_period(period, period_days)
        rules.check_price(changes.get("price_amount", tier.price_amount), changes.get("currency", tier.currency))
    except ValueError as error:
        raise InvalidInput.of("period" if "period" in str(error) else "currency", str(error)) from None
    for field, value in changes.items():
        setattr(tier, field, value)
    tier.period_days = period_days
    await session.flush()
    return tier


async def list_tiers(session: AsyncSession, *, community_id: str, include_archived: bool) -> Sequence[Tier]:
    return await TierRepository(session).list(community_id, include_archived=include_archived)


async def tiers_by_community(
    session: AsyncSession, *, principal: Principal, community_ids: Sequence[str]
) -> dict[str, list[Tier]]:
    """The live ladders of the communities the caller may see that exist; others are left out, so a batch
    never tells one community's key anything about another."""
    allowed = [cid for cid in dict.fromkeys(community_ids) if principal.can_access(cid)]
    if not allowed:
        return {}
    existing = await CommunityRepository(session).existing_ids(allowed)
    ladders: dict[str, list[Tier]] = {cid: [] for cid in allowed if cid in existing}
    for tier in await TierRepository(session).list_for_communities(list(ladders)):
        ladders[tier.community_id].append(tier)
    return ladders
