"""What gates keep: invitation codes, applications under review, and members on probation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class InvitationCode(MembershipModel, table=True):
    """A code that lets its holder through a tier's invitation requirement, ``max_uses`` times."""

    __tablename__ = "invitation_code"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    tier_id: str = Field(foreign_key="tier.id", index=True, max_length=40)
    code: str = Field(max_length=40)
    # None: any number of uses. Counted with one conditional UPDATE per redemption.
    max_uses: int | None = Field(default=None)
    uses: int = Field(default=0)
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    note: str | None = Field(default=None, max_length=200)
    created_by: str = Field(max_length=80)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Application(MembershipModel, table=True):
    """A person's answers to a tier's questions, waiting for (or carrying) a reviewer's decision."""

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", index=True, max_length=40)
    membership_id: str = Field(foreign_key="membership.id", max_length=40)
    tier_id: str = Field(foreign_key="tier.id", max_length=40)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default="pending", max_length=20, index=True)  # pending | approved | rejected
    submitted_at: datetime = Field(sa_type=UtcDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reviewer: str | None = Field(default=None, max_length=80)
    reason: str | None = Field(default=None, max_length=500)


class Probation(MembershipModel, table=True):
    """A member admitted to a trial tier, promoted to ``target_tier_id`` once ``condition`` holds."""

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", index=True, max_length=40)
    membership_id: str = Field(foreign_key="membership.id", max_length=40)
    trial_tier_id: str = Field(foreign_key="tier.id", max_length=40)
    target_tier_id: str = Field(foreign_key="tier.id", max_length=40)
    condition: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    started_at: datetime = Field(sa_type=UtcDateTime)
    # Set when the probation is over: promoted, or ended because the member left the trial.
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    outcome: str | None = Field(default=None, max_length=20)  # promoted | ended
