"""Badge criteria as data, and their pure evaluation against a member's progress.

A criterion is one of five kinds, each machine-checkable from counters the service keeps per member:

- ``count``: the member did ``event`` at least ``n`` times (within the last ``window_days`` local days
  when set);
- ``streak``: the member did ``event`` on at least ``days`` consecutive local days;
- ``points``: the member earned at least ``n`` lifetime points;
- ``challenge``: the member completed a challenge (``challenge_id``, or any when not set);
- ``manual``: only an operator awards it.

Evaluation answers the *award keys* a member has earned now. A badge that is not repeatable has one key
(``once``); a repeatable one has a key per threshold multiple, per window period, per streak stretch or per
challenge, so that the unique (badge, member, key) of an award makes re-evaluation harmless. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from services.gamification.domain.rule import RULE_EVENTS, local_day

ONCE = "once"
CHALLENGE_EVENT = "challenge.completed"
# Events a count or streak criterion may name: what point rules answer, and completed challenges.
BADGE_EVENTS: tuple[str, ...] = (*(e for e in RULE_EVENTS if e != "manual"), CHALLENGE_EVENT)
MAX_WINDOW_DAYS = 366


class CriterionKind(StrEnum):
    COUNT = "count"
    STREAK = "streak"
    POINTS = "points"
    CHALLENGE = "challenge"
    MANUAL = "manual"


@dataclass(frozen=True)
class Criterion:
    kind: CriterionKind
    event: str | None = None
    n: int = 1
    window_days: int | None = None
    challenge_id: str | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Criterion:
        """A criterion from stored (already validated) data."""
        kind = CriterionKind(raw["kind"])
        if kind is CriterionKind.STREAK:
            return cls(kind, event=raw["event"], n=int(raw["days"]))
        return cls(
            kind,
            event=raw.get("event"),
            n=int(raw.get("n", 1)),
            window_days=raw.get("window_days"),
            challenge_id=raw.get("challenge_id"),
        )

    @property
    def tracked_event(self) -> str | None:
        """The event whose per-day counts this criterion reads (None for points and manual)."""
        if self.kind in (CriterionKind.COUNT, CriterionKind.STREAK):
            return self.event
        if self.kind is CriterionKind.CHALLENGE:
            return challenge_event(self.challenge_id)
        return None


def challenge_event(challenge_id: str | None) -> str:
    """The counter name of completions of one challenge (or of any challenge)."""
    return f"{CHALLENGE_EVENT}:{challenge_id}" if challenge_id else CHALLENGE_EVENT


def validate_criteria(raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, reason) for everything wrong with a criterion given as data; empty when it is fine."""
    kinds = [k.value for k in CriterionKind]
    kind = raw.get("kind")
    if kind not in kinds:
        return [("criteria.kind", f"unknown kind {kind!r}; one of {', '.join(kinds)}")]
    allowed = {
        "count": {"kind", "event", "n", "window_days"},
        "streak": {"kind", "event", "days"},
        "points": {"kind", "n"},
        "challenge": {"kind", "challenge_id"},
        "manual": {"kind"},
    }[kind]
    problems = [(f"criteria.{key}", f"not used by a {kind} criterion") for key in raw if key not in allowed]
    if kind in ("count", "streak") and raw.get("event") not in BADGE_EVENTS:
        problems.append(("criteria.event", f"unknown event {raw.get('event')!r}; one of {', '.join(BADGE_EVENTS)}"))
    for key in ("n",) if kind in ("count", "points") else ("days",) if kind == "streak" else ():
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append((f"criteria.{key}", "must be a positive integer"))
    window = raw.get("window_days")
    if window is not None and (not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 366):
        problems.append(("criteria.window_days", f"must be 1 to {MAX_WINDOW_DAYS} days when set"))
    challenge = raw.get("challenge_id")
    if challenge is not None and (not isinstance(challenge, str) or not challenge):
        problems.append(("criteria.challenge_id", "must be a challenge id when set"))
    return problems


@dataclass(frozen=True)
class Streak:
    """Consecutive local days with the event: the last such day, the current run's start and length, the best."""

    last_day: date | None = None
    start_day: date | None = None
    current: int = 0
    best: int = 0

    def as_of(self, today: date) -> int:
        """The run still alive on ``today``: it counts if the last day is today or yesterday."""
        if self.last_day is None or (today - self.last_day).days > 1:
            return 0
        return self.current


def next_streak(streak: Streak, day: date) -> Streak:
    """The streak after the event happened on the local ``day`` (days may arrive out of order)."""
    if streak.last_day is None:
        return Streak(day, day, 1, max(streak.best, 1))
    gap = (day - streak.last_day).days
    if gap <= 0:
        return streak  # the same day again, or a late event of an earlier day: the run is unchanged
    if gap == 1:
        current = streak.current + 1
        return Streak(day, streak.start_day, current, max(streak.best, current))
    return Streak(day, day, 1, max(streak.best, 1))


def streak_of(days: set[date] | frozenset[date], *, today: date) -> Streak:
    """The streak ending on the latest of ``days`` (a backfill from per-day counts), with the best run."""
    ordered = sorted(d for d in days if d <= today)
    streak = Streak()
    for day in ordered:
        streak = next_streak(streak, day)
    return streak


def streak_over(instants: list[datetime], timezone: str) -> Streak:
    """The streak of events at ``instants`` (UTC), days taken in ``timezone``."""
    streak = Streak()
    for day in sorted({local_day(at, timezone) for at in instants}):
        streak = next_streak(streak, day)
    return streak


@dataclass(frozen=True)
class Progress:
    """What the counters say about one member, on the local day ``today``."""

    today: date
    # Per tracked event: count per local day (only the days a window may need are required) and the total.
    day_counts: Mapping[str, Mapping[date, int]] = field(default_factory=dict)
    totals: Mapping[str, int] = field(default_factory=dict)
    streaks: Mapping[str, Streak] = field(default_factory=dict)
    lifetime: int = 0
    # Challenges completed (ids), for repeatable challenge badges.
    challenges: frozenset[str] = frozenset()

    def count_within(self, event: str, window_days: int) -> int:
        since = self.today - timedelta(days=window_days - 1)
        return sum(n for day, n in self.day_counts.get(event, {}).items() if since <= day <= self.today)


def earned_keys(criterion: Criterion, progress: Progress, *, repeatable: bool) -> list[str]:
    """The award keys the member has earned; a key already awarded is skipped by the caller's unique key."""
    kind = criterion.kind
    if kind is CriterionKind.MANUAL:
        return []
    if kind is CriterionKind.POINTS:
        return _threshold_keys(progress.lifetime, criterion.n, repeatable, prefix="points")
    if kind is CriterionKind.CHALLENGE:
        if criterion.challenge_id is None and repeatable:
            return [f"challenge:{c}" for c in sorted(progress.challenges)]
        return [ONCE] if progress.totals.get(criterion.tracked_event or CHALLENGE_EVENT, 0) >= 1 else []
    assert criterion.event is not None
    if kind is CriterionKind.STREAK:
        streak = progress.streaks.get(criterion.event, Streak())
        current = streak.as_of(progress.today)
        if current < criterion.n:
            return []
        if not repeatable:
            return [ONCE]
        # Each full stretch of n days of one run earns one: a 7-day badge twice in a 14-day run.
        return [f"streak:{streak.start_day}:{k}" for k in range(1, current // criterion.n + 1)]
    if criterion.window_days is None:
        return _threshold_keys(progress.totals.get(criterion.event, 0), criterion.n, repeatable, prefix="count")
    if progress.count_within(criterion.event, criterion.window_days) < criterion.n:
        return []
    if not repeatable:
        return [ONCE]
    # Repeatable within a window: at most once per window period (periods counted from the epoch day).
    return [f"window:{progress.today.toordinal() // criterion.window_days}"]


def _threshold_keys(value: int, n: int, repeatable: bool, *, prefix: str) -> list[str]:
    if value < n:
        return []
    if not repeatable:
        return [ONCE]
    return [f"{prefix}:{k * n}" for k in range(1, value // n + 1)]
