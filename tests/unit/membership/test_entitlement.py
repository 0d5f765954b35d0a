"""The entitlement rules: who holds which key, and why not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.membership.domain.entitlement import (
    NOBODY,
    Reason,
    Snapshot,
    clean_key,
    decide,
    groups_opened,
)

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
MEMBER = Snapshot(status="active", tier_id="tier_a", benefits=frozenset({"content:premium"}), groups=frozenset({"g1"}))


def reason(snapshot: Snapshot, key: str) -> tuple[bool, Reason]:
    decision = decide(snapshot, key, now=NOW)
    return decision.allowed, decision.reason


@pytest.mark.parametrize(
    ("status", "why"),
    [
        ("applied", Reason.PENDING),
        ("pending_payment", Reason.PENDING),
        ("expired", Reason.EXPIRED),
        ("left", Reason.LEFT),
        ("removed", Reason.REMOVED),
        ("banned", Reason.BANNED),
    ],
)
def test_nobody_outside_holds_anything_not_even_an_admin(status: str, why: Reason) -> None:
    outside = Snapshot(status=status, role="admin", benefits=frozenset({"content:premium"}))

    assert reason(outside, "content:premium") == (False, why)


def test_someone_without_a_membership_is_not_a_member() -> None:
    assert reason(NOBODY, "content:premium") == (False, Reason.NOT_A_MEMBER)


def test_probation_and_active_hold_their_tiers_benefits() -> None:
    assert reason(MEMBER, "content:premium") == (True, Reason.TIER_BENEFIT)
    assert reason(Snapshot(**{**MEMBER.__dict__, "status": "probation"}), "content:premium") == (
        True,
        Reason.TIER_BENEFIT,
    )
    assert reason(MEMBER, "event:offline") == (False, Reason.TIER_LACKS_BENEFIT)
    assert reason(Snapshot(status="active"), "event:offline") == (False, Reason.NO_TIER)


def test_a_membership_past_its_end_is_expired_before_the_job_notices() -> None:
    ending = Snapshot(**{**MEMBER.__dict__, "expires_at": NOW + timedelta(seconds=1)})

    assert decide(ending, "content:premium", now=NOW).allowed
    assert decide(ending, "content:premium", now=NOW + timedelta(seconds=1)).reason is Reason.EXPIRED


def test_staff_see_moderation_and_content_and_owners_and_admins_see_everything() -> None:
    moderator = Snapshot(status="active", role="moderator")
    admin = Snapshot(status="active", role="admin")

    assert reason(moderator, "moderation:strikes") == (True, Reason.ROLE)
    assert reason(moderator, "content:premium") == (True, Reason.ROLE)
    assert reason(moderator, "event:offline") == (False, Reason.NO_TIER)
    assert reason(Snapshot(status="active"), "moderation:strikes") == (False, Reason.ROLE_REQUIRED)
    assert reason(admin, "event:offline") == (True, Reason.ROLE)
    assert reason(Snapshot(status="active", role="owner"), "group:anything") == (True, Reason.ROLE)


def test_standing_keys_are_held_at_that_standing_or_above() -> None:
    def at(standing: str, key: str) -> bool:
        return decide(Snapshot(status="active", standing=standing), key, now=NOW).allowed

    assert [at(s, "standing:contributor") for s in ("follower", "contributor", "core")] == [False, True, True]
    assert [at(s, "standing:core") for s in ("follower", "contributor", "core")] == [False, False, True]
    assert at("follower", "standing:follower")
    assert reason(Snapshot(status="active"), "standing:core") == (False, Reason.STANDING_TOO_LOW)


def test_a_group_is_held_through_the_groups_tier_list_or_the_tiers_benefits() -> None:
    listed = Snapshot(status="active", tier_id="tier_a", benefits=frozenset({"group:g2"}))

    assert reason(MEMBER, "group:g1") == (True, Reason.GROUP)
    assert reason(listed, "group:g2") == (True, Reason.TIER_BENEFIT)
    assert reason(MEMBER, "group:g3") == (False, Reason.TIER_LACKS_BENEFIT)


def test_groups_open_to_the_tiers_they_list_or_to_everyone_when_they_list_none() -> None:
    groups = [("g1", ["tier_a"]), ("g2", ["tier_b"]), ("g3", [])]

    assert groups_opened("tier_a", groups) == {"g1", "g3"}
    assert groups_opened(None, groups) == {"g3"}


@pytest.mark.parametrize("key", ["premium", "Content:x", "content:", "standing:guru", "a:b c", "x:" + "y" * 81])
def test_malformed_keys_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        clean_key(key)


def test_keys_are_trimmed() -> None:
    assert clean_key(" content:premium ") == "content:premium"


snapshots = st.builds(
    Snapshot,
    status=st.sampled_from([None, "applied", "pending_payment", "probation", "active", "expired", "left", "removed"]),
    role=st.sampled_from(["owner", "admin", "moderator", "member"]),
    standing=st.sampled_from(["follower", "contributor", "core"]),
    tier_id=st.sampled_from([None, "tier_a"]),
    expires_at=st.sampled_from([None, NOW - timedelta(days=1), NOW + timedelta(days=1)]),
    benefits=st.frozensets(st.sampled_from(["content:premium", "group:g1", "event:offline"])),
    groups=st.frozensets(st.sampled_from(["g1", "g2"])),
)
keys = st.sampled_from(["content:premium", "group:g1", "event:offline", "moderation:x", "standing:core"])


@given(snapshots, keys)
def test_a_snapshot_decides_the_same_after_a_trip_through_the_cache(snapshot: Snapshot, key: str) -> None:
    assert Snapshot.from_dict(snapshot.to_dict()) == snapshot
    assert decide(Snapshot.from_dict(snapshot.to_dict()), key, now=NOW) == decide(snapshot, key, now=NOW)


@given(snapshots, keys)
def test_only_a_member_inside_and_not_past_the_end_is_ever_allowed(snapshot: Snapshot, key: str) -> None:
    inside = snapshot.status in ("probation", "active") and (snapshot.expires_at is None or snapshot.expires_at > NOW)

    if decide(snapshot, key, now=NOW).allowed:
        assert inside
