"""Taking back what a struck message earned: pure rules, no I/O (ADR 0035).

A message's awards are reversed one by one, each by a correction of its own that names it: what the award
still gives (its points and any corrections of it so far) is taken back, but never more than the balance
holds, since a balance does not go below zero (ADR 0013). What the member already spent stays spent, and
the reversal says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

REASON_MAX_LENGTH = 200


@dataclass(frozen=True)
class Granted:
    """An award for the message: its points, and what corrections of it changed since (negative: taken back)."""

    entry_id: str
    points: int
    corrected: int = 0

    @property
    def standing(self) -> int:
        return self.points + self.corrected


@dataclass(frozen=True)
class Reversal:
    """The correction of one award: ``points`` (≤ 0) to post, ``owed`` what the award still gave."""

    entry_id: str
    points: int
    owed: int

    @property
    def short(self) -> int:
        """Points that could not be taken back: the member had spent them."""
        return self.owed + self.points


def source_of(entry_id: str) -> str:
    """A reversal's ledger source: one per award, so a replayed or second strike reverses nothing again."""
    return f"reversal:{entry_id}"


def plan_reversals(granted: Sequence[Granted], *, balance: int) -> list[Reversal]:
    """A reversal for each award that still gives points, in order, each taking what the balance still holds
    (possibly nothing: the entry then records that it was all spent). Awards already taken back get none."""
    reversals: list[Reversal] = []
    left = max(balance, 0)
    for award in granted:
        owed = award.standing
        if owed <= 0:
            continue
        taken = min(owed, left)
        left -= taken
        reversals.append(Reversal(award.entry_id, -taken, owed))
    return reversals


def reason_for(reversal: Reversal, *, rule: str) -> str:
    """What the member's entries say: which strike took the points back, and what was already spent."""
    tail = f"; {reversal.short} of {reversal.owed} already spent" if reversal.short else ""
    head = "reversed: message struck ("
    room = REASON_MAX_LENGTH - len(head) - len(")") - len(tail)
    shown = rule if len(rule) <= room else rule[: max(room - 1, 0)] + "…"
    return f"{head}{shown}){tail}"
