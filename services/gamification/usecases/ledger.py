"""Posting to the points ledger: one entry per source, balances in the same transaction, events, boards.

Every change of points goes through ``post``: an entry keyed by its source (an event id and rule, or an
Idempotency-Key) is appended at most once; a credit upserts the balance row, a debit is a conditional
UPDATE that refuses to take the balance below zero; corrections are entries of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.events import PointsAwarded, PointsSpent
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import Emission, emit, emit_many
from kit.ids import new_id
from kit.types import INT64_MAX
from services.gamification.domain.ledger import EntryKind, decay_amount, lifetime_delta
from services.gamification.domain.rule import local_day
from services.gamification.models import Balance, PointEntry
from services.gamification.repo.ledger import Credit, LedgerRepository, Totals
from services.gamification.usecases import badge, leaderboard, level
from services.gamification.usecases.community import community_or_none, settings_of


class InsufficientPoints(Conflict):
    code = "insufficient_points"


class BatchReplayed(Exception):
    """A batch of awards met a source that already has an entry. Nothing of the batch may stay: the caller
    rolls it back and posts one by one, which answers each replay exactly as ``post`` does."""


@dataclass(frozen=True)
class AwardPosting:
    """One rule award of a batch, for ``post_awards``."""

    member_id: str
    source: str
    points: int
    reason: str
    at: datetime
    rule_id: str
    rule_version_id: str
    message_ref: str | None = None


@dataclass
class _Running:
    """A member's totals while a batch's awards are walked in order."""

    balance: int
    lifetime: int
    level_rank: int


@dataclass(frozen=True)
class Posted:
    entry: PointEntry
    balance: int
    lifetime: int
    replayed: bool = False


async def post(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    source: str,
    kind: EntryKind,
    points: int,
    reason: str,
    at: datetime,
    rule_id: str | None = None,
    rule_version_id: str | None = None,
    corrects_entry_id: str | None = None,
    message_ref: str | None = None,
    occurred_at: datetime | None = None,
) -> Posted:
    """Append one entry at ``at``; it counts for the leaderboard windows of ``occurred_at`` (default ``at``)."""
    repo = LedgerRepository(session)
    counts_at = occurred_at or at
    entry = PointEntry(
        id=new_id("pte"),
        community_id=community_id,
        member_id=member_id,
        source=source,
        kind=kind.value,
        points=points,
        reason=reason,
        rule_version_id=rule_version_id,
        corrects_entry_id=corrects_entry_id,
        message_ref=message_ref,
        occurred_at=counts_at,
        created_at=at,
    )
    if not await repo.insert_entry(entry.model_dump()):
        return await _replay(repo, community_id=community_id, member_id=member_id, source=source)
    earned = lifetime_delta(kind, points)
    totals: Totals | None
    if points >= 0:
        totals = await repo.credit(
            community_id=community_id,
            member_id=member_id,
            points=points,
            lifetime=earned,
            at=at,
            active=kind in (EntryKind.AWARD, EntryKind.BONUS),
        )
        if totals is None:
            raise InvalidInput.of("points", f"would take the member's points past {INT64_MAX}")
    else:
        totals = await repo.debit(
            community_id=community_id, member_id=member_id, points=-points, lifetime=earned, at=at
        )
        if totals is None:
            raise InsufficientPoints(f"member {member_id} has fewer than {-points} points")
    settings = await settings_of(session, community_id)
    if points > 0:
        data_in = PointsAwarded(
            member_id=member_id,
            entry_id=entry.id,
            points=points,
            balance=totals.balance,
            lifetime=totals.lifetime,
            reason=reason,
            kind=kind.value,
            rule_id=rule_id,
            source=source,
        )
        await emit(session, data_in, community_id=community_id, at=at)
    elif points < 0:
        data_out = PointsSpent(
            member_id=member_id,
            entry_id=entry.id,
            points=-points,
            balance=totals.balance,
            lifetime=totals.lifetime,
            reason=reason,
            kind=kind.value,
        )
        await emit(session, data_out, community_id=community_id, at=at)
    if earned:
        leaderboard.record(
            session,
            community_id=community_id,
            member_id=member_id,
            points=earned,
            at=counts_at,
            timezone=settings.timezone,
        )
        await level.after_lifetime_change(
            session,
            community_id=community_id,
            member_id=member_id,
            lifetime=totals.lifetime,
            level_rank=totals.level_rank,
            at=at,
        )
        if earned > 0:
            await badge.after_lifetime(
                session, community_id=community_id, member_id=member_id, lifetime=totals.lifetime, at=at
            )
    return Posted(entry, totals.balance, totals.lifetime)


async def post_awards(session: AsyncSession, *, community_id: str, postings: Sequence[AwardPosting]) -> list[str]:
    """``post`` for many rule awards at once, in order: one statement for the entries, one upsert for the
    balances, one for the outbox (``points.awarded`` with each award's running totals, ``level.reached`` where
    one is crossed), one Redis pipeline after commit. The entry ids, in order. Raises ``BatchReplayed`` when
    any source already has an entry."""
    if not postings:
        return []
    repo = LedgerRepository(session)
    entry_ids = [new_id("pte") for _ in postings]
    rows = [
        {
            "id": entry_id,
            "community_id": community_id,
            "member_id": posting.member_id,
            "source": posting.source,
            "kind": EntryKind.AWARD.value,
            "points": posting.points,
            "reason": posting.reason,
            "rule_version_id": posting.rule_version_id,
            "corrects_entry_id": None,
            "message_ref": posting.message_ref,
            "occurred_at": posting.at,
            "created_at": posting.at,
        }
        for entry_id, posting in zip(entry_ids, postings, strict=True)
    ]
    if len(await repo.insert_entries(rows)) != len(rows):
        raise BatchReplayed(f"{community_id}: a source of this batch already has an entry")
    credits: dict[str, Credit] = {}
    for posting in postings:
        earned = lifetime_delta(EntryKind.AWARD, posting.points)
        before = credits.get(posting.member_id)
        credits[posting.member_id] = Credit(
            posting.member_id,
            posting.points + (before.points if before else 0),
            earned + (before.lifetime if before else 0),
            posting.at,
        )
    totals = await repo.credit_many(community_id, list(credits.values()))
    running = {
        member_id: _Running(
            total.balance - credits[member_id].points, total.lifetime - credits[member_id].lifetime, total.level_rank
        )
        for member_id, total in totals.items()
    }
    levels = await level.scheme_of(session, community_id)
    emissions: list[Emission] = []
    for entry_id, posting in zip(entry_ids, postings, strict=True):
        member = running[posting.member_id]
        member.balance += posting.points
        member.lifetime += lifetime_delta(EntryKind.AWARD, posting.points)
        awarded = PointsAwarded(
            member_id=posting.member_id,
            entry_id=entry_id,
            points=posting.points,
            balance=member.balance,
            lifetime=member.lifetime,
            reason=posting.reason,
            kind=EntryKind.AWARD.value,
            rule_id=posting.rule_id,
            source=posting.source,
        )
        emissions.append(Emission(awarded, community_id, posting.at))
        member.level_rank, reached = level.climb(
            levels, member_id=posting.member_id, lifetime=member.lifetime, level_rank=member.level_rank
        )
        if reached is not None:
            emissions.append(Emission(reached, community_id, posting.at))
    await emit_many(session, emissions)
    last_at = {posting.member_id: posting.at for posting in postings}
    for member_id, member in running.items():
        if member.level_rank != totals[member_id].level_rank:
            await repo.set_level_rank(community_id, member_id, member.level_rank)
        # Points badges, as ``post`` does for one award (award keys make a second evaluation harmless).
        await badge.after_lifetime(
            session, community_id=community_id, member_id=member_id, lifetime=member.lifetime, at=last_at[member_id]
        )
    settings = await settings_of(session, community_id)
    leaderboard.record_many(
        session,
        community_id=community_id,
        earned=[(p.member_id, lifetime_delta(EntryKind.AWARD, p.points), p.at) for p in postings],
        timezone=settings.timezone,
    )
    return entry_ids


async def _replay(repo: LedgerRepository, *, community_id: str, member_id: str, source: str) -> Posted:
    existing = await repo.entry_by_source(community_id, source)
    assert existing is not None, "a conflicting source has an entry"
    if existing.member_id != member_id:
        raise Conflict(f"source {source} already posted for another member", code="ledger_source_reused")
    balance = await repo.balance_or_none(community_id, member_id)
    return Posted(existing, balance.balance if balance else 0, balance.lifetime if balance else 0, replayed=True)


def source_for(kind: EntryKind, idempotency_key: str | None) -> str:
    """A manual posting's source: its Idempotency-Key when there is one, otherwise a fresh id."""
    return f"{kind.value}:key:{idempotency_key}" if idempotency_key else f"{kind.value}:{new_id('src')}"


async def grant(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    points: int,
    reason: str,
    at: datetime,
    idempotency_key: str | None,
) -> Posted:
    if points <= 0:
        raise InvalidInput.of("points", "must be positive")
    return await post(
        session,
        community_id=community_id,
        member_id=member_id,
        source=source_for(EntryKind.GRANT, idempotency_key),
        kind=EntryKind.GRANT,
        points=points,
        reason=reason,
        at=at,
    )


async def spend(
    session: AsyncSession,
    *,
    community_id: str,
    member_id: str,
    points: int,
    reason: str,
    at: datetime,
    idempotency_key: str | None,
    kind: EntryKind = EntryKind.SPEND,
    source: str | None = None,
) -> Posted:
    if points <= 0:
        raise InvalidInput.of("points", "must be positive")
    return await post(
        session,
        community_id=community_id,
        member_id=member_id,
        source=source or source_for(kind, idempotency_key),
        kind=kind,
        points=-points,
        reason=reason,
        at=at,
    )


async def correct(
    session: AsyncSession,
    *,
    community_id: str,
    entry_id: str,
    points: int | None,
    reason: str,
    at: datetime,
    idempotency_key: str | None,
) -> Posted:
    """An offsetting entry for ``entry_id`` (by default its exact opposite); the original stays."""
    repo = LedgerRepository(session)
    original = await repo.entry_or_none(community_id, entry_id)
    if original is None:
        raise NotFound(f"entry {entry_id} not found", code="entry_not_found")
    amount = -original.points if points is None else points
    if amount == 0:
        raise InvalidInput.of("points", "must not be zero")
    kind = (
        EntryKind.CORRECTION
        if original.kind in {k.value for k in (EntryKind.AWARD, EntryKind.GRANT, EntryKind.BONUS, EntryKind.CORRECTION)}
        else EntryKind.REFUND
    )
    try:
        return await post(
            session,
            community_id=community_id,
            member_id=original.member_id,
            source=source_for(EntryKind.CORRECTION, idempotency_key),
            kind=kind,
            points=amount,
            reason=reason,
            at=at,
            corrects_entry_id=original.id,
        )
    except InsufficientPoints:
        # The caller chose the amount (or the entry): name it. The transaction, entry included, rolls back.
        raise InvalidInput.of("points", "would take the balance below zero") from None


async def balance_of(session: AsyncSession, *, community_id: str, member_id: str) -> Balance:
    found = await LedgerRepository(session).balance_or_none(community_id, member_id)
    return found or Balance(community_id=community_id, member_id=member_id, updated_at=datetime.min)


async def balances_of(session: AsyncSession, *, community_id: str, member_ids: Sequence[str]) -> list[Balance]:
    found = {b.member_id: b for b in await LedgerRepository(session).balances(community_id, member_ids)}
    return [
        found.get(m) or Balance(community_id=community_id, member_id=m, updated_at=datetime.min)
        for m in dict.fromkeys(member_ids)
    ]


async def entries_of(
    session: AsyncSession, *, community_id: str, member_id: str, before: str | None, limit: int
) -> Sequence[PointEntry]:
    return await LedgerRepository(session).entries(community_id, member_id, before=before, limit=limit)


async def decay(session: AsyncSession, *, community_id: str, at: datetime) -> int:
    """Shrink the balances of members inactive longer than the community allows, once per community-local day:
    the community remembers the day it last ran, and each member's entry is keyed by member and day, so a
    second run the same day (another worker, a retry) changes nothing. The number of members decayed."""
    settings = await settings_of(session, community_id)
    row = await community_or_none(session, community_id)
    if row is None or settings.decay_after_days is None or settings.decay_percent <= 0:
        return 0
    day = local_day(at, settings.timezone)
    if row.decayed_on is not None and row.decayed_on >= day:
        return 0
    cutoff = at - timedelta(days=settings.decay_after_days)
    decayed = 0
    for balance in await LedgerRepository(session).inactive_since(community_id, cutoff):
        amount = decay_amount(balance.balance, settings.decay_percent)
        if amount <= 0:
            continue
        posted = await spend(
            session,
            community_id=community_id,
            member_id=balance.member_id,
            points=amount,
            reason=f"inactive for {settings.decay_after_days} days",
            at=at,
            idempotency_key=None,
            kind=EntryKind.DECAY,
            source=f"decay:{balance.member_id}:{day.isoformat()}",
        )
        decayed += 0 if posted.replayed else 1
    row.decayed_on = day
    session.add(row)
    return decayed


async def remember_tier(
    session: AsyncSession, *, community_id: str, member_id: str, tier_id: str | None, at: datetime
) -> None:
    """Keep the member's tier beside their balance: rules condition on it and multiply by it."""
    await LedgerRepository(session).set_tier(community_id, member_id, tier_id, at)
