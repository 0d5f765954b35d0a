"""Short-lived codes that link another platform account to a member."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class LinkCode(MembershipModel, table=True):
    __tablename__ = "link_code"

    # sha256 of community id and code: the code itself is never stored.
    code_hash: str = Field(primary_key=True, max_length=64)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", max_length=40)
    created_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    used_by_identity_id: str | None = Field(default=None, max_length=40)
