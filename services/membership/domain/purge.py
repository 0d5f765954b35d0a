"""Lurker purge: who is listed, why, who is spared, and how long a purged member may walk back in.

A member is listed when they have been silent (no message, reaction, check-in or other participation, see
``domain.participation``) for ``inactive_days`` having joined before that, or missed ``missed_assignments``
assignments due in that window. Staff, a locked standing, an explicit exemption and a probation younger
than the window keep them off the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    INACTIVE = "inactive"
    MISSED_ASSIGNMENTS = "missed_assignments"


class Exclusion(StrEnum):
    STAFF = "staff"
    STANDING_LOCKED = "standing_locked"
    EXEMPT = "exempt"
    NEW_ON_PROBATION = "new_on_probation"


class RunStatus(StrEnum):
    WARNING = "warning"  # warnings sent; removals wait for the grace period to end
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MemberState(StrEnum):
    WARNED = "warned"
    SPARED = "spared"  # active again during the grace period
    SKIPPED = "skipped"  # no longer a candidate when the grace period ended (left, exempted, locked, staff)
    REMOVED = "removed"
    RETURNED = "returned"  # came back in through the return path
    CANCELLED = "cancelled"  # the run was cancelled


DEFAULT_WARNING = (
    "{mentions} this community removes members who have gone quiet. "
    "Send a message, react or check in within {grace_days} days to stay."
)
WARNING_MAX_LENGTH = 1_000


@dataclass(frozen=True)
class PurgeRules:
    inactive_days: int = 30
    # Listed after missing this many assignments due in the window; None: assignments do not count.
    missed_assignments: int | None = None
    grace_days: int = 3
    # How long a purged member may come back without passing the gate again.
    return_days: int = 30
    warning_text: str = DEFAULT_WARNING

    def as_settings(self) -> dict[str, Any]:
        return {
            "inactive_days": self.inactive_days,
            "missed_assignments": self.missed_assignments,
            "grace_days": self.grace_days,
            "return_days": self.return_days,
            "warning_text": self.warning_text,
        }


DEFAULT_RULES = PurgeRules()
_LIMITS = {"inactive_days": (1, 365), "missed_assignments": (1, 1000), "grace_days": (0, 30), "return_days": (0, 365)}


def clean_number(name: str, value: Any) -> int:
    low, high = _LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: must be a whole number")
    if not low <= value <= high:
        raise ValueError(f"{name}: must be between {low} and {high}")
    return value


def clean_warning(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("warning_text: must be non-empty text")
    if len(value) > WARNING_MAX_LENGTH:
        raise ValueError(f"warning_text: must be at most {WARNING_MAX_LENGTH} characters")
    return value.strip()


def rules_from_settings(raw: Any, **overrides: Any) -> PurgeRules:
    """``Community.settings['purge']`` with ``overrides`` (not None) on top; ValueError names the field."""
    if raw is not None and not isinstance(raw, Mapping):
        raise ValueError("purge: must be an object")
    merged = {**DEFAULT_RULES.as_settings(), **(raw or {}), **{k: v for k, v in overrides.items() if v is not None}}
    unknown = set(merged) - set(DEFAULT_RULES.as_settings())
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]}: unknown purge setting")
    missed = merged["missed_assignments"]
    return PurgeRules(
        inactive_days=clean_number("inactive_days", merged["inactive_days"]),
        missed_assignments=None if missed in (None, 0) else clean_number("missed_assignments", missed),
        grace_days=clean_number("grace_days", merged["grace_days"]),
        return_days=clean_number("return_days", merged["return_days"]),
        warning_text=clean_warning(merged["warning_text"]),
    )


@dataclass(frozen=True)
class Subject:
    """A member inside the community, as the purge sees them."""

    member_id: str
    role: str
    status: str
    joined_at: datetime | None
    standing_locked: bool
    exempt: bool
    # Any message, reaction, check-in or other participation on a day inside the window.
    active_in_window: bool
    missed_assignments: int


@dataclass(frozen=True)
class Assessment:
    member_id: str
    reasons: tuple[Reason, ...]
    exclusions: tuple[Exclusion, ...]

    @property
    def listed(self) -> bool:
        return bool(self.reasons) and not self.exclusions


def assess(rules: PurgeRules, subject: Subject, *, now: datetime) -> Assessment:
    window_start = now - timedelta(days=rules.inactive_days)
    settled = subject.joined_at is not None and subject.joined_at <= window_start
    reasons: list[Reason] = []
    if settled and not subject.active_in_window:
        reasons.append(Reason.INACTIVE)
    if rules.missed_assignments is not None and subject.missed_assignments >= rules.missed_assignments:
        reasons.append(Reason.MISSED_ASSIGNMENTS)
    exclusions: list[Exclusion] = []
    if reasons:
        if subject.role != "member":
            exclusions.append(Exclusion.STAFF)
        if subject.standing_locked:
            exclusions.append(Exclusion.STANDING_LOCKED)
        if subject.exempt:
            exclusions.append(Exclusion.EXEMPT)
        if subject.status == "probation" and not settled:
            exclusions.append(Exclusion.NEW_ON_PROBATION)
    return Assessment(subject.member_id, tuple(reasons), tuple(exclusions))


def describe(reason: Reason, rules: PurgeRules, subject: Subject) -> str:
    if reason is Reason.INACTIVE:
        return f"no message, reaction, check-in or other participation in {rules.inactive_days} days"
    return (
        f"missed {subject.missed_assignments} assignments due in the last {rules.inactive_days} days "
        f"(limit {rules.missed_assignments})"
    )


def warning_message(template: str, *, mentions: list[str], grace_days: int) -> str:
    """The warning text with its two placeholders filled; other braces are left as written."""
    return template.replace("{mentions}", " ".join(mentions)).replace("{grace_days}", str(grace_days)).strip()


def may_return(*, removed_at: datetime, return_days: int, now: datetime) -> bool:
    return now <= removed_at + timedelta(days=return_days)
