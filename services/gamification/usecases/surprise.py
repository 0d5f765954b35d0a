"""Surprise rewards: rules, a recorded deterministic draw per (rule, event, member), and their audit."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import InvalidInput, NotFound
from kit.ids import new_id
from services.gamification.domain.ledger import EntryKind
from services.gamification.domain.rule import Occurrence, local_day
from services.gamification.domain.surprise import DrawOutcome, digest_of, draw, uniform, validate_surprise
from services.gamification.models.surprise import SurpriseDraw, SurpriseRule
from services.gamification.repo.surprise import SurpriseRepository
from services.gamification.usecases import ledger
from services.gamification.usecases.community import settings_of

SURPRISES_CACHE_KEY = "gamification.surprises"


async def create_rule(
    session: AsyncSession,
    *,
    community_id: str,
    name: str,
    events: list[str],
    probability: float,
    bonus: int,
    daily_budget: int,
    enabled: bool,
    at: datetime,
) -> SurpriseRule:
    problems = validate_surprise(events=events, probability=probability, bonus=bonus, daily_budget=daily_budget)
    InvalidInput.raise_any(problems)
    rule = SurpriseRule(
        id=new_id("srp"),
        community_id=community_id,
        name=name,
        events=events,
        probability=probability,
        bonus=bonus,
        daily_budget=daily_budget,
        secret=secrets.token_hex(32),
        enabled=enabled,
        created_at=at,
    )
    SurpriseRepository(session).add(rule)
    session.info.get(SURPRISES_CACHE_KEY, {}).pop(community_id, None)
    return rule


async def list_rules(session: AsyncSession, *, community_id: str) -> Sequence[SurpriseRule]:
    return await SurpriseRepository(session).rules(community_id)


async def _rules_for(session: AsyncSession, community_id: str, event: str) -> list[SurpriseRule]:
    cache: dict[str, Sequence[SurpriseRule]] = session.info.setdefault(SURPRISES_CACHE_KEY, {})
    if community_id not in cache:
        cache[community_id] = await SurpriseRepository(session).rules(community_id, enabled_only=True)
    return [rule for rule in cache[community_id] if event in rule.events]


async def draw_for(
    session: AsyncSession, *, community_id: str, event_id: str, occurrence: Occurrence
) -> list[SurpriseDraw]:
    """Draw once per matching rule for the member of ``occurrence``; a redelivered event draws nothing new."""
    rules = await _rules_for(session, community_id, occurrence.event)
    if not rules:
        return []
    repo = SurpriseRepository(session)
    settings = await settings_of(session, community_id)
    day = local_day(occurrence.occurred_at, settings.timezone)
    made: list[SurpriseDraw] = []
    for rule in rules:
        if await repo.draw_exists(rule.id, event_id, occurrence.member_id):
            continue
        budget_left = rule.daily_budget - await repo.spent(rule.id, day)
        result = draw(
            secret=rule.secret,
            event_id=event_id,
            member_id=occurrence.member_id,
            probability=rule.probability,
            bonus=rule.bonus,
            budget_left=budget_left,
        )
        outcome = result.outcome
        if outcome is DrawOutcome.WON and not await repo.take_budget(
            community_id=community_id, rule_id=rule.id, day=day, points=rule.bonus, budget=rule.daily_budget
        ):
            outcome = DrawOutcome.BUDGET_EXHAUSTED  # a concurrent winner took the room first
        entry_id = None
        if outcome is DrawOutcome.WON:
            posted = await ledger.post(
                session,
                community_id=community_id,
                member_id=occurrence.member_id,
                source=f"surprise:{rule.id}:{event_id}",
                kind=EntryKind.BONUS,
                points=rule.bonus,
                reason=f"surprise: {rule.name}",
                at=occurrence.occurred_at,
            )
            entry_id = posted.entry.id
        row = SurpriseDraw(
            id=new_id("drw"),
            community_id=community_id,
            rule_id=rule.id,
            event_id=event_id,
            member_id=occurrence.member_id,
            day=day,
            seed=result.seed,
            digest=result.digest,
            value=result.value,
            threshold=result.threshold,
            bonus=rule.bonus,
            budget_left=budget_left,
            outcome=outcome.value,
            entry_id=entry_id,
            drawn_at=occurrence.occurred_at,
        )
        await repo.insert_draw(row)
        made.append(row)
    return made


async def draws(
    session: AsyncSession,
    *,
    community_id: str,
    rule_id: str | None,
    member_id: str | None,
    before: str | None,
    limit: int,
) -> Sequence[SurpriseDraw]:
    return await SurpriseRepository(session).draws(
        community_id, rule_id=rule_id, member_id=member_id, before=before, limit=limit
    )


@dataclass(frozen=True)
class Verification:
    draw: SurpriseDraw
    digest: str
    value: float
    matches: bool


async def verify(session: AsyncSession, *, community_id: str, draw_id: str) -> Verification:
    """Re-derive a recorded draw from its seed and the rule's secret: the audit of one draw."""
    repo = SurpriseRepository(session)
    row = await repo.draw(community_id, draw_id)
    if row is None:
        raise NotFound(f"draw {draw_id} not found", code="draw_not_found")
    rule = await repo.rule(community_id, row.rule_id)
    assert rule is not None, "a draw's rule is never deleted"
    digest = digest_of(rule.secret, row.seed)
    value = uniform(digest)
    won = value < row.threshold
    matches = digest == row.digest and value == row.value and won == (row.outcome != DrawOutcome.LOST.value)
    return Verification(row, digest, value, matches)
