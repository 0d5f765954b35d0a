"""Badge criteria: counts (in a rolling window), streaks of community-local days across DST, points,
challenges, repeatable awards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.badge import (
    ONCE,
    Criterion,
    CriterionKind,
    Progress,
    Streak,
    earned_keys,
    next_streak,
    streak_of,
    streak_over,
    validate_criteria,
)

TODAY = date(2026, 3, 30)
# Zones with DST moves at 02:00, at midnight (Santiago), by 30 minutes (Lord Howe), and none.
ZONES = ["Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Shanghai", "UTC"]


def count(n: int, *, window_days: int | None = None) -> Criterion:
    return Criterion(CriterionKind.COUNT, event="member.activity.message", n=n, window_days=window_days)


def test_a_count_criterion_needs_n_events_and_a_repeatable_one_pays_each_multiple() -> None:
    progress = Progress(today=TODAY, totals={"member.activity.message": 25})

    assert earned_keys(count(10), progress, repeatable=False) == [ONCE]
    assert earned_keys(count(10), progress, repeatable=True) == ["count:10", "count:20"]
    assert earned_keys(count(26), progress, repeatable=False) == []


def test_a_window_counts_only_the_last_days() -> None:
    days = {TODAY: 2, TODAY - timedelta(days=6): 3, TODAY - timedelta(days=7): 10}
    progress = Progress(today=TODAY, day_counts={"member.activity.message": days})

    assert earned_keys(count(5, window_days=7), progress, repeatable=False) == [ONCE]
    assert earned_keys(count(6, window_days=7), progress, repeatable=False) == []
    assert earned_keys(count(15, window_days=8), progress, repeatable=False) == [ONCE]
    # Repeatable within a window: one key per window period, so once a week at most.
    assert earned_keys(count(5, window_days=7), progress, repeatable=True) == [f"window:{TODAY.toordinal() // 7}"]


def test_a_streak_counts_while_alive_and_a_repeatable_one_pays_each_stretch() -> None:
    alive = Streak(last_day=TODAY - timedelta(days=1), start_day=date(2026, 3, 15), current=15, best=15)
    broken = Streak(last_day=TODAY - timedelta(days=2), start_day=date(2026, 3, 14), current=15, best=15)
    criterion = Criterion(CriterionKind.STREAK, event="checkin.recorded", n=7)

    def keys(streak: Streak, repeatable: bool) -> list[str]:
        progress = Progress(today=TODAY, streaks={"checkin.recorded": streak})
        return earned_keys(criterion, progress, repeatable=repeatable)

    assert keys(alive, False) == [ONCE]
    assert keys(alive, True) == ["streak:2026-03-15:1", "streak:2026-03-15:2"]
    assert keys(broken, False) == []


def test_points_challenges_and_manual_badges() -> None:
    progress = Progress(
        today=TODAY, lifetime=1_500, totals={"challenge.completed:ch_1": 1}, challenges=frozenset({"ch_1", "ch_2"})
    )

    assert earned_keys(Criterion(CriterionKind.POINTS, n=1_000), progress, repeatable=False) == [ONCE]
    assert earned_keys(Criterion(CriterionKind.POINTS, n=2_000), progress, repeatable=False) == []
    assert earned_keys(Criterion(CriterionKind.CHALLENGE, challenge_id="ch_1"), progress, repeatable=False) == [ONCE]
    assert earned_keys(Criterion(CriterionKind.CHALLENGE, challenge_id="ch_9"), progress, repeatable=False) == []
    assert earned_keys(Criterion(CriterionKind.CHALLENGE), progress, repeatable=True) == [
        "challenge:ch_1",
        "challenge:ch_2",
    ]
    assert earned_keys(Criterion(CriterionKind.MANUAL), progress, repeatable=False) == []


def test_criteria_as_data_are_checked_field_by_field() -> None:
    assert validate_criteria({"kind": "count", "event": "member.activity.message", "n": 3}) == []
    assert validate_criteria({"kind": "streak", "event": "checkin.recorded", "days": 7}) == []
    assert [f for f, _ in validate_criteria({"kind": "dance"})] == ["criteria.kind"]
    assert [f for f, _ in validate_criteria({"kind": "count", "event": "member.dance", "n": 0})] == [
        "criteria.event",
        "criteria.n",
    ]
    assert [f for f, _ in validate_criteria({"kind": "points", "n": 5, "days": 3})] == ["criteria.days"]
    assert [
        f for f, _ in validate_criteria({"kind": "count", "event": "checkin.recorded", "n": 1, "window_days": 0})
    ] == ["criteria.window_days"]


def _instants(zone: str, start: date, days: list[int], times: list[time]) -> list[datetime]:
    tz = ZoneInfo(zone)
    return [
        datetime.combine(start + timedelta(days=d), t, tzinfo=tz).astimezone(UTC)
        for d, t in zip(days, times, strict=True)
    ]


local_times = st.times(min_value=time(0, 0), max_value=time(23, 59))


@given(
    zone=st.sampled_from(ZONES),
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)),
    length=st.integers(1, 40),
    data=st.data(),
)
def test_consecutive_local_days_make_one_streak_whatever_the_hour_and_dst(
    zone: str, start: date, length: int, data: st.DataObject
) -> None:
    # Every local day at least once, some twice, at any hour: across spring-forward and fall-back nights.
    days = list(range(length)) + data.draw(st.lists(st.integers(0, length - 1), max_size=10))
    times = data.draw(st.lists(local_times, min_size=len(days), max_size=len(days)))

    streak = streak_over(_instants(zone, start, days, times), zone)

    assert (streak.current, streak.best) == (length, length)
    assert streak.start_day == start
    assert streak.as_of(start + timedelta(days=length)) == length  # still alive the next day
    assert streak.as_of(start + timedelta(days=length + 1)) == 0  # broken after a day without


@given(
    zone=st.sampled_from(ZONES),
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)),
    before=st.integers(1, 20),
    after=st.integers(1, 20),
    data=st.data(),
)
def test_a_missed_local_day_breaks_the_streak(
    zone: str, start: date, before: int, after: int, data: st.DataObject
) -> None:
    days = [*range(before), *range(before + 1, before + 1 + after)]
    times = data.draw(st.lists(local_times, min_size=len(days), max_size=len(days)))

    streak = streak_over(_instants(zone, start, days, times), zone)

    assert streak.current == after
    assert streak.best == max(before, after)
    assert streak.start_day == start + timedelta(days=before + 1)


@given(days=st.lists(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 3, 1)), max_size=30))
def test_the_incremental_streak_of_days_in_order_is_the_backfilled_one(days: list[date]) -> None:
    incremental = Streak()
    for day in sorted(days):
        incremental = next_streak(incremental, day)

    assert incremental == streak_of(set(days), today=date(2026, 3, 1))


def test_a_late_event_of_an_earlier_day_leaves_the_incremental_streak_alone() -> None:
    streak = next_streak(next_streak(Streak(), date(2026, 3, 2)), date(2026, 3, 3))

    assert next_streak(streak, date(2026, 3, 1)) == streak
