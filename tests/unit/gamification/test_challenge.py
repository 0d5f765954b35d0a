"""The calendar of a challenge (windows, time zones, DST, midnight), proof, makeups, streaks and the outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.challenge import (
    EnrollmentStatus,
    Proof,
    ProofKind,
    Schedule,
    finalize_at,
    makeup_problem,
    outcome,
    proof_problem,
    streaks,
    validate_challenge,
)

EARLY = Schedule(
    start_date=date(2026, 3, 1), days=21, timezone="Asia/Shanghai", window_start=time(5), window_end=time(8)
)


def test_a_day_window_is_local_wall_clock_time() -> None:
    opens, closes = EARLY.window(1)

    assert (opens, closes) == (datetime(2026, 2, 28, 21, 0, tzinfo=UTC), datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    assert EARLY.window(21)[0] == datetime(2026, 3, 20, 21, 0, tzinfo=UTC)


def test_the_open_day_is_inside_the_window_only() -> None:
    assert EARLY.open_day(datetime(2026, 2, 28, 21, 0, tzinfo=UTC)) == 1  # 05:00 Shanghai, day 1
    assert EARLY.open_day(datetime(2026, 3, 1, 23, 59, tzinfo=UTC)) == 2  # 07:59 on 2 March
    assert EARLY.open_day(datetime(2026, 3, 2, 0, 0, tzinfo=UTC)) is None  # 08:00 closes
    assert EARLY.open_day(datetime(2026, 2, 27, 21, 30, tzinfo=UTC)) is None  # the day before the start
    assert EARLY.open_day(datetime(2026, 3, 21, 21, 30, tzinfo=UTC)) is None  # day 22 does not exist


def test_across_a_dst_change_the_window_keeps_its_local_hours() -> None:
    # Europe/Berlin moves from UTC+1 to UTC+2 on 29 March 2026.
    berlin = Schedule(
        start_date=date(2026, 3, 27), days=5, timezone="Europe/Berlin", window_start=time(6), window_end=time(7)
    )

    before = berlin.window(1)  # 27 March, UTC+1
    after = berlin.window(4)  # 30 March, UTC+2

    assert before[0] == datetime(2026, 3, 27, 5, 0, tzinfo=UTC)
    assert after[0] == datetime(2026, 3, 30, 4, 0, tzinfo=UTC)
    assert berlin.open_day(datetime(2026, 3, 30, 4, 30, tzinfo=UTC)) == 4
    assert berlin.open_day(datetime(2026, 3, 30, 5, 30, tzinfo=UTC)) is None  # 07:30 local


def test_a_whole_day_on_the_dst_change_day_has_23_hours() -> None:
    berlin = Schedule(start_date=date(2026, 3, 29), days=1, timezone="Europe/Berlin")

    opens, closes = berlin.window(1)

    assert closes - opens == timedelta(hours=23)


def test_a_window_past_midnight_belongs_to_the_day_it_opened_on() -> None:
    night = Schedule(start_date=date(2026, 5, 1), days=3, timezone="UTC", window_start=time(22), window_end=time(2))

    assert night.window(1) == (datetime(2026, 5, 1, 22, tzinfo=UTC), datetime(2026, 5, 2, 2, tzinfo=UTC))
    assert night.open_day(datetime(2026, 5, 2, 1, 30, tzinfo=UTC)) == 1
    assert night.open_day(datetime(2026, 5, 2, 22, 30, tzinfo=UTC)) == 2
    assert night.calendar_day(datetime(2026, 5, 2, 1, 0, tzinfo=UTC)) == 1


def test_last_closed_day_counts_only_windows_that_closed() -> None:
    assert EARLY.last_closed_day(datetime(2026, 2, 28, 22, 0, tzinfo=UTC)) == 0
    assert EARLY.last_closed_day(datetime(2026, 3, 1, 0, 0, tzinfo=UTC)) == 1
    assert EARLY.last_closed_day(datetime(2026, 3, 3, 12, 0, tzinfo=UTC)) == 3
    assert EARLY.last_closed_day(datetime(2027, 1, 1, tzinfo=UTC)) == 21


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)))
def test_an_open_day_is_always_one_whose_window_contains_the_instant(at: datetime) -> None:
    day = EARLY.open_day(at)

    if day is not None:
        opens, closes = EARLY.window(day)
        assert opens <= at < closes
    else:
        assert all(not (EARLY.window(d)[0] <= at < EARLY.window(d)[1]) for d in range(1, EARLY.days + 1))


def test_proof_rules_by_kind() -> None:
    keywords = ["打卡", "check in"]

    assert proof_problem(Proof(text="今天打卡"), kind=ProofKind.KEYWORD, min_length=0, keywords=keywords) is None
    assert proof_problem(Proof(text="CHECK IN!"), kind=ProofKind.KEYWORD, min_length=0, keywords=keywords) is None
    assert proof_problem(Proof(text="早"), kind=ProofKind.KEYWORD, min_length=0, keywords=keywords) == (
        "text",
        "this challenge needs one of its keywords: 打卡, check in",
    )
    assert proof_problem(Proof(text="打卡 跑了五公里"), kind=ProofKind.TEXT, min_length=5, keywords=keywords) is None
    assert proof_problem(Proof(text="打卡"), kind=ProofKind.TEXT, min_length=5, keywords=keywords) is not None
    assert proof_problem(Proof(text="打卡"), kind=ProofKind.PHOTO, min_length=0, keywords=keywords) == (
        "photo_urls",
        "this challenge needs a photo as proof",
    )
    assert proof_problem(Proof(photo_urls=("u",)), kind=ProofKind.PHOTO, min_length=0, keywords=keywords) is None


def test_makeups_reach_back_only_so_far_and_so_often() -> None:
    ok = {"today": 5, "days": 21, "allowed": 2, "used": 0, "days_back": 2}

    assert makeup_problem(day=4, **ok) is None
    assert makeup_problem(day=3, **ok) is None
    assert makeup_problem(day=2, **ok) == "a makeup reaches back at most 2 days"
    assert makeup_problem(day=5, **ok) == "a makeup is for a day that has passed"
    assert makeup_problem(day=4, **{**ok, "used": 2}) == "all 2 makeup check-ins are used"
    assert makeup_problem(day=4, **{**ok, "allowed": 0}) == "this challenge allows no makeup check-ins"
    assert makeup_problem(day=0, **ok) == "the challenge has days 1 to 21"


def test_streaks_run_over_consecutive_done_days() -> None:
    assert streaks([1, 2, 3], through=3) == (3, 3)
    assert streaks([1, 2, 3], through=4) == (3, 3)  # today may still come
    assert streaks([1, 2, 3], through=5) == (0, 3)
    assert streaks([1, 2, 4, 5, 6, 8], through=8) == (1, 3)
    assert streaks([], through=1) == (0, 0)


def test_the_outcome_allows_the_configured_misses() -> None:
    assert outcome(days=21, done=21, allowed_misses=0) is EnrollmentStatus.COMPLETED
    assert outcome(days=21, done=20, allowed_misses=0) is EnrollmentStatus.FAILED
    assert outcome(days=21, done=19, allowed_misses=2) is EnrollmentStatus.COMPLETED


def test_deciding_waits_for_makeups_and_appeals() -> None:
    short = Schedule(start_date=date(2026, 3, 1), days=3, timezone="UTC")

    assert finalize_at(short, makeup_count=0, makeup_days_back=0, appeal_window_hours=24) == datetime(
        2026, 3, 5, tzinfo=UTC
    )
    assert finalize_at(short, makeup_count=1, makeup_days_back=3, appeal_window_hours=24) == datetime(
        2026, 3, 7, tzinfo=UTC
    )


def test_a_definition_with_many_mistakes_names_every_field() -> None:
    problems = validate_challenge(
        days=0,
        timezone="Mars/Olympus",
        window_start=time(5),
        window_end=None,
        proof_kind=ProofKind.TEXT,
        proof_min_length=0,
        keywords=[" "],
        makeup_count=1,
        makeup_days_back=0,
        allowed_misses=-1,
        capacity=0,
        enroll_opens_at=None,
        enroll_closes_at=None,
        stake_amount=100,
        currency="rmb",
        appeal_window_hours=1000,
    )

    assert [field for field, _ in problems] == [
        "days",
        "timezone",
        "window_end",
        "proof_min_length",
        "keywords",
        "makeup_days_back",
        "allowed_misses",
        "capacity",
        "currency",
        "appeal_window_hours",
    ]
