"""From something a member did to points: current rules → evaluation → ledger, usage for caps and cooldowns."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.ledger import EntryKind
from services.gamification.domain.rule import Occurrence, RuleSpec, Usage, evaluate, local_day, next_usage
from services.gamification.repo.ledger import LedgerRepository
from services.gamification.repo.rule import RuleRepository
from services.gamification.usecases import ledger
from services.gamification.usecases.community import settings_of
from services.gamification.usecases.rule import spec_of

RULES_CACHE_KEY = "gamification.rules"


@dataclass(frozen=True)
class Award:
    rule_id: str
    entry_id: str
    points: int


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
    if occurrence.tier_id is None and any(r.conditions.tier_ids or r.tier_multipliers for r in rules):
        occurrence = replace(occurrence, tier_id=await repo.tier_of(community_id, occurrence.member_id))
    settings = await settings_of(session, community_id)
    today = local_day(occurrence.occurred_at, settings.timezone)
    limited = [r.rule_id for r in rules if r.daily_cap is not None or r.cooldown_seconds]
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
        awards.append(Award(rule.rule_id, posted.entry.id, decision.points))
    return awards


def occurred(event: str, *, member_id: str, at: datetime, **details: object) -> Occurrence:
    return Occurrence(event=event, member_id=member_id, occurred_at=at, **details)  # type: ignore[arg-type]
