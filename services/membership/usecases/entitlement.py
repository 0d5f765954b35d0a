"""Entitlement checks: snapshots from the cache, the database on a miss, decisions from the domain rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.db import Sessionmaker
from services.membership.domain.entitlement import NOBODY, Decision, Snapshot, decide_many, groups_opened
from services.membership.models import Group, Membership, Tier
from services.membership.repo.entitlement_cache import EntitlementCache


@dataclass(frozen=True)
class MemberDecisions:
    member_id: str
    decisions: list[Decision]
    cached: bool


async def check(
    *,
    cache: EntitlementCache,
    sessionmaker: Sessionmaker,
    clocks: Clocks,
    community_id: str,
    member_ids: Sequence[str],
    keys: Sequence[str],
) -> list[MemberDecisions]:
    """Decide ``keys`` for each of ``member_ids`` (cleaned, deduplicated by the caller), in their order."""
    found = await cache.read(community_id, member_ids)
    missing = [entry for entry in found if entry.snapshot is None]
    loaded: dict[str, Snapshot] = {}
    if missing:
        async with sessionmaker() as session:
            loaded = await load_snapshots(session, community_id, [entry.member_id for entry in missing])
        await cache.write(community_id, [(e.member_id, e.generations, loaded[e.member_id]) for e in missing])
    now = clocks.now(community_id)
    return [
        MemberDecisions(
            entry.member_id,
            decide_many(entry.snapshot or loaded[entry.member_id], keys, now=now),
            cached=entry.snapshot is not None,
        )
        for entry in found
    ]


async def load_snapshots(session: AsyncSession, community_id: str, member_ids: Sequence[str]) -> dict[str, Snapshot]:
    """What each member's entitlements depend on, read from the database in three statements."""
    memberships = (
        await session.exec(
            select(Membership).where(Membership.community_id == community_id, col(Membership.member_id).in_(member_ids))
        )
    ).all()
    tier_ids = {m.tier_id for m in memberships if m.tier_id is not None}
    benefits: dict[str, Sequence[str]] = {}
    if tier_ids:
        rows = await session.exec(select(Tier.id, Tier.benefits).where(col(Tier.id).in_(tier_ids)))
        benefits = dict(rows.all())
    groups = (
        await session.exec(
            select(Group.id, Group.tier_ids).where(Group.community_id == community_id, col(Group.archived).is_(False))
        )
    ).all()
    snapshots = dict.fromkeys(member_ids, NOBODY)
    for membership in memberships:
        snapshots[membership.member_id] = Snapshot(
            status=membership.status,
            role=membership.role,
            standing=membership.standing,
            tier_id=membership.tier_id,
            expires_at=membership.expires_at,
            benefits=frozenset(benefits.get(membership.tier_id or "", ())),
            groups=groups_opened(membership.tier_id, ((gid, list(tids or [])) for gid, tids in groups)),
        )
    return snapshots
