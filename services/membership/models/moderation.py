"""Moderation: strikes, the ban list, the audit trail, and the rolling record the spam checks read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class Strike(MembershipModel, table=True):
    """A recorded rule violation; it counts until it expires or is revoked."""

    __table_args__ = (Index("ix_strike_member", "community_id", "member_id", "expires_at"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", max_length=40)
    member_id: str = Field(foreign_key="member.id", max_length=40)
    rule: str = Field(max_length=200)
    weight: int = Field(default=1)
    # What shows the violation: a platform message id, a link to a screenshot, ...
    evidence: str | None = Field(default=None, max_length=500)
    actor: str = Field(max_length=80)
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_by: str | None = Field(default=None, max_length=80)
    revoke_reason: str | None = Field(default=None, max_length=500)


class Ban(MembershipModel, table=True):
    """One entry of the ban list: a banned member (platform empty) or one of their platform accounts, or a
    platform account that belongs to nobody yet. Joins and chat groups refuse whoever matches an entry."""

    __table_args__ = (
        Index("ix_ban_member", "community_id", "member_id"),
        Index("ix_ban_identity", "community_id", "platform", "platform_user_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", max_length=40)
    member_id: str | None = Field(default=None, foreign_key="member.id", max_length=40)
    platform: str | None = Field(default=None, max_length=20)
    platform_user_id: str | None = Field(default=None, max_length=200)
    actor: str = Field(max_length=80)
    reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UtcDateTime)


class ModerationAudit(MembershipModel, table=True):
    """Every moderation action: who did what to whom, why, and when."""

    __tablename__ = "moderation_audit"
    __table_args__ = (
        Index("ix_moderation_audit_community", "community_id", "id"),
        Index("ix_moderation_audit_member", "community_id", "member_id", "id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", max_length=40)
    member_id: str | None = Field(default=None, max_length=40)
    action: str = Field(max_length=40)
    actor: str = Field(max_length=80)
    reason: str | None = Field(default=None, max_length=500)
    # Specifics of the action: the strike id, a mute's duration, the tiers of a demotion, ...
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: datetime = Field(sa_type=UtcDateTime)


class SpamWindow(MembershipModel, table=True):
    """A member's recent messages (time, text fingerprint) for the flood and repeat checks: one small row
    per member, read and rewritten with each message (see ``domain.spam.Recent``)."""

    __tablename__ = "spam_window"

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    recent: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(sa_type=UtcDateTime)
