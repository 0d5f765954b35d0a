"""Rules of a sandbox community's test clock: where an advance may go, and how far."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kit.clock import MAX_ADVANCE

MIN_STEP = timedelta(minutes=1)
MAX_STEP = timedelta(days=1)

_DURATION = re.compile(r"(\d+)([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class AdvanceInvalid(ValueError):
    def __init__(self, field: str, reason: str, *, code: str = "invalid_input") -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.code = code


def parse_duration(text: str) -> timedelta:
    """``21d``, ``36h``, ``1d12h``, ``90m``, ``30s``: whole units, largest first or not, summed."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        raise ValueError("must be a duration such as 21d, 36h, 1d12h or 90m")
    total = timedelta()
    for amount, unit in _DURATION.findall(compact):
        total += timedelta(**{_UNITS[unit]: int(amount)})
    return total


def advance_target(now: datetime, *, to: datetime | None, by: timedelta | None) -> datetime:
    """Where the clock goes: exactly one of ``to`` and ``by``; never back, never more than ``MAX_ADVANCE``."""
    if (to is None) == (by is None):
        raise AdvanceInvalid("to", "give exactly one of to and by")
    field = "to" if to is not None else "by"
    target = to if to is not None else now + (by or timedelta())
    if target < now:
        raise AdvanceInvalid(
            field, f"a test clock never moves backwards; it stands at {now.isoformat()}", code="test_clock_backwards"
        )
    if target - now > MAX_ADVANCE:
        raise AdvanceInvalid(
            field, f"one advance moves at most {MAX_ADVANCE.days} days", code="test_clock_advance_too_far"
        )
    return target


def clean_step(text: str) -> timedelta:
    """How often an advance runs due work on the way: finer is more exact about when things happened, coarser
    is faster; a community-local midnight is a step whatever this is."""
    step = parse_duration(text)
    if not MIN_STEP <= step <= MAX_STEP:
        raise ValueError("must be between 1m and 1d")
    return step
