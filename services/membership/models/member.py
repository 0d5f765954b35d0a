"""People in a community and the platform accounts that resolve to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class Member(MembershipModel, table=True):
    """A person inside one community (ADR 0006: members never span tenants)."""

    __table_args__ = (UniqueConstraint("community_id", "external_ref"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    display_name: str = Field(max_length=100)
    # The integrator's own id for this person, when it has one (mini-program open id, CRM id, ...).
    external_ref: str | None = Field(default=None, max_length=200)
    # Profile attributes that gates filter on: region, industry, age_bracket, tags, ...
    attributes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Identity(MembershipModel, table=True):
    """A platform account (platform, platform user id) that resolves to one member."""

    __table_args__ = (UniqueConstraint("community_id", "platform", "platform_user_id"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", index=True, max_length=40)
    platform: str = Field(max_length=20)
    platform_user_id: str = Field(max_length=200)
    display_name: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UtcDateTime)
