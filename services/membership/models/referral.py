"""Member-owned referral codes and who brought whom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class ReferralCode(MembershipModel, table=True):
    __tablename__ = "referral_code"
    __table_args__ = (UniqueConstraint("community_id", "code"), UniqueConstraint("community_id", "member_id"))

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", max_length=40)
    code: str = Field(max_length=40)
    created_at: datetime = Field(sa_type=UtcDateTime)


class Referral(MembershipModel, table=True):
    """``referrer`` brought ``referred`` in; ``converted_at`` once the referred member paid for a tier."""

    __table_args__ = (UniqueConstraint("community_id", "referred_member_id"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    referrer_member_id: str = Field(foreign_key="member.id", index=True, max_length=40)
    referred_member_id: str = Field(foreign_key="member.id", max_length=40)
    code_id: str = Field(foreign_key="referral_code.id", max_length=40)
    created_at: datetime = Field(sa_type=UtcDateTime)
    converted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    converted_tier_id: str | None = Field(default=None, max_length=40)
    converted_payment_id: str | None = Field(default=None, max_length=40)
