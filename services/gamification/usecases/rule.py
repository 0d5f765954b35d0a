"""Point rules of a community: create, change (a new version), list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.errors import InvalidInput, NotFound
from kit.ids import new_id
from services.gamification.domain.rule import Conditions, RuleSpec, validate_rule
from services.gamification.models import PointRule
from services.gamification.repo.rule import RuleRepository


def _check(
    *,
    event: str,
    points: int,
    daily_cap: int | None,
    cooldown_seconds: int,
    conditions: Mapping[str, Any],
    tier_multipliers: Mapping[str, float],
) -> None:
    problems = validate_rule(
        event=event,
        points=points,
        daily_cap=daily_cap,
        cooldown_seconds=cooldown_seconds,
        conditions=conditions,
        tier_multipliers=tier_multipliers,
    )
    InvalidInput.raise_any(problems)


async def create_rule(
    session: AsyncSession,
    *,
    community_id: str,
    name: str,
    event: str,
    points: int,
    daily_cap: int | None,
    cooldown_seconds: int,
    conditions: dict[str, Any],
    tier_multipliers: dict[str, float],
    enabled: bool,
    at: datetime,
) -> PointRule:
    _check(
        event=event,
        points=points,
        daily_cap=daily_cap,
        cooldown_seconds=cooldown_seconds,
        conditions=conditions,
        tier_multipliers=tier_multipliers,
    )
    rule = PointRule(
        id=new_id("rulev"),
        rule_id=new_id("rule"),
        version=1,
        community_id=community_id,
        name=name,
        event=event,
        conditions=conditions,
        points=points,
        daily_cap=daily_cap,
        cooldown_seconds=cooldown_seconds,
        tier_multipliers=tier_multipliers,
        enabled=enabled,
        created_at=at,
    )
    RuleRepository(session).add(rule)
    return rule


async def change_rule(
    session: AsyncSession, *, community_id: str, rule_id: str, changes: Mapping[str, Any], at: datetime
) -> PointRule:
    """A new current version with ``changes``; the old version stays for the entries that reference it."""
    repo = RuleRepository(session)
    old = await rule_or_raise(session, community_id=community_id, rule_id=rule_id)
    values = old.model_dump(exclude={"id", "version", "created_at", "current"})
    values.update({k: v for k, v in changes.items() if k in values and k not in ("rule_id", "community_id")})
    _check(
        event=values["event"],
        points=values["points"],
        daily_cap=values["daily_cap"],
        cooldown_seconds=values["cooldown_seconds"],
        conditions=values["conditions"],
        tier_multipliers=values["tier_multipliers"],
    )
    await repo.retire(old)
    await session.flush()
    new = PointRule(**values, id=new_id("rulev"), version=old.version + 1, current=True, created_at=at)
    repo.add(new)
    return new


async def rule_or_raise(session: AsyncSession, *, community_id: str, rule_id: str) -> PointRule:
    rule = await RuleRepository(session).current_or_none(community_id, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id} not found", code="rule_not_found")
    return rule


async def current_rules(session: AsyncSession, *, community_id: str) -> Sequence[PointRule]:
    return await RuleRepository(session).current(community_id)


async def rule_versions(session: AsyncSession, *, community_id: str, rule_id: str) -> Sequence[PointRule]:
    versions = await RuleRepository(session).versions(community_id, rule_id)
    if not versions:
        raise NotFound(f"rule {rule_id} not found", code="rule_not_found")
    return versions


def spec_of(rule: PointRule) -> RuleSpec:
    return RuleSpec(
        rule_id=rule.rule_id,
        version_id=rule.id,
        event=rule.event,
        points=rule.points,
        conditions=Conditions.from_dict(rule.conditions),
        daily_cap=rule.daily_cap,
        cooldown_seconds=rule.cooldown_seconds,
        tier_multipliers=rule.tier_multipliers,
        enabled=rule.enabled,
    )
