"""Who is in which group: presence, fed by chat joins and leaves and by admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class GroupMember(MembershipModel, table=True):
    """A member's presence in one group, with the platform account that is there (to address actions)."""

    __tablename__ = "group_member"
    __table_args__ = (Index("ix_group_member_community_id_member_id", "community_id", "member_id"),)

    group_id: str = Field(primary_key=True, foreign_key="group.id", max_length=40)
    member_id: str = Field(primary_key=True, foreign_key="member.id", max_length=40)
    community_id: str = Field(foreign_key="community.id", max_length=40)
    platform_user_id: str = Field(max_length=200)
    source: str = Field(default="chat", max_length=20)  # chat | admin
    joined_at: datetime = Field(sa_type=UtcDateTime)
