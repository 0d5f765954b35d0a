"""Injectable clocks, per community (kit/clock.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kit.clock import Clocks, ManualClock, SystemClock

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_a_manual_clock_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2026, 3, 1, 8, 0))


def test_a_manual_clock_reports_its_start_in_utc() -> None:
    shanghai = timezone(timedelta(hours=8))

    clock = ManualClock(datetime(2026, 3, 1, 16, 0, tzinfo=shanghai))

    assert clock.now() == START
    assert clock.now().utcoffset() == timedelta(0)


def test_a_manual_clock_stands_still_until_advanced() -> None:
    clock = ManualClock(START)

    first, second = clock.now(), clock.now()

    assert first == second == START


def test_a_manual_clock_advances_exactly_by_the_delta() -> None:
    clock = ManualClock(START)

    returned = clock.advance(timedelta(days=21, microseconds=1))

    assert returned == START + timedelta(days=21, microseconds=1)
    assert clock.now() == returned


def test_a_manual_clock_may_advance_by_nothing() -> None:
    clock = ManualClock(START)

    clock.advance(timedelta(0))

    assert clock.now() == START


def test_a_manual_clock_never_moves_backwards() -> None:
    clock = ManualClock(START)

    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(microseconds=-1))

    assert clock.now() == START


def test_a_community_with_its_own_clock_gets_that_clock() -> None:
    default = ManualClock(START)
    sandbox = ManualClock(START + timedelta(days=5))
    clocks = Clocks(default)

    clocks.set("cmty_sandbox", sandbox)

    assert clocks.for_community("cmty_sandbox") is sandbox
    assert clocks.now("cmty_sandbox") == START + timedelta(days=5)


def test_other_communities_get_the_default_clock() -> None:
    default = ManualClock(START)
    clocks = Clocks(default)
    clocks.set("cmty_sandbox", ManualClock(START + timedelta(days=5)))

    assert clocks.for_community("cmty_other") is default
    assert clocks.for_community(None) is default
    assert clocks.now() == START
    assert clocks.now("cmty_other") == START


def test_advancing_a_communitys_clock_leaves_the_others_alone() -> None:
    clocks = Clocks(ManualClock(START))
    sandbox = ManualClock(START)
    clocks.set("cmty_sandbox", sandbox)

    sandbox.advance(timedelta(hours=1))

    assert clocks.now("cmty_sandbox") == START + timedelta(hours=1)
    assert clocks.now("cmty_other") == START


def test_the_default_clock_is_the_system_clock_in_utc() -> None:
    clocks = Clocks()

    before = datetime.now(UTC)
    now = clocks.now()
    after = datetime.now(UTC)

    assert isinstance(clocks.default, SystemClock)
    assert before <= now <= after
    assert now.utcoffset() == timedelta(0)


def test_freezing_a_community_gives_it_a_clock_that_stands_still() -> None:
    clocks = Clocks()

    clocks.freeze("cmty_sandbox", START)

    assert clocks.now("cmty_sandbox") == START
    assert clocks.now("cmty_sandbox") == START
    assert clocks.for_community("cmty_other") is clocks.default


def test_a_frozen_clock_only_moves_forward_so_a_stale_copy_changes_nothing() -> None:
    clocks = Clocks()
    clocks.freeze_all({"cmty_a": START + timedelta(days=2), "cmty_b": START})

    clocks.freeze_all({"cmty_a": START + timedelta(days=1), "cmty_b": START + timedelta(hours=3)})

    assert clocks.now("cmty_a") == START + timedelta(days=2)
    assert clocks.now("cmty_b") == START + timedelta(hours=3)
