"""Planning an advance's steps, and reading what due work reports (kit/sandbox_clock.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kit.sandbox_clock import counts_of, decode, encode, local_midnights, plan_steps

START = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
ZONES = ["UTC", "Asia/Shanghai", "Asia/Kathmandu", "America/St_Johns", "Australia/Eucla", "Pacific/Chatham"]


def test_steps_are_every_whole_utc_hour_then_the_target() -> None:
    steps = plan_steps(START, START + timedelta(hours=3), timezone="UTC")

    assert steps == [
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 11, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 11, 30, tzinfo=UTC),
    ]


def test_a_midnight_off_the_hour_is_a_step_of_its_own() -> None:
    steps = plan_steps(START, START + timedelta(days=1), timezone="Asia/Kathmandu")

    assert datetime(2026, 3, 1, 18, 15, tzinfo=UTC) in steps  # 00:00 +05:45
    assert len(steps) == 24 + 1 + 1  # 09:00 to 08:00 the next day, the midnight, the target


def test_no_move_is_one_step_at_the_same_time_and_a_move_back_is_none() -> None:
    assert plan_steps(START, START, timezone="UTC") == [START]
    assert plan_steps(START, START - timedelta(hours=1), timezone="UTC") == []


def test_midnights_follow_daylight_saving_changes() -> None:
    # Europe/Berlin moves to summer time on 2026-03-29: midnight is 23:00 UTC before it, 22:00 after.
    midnights = local_midnights(
        datetime(2026, 3, 27, 12, 0, tzinfo=UTC), datetime(2026, 3, 31, 0, 0, tzinfo=UTC), timezone="Europe/Berlin"
    )

    assert midnights == [
        datetime(2026, 3, 27, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 22, 0, tzinfo=UTC),
    ]


@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    minutes=st.integers(min_value=1, max_value=10 * 24 * 60),
    zone=st.sampled_from(ZONES),
    step_minutes=st.sampled_from([1, 15, 60, 360, 1440]),
)
def test_steps_rise_end_at_the_target_and_leave_no_gap_longer_than_a_step_or_a_local_day_unvisited(
    start: datetime, minutes: int, zone: str, step_minutes: int
) -> None:
    end = start + timedelta(minutes=minutes)
    step = timedelta(minutes=step_minutes)

    steps = plan_steps(start, end, timezone=zone, step=step)

    assert steps == sorted(set(steps)) and steps[-1] == end and steps[0] > start
    gaps = [later - earlier for earlier, later in zip([start, *steps], steps, strict=False)]
    assert max(gaps) <= step
    # Each local day that begins on the way is entered by a step at its very first instant.
    for midnight in local_midnights(start, end, timezone=zone):
        assert midnight in steps


@dataclass
class Run:
    notices: int
    expired: int


def test_what_due_work_returns_reads_as_named_counts() -> None:
    assert counts_of(3) == {"count": 3}
    assert counts_of(["a", "b"]) == {"count": 2}
    assert counts_of(None) == {"count": 0}
    assert counts_of(Run(notices=1, expired=2)) == {"notices": 1, "expired": 2}
    assert counts_of({"sent": 4, "note": "x"}) == {"sent": 4}


def test_times_round_trip_through_their_stored_text() -> None:
    at = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    assert encode(at) == "2026-03-01T08:00:00.000000+00:00"
    assert decode(encode(at)) == at
    assert decode(encode(at).encode()) == at
