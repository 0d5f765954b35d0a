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
