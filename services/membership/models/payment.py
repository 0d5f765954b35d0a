"""Payments the integrator confirmed: one row per real payment, whatever the retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class Payment(MembershipModel, table=True):
    __table_args__ = (
        # A provider's reference is one payment; a second confirmation of it records nothing.
        UniqueConstraint("community_id", "provider", "provider_ref"),
        UniqueConstraint("community_id", "idempotency_key"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    member_id: str = Field(foreign_key="member.id", index=True, max_length=40)
    membership_id: str = Field(foreign_key="membership.id", max_length=40)
    tier_id: str = Field(foreign_key="tier.id", max_length=40)
    amount: int = Field(sa_type=BigInteger)  # minor units
    currency: str = Field(max_length=3)
    provider: str = Field(max_length=40)
    provider_ref: str = Field(max_length=200)
    idempotency_key: str = Field(max_length=255)
    kind: str = Field(max_length=20)  # join | renewal | upgrade
    # The membership's expiry after this payment (None for a lifetime tier).
    paid_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
    recorded_at: datetime = Field(sa_type=UtcDateTime)
