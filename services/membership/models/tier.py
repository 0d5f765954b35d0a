"""The tier ladder: ordered tiers from a free lead group to premium membership."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class Tier(MembershipModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "key"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(foreign_key="community.id", index=True, max_length=40)
    key: str = Field(max_length=40)
    name: str = Field(max_length=100)
    rank: int
    price_amount: int = Field(default=0, sa_type=BigInteger)  # minor units
    currency: str | None = Field(default=None, max_length=3)
    period: str = Field(default="lifetime", max_length=10)  # lifetime | days | monthly | yearly
    period_days: int | None = Field(default=None)
    benefits: list[str] = Field(default_factory=list, sa_type=JSON)
    capacity: int | None = Field(default=None)
    # Members count against the capacity while they hold the tier; kept in the same transaction as joins.
    seats_taken: int = Field(default=0)
    fallback_tier_id: str | None = Field(default=None, max_length=40)
    # The gate: requirements that must all hold to enter (validated by domain.gate).
    requirements: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    archived: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UtcDateTime)
