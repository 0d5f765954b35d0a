"""Community settings: known keys only, each checked (services/membership/domain/settings.py)."""

from __future__ import annotations

from typing import Any

import pytest

from services.membership.domain.settings import (
    EXPIRING_DAYS_AHEAD_DEFAULT,
    SettingInvalid,
    lifecycle_settings,
    merge_settings,
)


def test_a_given_key_replaces_that_key_only_and_null_resets_it() -> None:
    current = {"lifecycle": {"expiring_days_ahead": 7}, "other": {"kept": True}}
    merged = merge_settings(current, {"lifecycle": {"leaving_last_group": "left"}})
    assert merged == {"lifecycle": {"leaving_last_group": "left"}, "other": {"kept": True}}
    assert merge_settings(merged, {"lifecycle": None}) == {"other": {"kept": True}}
    assert current["lifecycle"] == {"expiring_days_ahead": 7}  # the input is not changed


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lifecycel": {}}, "settings.lifecycel"),
        ({"lifecycle": []}, "settings.lifecycle"),
        ({"lifecycle": {"expiring_days_ahead": 61}}, "settings.lifecycle.expiring_days_ahead"),
        ({"lifecycle": {"expiring_days_ahead": True}}, "settings.lifecycle.expiring_days_ahead"),
        ({"lifecycle": {"expiring_days_ahead": "3"}}, "settings.lifecycle.expiring_days_ahead"),
        ({"lifecycle": {"leaving_last_group": "gone"}}, "settings.lifecycle.leaving_last_group"),
        ({"lifecycle": {"grace": 1}}, "settings.lifecycle.grace"),
    ],
)
def test_unknown_keys_and_bad_values_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingInvalid) as invalid:
        merge_settings({}, changes)
    assert invalid.value.field == field


def test_defaults_fill_what_a_community_did_not_set() -> None:
    assert lifecycle_settings({}).expiring_days_ahead == EXPIRING_DAYS_AHEAD_DEFAULT == 3
    assert lifecycle_settings({}).leaving_last_group == "stays"
    assert lifecycle_settings({"lifecycle": {"expiring_days_ahead": 0}}).expiring_days_ahead == 0
