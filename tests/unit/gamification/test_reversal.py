"""Taking back what a struck message earned: one reversal per award, never below a zero balance."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.reversal import (
    REASON_MAX_LENGTH,
    Granted,
    Reversal,
    plan_reversals,
    reason_for,
    source_of,
)


def test_each_award_is_taken_back_exactly() -> None:
    granted = [Granted("pte_1", 2), Granted("pte_2", 5)]

    assert plan_reversals(granted, balance=100) == [Reversal("pte_1", -2, 2), Reversal("pte_2", -5, 5)]


def test_what_corrections_already_took_back_is_not_taken_twice() -> None:
    granted = [Granted("pte_1", 5, corrected=-5), Granted("pte_2", 5, corrected=-2), Granted("pte_3", 5, corrected=3)]

    assert plan_reversals(granted, balance=100) == [Reversal("pte_2", -3, 3), Reversal("pte_3", -8, 8)]


def test_nothing_granted_reverses_nothing() -> None:
    assert plan_reversals([], balance=10) == []


def test_spent_points_stay_spent_and_the_reversal_says_so() -> None:
    reversals = plan_reversals([Granted("pte_1", 5), Granted("pte_2", 5)], balance=7)

    assert reversals == [Reversal("pte_1", -5, 5), Reversal("pte_2", -2, 5)]
    assert reversals[1].short == 3
    assert reason_for(reversals[0], rule="spam:link") == "reversed: message struck (spam:link)"
    assert reason_for(reversals[1], rule="spam:link") == "reversed: message struck (spam:link); 3 of 5 already spent"


def test_the_reason_fits_its_column_whatever_the_rule() -> None:
    reason = reason_for(Reversal("pte_1", -1, 5), rule="x" * 200)

    assert len(reason) <= REASON_MAX_LENGTH
    assert reason.endswith("…); 4 of 5 already spent")


def test_each_award_has_one_reversal_source() -> None:
    assert source_of("pte_1") == "reversal:pte_1" != source_of("pte_2")


@given(
    st.lists(st.tuples(st.integers(1, 50), st.integers(-60, 20)), max_size=6),
    st.integers(-5, 200),
)
def test_a_reversal_never_takes_more_than_was_granted_or_the_balance_holds(
    awards: list[tuple[int, int]], balance: int
) -> None:
    granted = [Granted(f"pte_{n}", points, corrected) for n, (points, corrected) in enumerate(awards)]

    reversals = plan_reversals(granted, balance=balance)

    standing = {g.entry_id: g.standing for g in granted}
    assert all(r.points <= 0 and r.owed == standing[r.entry_id] > 0 for r in reversals)
    assert [r.entry_id for r in reversals] == [g.entry_id for g in granted if g.standing > 0]
    taken = -sum(r.points for r in reversals)
    assert taken == min(sum(max(s, 0) for s in standing.values()), max(balance, 0))
