"""Renewal, notices ahead of expiry, and who belongs in which group (services/membership/domain/lifecycle.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.membership.domain.lifecycle import (
    NotRenewable,
    check_renewable,
    expiring_notice_due,
    is_due_to_expire,
    qualifies_for_group,
    renewed_expiry,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_renewal_counts_from_the_current_expiry_when_it_is_still_ahead() -> None:
    current = NOW + timedelta(days=5)
    assert renewed_expiry("days", 30, current=current, now=NOW) == NOW + timedelta(days=35)


def test_renewal_counts_from_now_when_the_membership_ran_out() -> None:
    assert renewed_expiry("monthly", None, current=NOW - timedelta(days=40), now=NOW) == datetime(
        2026, 4, 1, 8, 0, tzinfo=UTC
    )


def test_a_lifetime_tier_cannot_be_renewed() -> None:
    with pytest.raises(NotRenewable):
        renewed_expiry("lifetime", None, current=None, now=NOW)


@given(
    offset=st.integers(min_value=-400, max_value=400),
    days=st.integers(min_value=1, max_value=400),
)
def test_a_renewal_never_loses_paid_days_nor_ends_before_one_period_from_now(offset: int, days: int) -> None:
    current = NOW + timedelta(days=offset)
    renewed = renewed_expiry("days", days, current=current, now=NOW)
    assert renewed >= current + timedelta(days=days)
    assert renewed >= NOW + timedelta(days=days)


@pytest.mark.parametrize("status", ["active", "probation", "expired"])
def test_running_and_expired_memberships_are_renewable(status: str) -> None:
    check_renewable(status)


@pytest.mark.parametrize("status", ["banned", "removed", "left", "applied", "pending_payment"])
def test_other_statuses_are_not(status: str) -> None:
    with pytest.raises(NotRenewable):
        check_renewable(status)


@pytest.mark.parametrize(
    ("days_until_expiry", "days_ahead", "due"),
    [(4, 3, False), (3, 3, True), (0.5, 3, True), (0, 3, False), (-1, 3, False), (1, 0, False)],
)
def test_the_expiring_notice_is_due_inside_the_window_only(
    days_until_expiry: float, days_ahead: int, due: bool
) -> None:
    expires_at = NOW + timedelta(days=days_until_expiry)
    assert expiring_notice_due(expires_at, now=NOW, days_ahead=days_ahead) is due


def test_no_expiry_is_never_due() -> None:
    assert not expiring_notice_due(None, now=NOW, days_ahead=3)
    assert not is_due_to_expire(None, now=NOW)
    assert is_due_to_expire(NOW, now=NOW)


@pytest.mark.parametrize(
    ("group_tiers", "tier", "status", "belongs"),
    [
        ([], None, "active", True),
        ([], "tier_a", "probation", True),
        (["tier_a"], "tier_a", "active", True),
        (["tier_a"], "tier_b", "active", False),
        (["tier_a"], None, "active", False),
        ([], "tier_a", "expired", False),
        (["tier_a"], "tier_a", "banned", False),
    ],
)
def test_who_belongs_in_a_group(group_tiers: list[str], tier: str | None, status: str, belongs: bool) -> None:
    assert qualifies_for_group(group_tiers, tier_id=tier, status=status) is belongs
