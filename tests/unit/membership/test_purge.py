"""Lurker purge rules (services/membership/domain/purge.py): who is listed, why, and who is spared."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.membership.domain.purge import (
    DEFAULT_RULES,
    Exclusion,
    PurgeRules,
    Reason,
    Subject,
    assess,
    may_return,
    rules_from_settings,
    warning_message,
)

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
RULES = PurgeRules(inactive_days=30, missed_assignments=3)


def subject(**overrides: object) -> Subject:
    fields: dict[str, object] = {
        "member_id": "mbr_1",
        "role": "member",
        "status": "active",
        "joined_at": NOW - timedelta(days=90),
        "standing_locked": False,
        "exempt": False,
        "active_in_window": False,
        "missed_assignments": 0,
    }
    return Subject(**{**fields, **overrides})  # type: ignore[arg-type]


def test_a_settled_silent_member_is_listed_as_inactive() -> None:
    assessment = assess(RULES, subject(), now=NOW)

    assert assessment.reasons == (Reason.INACTIVE,)
    assert assessment.listed


def test_a_member_active_in_the_window_is_not_listed() -> None:
    assert not assess(RULES, subject(active_in_window=True), now=NOW).reasons


def test_a_newcomer_is_not_inactive_before_the_window_has_passed_since_joining() -> None:
    assert not assess(RULES, subject(joined_at=NOW - timedelta(days=29)), now=NOW).reasons
    assert assess(RULES, subject(joined_at=NOW - timedelta(days=30)), now=NOW).reasons == (Reason.INACTIVE,)


def test_missing_enough_assignments_lists_an_active_member_too() -> None:
    assessment = assess(RULES, subject(active_in_window=True, missed_assignments=3), now=NOW)

    assert assessment.reasons == (Reason.MISSED_ASSIGNMENTS,)
    assert not assess(RULES, subject(active_in_window=True, missed_assignments=2), now=NOW).reasons
    assert not assess(PurgeRules(), subject(active_in_window=True, missed_assignments=99), now=NOW).reasons


@pytest.mark.parametrize(
    ("overrides", "exclusion"),
    [
        ({"role": "moderator"}, Exclusion.STAFF),
        ({"role": "owner"}, Exclusion.STAFF),
        ({"standing_locked": True}, Exclusion.STANDING_LOCKED),
        ({"exempt": True}, Exclusion.EXEMPT),
        (
            {"status": "probation", "joined_at": NOW - timedelta(days=5), "missed_assignments": 3},
            Exclusion.NEW_ON_PROBATION,
        ),
    ],
)
def test_exclusions_keep_a_matching_member_off_the_list(overrides: dict[str, object], exclusion: Exclusion) -> None:
    assessment = assess(RULES, subject(**overrides), now=NOW)

    assert assessment.reasons
    assert exclusion in assessment.exclusions
    assert not assessment.listed


def test_settings_take_overrides_and_refuse_out_of_range_values() -> None:
    assert rules_from_settings(None) == DEFAULT_RULES
    rules = rules_from_settings({"inactive_days": 14, "missed_assignments": 2}, grace_days=5, missed_assignments=0)
    assert (rules.inactive_days, rules.missed_assignments, rules.grace_days) == (14, None, 5)
    for raw, field in [
        ({"inactive_days": 0}, "inactive_days"),
        ({"grace_days": 31}, "grace_days"),
        ({"return_days": "x"}, "return_days"),
        ({"warning_text": "  "}, "warning_text"),
        ({"lurk": 1}, "lurk"),
    ]:
        with pytest.raises(ValueError, match=f"^{field}:"):
            rules_from_settings(raw)


def test_the_warning_fills_its_two_placeholders_and_leaves_other_braces() -> None:
    text = warning_message("{mentions}: {grace_days} days {left}", mentions=["@a", "@b"], grace_days=3)

    assert text == "@a @b: 3 days {left}"


def test_the_way_back_is_open_until_the_window_closes() -> None:
    removed = NOW - timedelta(days=10)

    assert may_return(removed_at=removed, return_days=10, now=NOW)
    assert not may_return(removed_at=removed, return_days=9, now=NOW)


@given(
    role=st.sampled_from(["owner", "admin", "moderator", "member"]),
    status=st.sampled_from(["active", "probation"]),
    joined_days_ago=st.none() | st.integers(0, 400),
    locked=st.booleans(),
    exempt=st.booleans(),
    active=st.booleans(),
    missed=st.integers(0, 10),
    inactive_days=st.integers(1, 365),
    limit=st.none() | st.integers(1, 10),
)
def test_nobody_excluded_or_unmatched_is_ever_listed(
    role: str,
    status: str,
    joined_days_ago: int | None,
    locked: bool,
    exempt: bool,
    active: bool,
    missed: int,
    inactive_days: int,
    limit: int | None,
) -> None:
    rules = PurgeRules(inactive_days=inactive_days, missed_assignments=limit)
    joined_at = None if joined_days_ago is None else NOW - timedelta(days=joined_days_ago)
    who = subject(
        role=role,
        status=status,
        joined_at=joined_at,
        standing_locked=locked,
        exempt=exempt,
        active_in_window=active,
        missed_assignments=missed,
    )

    assessment = assess(rules, who, now=NOW)

    if assessment.listed:
        assert role == "member" and not locked and not exempt
        silent = not active and joined_at is not None and joined_at <= NOW - timedelta(days=inactive_days)
        assert silent or (limit is not None and missed >= limit)
