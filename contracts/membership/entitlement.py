"""Entitlement checks: whether members may use what a key names, and the reason each answer gives."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

# One batch check's bounds: a larger batch is split by its caller.
MAX_BATCH_MEMBERS = 200
MAX_BATCH_KEYS = 50


class Reason(StrEnum):
    # allowed
    ROLE = "role"
    STANDING = "standing"
    GROUP = "group"
    TIER_BENEFIT = "tier_benefit"
    # denied
    NOT_A_MEMBER = "not_a_member"
    PENDING = "pending"
    EXPIRED = "expired"
    LEFT = "left"
    REMOVED = "removed"
    BANNED = "banned"
    ROLE_REQUIRED = "role_required"
    STANDING_TOO_LOW = "standing_too_low"
    NO_TIER = "no_tier"
    TIER_LACKS_BENEFIT = "tier_lacks_benefit"


class EntitlementCheck(BaseModel):
    """Every key for every member: many keys for one member, one key for many members, or both."""

    model_config = ConfigDict(extra="forbid")

    member_ids: list[str] = Field(min_length=1, max_length=MAX_BATCH_MEMBERS)
    keys: list[str] = Field(min_length=1, max_length=MAX_BATCH_KEYS)

    @field_validator("member_ids")
    @classmethod
    def _member_ids(cls, value: list[str]) -> list[str]:
        if any(not item or len(item) > 40 for item in value):
            raise ValueError("each member id must be 1-40 characters")
        return list(dict.fromkeys(value))


class EntitlementRead(BaseModel):
    member_id: str
    key: str
    allowed: bool
    reason: Reason


class EntitlementResults(BaseModel):
    results: list[EntitlementRead]
