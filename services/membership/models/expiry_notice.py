"""The marker that ``membership.expiring`` went out for one expiry date of one membership."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class ExpiryNotice(MembershipModel, table=True):
    """One row per (membership, expiry): a renewal moves the expiry, so the next period gets its own notice.
    The primary key makes a second notice for the same period impossible, even from two job replicas."""

    __tablename__ = "expiry_notice"

    membership_id: str = Field(primary_key=True, foreign_key="membership.id", max_length=40)
    expires_at: datetime = Field(primary_key=True, sa_type=UtcDateTime)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    sent_at: datetime = Field(sa_type=UtcDateTime)
