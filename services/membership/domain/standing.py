"""Standing (follower, contributor, core): derived from rolling-window activity, never bought.

Like the trust levels of the best forum software: a member is promoted to a level as soon as every
criterion of that level is met over its window; a member who holds a level keeps it while every
criterion stays at or above 90% of its minimum, and loses it only after staying below for a grace
period (the date they first fell below is kept); an admin's lock freezes the standing entirely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from contracts.membership.standing import Standing as Standing

LADDER = (Standing.FOLLOWER, Standing.CONTRIBUTOR, Standing.CORE)
# The levels a member earns; follower is where everyone starts and needs nothing.
EARNED_LEVELS = (Standing.CONTRIBUTOR, Standing.CORE)
METRICS = ("days_active", "messages", "characters", "reactions_given", "checkins", "participations")
# A member keeps a level while each figure is at least this share of its minimum (as a fraction 9/10).
HOLD_NUMERATOR, HOLD_DENOMINATOR = 9, 10
MAX_WINDOW_DAYS = 365
MAX_GRACE_DAYS = 365


def rank(standing: Standing) -> int:
    return LADDER.index(standing)


@dataclass(frozen=True)
class Criteria:
    """What a level needs over the last ``window_days`` days: a minimum per metric."""

    window_days: int
    minimums: Mapping[str, int]

    def as_settings(self) -> dict[str, int]:
        return {"window_days": self.window_days, **self.minimums}


@dataclass(frozen=True)
class StandingRules:
    contributor: Criteria
    core: Criteria
    grace_days: int = 14

    def criteria(self, level: Standing) -> Criteria:
        if level is Standing.CORE:
            return self.core
        if level is Standing.CONTRIBUTOR:
            return self.contributor
        raise ValueError("follower has no criteria")

    def as_settings(self) -> dict[str, Any]:
        return {
            "contributor": self.contributor.as_settings(),
            "core": self.core.as_settings(),
            "grace_days": self.grace_days,
        }


DEFAULT_RULES = StandingRules(
    contributor=Criteria(window_days=30, minimums={"days_active": 10, "messages": 50}),
    core=Criteria(window_days=60, minimums={"days_active": 30, "messages": 200, "reactions_given": 50}),
    grace_days=14,
)


def _clean_int(value: Any, *, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be a whole number")
    if not low <= value <= high:
        raise ValueError(f"{name}: must be between {low} and {high}")
    return value


def _criteria_from(raw: Any, *, name: str, default: Criteria) -> Criteria:
    if raw is None:
        return default
    if not isinstance(raw, Mapping):
        raise ValueError(f"{name}: must be an object like {{'window_days': 30, 'messages': 50}}")
    window = _clean_int(raw.get("window_days", default.window_days), name=f"{name}.window_days", low=1, high=365)
    minimums: dict[str, int] = {}
    for key, value in raw.items():
        if key == "window_days":
            continue
        if key not in METRICS:
            raise ValueError(f"{name}.{key}: unknown criterion (known: {', '.join(METRICS)})")
        minimums[key] = _clean_int(value, name=f"{name}.{key}", low=0, high=10_000_000)
    if "days_active" in minimums and minimums["days_active"] > window:
        raise ValueError(f"{name}.days_active: cannot exceed window_days ({window})")
    if not any(minimums.values()):
        raise ValueError(f"{name}: needs at least one criterion above zero")
    return Criteria(window_days=window, minimums=minimums)


def rules_from_settings(raw: Any) -> StandingRules:
    """The rules in ``Community.settings['standing']``; missing parts take the defaults. ValueError names the part."""
    if raw is None:
        return DEFAULT_RULES
    if not isinstance(raw, Mapping):
        raise ValueError("standing: must be an object with contributor, core and grace_days")
    unknown = set(raw) - {"contributor", "core", "grace_days"}
    if unknown:
        raise ValueError(f"standing.{sorted(unknown)[0]}: unknown setting (known: contributor, core, grace_days)")
    return StandingRules(
        contributor=_criteria_from(raw.get("contributor"), name="contributor", default=DEFAULT_RULES.contributor),
        core=_criteria_from(raw.get("core"), name="core", default=DEFAULT_RULES.core),
        grace_days=_clean_int(
            raw.get("grace_days", DEFAULT_RULES.grace_days), name="grace_days", low=0, high=MAX_GRACE_DAYS
        ),
    )


@dataclass(frozen=True)
class Figures:
    """One member's activity totals over one window."""

    days_active: int = 0
    messages: int = 0
    characters: int = 0
    reactions_given: int = 0
    checkins: int = 0
    # Check-ins, probe claims, redemptions, ... (domain.participation).
    participations: int = 0

    def value(self, metric: str) -> int:
        value: int = getattr(self, metric)
        return value


def meets(criteria: Criteria, figures: Figures) -> bool:
    """Every minimum reached: what promotion needs."""
    return all(figures.value(metric) >= minimum for metric, minimum in criteria.minimums.items())


def holds(criteria: Criteria, figures: Figures) -> bool:
    """Every figure at or above 90% of its minimum: what keeping a level needs."""
    return all(
        figures.value(metric) * HOLD_DENOMINATOR >= minimum * HOLD_NUMERATOR
        for metric, minimum in criteria.minimums.items()
    )


def shortfalls(criteria: Criteria, figures: Figures) -> list[str]:
    """The criteria below 90%, readable: ``messages 30 < 90% of 50``."""
    return [
        f"{metric} {figures.value(metric)} < 90% of {minimum}"
        for metric, minimum in criteria.minimums.items()
        if figures.value(metric) * HOLD_DENOMINATOR < minimum * HOLD_NUMERATOR
    ]


def _met(criteria: Criteria, figures: Figures) -> str:
    return ", ".join(f"{metric} {figures.value(metric)}/{minimum}" for metric, minimum in criteria.minimums.items())


@dataclass(frozen=True)
class StandingState:
    standing: Standing
    locked: bool = False
    # The community-local day the member first fell below 90% of their level; None while they hold it.
    below_since: date | None = None


@dataclass(frozen=True)
class Decision:
    previous: StandingState
    state: StandingState
    reason: str | None = None

    @property
    def changed(self) -> bool:
        return self.state.standing != self.previous.standing


def decide(rules: StandingRules, state: StandingState, *, figures: Mapping[Standing, Figures], today: date) -> Decision:
    """The standing after looking at ``figures`` (per level, over that level's window) on ``today``."""
    if state.locked:
        return Decision(previous=state, state=state)
    earned = max(
        (level for level in EARNED_LEVELS if meets(rules.criteria(level), figures[level])),
        key=rank,
        default=Standing.FOLLOWER,
    )
    if rank(earned) > rank(state.standing):
        reason = f"promoted: {_met(rules.criteria(earned), figures[earned])}"
        return Decision(previous=state, state=StandingState(earned), reason=reason)
    if state.standing is Standing.FOLLOWER or holds(rules.criteria(state.standing), figures[state.standing]):
        return Decision(previous=state, state=replace(state, below_since=None))
    below_since = state.below_since or today
    if today - below_since < timedelta(days=rules.grace_days):
        return Decision(previous=state, state=replace(state, below_since=below_since))
    # One step down, or further when the member no longer holds the level below either.
    target = max(
        (
            level
            for level in EARNED_LEVELS
            if rank(level) < rank(state.standing) and holds(rules.criteria(level), figures[level])
        ),
        key=rank,
        default=Standing.FOLLOWER,
    )
    missing = "; ".join(shortfalls(rules.criteria(state.standing), figures[state.standing]))
    reason = f"demoted: {missing} since {below_since.isoformat()}"
    return Decision(previous=state, state=StandingState(target), reason=reason)
