"""Point rules as data, and their pure evaluation: conditions, cooldown, daily cap, tier multiplier.

A rule answers one kind of occurrence (``RULE_EVENTS``). Evaluating it against an occurrence and the
member's usage of the rule so far gives the points to award (possibly fewer than the rule's points when
the daily cap is nearly reached) or the reason it awards nothing. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RULE_EVENTS: tuple[str, ...] = (
    "member.activity.message",
    "member.activity.reaction",
    "member.activity.join",
    "member.joined.referral",  # the referrer earns when someone they invited joins
    "checkin.recorded",
    "assignment.submitted",
    "assignment.reviewed",
    "event.attended",
    "manual",
)
CONDITION_KEYS = frozenset({"group_ids", "min_length", "keyword", "tier_ids"})


class Outcome(StrEnum):
    AWARDED = "awarded"
    DISABLED = "disabled"
    CONDITION_NOT_MET = "condition_not_met"
    COOLDOWN = "cooldown"
    CAPPED = "capped"


@dataclass(frozen=True)
class Conditions:
    group_ids: frozenset[str] | None = None
    min_length: int | None = None
    keyword: str | None = None
    tier_ids: frozenset[str] | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Conditions:
        groups = raw.get("group_ids")
        tiers = raw.get("tier_ids")
        return cls(
            group_ids=frozenset(groups) if groups else None,
            min_length=raw.get("min_length"),
            keyword=raw.get("keyword") or None,
            tier_ids=frozenset(tiers) if tiers else None,
        )


@dataclass(frozen=True)
class RuleSpec:
    rule_id: str
    version_id: str
    event: str
    points: int
    conditions: Conditions = field(default_factory=Conditions)
    daily_cap: int | None = None
    cooldown_seconds: int = 0
    tier_multipliers: Mapping[str, float] = field(default_factory=dict)
    enabled: bool = True

    @property
    def limited(self) -> bool:
        """Whether awards depend on the member's earlier use (a daily cap or a cooldown)."""
        return self.daily_cap is not None or self.cooldown_seconds > 0

    @property
    def tiered(self) -> bool:
        """Whether the member's tier matters (a tier condition or multiplier)."""
        return self.conditions.tier_ids is not None or bool(self.tier_multipliers)


@dataclass(frozen=True)
class Occurrence:
    """Something a member did, in the terms rules speak."""

    event: str
    member_id: str
    occurred_at: datetime
    group_id: str | None = None
    text: str = ""
    text_length: int = 0
    tier_id: str | None = None
    # The chat message it was (``member.activity.message``): awards for it name it, so a strike reverses them.
    message_ref: str | None = None


@dataclass(frozen=True)
class Usage:
    """The member's use of one rule: points on ``day`` (a local date) and the last award."""

    day: date | None = None
    points_today: int = 0
    last_awarded_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    points: int = 0

    @property
    def awards(self) -> bool:
        return self.outcome is Outcome.AWARDED and self.points > 0


def validate_rule(
    *,
    event: str,
    points: int,
    daily_cap: int | None,
    cooldown_seconds: int,
    conditions: Mapping[str, Any],
    tier_multipliers: Mapping[str, float],
) -> list[tuple[str, str]]:
    """(field, reason) for everything wrong with a rule; empty when it is fine."""
    problems: list[tuple[str, str]] = []
    if event not in RULE_EVENTS:
        problems.append(("event", f"unknown event {event!r}; one of {', '.join(RULE_EVENTS)}"))
    if points <= 0:
        problems.append(("points", "must be positive"))
    if daily_cap is not None and daily_cap <= 0:
        problems.append(("daily_cap", "must be positive when set"))
    if cooldown_seconds < 0:
        problems.append(("cooldown_seconds", "must not be negative"))
    for key in conditions:
        if key not in CONDITION_KEYS:
            problems.append((f"conditions.{key}", f"unknown condition; one of {', '.join(sorted(CONDITION_KEYS))}"))
    min_length = conditions.get("min_length")
    if min_length is not None and (not isinstance(min_length, int) or min_length < 0):
        problems.append(("conditions.min_length", "must be a non-negative integer"))
    for tier, factor in tier_multipliers.items():
        if factor < 0:
            problems.append((f"tier_multipliers.{tier}", "must not be negative"))
    return problems


def local_day(at: datetime, timezone: str) -> date:
    """The calendar day ``at`` falls on in ``timezone`` (UTC when the zone is unknown)."""
    return at.astimezone(zone(timezone)).date()


def zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def matches(conditions: Conditions, occurrence: Occurrence) -> bool:
    if conditions.group_ids is not None and occurrence.group_id not in conditions.group_ids:
        return False
    if conditions.min_length is not None and occurrence.text_length < conditions.min_length:
        return False
    if conditions.keyword is not None and conditions.keyword.casefold() not in occurrence.text.casefold():
        return False
    return conditions.tier_ids is None or occurrence.tier_id in conditions.tier_ids


def evaluate(rule: RuleSpec, occurrence: Occurrence, usage: Usage, *, today: date) -> Decision:
    """What ``rule`` awards for ``occurrence``, given the member's ``usage`` and the local ``today``."""
    if not rule.enabled or rule.event != occurrence.event:
        return Decision(Outcome.DISABLED)
    if not matches(rule.conditions, occurrence):
        return Decision(Outcome.CONDITION_NOT_MET)
    if (
        rule.cooldown_seconds
        and usage.last_awarded_at is not None
        and occurrence.occurred_at - usage.last_awarded_at < timedelta(seconds=rule.cooldown_seconds)
    ):
        return Decision(Outcome.COOLDOWN)
    multiplier = rule.tier_multipliers.get(occurrence.tier_id, 1.0) if occurrence.tier_id else 1.0
    points = round(rule.points * multiplier)
    if rule.daily_cap is not None:
        used = usage.points_today if usage.day == today else 0
        points = min(points, rule.daily_cap - used)
        if points <= 0:
            return Decision(Outcome.CAPPED)
    if points <= 0:
        return Decision(Outcome.CONDITION_NOT_MET)
    return Decision(Outcome.AWARDED, points)


def next_usage(usage: Usage, *, today: date, points: int, at: datetime) -> Usage:
    """The usage after awarding ``points`` at ``at``."""
    used = usage.points_today if usage.day == today else 0
    return Usage(day=today, points_today=used + points, last_awarded_at=at)


@dataclass(frozen=True)
class Planned:
    """An award that evaluating a batch of occurrences in order decided on."""

    event_id: str
    occurrence: Occurrence
    rule: RuleSpec
    points: int


def plan_awards(
    occurrences: Sequence[tuple[str, Occurrence]],
    rules: Mapping[str, Sequence[RuleSpec]],
    usages: Mapping[tuple[str, str], Usage],
    *,
    timezone: str,
) -> tuple[list[Planned], dict[tuple[str, str], Usage]]:
    """Evaluate ``(event id, occurrence)`` pairs in order, exactly as handling them one after the other
    would: each award moves the member's usage of its rule, and the member's next occurrence sees it.
    ``rules`` are by occurrence event, ``usages`` by (member, rule) as stored. Returns the awards in order
    and the usages of limited rules that changed."""
    current = dict(usages)
    changed: dict[tuple[str, str], Usage] = {}
    planned: list[Planned] = []
    for event_id, occurrence in occurrences:
        today = local_day(occurrence.occurred_at, timezone)
        for rule in rules.get(occurrence.event, ()):
            key = (occurrence.member_id, rule.rule_id)
            usage = current.get(key, Usage())
            decision = evaluate(rule, occurrence, usage, today=today)
            if not decision.awards:
                continue
            planned.append(Planned(event_id, occurrence, rule, decision.points))
            if rule.limited:
                current[key] = changed[key] = next_usage(
                    usage, today=today, points=decision.points, at=occurrence.occurred_at
                )
    return planned, changed
