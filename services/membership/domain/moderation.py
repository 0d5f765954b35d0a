"""Rules of moderation: strike lifetimes, the escalation ladder and a community's moderation settings.

A community keeps its settings under ``Community.settings["moderation"]``:
``{"ladder": [{"at": 1, "action": "warn"}, ...], "strike_lifetime_days": 30, "spam": {...}}``. Anything
missing takes the default below, so a community that never touched them still has a working ladder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from contracts.membership.moderation import MAX_LIFETIME_DAYS, MAX_MUTE_HOURS
from contracts.membership.moderation import Action as Action
from services.membership.domain.role import Role, outranks
from services.membership.domain.spam import SettingError, SpamSettings, clean_spam_settings, spam_document

SETTINGS_KEY = "moderation"
MAX_STEPS = 10
MAX_STRIKE_AT = 100
RULE_MAX_LENGTH = 200


# Actions that take someone out of the community; the owner never reaches them.
OUSTING = frozenset({Action.REMOVE, Action.BAN})


@dataclass(frozen=True)
class LadderStep:
    """At ``at`` active strikes, do ``action`` (a mute lasts ``duration_hours``)."""

    at: int
    action: Action
    duration_hours: int | None = None

    def document(self) -> dict[str, Any]:
        step: dict[str, Any] = {"at": self.at, "action": str(self.action)}
        if self.duration_hours is not None:
            step["duration_hours"] = self.duration_hours
        return step


DEFAULT_LADDER = (
    LadderStep(1, Action.WARN),
    LadderStep(2, Action.MUTE, 24),
    LadderStep(3, Action.DEMOTE),
    LadderStep(4, Action.REMOVE),
    LadderStep(5, Action.BAN),
)
DEFAULT_STRIKE_LIFETIME_DAYS = 30


def clean_ladder(raw: Any, *, field: str = "ladder") -> tuple[LadderStep, ...]:
    """An ordered ladder: thresholds strictly rising, each step a known action; mutes need a duration."""
    if not isinstance(raw, list | tuple):
        raise SettingError(field, "must be a list of steps like {at: 1, action: warn}")
    if len(raw) > MAX_STEPS:
        raise SettingError(field, f"at most {MAX_STEPS} steps")
    steps: list[LadderStep] = []
    for index, item in enumerate(raw):
        step = _clean_step(item, field=f"{field}.{index}")
        if steps and step.at <= steps[-1].at:
            raise SettingError(f"{field}.{index}.at", f"must be greater than the step before ({steps[-1].at})")
        steps.append(step)
    return tuple(steps)


def _clean_step(item: Any, *, field: str) -> LadderStep:
    if not isinstance(item, dict):
        raise SettingError(field, "must be an object like {at: 1, action: warn}")
    unknown = set(item) - {"at", "action", "duration_hours"}
    if unknown:
        raise SettingError(f"{field}.{sorted(unknown)[0]}", "is not a field of a step (at, action, duration_hours)")
    at = item.get("at")
    if isinstance(at, bool) or not isinstance(at, int) or not 1 <= at <= MAX_STRIKE_AT:
        raise SettingError(f"{field}.at", f"must be a whole number of strikes from 1 to {MAX_STRIKE_AT}")
    try:
        action = Action(str(item.get("action")))
    except ValueError:
        raise SettingError(f"{field}.action", f"must be one of {', '.join(Action)}") from None
    hours = item.get("duration_hours")
    if action is Action.MUTE:
        if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_MUTE_HOURS:
            raise SettingError(f"{field}.duration_hours", f"a mute needs a duration from 1 to {MAX_MUTE_HOURS} hours")
    elif hours is not None:
        raise SettingError(f"{field}.duration_hours", "only a mute has a duration")
    return LadderStep(at, action, hours)


def rung_for(ladder: tuple[LadderStep, ...], active_strikes: int) -> LadderStep | None:
    """The step that holds at ``active_strikes``: the highest one reached (the top one beyond the ladder)."""
    reached = [step for step in ladder if step.at <= active_strikes]
    return reached[-1] if reached else None


def clean_lifetime_days(value: Any, *, field: str = "strike_lifetime_days") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIFETIME_DAYS:
        raise SettingError(field, f"must be a whole number of days from 1 to {MAX_LIFETIME_DAYS}")
    return value


def strike_expiry(at: datetime, *, lifetime_days: int, override_days: int | None = None) -> datetime:
    return at + timedelta(days=override_days if override_days is not None else lifetime_days)


def clean_rule(value: str) -> str:
    rule = " ".join(value.split())
    if not rule:
        raise ValueError("must not be empty")
    if len(rule) > RULE_MAX_LENGTH:
        raise ValueError(f"must be at most {RULE_MAX_LENGTH} characters")
    return rule


def may_act_on(actor_role: Role | None, target_role: Role) -> bool:
    """A member acting (``actor_role`` set) only acts downwards; keys and Guildhall act for the community."""
    return actor_role is None or outranks(actor_role, target_role)


@dataclass(frozen=True)
class ModerationSettings:
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER
    strike_lifetime_days: int = DEFAULT_STRIKE_LIFETIME_DAYS
    spam: SpamSettings = field(default_factory=SpamSettings)

    def document(self) -> dict[str, Any]:
        return {
            "ladder": [step.document() for step in self.ladder],
            "strike_lifetime_days": self.strike_lifetime_days,
            "spam": spam_document(self.spam),
        }


def settings_of(community_settings: dict[str, Any]) -> ModerationSettings:
    """The effective settings of a community; what was stored was checked when it was stored."""
    stored = community_settings.get(SETTINGS_KEY) or {}
    return apply_changes(ModerationSettings(), stored)


def apply_changes(current: ModerationSettings, changes: dict[str, Any]) -> ModerationSettings:
    """``current`` with ``changes`` (a partial settings document) applied; ``SettingError`` names a bad field."""
    updated = current
    for name, value in changes.items():
        if name == "ladder":
            updated = replace(updated, ladder=clean_ladder(value))
        elif name == "strike_lifetime_days":
            updated = replace(updated, strike_lifetime_days=clean_lifetime_days(value))
        elif name == "spam":
            updated = replace(updated, spam=clean_spam_settings(value, base=updated.spam))
        else:
            raise SettingError(name, "is not a moderation setting (ladder, strike_lifetime_days, spam)")
    return updated
