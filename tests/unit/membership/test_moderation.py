"""Rules of the escalation ladder and moderation settings (services/membership/domain/moderation.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.membership.domain.moderation import (
    DEFAULT_LADDER,
    Action,
    LadderStep,
    ModerationSettings,
    apply_changes,
    clean_ladder,
    clean_rule,
    may_act_on,
    rung_for,
    settings_of,
    strike_expiry,
)
from services.membership.domain.role import Role
from services.membership.domain.spam import SettingError


@pytest.mark.parametrize(
    ("active", "action"),
    [
        (0, None),
        (1, Action.WARN),
        (2, Action.MUTE),
        (3, Action.DEMOTE),
        (4, Action.REMOVE),
        (5, Action.BAN),
        (9, Action.BAN),
    ],
)
def test_the_default_ladder_goes_warn_mute_demote_remove_ban(active: int, action: Action | None) -> None:
    step = rung_for(DEFAULT_LADDER, active)

    assert (step.action if step else None) == action


def test_a_ladder_with_gaps_holds_the_last_step_reached() -> None:
    ladder = clean_ladder([{"at": 2, "action": "mute", "duration_hours": 6}, {"at": 5, "action": "ban"}])

    assert [rung_for(ladder, n) for n in (1, 2, 4, 5)] == [None, ladder[0], ladder[0], ladder[1]]
    assert ladder[0] == LadderStep(2, Action.MUTE, 6)


def test_an_empty_ladder_never_acts() -> None:
    assert rung_for(clean_ladder([]), 100) is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        pytest.param("warn", "ladder", id="not-a-list"),
        pytest.param([{"at": i + 1, "action": "warn"} for i in range(11)], "ladder", id="too-many"),
        pytest.param(["warn"], "ladder.0", id="step-not-an-object"),
        pytest.param([{"at": 0, "action": "warn"}], "ladder.0.at", id="at-zero"),
        pytest.param([{"at": "1", "action": "warn"}], "ladder.0.at", id="at-text"),
        pytest.param([{"at": True, "action": "warn"}], "ladder.0.at", id="at-bool"),
        pytest.param([{"action": "warn"}], "ladder.0.at", id="at-missing"),
        pytest.param([{"at": 1, "action": "kick"}], "ladder.0.action", id="unknown-action"),
        pytest.param([{"at": 1, "action": "mute"}], "ladder.0.duration_hours", id="mute-without-duration"),
        pytest.param([{"at": 1, "action": "mute", "duration_hours": 0}], "ladder.0.duration_hours", id="mute-zero"),
        pytest.param([{"at": 1, "action": "ban", "duration_hours": 5}], "ladder.0.duration_hours", id="ban-duration"),
        pytest.param([{"at": 1, "action": "warn", "when": 1}], "ladder.0.when", id="unknown-field"),
        pytest.param([{"at": 3, "action": "warn"}, {"at": 1, "action": "ban"}], "ladder.1.at", id="falling"),
    ],
)
def test_a_bad_ladder_names_the_field(raw: Any, field: str) -> None:
    with pytest.raises(SettingError) as error:
        clean_ladder(raw)

    assert error.value.field == field


def test_settings_default_when_nothing_is_stored_and_keep_other_areas_keys_out() -> None:
    assert settings_of({}) == ModerationSettings()
    assert settings_of({"purge": {"days": 30}}) == ModerationSettings()


def test_stored_settings_round_trip_through_their_document() -> None:
    changed = apply_changes(
        ModerationSettings(),
        {"ladder": [{"at": 1, "action": "ban"}], "strike_lifetime_days": 7, "spam": {"repeat_count": 5}},
    )

    assert settings_of({"moderation": changed.document()}) == changed
    assert changed.ladder == (LadderStep(1, Action.BAN),)
    assert changed.spam.repeat_count == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"strike_lifetime_days": 0}, "strike_lifetime_days", id="lifetime-zero"),
        pytest.param({"strike_lifetime_days": 4000}, "strike_lifetime_days", id="lifetime-long"),
        pytest.param({"ladders": []}, "ladders", id="unknown"),
        pytest.param({"spam": {"flood_seconds": -1}}, "spam.flood_seconds", id="spam"),
    ],
)
def test_bad_settings_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingError) as error:
        apply_changes(ModerationSettings(), changes)

    assert error.value.field == field


def test_a_strike_expires_after_the_lifetime_or_its_own_override() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)

    assert strike_expiry(at, lifetime_days=30) == at + timedelta(days=30)
    assert strike_expiry(at, lifetime_days=30, override_days=3) == at + timedelta(days=3)


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        (Role.MODERATOR, Role.MEMBER, True),
        (Role.MODERATOR, Role.MODERATOR, False),
        (Role.MODERATOR, Role.ADMIN, False),
        (Role.ADMIN, Role.MODERATOR, True),
        (Role.ADMIN, Role.OWNER, False),
        (Role.OWNER, Role.ADMIN, True),
        (None, Role.OWNER, True),
    ],
)
def test_moderation_only_goes_downwards(actor: Role | None, target: Role, allowed: bool) -> None:
    assert may_act_on(actor, target) is allowed


def test_a_rule_is_named() -> None:
    assert clean_rule("  No   ads ") == "No ads"
    with pytest.raises(ValueError, match="empty"):
        clean_rule("   ")
    with pytest.raises(ValueError, match="200"):
        clean_rule("x" * 201)
