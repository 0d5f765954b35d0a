"""Entitlements: may this member have this key? Allow or deny, always with the reason.

A decision needs only a member's ``Snapshot`` (status, role, standing, tier benefits, the groups the
tier opens) and the time, so it can be computed from a cached snapshot as well as from the database.

The rules, in order:
1. Only a member who is inside (probation, active) and not past ``expires_at`` holds anything; the
   others are denied with why (not a member, pending, expired, left, removed, banned).
2. Roles: owners and admins hold every key; moderators (and owners and admins) hold every
   ``moderation:*`` and ``content:*`` key — staff must see what they moderate.
3. Standing: ``standing:<level>`` is held at that level or above (follower < contributor < core).
4. Groups: ``group:<id>`` is held when the tier lists it, or when the group admits the member's tier
   (a group with no tier list admits every member).
5. Otherwise the tier's benefits decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from contracts.membership.entitlement import Reason as Reason
from services.membership.domain.membership import Status
from services.membership.domain.role import Role
from services.membership.domain.tier import BENEFIT_PATTERN


class Standing(StrEnum):
    FOLLOWER = "follower"
    CONTRIBUTOR = "contributor"
    CORE = "core"


STANDING_RANK: dict[str, int] = {Standing.FOLLOWER: 0, Standing.CONTRIBUTOR: 1, Standing.CORE: 2}


_OUTSIDE_REASONS = {
    Status.APPLIED: Reason.PENDING,
    Status.PENDING_PAYMENT: Reason.PENDING,
    Status.EXPIRED: Reason.EXPIRED,
    Status.LEFT: Reason.LEFT,
    Status.REMOVED: Reason.REMOVED,
    Status.BANNED: Reason.BANNED,
}
_STAFF = frozenset({Role.OWNER, Role.ADMIN, Role.MODERATOR})
_STAFF_PREFIXES = ("moderation:", "content:")
_ALL_KEYS_ROLES = frozenset({Role.OWNER, Role.ADMIN})
KEY_MAX_LENGTH = 120


def clean_key(value: str) -> str:
    """An entitlement key such as ``content:premium``, ``group:grp_...`` or ``standing:core``."""
    key = value.strip()
    if len(key) > KEY_MAX_LENGTH or not BENEFIT_PATTERN.fullmatch(key):
        raise ValueError("must be an entitlement key like 'content:premium', 'group:<id>' or 'standing:core'")
    kind, _, name = key.partition(":")
    if kind == "standing" and name not in STANDING_RANK:
        raise ValueError(f"standing must be one of {', '.join(s.value for s in Standing)}")
    return key


@dataclass(frozen=True)
class Snapshot:
    """What a member's entitlements depend on; ``status`` is None for someone with no membership."""

    status: str | None = None
    role: str = Role.MEMBER
    standing: str = Standing.FOLLOWER
    tier_id: str | None = None
    expires_at: datetime | None = None
    benefits: frozenset[str] = field(default_factory=frozenset)
    # The groups this member's tier opens (their tier_ids include it, or they have none).
    groups: frozenset[str] = field(default_factory=frozenset)

    def to_dict(self) -> dict[str, Any]:
        return {
            "s": self.status,
            "r": self.role,
            "st": self.standing,
            "t": self.tier_id,
            "e": self.expires_at.timestamp() if self.expires_at else None,
            "b": sorted(self.benefits),
            "g": sorted(self.groups),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        expires = data["e"]
        return cls(
            status=data["s"],
            role=data["r"],
            standing=data["st"],
            tier_id=data["t"],
            expires_at=datetime.fromtimestamp(expires, UTC) if expires is not None else None,
            benefits=frozenset(data["b"]),
            groups=frozenset(data["g"]),
        )


NOBODY = Snapshot()


@dataclass(frozen=True)
class Decision:
    key: str
    allowed: bool
    reason: Reason


def decide(snapshot: Snapshot, key: str, *, now: datetime) -> Decision:
    if (refusal := _outside(snapshot, now=now)) is not None:
        return Decision(key, False, refusal)
    role = Role(snapshot.role)
    if role in _ALL_KEYS_ROLES or (role in _STAFF and key.startswith(_STAFF_PREFIXES)):
        return Decision(key, True, Reason.ROLE)
    kind, _, name = key.partition(":")
    if kind == "standing":
        held = STANDING_RANK.get(snapshot.standing, 0) >= STANDING_RANK[Standing(name)]
        return Decision(key, held, Reason.STANDING if held else Reason.STANDING_TOO_LOW)
    if key in snapshot.benefits:
        return Decision(key, True, Reason.TIER_BENEFIT)
    if kind == "group" and name in snapshot.groups:
        return Decision(key, True, Reason.GROUP)
    if kind == "moderation":
        return Decision(key, False, Reason.ROLE_REQUIRED)
    return Decision(key, False, Reason.NO_TIER if snapshot.tier_id is None else Reason.TIER_LACKS_BENEFIT)


def decide_many(snapshot: Snapshot, keys: Iterable[str], *, now: datetime) -> list[Decision]:
    return [decide(snapshot, key, now=now) for key in keys]


def _outside(snapshot: Snapshot, *, now: datetime) -> Reason | None:
    """Why someone who is not inside holds nothing; None for a member inside."""
    if snapshot.status is None:
        return Reason.NOT_A_MEMBER
    status = Status(snapshot.status)
    if status in _OUTSIDE_REASONS:
        return _OUTSIDE_REASONS[status]
    if snapshot.expires_at is not None and snapshot.expires_at <= now:
        return Reason.EXPIRED  # the expiry job has not run yet; the member holds nothing all the same
    return None


def groups_opened(tier_id: str | None, groups: Iterable[tuple[str, list[str]]]) -> frozenset[str]:
    """The groups (id, tier_ids) a member on ``tier_id`` may be in: those listing the tier, or listing none."""
    return frozenset(gid for gid, tier_ids in groups if not tier_ids or (tier_id is not None and tier_id in tier_ids))
