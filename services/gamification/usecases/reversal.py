"""Spam earns nothing (ADR 0035): activity the heuristics or a strike mark earns no points, and a strike on a
message that already earned takes exactly that back, with a correction per award that says why.

``earning`` filters activity before rules see it: a message ``member.activity`` marks as spam, or one a
strike already named (the strike can be handled first when the activity's delivery is retried), earns
nothing. ``reverse_struck_message`` handles a ``strike.added`` that names a message: it remembers the
message, then posts a correction for each award of that member for it, keyed ``reversal:<entry id>``, so a
replayed strike, or a second strike on the same message, reverses nothing again, and a message that never
earned reverses nothing at all. The entries stay; the reversal is an entry of its own (``corrects_entry_id``),
counted in the award's leaderboard windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import MemberActivity, StrikeAdded
from kit.events import Envelope
from services.gamification.domain.ledger import EntryKind
from services.gamification.domain.reversal import Granted, plan_reversals, reason_for, source_of
from services.gamification.repo.reversal import ReversalRepository
from services.gamification.usecases import ledger


async def earning(
    session: AsyncSession, batch: Sequence[tuple[Envelope, MemberActivity]]
) -> list[tuple[Envelope, MemberActivity]]:
    """The activities of ``batch`` that may earn, in order: not spam, and not a message already struck."""
    clean = [(envelope, data) for envelope, data in batch if not data.spam]
    refs = {(e.community_id, d.message_ref) for e, d in clean if e.community_id is not None and d.message_ref}
    struck = await ReversalRepository(session).struck_among(refs)
    return [(e, d) for e, d in clean if (e.community_id, d.message_ref) not in struck]


async def earns(session: AsyncSession, envelope: Envelope, data: MemberActivity) -> bool:
    return bool(await earning(session, [(envelope, data)]))


async def reverse_struck_message(
    session: AsyncSession, *, community_id: str, strike: StrikeAdded, at: datetime
) -> list[ledger.Posted]:
    """Take back what the struck message earned its sender; the reversals posted (none on a replay)."""
    if strike.message_ref is None:
        return []
    repo = ReversalRepository(session)
    await repo.strike(
        community_id=community_id,
        message_ref=strike.message_ref,
        member_id=strike.member_id,
        strike_id=strike.strike_id,
        rule=strike.rule,
        at=at,
    )
    awards = await repo.awards_for(community_id, strike.member_id, strike.message_ref)
    corrected = await repo.corrected(community_id, [award.id for award in awards])
    granted = [Granted(award.id, award.points, corrected.get(award.id, 0)) for award in awards]
    if not any(award.standing > 0 for award in granted):
        return []
    by_id = {award.id: award for award in awards}
    posted: list[ledger.Posted] = []
    for reversal in plan_reversals(granted, balance=await repo.balance(community_id, strike.member_id)):
        award = by_id[reversal.entry_id]
        result = await ledger.post(
            session,
            community_id=community_id,
            member_id=strike.member_id,
            source=source_of(award.id),
            kind=EntryKind.CORRECTION,
            points=reversal.points,
            reason=reason_for(reversal, rule=strike.rule),
            at=at,
            corrects_entry_id=award.id,
            message_ref=strike.message_ref,
            occurred_at=award.occurred_at,
        )
        if not result.replayed:
            posted.append(result)
    return posted
