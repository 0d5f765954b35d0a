"""Point rules as data, and their pure evaluation: conditions, cooldown, daily cap, tier multiplier.

A rule answers one kind of occurrence (``RULE_EVENTS``). Evaluating it against an occurrence and the
member's usage of the rule so far gives the points to award (possibly fewer than the rule's points when
the daily cap is nearly reached) or the reason it awards nothing. Which conditions a rule may have depends
on its event (``conditions_of``): chat activity has groups, text length and keywords; a paid referral
conversion has the payment's amount, currency and tier. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contracts.gamification.rule import ACTIVITY_CONDITIONS as ACTIVITY_CONDITIONS
from contracts.gamification.rule import CONVERSION_CONDITIONS as CONVERSION_CONDITIONS
from contracts.gamification.rule import RULE_EVENTS as RULE_EVENTS
from kit.types import INT64_MAX

REFERRAL_CONVERTED = "referral.converted"
CONDITION_KEYS = ACTIVITY_CONDITIONS | CONVERSION_CONDITIONS
_LIST_CONDITIONS = ("group_ids", "tier_ids", "paid_tier_ids", "paid_tier_keys")
_AMOUNT_CONDITIONS = ("min_amount", "max_amount")


def conditions_of(event: str) -> frozenset[str]:
    """The condition keys a rule of ``event`` may have."""
    return CONVERSION_CONDITIONS if event == REFERRAL_CONVERTED else ACTIVITY_CONDITIONS


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
    # A paid conversion: the payment's amount (minor units of ``currency``, bounds inclusive) and tier.
    min_amount: int | None = None
    max_amount: int | None = None
    currency: str | None = None
    paid_tier_ids: frozenset[str] | None = None
    paid_tier_keys: frozenset[str] | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Conditions:
        def ids(key: str) -> frozenset[str] | None:
            values = raw.get(key)
            return frozenset(values) if values else None

        return cls(
            group_ids=ids("group_ids"),
            min_length=raw.get("min_length"),
            keyword=raw.get("keyword") or None,
            tier_ids=ids("tier_ids"),
            min_amount=raw.get("min_amount"),
            max_amount=raw.get("max_amount"),
            currency=raw.get("currency") or None,
            paid_tier_ids=ids("paid_tier_ids"),
            paid_tier_keys=ids("paid_tier_keys"),
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
    tier_id: str | None = None  # the member's own tier (filled in from the ledger when a rule needs it)
    # A paid conversion: what the referred member paid, and for which tier.
    amount: int | None = None
    currency: str | None = None
    paid_tier_id: str | None = None
    paid_tier_key: str | None = None
    # The chat message it was (``member.activity.message``): awards for it name it, so a strike reverses them.
    message_ref: str | None = None
    # The message came to the app one to one, not in a group chat (``group_id`` is None then too).
    one_to_one: bool = False


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
    problems.extend(_condition_problems(event, conditions))
    for tier, factor in tier_multipliers.items():
        if factor < 0:
            problems.append((f"tier_multipliers.{tier}", "must not be negative"))
    return problems


def _condition_problems(event: str, conditions: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Keys the event has no such condition for, then the values of those it has."""
    allowed = conditions_of(event) if event in RULE_EVENTS else CONDITION_KEYS
    problems: list[tuple[str, str]] = []
    for key in conditions:
        if key not in CONDITION_KEYS:
            problems.append((f"conditions.{key}", f"unknown condition; one of {', '.join(sorted(allowed))}"))
        elif key not in allowed:
            problems.append((f"conditions.{key}", f"not a condition of {event}; one of {', '.join(sorted(allowed))}"))
    given = {key: value for key, value in conditions.items() if key in allowed and value is not None}
    for key in ("min_length", *_AMOUNT_CONDITIONS):
        if key in given and not _non_negative_int(given[key]):
            problems.append((f"conditions.{key}", "must be a non-negative integer"))
    for key in _LIST_CONDITIONS:
        values = given.get(key)
        if values is not None and not (isinstance(values, list) and all(isinstance(v, str) and v for v in values)):
            problems.append((f"conditions.{key}", "must be a list of ids"))
    low, high = given.get("min_amount"), given.get("max_amount")
    if isinstance(low, int) and isinstance(high, int) and _non_negative_int(low) and low > high:
        problems.append(("conditions.max_amount", "must not be below min_amount"))
    currency = given.get("currency")
    if currency is not None and not (
        isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()
    ):
        problems.append(("conditions.currency", "must be an ISO 4217 currency code like CNY"))
    elif currency is None and any(key in given for key in _AMOUNT_CONDITIONS):
        problems.append(
            ("conditions.currency", "required with min_amount or max_amount: amounts are minor units of a currency")
        )
    return problems


def _non_negative_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


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
    if conditions.tier_ids is not None and occurrence.tier_id not in conditions.tier_ids:
        return False
    return _payment_matches(conditions, occurrence)


def _payment_matches(conditions: Conditions, occurrence: Occurrence) -> bool:
    """The conversion conditions: an occurrence without a payment (or without the field) meets none of them."""
    if conditions.currency is not None and occurrence.currency != conditions.currency:
        return False
    if conditions.min_amount is not None and (occurrence.amount is None or occurrence.amount < conditions.min_amount):
        return False
    if conditions.max_amount is not None and (occurrence.amount is None or occurrence.amount > conditions.max_amount):
        return False
    if conditions.paid_tier_ids is not None and occurrence.paid_tier_id not in conditions.paid_tier_ids:
        return False
    return conditions.paid_tier_keys is None or occurrence.paid_tier_key in conditions.paid_tier_keys


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
    # A float product is exact only below 2**53: without a multiplier the rule's points are awarded as they are,
    # and a multiplied award never passes the 64-bit column.
    points = rule.points if multiplier == 1.0 else min(round(rule.points * multiplier), INT64_MAX)
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
