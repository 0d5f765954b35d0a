"""What each kind of ledger entry means for the balance, the lifetime total and the leaderboards."""

from __future__ import annotations

from enum import StrEnum


class EntryKind(StrEnum):
    AWARD = "award"  # a rule awarded it for something the member did
    GRANT = "grant"  # an operator gave it by hand
    BONUS = "bonus"  # a surprise reward or an attention probe
    CORRECTION = "correction"  # offsets an earlier entry (usually negative)
    SPEND = "spend"  # the member spent points (a redemption, a manual spend)
    REFUND = "refund"  # spent points given back (a cancelled redemption)
    DECAY = "decay"  # an inactive member's balance shrinks


# Earned points count toward the lifetime total, levels and leaderboards; spending and decay do not.
EARNING = frozenset({EntryKind.AWARD, EntryKind.GRANT, EntryKind.BONUS, EntryKind.CORRECTION})


def lifetime_delta(kind: EntryKind, points: int) -> int:
    return points if kind in EARNING else 0


def balance_after(balance: int, points: int) -> int | None:
    """The balance after posting ``points``, or None when it would go below zero."""
    after = balance + points
    return after if after >= 0 else None


def decay_problems(after_days: int | None, percent: int | None) -> list[tuple[str, str]]:
    """What is wrong with a decay configuration: both set (days ≥ 1, 0 < percent ≤ 100) or both null (off)."""
    if after_days is None and percent is None:
        return []
    problems: list[tuple[str, str]] = []
    if after_days is None:
        problems.append(("decay_after_days", "must be set with decay_percent (or both null to switch decay off)"))
    elif after_days < 1:
        problems.append(("decay_after_days", "must be at least 1"))
    if percent is None:
        problems.append(("decay_percent", "must be set with decay_after_days (or both null to switch decay off)"))
    elif not 0 < percent <= 100:
        problems.append(("decay_percent", "must be more than 0 and at most 100"))
    return problems


def decay_amount(balance: int, percent: int) -> int:
    """The points a decay run takes: ``percent`` of the balance, rounded down (never the whole of a small one
    unless ``percent`` is 100)."""
    return balance * percent // 100
