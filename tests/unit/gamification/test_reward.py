"""Rewards: the catalogue's checks, availability windows and the fulfilment states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.gamification.domain.reward import RedemptionStatus, availability_problem, can_move, validate_reward

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_bad_rewards_name_each_field() -> None:
    problems = validate_reward(
        cost=0, stock=-1, per_member_limit=0, available_from=AT, available_until=AT - timedelta(days=1)
    )

    assert [f for f, _ in problems] == ["cost", "stock", "per_member_limit", "available_until"]
    assert validate_reward(cost=1, stock=None, per_member_limit=None, available_from=None, available_until=None) == []


def test_a_reward_is_available_inside_its_window_only() -> None:
    def problem(at: datetime) -> str | None:
        return availability_problem(active=True, available_from=AT, available_until=AT + timedelta(days=1), at=at)

    assert problem(AT) is None
    assert problem(AT - timedelta(seconds=1)) is not None
    assert problem(AT + timedelta(days=1)) is not None
    assert availability_problem(active=False, available_from=None, available_until=None, at=AT) is not None


def test_requested_redemptions_are_fulfilled_or_cancelled_and_then_final() -> None:
    requested, fulfilled, cancelled = RedemptionStatus

    assert can_move(requested, fulfilled) and can_move(requested, cancelled)
    assert not can_move(fulfilled, cancelled)
    assert not can_move(cancelled, fulfilled)
    assert not can_move(requested, requested)
