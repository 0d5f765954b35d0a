"""The tenant and its chat rooms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint, false
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class Community(MembershipModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=100)
    timezone: str = Field(max_length=64)
    mission: str | None = Field(default=None, max_length=2000)
    rules: str | None = Field(default=None)
    # Operator settings (escalation ladder, strike lifetime, spam thresholds, ...); each area reads its key.
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UtcDateTime)
    # A sandbox runs on its own test clock (frozen until advanced); chosen at creation, never changed.
    sandbox: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    test_clock_now: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Group(MembershipModel, table=True):
    """One chat room on one platform, bound through a gateway connection."""

    __table_args__ = (UniqueConstraint("community_id", "platform", "platform_chat_id"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    name: str = Field(max_length=100)
    platform: str = Field(max_length=20)
    connection_id: str | None = Field(default=None, max_length=40)
    platform_chat_id: str = Field(max_length=200)
    capacity: int | None = Field(default=None)
    # The members of this many tiers may be in the group; empty means any member of the community.
    tier_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    member_count: int = Field(default=0)
    # The link (or QR payload) that lets a routed newcomer into this chat, when the platform has one.
    join_url: str | None = Field(default=None, max_length=500)
    archived: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UtcDateTime)
