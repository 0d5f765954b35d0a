"""A member's place in the community: tier, role, status, and every change to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class Membership(MembershipModel, table=True):
    __table_args__ = (
        UniqueConstraint("community_id", "member_id"),
        # A community has at most one owner, whatever two requests do at once (ADR 0008).
        Index(
            "uq_membership_one_owner",
            "community_id",
            unique=True,
            postgresql_where=text("role = 'owner'"),
            sqlite_where=text("role = 'owner'"),
        ),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", max_length=40)
    tier_id: str | None = Field(default=None, foreign_key="tier.id", index=True, max_length=40)
    role: str = Field(default="member", max_length=20)
    status: str = Field(max_length=20, index=True)
    source: str = Field(default="api", max_length=40)
    referrer_member_id: str | None = Field(default=None, max_length=40)
    joined_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    last_active_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The standing derived from activity (follower, contributor, core) and an admin's lock on it.
    standing: str = Field(default="follower", max_length=20)
    standing_locked: bool = Field(default=False)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class MembershipTransition(MembershipModel, table=True):
    """The log of every status, tier and role change, with who did it and why."""

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    membership_id: str = Field(foreign_key="membership.id", index=True, max_length=40)
    kind: str = Field(max_length=20)  # status | tier | role
    from_value: str | None = Field(default=None, max_length=40)
    to_value: str | None = Field(default=None, max_length=40)
    actor: str = Field(max_length=80)
    reason: str | None = Field(default=None, max_length=500)
    at: datetime = Field(sa_type=UtcDateTime)
