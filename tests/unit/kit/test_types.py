"""UtcDateTime keeps every time timezone-aware UTC on PostgreSQL and SQLite (kit/types.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import cast

import pytest
from sqlalchemy.engine import Dialect

from kit.types import UtcDateTime

SHANGHAI = timezone(timedelta(hours=8))
NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeDialect:
    name: str


def dialect(name: str) -> Dialect:
    return cast(Dialect, FakeDialect(name))


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
def test_a_naive_datetime_is_refused_when_stored(name: str) -> None:
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(datetime(2026, 3, 1, 12, 0), dialect(name))


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
def test_none_is_stored_and_read_as_none(name: str) -> None:
    column = UtcDateTime()

    assert column.process_bind_param(None, dialect(name)) is None
    assert column.process_result_value(None, dialect(name)) is None


def test_postgresql_is_given_an_aware_time_converted_to_utc() -> None:
    stored = UtcDateTime().process_bind_param(datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI), dialect("postgresql"))

    assert stored == NOON_UTC
    assert stored is not None
    assert stored.tzinfo is UTC


def test_sqlite_is_given_the_utc_wall_time_without_an_offset() -> None:
    stored = UtcDateTime().process_bind_param(datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI), dialect("sqlite"))

    assert stored == datetime(2026, 3, 1, 12, 0)
    assert stored is not None
    assert stored.tzinfo is None


def test_a_naive_time_read_from_sqlite_is_utc_aware() -> None:
    read = UtcDateTime().process_result_value(datetime(2026, 3, 1, 12, 0), dialect("sqlite"))

    assert read == NOON_UTC
    assert read is not None
    assert read.tzinfo is UTC


def test_an_aware_time_read_from_postgresql_is_converted_to_utc() -> None:
    read = UtcDateTime().process_result_value(datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI), dialect("postgresql"))

    assert read == NOON_UTC
    assert read is not None
    assert read.utcoffset() == timedelta(0)


@pytest.mark.parametrize("name", ["sqlite", "postgresql"])
def test_a_time_survives_a_round_trip_unchanged(name: str) -> None:
    column = UtcDateTime()
    original = datetime(2026, 3, 1, 20, 0, 0, 123_456, tzinfo=SHANGHAI)

    read = column.process_result_value(column.process_bind_param(original, dialect(name)), dialect(name))

    assert read == original
    assert read is not None
    assert read.utcoffset() == timedelta(0)
