"""Where a test clock may go (services/membership/domain/test_clock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.membership.domain.test_clock import AdvanceInvalid, advance_target, clean_step, parse_duration

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("21d", timedelta(days=21)),
        ("36h", timedelta(hours=36)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("90m", timedelta(minutes=90)),
        (" 1D 30S ", timedelta(days=1, seconds=30)),
        ("0s", timedelta(0)),
    ],
)
def test_durations_are_whole_units_summed(text: str, duration: timedelta) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize("text", ["", "3 weeks", "1.5d", "-1d", "d", "P21D", "12"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="duration such as 21d"):
        parse_duration(text)


def test_a_clock_goes_to_a_time_or_by_a_duration() -> None:
    assert advance_target(NOW, to=NOW + timedelta(days=3), by=None) == NOW + timedelta(days=3)
    assert advance_target(NOW, to=None, by=timedelta(hours=5)) == NOW + timedelta(hours=5)
    assert advance_target(NOW, to=NOW, by=None) == NOW


def test_a_clock_never_goes_back_nor_more_than_400_days_at_once() -> None:
    with pytest.raises(AdvanceInvalid) as back:
        advance_target(NOW, to=NOW - timedelta(microseconds=1), by=None)
    with pytest.raises(AdvanceInvalid) as far:
        advance_target(NOW, to=None, by=timedelta(days=400, seconds=1))

    assert (back.value.field, back.value.code) == ("to", "test_clock_backwards")
    assert (far.value.field, far.value.code) == ("by", "test_clock_advance_too_far")
    assert advance_target(NOW, to=None, by=timedelta(days=400)) == NOW + timedelta(days=400)


@pytest.mark.parametrize(("to", "by"), [(None, None), (NOW, timedelta(days=1))])
def test_exactly_one_of_to_and_by(to: datetime | None, by: timedelta | None) -> None:
    with pytest.raises(AdvanceInvalid, match="exactly one"):
        advance_target(NOW, to=to, by=by)


def test_a_step_is_between_a_minute_and_a_day() -> None:
    assert clean_step("1h") == timedelta(hours=1)
    for text in ("30s", "1d1s"):
        with pytest.raises(ValueError, match="between 1m and 1d"):
            clean_step(text)
