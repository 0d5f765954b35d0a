"""Surprise rewards: a deterministic, auditable draw per (rule, event, member) within a daily budget.

The random number comes from the event itself: ``u = HMAC-SHA256(secret, "<event id>:<member id>")`` read as
a fraction in [0, 1). A redelivered event draws the same number, and anyone holding the rule's secret can
re-derive every recorded draw afterwards. The member wins when ``u < probability`` and the day's budget
still has room for the bonus. No I/O here.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from services.gamification.domain.rule import RULE_EVENTS

# 52 bits of the digest: every value is exactly representable as a float in [0, 1).
_BITS = 52


class DrawOutcome(StrEnum):
    WON = "won"
    LOST = "lost"
    BUDGET_EXHAUSTED = "budget_exhausted"  # the draw won, but the day's budget had no room left


def seed_of(event_id: str, member_id: str) -> str:
    """The message the draw's HMAC signs: what makes each (event, member) draw its own."""
    return f"{event_id}:{member_id}"


def digest_of(secret: str, seed: str) -> str:
    return hmac.new(secret.encode(), seed.encode(), hashlib.sha256).hexdigest()


def uniform(digest: str) -> float:
    """The digest's first 52 bits as a fraction in [0, 1)."""
    return (int(digest, 16) >> (256 - _BITS)) / float(1 << _BITS)


@dataclass(frozen=True)
class Draw:
    seed: str
    digest: str
    value: float
    threshold: float
    budget_left: int  # before this draw
    outcome: DrawOutcome

    @property
    def won(self) -> bool:
        return self.outcome is DrawOutcome.WON


def draw(*, secret: str, event_id: str, member_id: str, probability: float, bonus: int, budget_left: int) -> Draw:
    seed = seed_of(event_id, member_id)
    digest = digest_of(secret, seed)
    value = uniform(digest)
    if value >= probability:
        outcome = DrawOutcome.LOST
    elif bonus > budget_left:
        outcome = DrawOutcome.BUDGET_EXHAUSTED
    else:
        outcome = DrawOutcome.WON
    return Draw(seed, digest, value, probability, budget_left, outcome)


def validate_surprise(*, events: list[str], probability: float, bonus: int, daily_budget: int) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not events:
        problems.append(("events", "name at least one event"))
    for i, event in enumerate(events):
        if event not in RULE_EVENTS or event == "manual":
            problems.append((f"events.{i}", f"unknown event {event!r}"))
    if not 0 < probability <= 1:
        problems.append(("probability", "must be above 0 and at most 1"))
    if bonus < 1:
        problems.append(("bonus", "must be at least 1 point"))
    if daily_budget < 1:
        problems.append(("daily_budget", "must be at least 1 point"))
    elif bonus > daily_budget:
        problems.append(("daily_budget", "must cover at least one bonus"))
    return problems
