"""Importing existing members, a batch of rows per transaction, each row on its own savepoint.

A row that is malformed or conflicts changes nothing and is reported with its field and reason; the
other rows of the batch go in. A person already here (same ``external_ref``, or same platform identity
when the row has no ``external_ref``) is skipped, so importing the same file twice adds nobody twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.clock import Clocks
from kit.errors import InvalidInput, NotFound, Problem
from services.membership.domain.actor import Actor
from services.membership.domain.member_import import ImportRow, RowError, parse_row
from services.membership.domain.membership import Status
from services.membership.domain.role import Permission, Role, permission_to_assign
from services.membership.domain.tier import period_end
from services.membership.models import Member, Tier
from services.membership.repo.community import CommunityRepository
from services.membership.repo.member import MemberRepository
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.tier import TierRepository
from services.membership.usecases.member import IdentitySpec, create_member, new_membership
from services.membership.usecases.membership import TierFull, change_role, change_status, require

RowStatus = Literal["created", "skipped", "failed", "valid"]


@dataclass
class RowResult:
    row: int
    status: RowStatus
    member_id: str | None = None
    errors: list[RowError] = field(default_factory=list)


async def import_members(
    session: AsyncSession,
    *,
    community_id: str,
    actor: Actor,
    clocks: Clocks,
    rows: Sequence[tuple[int, Mapping[str, str | None]]],
    default_tier: str | None = None,
    dry_run: bool = False,
) -> list[RowResult]:
    """Import ``rows`` (row number, record); with ``dry_run`` every row is tried and nothing is kept."""
    require(actor, Permission.IMPORT_MEMBERS)
    if await CommunityRepository(session).get(community_id) is None:
        raise NotFound(f"community {community_id} not found", code="community_not_found")
    tiers = {tier.key: tier for tier in await TierRepository(session).list(community_id)}
    if default_tier is not None and default_tier not in tiers:
        raise InvalidInput.of("tier", f"no tier with key {default_tier!r} in this community")
    now = clocks.now(community_id)
    results = []
    for number, record in rows:
        parsed = parse_row(record, default_tier=default_tier, now=now)
        if isinstance(parsed, list):
            results.append(RowResult(number, "failed", errors=parsed))
            continue
        results.append(
            await _import_row(
                session, number, parsed, community_id=community_id, tiers=tiers, actor=actor, now=now, dry_run=dry_run
            )
        )
    return results


async def _import_row(
    session: AsyncSession,
    number: int,
    row: ImportRow,
    *,
    community_id: str,
    tiers: Mapping[str, Tier],
    actor: Actor,
    now: datetime,
    dry_run: bool,
) -> RowResult:
    existing, errors = await _existing(MemberRepository(session), community_id, row)
    if existing is not None:
        return RowResult(number, "skipped", member_id=existing.id)
    tier = tiers.get(row.tier_key) if row.tier_key else None
    if row.tier_key and tier is None:
        errors.append(RowError("tier", f"no tier with key {row.tier_key!r} in this community"))
    if errors:
        return RowResult(number, "failed", errors=errors)
    savepoint = await session.begin_nested()
    try:
        member = await _create(session, community_id, row, tier=tier, actor=actor, now=now)
    except Problem as problem:
        await savepoint.rollback()
        return RowResult(number, "failed", errors=_errors_of(problem))
    if dry_run:
        await savepoint.rollback()
        return RowResult(number, "valid")
    await savepoint.commit()
    return RowResult(number, "created", member_id=member.id)


async def _existing(
    members: MemberRepository, community_id: str, row: ImportRow
) -> tuple[Member | None, list[RowError]]:
    """The person this row describes if they are here already; identities another person holds are errors."""
    if row.external_ref is not None:
        found = await members.by_external_ref(community_id, row.external_ref)
        if found is not None:
            return found, []
    errors = []
    for platform, user_id in row.identities:
        holder = await members.by_identity(community_id, platform, user_id)
        if holder is None:
            continue
        if row.external_ref is None:
            return holder, []
        errors.append(RowError(platform, f"account {user_id} already belongs to member {holder.id}"))
    return None, errors


async def _create(
    session: AsyncSession, community_id: str, row: ImportRow, *, tier: Tier | None, actor: Actor, now: datetime
) -> Member:
    member = await create_member(
        session,
        community_id=community_id,
        display_name=row.display_name,
        at=now,
        external_ref=row.external_ref,
        attributes=row.attributes,
        identities=[IdentitySpec(platform, user_id) for platform, user_id in row.identities],
    )
    membership = new_membership(member, at=now, source="import")
    membership.tier_id = tier.id if tier is not None else None
    membership.expires_at = row.expires_at or (
        period_end(tier.period, tier.period_days, start=now) if tier is not None else None
    )
    MembershipRepository(session).add(membership)
    await session.flush()
    await change_status(session, membership, Status.ACTIVE, actor=actor, at=now, reason="imported")
    if row.joined_at is not None:
        membership.joined_at = row.joined_at  # when they really joined, before Guildhall knew them
    if row.role is not Role.MEMBER:
        require(actor, permission_to_assign(row.role))
        await change_role(session, membership, row.role, actor=actor, at=now, reason="imported")
    await session.flush()
    return member


def _errors_of(problem: Problem) -> list[RowError]:
    if isinstance(problem, TierFull):
        return [RowError("tier", problem.detail or "the tier has no seat left")]
    if problem.errors:
        return [RowError(error.field, error.reason) for error in problem.errors]
    return [RowError("row", problem.detail or problem.title)]
