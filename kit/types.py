"""Column types that behave the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Always timezone-aware UTC in Python; ``timestamptz`` on PostgreSQL, UTC text on SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Guildhall stores timezone-aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# The bound of an integer column (``Integer`` is 32-bit on PostgreSQL; SQLite overflows at commit past 64): every
# integer a request carries is refused past it, naming the field, instead of failing at commit. ``Int32`` is for a
# field without bounds of its own: pydantic lets the annotation's bounds replace a ``Field(ge=…)`` on the same field,
# so a bounded field writes ``int = Field(ge=…, le=INT32_MAX)`` instead (tests/unit/kit/test_request_bounds.py).
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]

# Money in minor units and points are ``BigInteger`` columns (ADR 0029): their request fields take ``Int64``, or
# ``int = Field(ge=…, le=INT64_MAX)`` when they have bounds of their own, as above.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
