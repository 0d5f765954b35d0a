"""Community settings: one JSON object whose top-level keys each belong to one area of the service.

Every known key has a cleaner here; a key no area knows is refused, so a typo never passes silently as a
setting that does nothing. An area reads its own key with defaults filled in (``lifecycle_settings``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal


class SettingInvalid(ValueError):
    """A setting that cannot be stored; ``field`` names it the way an API caller wrote it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


SettingCleaner = Callable[[Any], Any]
KNOWN: dict[str, SettingCleaner] = {}


def known_setting(key: str) -> Callable[[SettingCleaner], SettingCleaner]:
    """Register the cleaner of one top-level key (it raises ``SettingInvalid`` with a dotted field)."""

    def register(cleaner: SettingCleaner) -> SettingCleaner:
        KNOWN[key] = cleaner
        return cleaner

    return register


def merge_settings(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` with each given top-level key replaced by its cleaned value, or dropped when null."""
    merged = dict(current)
    for key, value in changes.items():
        cleaner = KNOWN.get(key)
        if cleaner is None:
            known = ", ".join(sorted(KNOWN)) or "none"
            raise SettingInvalid(f"settings.{key}", f"is not a known setting (known: {known})")
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = cleaner(value)
    return merged


# --- lifecycle: renewal notices and what leaving the last group means -------------------------------

EXPIRING_DAYS_AHEAD_DEFAULT = 3
EXPIRING_DAYS_AHEAD_MAX = 60
LeavingLastGroup = Literal["stays", "left"]


@dataclass(frozen=True)
class LifecycleSettings:
    # ``membership.expiring`` goes out this many days before a membership runs out (0: no notice).
    expiring_days_ahead: int = EXPIRING_DAYS_AHEAD_DEFAULT
    # "left": a member who leaves the last group they were in has left the community too.
    leaving_last_group: LeavingLastGroup = "stays"


@known_setting("lifecycle")
def clean_lifecycle(value: Any) -> dict[str, Any]:
    field = "settings.lifecycle"
    if not isinstance(value, dict):
        raise SettingInvalid(field, "must be an object")
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if key == "expiring_days_ahead":
            if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= EXPIRING_DAYS_AHEAD_MAX:
                raise SettingInvalid(f"{field}.{key}", f"must be a whole number from 0 to {EXPIRING_DAYS_AHEAD_MAX}")
            cleaned[key] = item
        elif key == "leaving_last_group":
            if item not in ("stays", "left"):
                raise SettingInvalid(f"{field}.{key}", "must be 'stays' or 'left'")
            cleaned[key] = item
        else:
            raise SettingInvalid(f"{field}.{key}", "is not a lifecycle setting")
    return cleaned


def lifecycle_settings(settings: Mapping[str, Any]) -> LifecycleSettings:
    stored = settings.get("lifecycle") or {}
    return LifecycleSettings(
        expiring_days_ahead=stored.get("expiring_days_ahead", EXPIRING_DAYS_AHEAD_DEFAULT),
        leaving_last_group=stored.get("leaving_last_group", "stays"),
    )
