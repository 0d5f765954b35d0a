"""From something a member did to points: current rules → evaluation → ledger, usage for caps and cooldowns.

Two paths give the same result: ``apply_occurrence`` for one event (and as the fallback of a batch), and
``apply_occurrences`` for a consumer's batch of events in stream order, which evaluates all of them in memory
and writes each step with one statement. Both end in ``after_awards``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.ledger import EntryKind
from services.gamification.domain.rule import (
    Occurrence,
    RuleSpec,
    Usage,
    evaluate,
    local_day,
    next_usage,
    plan_awards,
)
from services.gamification.repo.ledger import LedgerRepository
from services.gamification.repo.rule import RuleRepository
from services.gamification.usecases import ledger
from services.gamification.usecases.community import settings_of
from services.gamification.usecases.rule import spec_of

RULES_CACHE_KEY = "gamification.rules"


@dataclass(frozen=True)
class Award:
    """Points a rule awarded for an event: a new ledger entry (never a replay)."""

    community_id: str
    member_id: str
    rule_id: str
    entry_id: str
    points: int
    event: str  # the occurrence, e.g. ``member.activity.message``
    event_id: str
    occurred_at: datetime


async def after_awards(session: AsyncSession, awards: Sequence[Award]) -> None:
    """The one place for work that follows fresh rule awards (incremental badge evaluation, ...).

    Called in the awarding transaction, after the entries, balances, ``points.awarded`` and level changes
    are written: once per event on the per-event path, once per community and batch on the batch path, with
    the awards of that call in order and never with replays. It must not commit; what it writes commits or
    rolls back with the awards (a failing batch is redone event by event, calling it again per event).
    """
    if not awards:
        return


async def rules_for(session: AsyncSession, community_id: str, event: str) -> list[RuleSpec]:
    """Current enabled rules of ``event``, cached for the session (one consumer batch, one request)."""
    cache: dict[tuple[str, str], list[RuleSpec]] = session.info.setdefault(RULES_CACHE_KEY, {})
    key = (community_id, event)
    if key not in cache:
        rows = await RuleRepository(session).current(community_id, events=[event])
        cache[key] = [spec_of(row) for row in rows if row.enabled]
    return cache[key]


async def apply_occurrence(
    session: AsyncSession, *, community_id: str, event_id: str, occurrence: Occurrence
) -> list[Award]:
    """Award what the community's rules give for ``occurrence``; each (event, rule) at most once."""
    rules = await rules_for(session, community_id, occurrence.event)
    if not rules:
        return []
    repo = LedgerRepository(session)
    if occurrence.tier_id is None and any(r.tiered for r in rules):
        occurrence = replace(occurrence, tier_id=await repo.tier_of(community_id, occurrence.member_id))
    settings = await settings_of(session, community_id)
    today = local_day(occurrence.occurred_at, settings.timezone)
    limited = [r.rule_id for r in rules if r.limited]
    usages = await repo.usage(community_id, occurrence.member_id, limited) if limited else {}
    awards: list[Award] = []
    for rule in rules:
        row = usages.get(rule.rule_id)
        usage = Usage(row.day, row.points_today, row.last_awarded_at) if row is not None else Usage()
        decision = evaluate(rule, occurrence, usage, today=today)
        if not decision.awards:
            continue
        posted = await ledger.post(
            session,
            community_id=community_id,
            member_id=occurrence.member_id,
            source=f"{event_id}:{rule.rule_id}",
            kind=EntryKind.AWARD,
            points=decision.points,
            reason=occurrence.event,
            at=occurrence.occurred_at,
            rule_id=rule.rule_id,
            rule_version_id=rule.version_id,
            message_ref=occurrence.message_ref,
        )
        if posted.replayed:
            continue
        if rule.rule_id in limited:
            after = next_usage(usage, today=today, points=decision.points, at=occurrence.occurred_at)
            await repo.save_usage(
                community_id=community_id,
                member_id=occurrence.member_id,
                rule_id=rule.rule_id,
                day=today,
                points_today=after.points_today,
                last_awarded_at=occurrence.occurred_at,
            )
        awards.append(
            Award(
                community_id,
                occurrence.member_id,
                rule.rule_id,
                posted.entry.id,
                decision.points,
                occurrence.event,
                event_id,
                occurrence.occurred_at,
            )
        )
    await after_awards(session, awards)
    return awards


async def apply_occurrences(
    session: AsyncSession, *, community_id: str, occurrences: Sequence[tuple[str, Occurrence]]
) -> list[Award]:
    """``apply_occurrence`` for ``(event id, occurrence)`` pairs in stream order, with the same result as
    applying them one after the other: rules, tiers and usage are read once for the batch, evaluated in
    memory in order, then written with one statement per step. Raises ``ledger.BatchReplayed`` when an
    (event, rule) already has an entry; the caller then applies the events one by one."""
    events = dict.fromkeys(o.event for _, o in occurrences)
    rules = {event: await rules_for(session, community_id, event) for event in events}
    occurrences = [(event_id, o) for event_id, o in occurrences if rules[o.event]]
    if not occurrences:
        return []
    specs = [rule for found in rules.values() for rule in found]
    repo = LedgerRepository(session)
    members = sorted({o.member_id for _, o in occurrences})
    if any(rule.tiered for rule in specs):
        tiers = await repo.tiers_of(community_id, members)
        occurrences = [
            (event_id, o if o.tier_id is not None else replace(o, tier_id=tiers.get(o.member_id)))
            for event_id, o in occurrences
        ]
    limited = sorted({rule.rule_id for rule in specs if rule.limited})
    usages = await repo.usages(community_id, members, limited) if limited else {}
    settings = await settings_of(session, community_id)
    planned, changed = plan_awards(occurrences, rules, usages, timezone=settings.timezone)
    if not planned:
        return []
    postings = [
        ledger.AwardPosting(
            member_id=p.occurrence.member_id,
            source=f"{p.event_id}:{p.rule.rule_id}",
            points=p.points,
            reason=p.occurrence.event,
            at=p.occurrence.occurred_at,
            rule_id=p.rule.rule_id,
            rule_version_id=p.rule.version_id,
            message_ref=p.occurrence.message_ref,
        )
        for p in planned
    ]
    entry_ids = await ledger.post_awards(session, community_id=community_id, postings=postings)
    if changed:
        await repo.save_usages(community_id, changed)
    awards = [
        Award(
            community_id,
            p.occurrence.member_id,
            p.rule.rule_id,
            entry_id,
            p.points,
            p.occurrence.event,
            p.event_id,
            p.occurrence.occurred_at,
        )
        for p, entry_id in zip(planned, entry_ids, strict=True)
    ]
    await after_awards(session, awards)
    return awards


def occurred(event: str, *, member_id: str, at: datetime, **details: object) -> Occurrence:
    return Occurrence(event=event, member_id=member_id, occurred_at=at, **details)  # type: ignore[arg-type]
