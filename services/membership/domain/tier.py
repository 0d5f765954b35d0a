"""Rules of tiers: periods, prices, benefits."""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

from contracts.membership.tier import Period as Period
from kit.schema_rules import publishes


def add_months(start: datetime, months: int) -> datetime:
    """The same day ``months`` later, or the month's last day when it is shorter (Jan 31 → Feb 28)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def period_end(period: str, period_days: int | None, *, start: datetime) -> datetime | None:
    """When a membership bought at ``start`` runs out; ``None`` for a lifetime tier."""
    match Period(period):
        case Period.LIFETIME:
            return None
        case Period.DAYS:
            if period_days is None or period_days <= 0:
                raise ValueError("a tier with period 'days' needs period_days > 0")
            return start + timedelta(days=period_days)
        case Period.MONTHLY:
            return add_months(start, 1)
        case Period.YEARLY:
            return add_months(start, 12)


KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
BENEFIT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*:[A-Za-z0-9_.\-]{1,80}$")
MAX_BENEFITS = 50


@publishes({"pattern": KEY_PATTERN.pattern})
def clean_key(value: str) -> str:
    key = value.strip()
    if not KEY_PATTERN.fullmatch(key):
        raise ValueError("must be 1-40 lowercase letters, digits, _ or -, starting with a letter")
    return key


def clean_benefits(values: list[str]) -> list[str]:
    """Entitlement keys such as ``content:premium``, ``group:<id>`` or ``event:offline``."""
    if len(values) > MAX_BENEFITS:
        raise ValueError(f"at most {MAX_BENEFITS} benefits")
    for value in values:
        if not BENEFIT_PATTERN.fullmatch(value):
            raise ValueError(f"{value!r} is not an entitlement key like 'content:premium' or 'group:grp_...'")
    return sorted(set(values))


def check_period(period: Period, period_days: int | None) -> None:
    if period is Period.DAYS and (period_days is None or period_days <= 0):
        raise ValueError("a period of 'days' needs period_days of at least 1")
    if period is not Period.DAYS and period_days is not None:
        raise ValueError(f"period_days only goes with period 'days', not {period!r}")


def check_price(price_amount: int, currency: str | None) -> None:
    if price_amount > 0 and currency is None:
        raise ValueError("a priced tier needs a currency")
