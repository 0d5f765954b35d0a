"""Rules of a membership over time: renewal, the notice ahead of expiry, and who may stay in which group."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from services.membership.domain.membership import Status, is_inside
from services.membership.domain.tier import period_end

# A renewal brings an expired membership back, or extends one that is still running.
RENEWABLE = frozenset({Status.ACTIVE, Status.PROBATION, Status.EXPIRED})


class NotRenewable(ValueError):
    pass


def renewed_expiry(period: str, period_days: int | None, *, current: datetime | None, now: datetime) -> datetime:
    """One more tier period, counted from the later of now and the current expiry (paid days are never lost)."""
    start = max(now, current) if current is not None else now
    end = period_end(period, period_days, start=start)
    if end is None:
        raise NotRenewable("a lifetime tier never runs out, so there is nothing to renew")
    return end


def check_renewable(status: str) -> None:
    if Status(status) not in RENEWABLE:
        allowed = ", ".join(sorted(RENEWABLE))
        raise NotRenewable(f"a membership that is {status} cannot be renewed (only {allowed})")


def expiring_notice_due(expires_at: datetime | None, *, now: datetime, days_ahead: int) -> bool:
    """The notice is due once expiry is at most ``days_ahead`` days away and has not come yet."""
    if expires_at is None or days_ahead <= 0:
        return False
    return now < expires_at <= now + timedelta(days=days_ahead)


def is_due_to_expire(expires_at: datetime | None, *, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def qualifies_for_group(group_tier_ids: Sequence[str], *, tier_id: str | None, status: str) -> bool:
    """Inside the community, and on one of the group's tiers when the group names any."""
    if not is_inside(status):
        return False
    return not group_tier_ids or (tier_id is not None and tier_id in group_tier_ids)
