"""Surprise draws: deterministic per (event, member) and secret, uniform enough, within the budget."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.surprise import DrawOutcome, digest_of, draw, uniform, validate_surprise

SECRET = "0" * 64


@given(event_id=st.text(min_size=1, max_size=30), member_id=st.text(min_size=1, max_size=30))
def test_the_same_event_draws_the_same_number_and_it_is_in_the_unit_interval(event_id: str, member_id: str) -> None:
    first = draw(secret=SECRET, event_id=event_id, member_id=member_id, probability=0.5, bonus=1, budget_left=10)
    again = draw(secret=SECRET, event_id=event_id, member_id=member_id, probability=0.5, bonus=1, budget_left=10)

    assert first == again
    assert 0 <= first.value < 1
    assert first.value == uniform(digest_of(SECRET, first.seed))


def test_another_secret_draws_another_number() -> None:
    one = draw(secret=SECRET, event_id="evt_1", member_id="mbr_a", probability=0.5, bonus=1, budget_left=1)
    other = draw(secret="1" * 64, event_id="evt_1", member_id="mbr_a", probability=0.5, bonus=1, budget_left=1)

    assert one.value != other.value


def test_about_p_of_many_events_win() -> None:
    wins = sum(
        draw(secret=SECRET, event_id=f"evt_{i}", member_id="mbr_a", probability=0.2, bonus=1, budget_left=10**6).won
        for i in range(5_000)
    )

    assert 850 <= wins <= 1_150  # 1,000 expected; the numbers are fixed, so this never flakes


def test_a_winning_draw_without_budget_for_the_bonus_is_recorded_as_exhausted() -> None:
    certain = {"secret": SECRET, "event_id": "evt_1", "member_id": "mbr_a", "probability": 1.0, "bonus": 5}

    assert draw(**certain, budget_left=5).outcome is DrawOutcome.WON  # type: ignore[arg-type]
    assert draw(**certain, budget_left=4).outcome is DrawOutcome.BUDGET_EXHAUSTED  # type: ignore[arg-type]


def test_bad_rules_name_each_field() -> None:
    problems = validate_surprise(events=["member.dance"], probability=0, bonus=0, daily_budget=0)

    assert [f for f, _ in problems] == ["events.0", "probability", "bonus", "daily_budget"]
    assert [
        f for f, _ in validate_surprise(events=["checkin.recorded"], probability=0.1, bonus=10, daily_budget=5)
    ] == ["daily_budget"]
