"""Roles and ownership: the bodies that change a member's role or hand the community to a new owner."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts.membership.member import Role


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class OwnershipTransfer(BaseModel):
    """Make ``member_id`` the owner; the old owner stays on as an admin."""

    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None
