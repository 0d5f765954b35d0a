"""Members and their memberships: a person in a community, their platform identities, role and status, and the
log of their transitions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MODERATOR = "moderator"
    MEMBER = "member"


class Status(StrEnum):
    APPLIED = "applied"
    PENDING_PAYMENT = "pending_payment"
    PROBATION = "probation"
    ACTIVE = "active"
    EXPIRED = "expired"
    LEFT = "left"
    REMOVED = "removed"
    BANNED = "banned"


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: str
    platform_user_id: str = Field(min_length=1, max_length=200)
    display_name: str | None = Field(default=None, max_length=100)


class MemberCreate(BaseModel):
    """An admin adding a person directly (no gate): they are active at once."""

    model_config = ConfigDict(extra="forbid")

    display_name: str
    external_ref: str | None = Field(default=None, max_length=200)
    attributes: dict[str, Any] = Field(default_factory=dict)
    tier_id: str | None = None
    identities: list[IdentityIn] = Field(default_factory=list, max_length=10)
    acting_member_id: str | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Status
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class IdentityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    platform: str
    platform_user_id: str
    display_name: str | None


class MembershipRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    tier_id: str | None
    role: Role
    status: Status
    source: str
    referrer_member_id: str | None
    joined_at: datetime | None
    expires_at: datetime | None
    last_active_at: datetime | None
    standing: str
    standing_locked: bool


class MemberRead(BaseModel):
    id: str
    community_id: str
    display_name: str
    external_ref: str | None
    attributes: dict[str, Any]
    created_at: datetime
    membership: MembershipRead | None
    identities: list[IdentityRead]


class TransitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    from_value: str | None
    to_value: str | None
    actor: str
    reason: str | None
    at: datetime
