"""Lurker purges: runs, the members each run listed, exemptions, and the assignments members missed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class PurgeRun(MembershipModel, table=True):
    """One purge: who started it with which criteria, when warnings went out and when removals are due."""

    __tablename__ = "purge_run"

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    status: str = Field(max_length=20, index=True)  # warning | completed | cancelled
    # The rules the run used: inactive_days, missed_assignments, grace_days, return_days, warning_text.
    rules: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    started_by: str = Field(max_length=80)
    note: str | None = Field(default=None, max_length=500)
    started_at: datetime = Field(sa_type=UtcDateTime)
    remove_after: datetime = Field(sa_type=UtcDateTime, index=True)
    warnings_sent: int = Field(default=0)
    finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    cancelled_by: str | None = Field(default=None, max_length=80)
    cancel_reason: str | None = Field(default=None, max_length=500)


class PurgeRunMember(MembershipModel, table=True):
    """One member a run listed: the reasons, the warnings sent, and what became of them."""

    __tablename__ = "purge_run_member"
    __table_args__ = (UniqueConstraint("run_id", "member_id"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    run_id: str = Field(foreign_key="purge_run.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", index=True, max_length=40)
    # [{"code": "inactive", "detail": "no message, reaction, check-in or other participation in 30 days"}, ...]
    reasons: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    state: str = Field(max_length=20)  # warned | spared | skipped | removed | returned | cancelled
    warnings_sent: int = Field(default=0)
    # Where the member stood before removal, so the return path restores it.
    previous_status: str | None = Field(default=None, max_length=20)
    previous_tier_id: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=500)
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    return_until: datetime | None = Field(default=None, sa_type=UtcDateTime)


class PurgeExemption(MembershipModel, table=True):
    """A member an admin keeps off every purge list."""

    __tablename__ = "purge_exemption"

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    actor: str = Field(max_length=80)
    reason: str | None = Field(default=None, max_length=500)
    at: datetime = Field(sa_type=UtcDateTime)


class AssignmentMiss(MembershipModel, table=True):
    """An assignment a member did not hand in by its due time (``assignment.missed`` from content)."""

    __tablename__ = "assignment_miss"

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    assignment_id: str = Field(primary_key=True, max_length=40)
    due_at: datetime = Field(sa_type=UtcDateTime, index=True)
    recorded_at: datetime = Field(sa_type=UtcDateTime)
