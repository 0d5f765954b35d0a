"""Tiers: the rungs of a community's membership ladder, their price and period, and the ladders of several
communities at once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kit.types import INT32_MAX, INT64_MAX


class Period(StrEnum):
    LIFETIME = "lifetime"
    DAYS = "days"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class TierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    name: str
    rank: int = Field(ge=0, le=1000)
    price_amount: int = Field(default=0, ge=0, le=INT64_MAX)
    currency: str | None = None
    period: Period = Period.LIFETIME
    period_days: int | None = Field(default=None, ge=1, le=36_500)
    benefits: list[str] = Field(default_factory=list)
    capacity: int | None = Field(default=None, ge=1, le=INT32_MAX)
    fallback_tier_id: str | None = None
    acting_member_id: str | None = None


class TierUpdate(BaseModel):
    """Only the fields given change. Price and period changes apply to purchases from now on."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    rank: int | None = Field(default=None, ge=0, le=1000)
    price_amount: int | None = Field(default=None, ge=0, le=INT64_MAX)
    currency: str | None = None
    period: Period | None = None
    period_days: int | None = Field(default=None, ge=1, le=36_500)
    benefits: list[str] | None = None
    capacity: int | None = Field(default=None, ge=1, le=INT32_MAX)
    fallback_tier_id: str | None = None
    archived: bool | None = None
    acting_member_id: str | None = None


class TierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    community_id: str
    key: str
    name: str
    rank: int
    price_amount: int
    currency: str | None
    period: Period
    period_days: int | None
    benefits: list[str]
    capacity: int | None
    seats_taken: int
    fallback_tier_id: str | None
    requirements: list[dict[str, Any]]
    archived: bool
    created_at: datetime


class CommunityTiers(BaseModel):
    community_id: str
    tiers: list[TierRead]


class CommunityTiersBatch(BaseModel):
    """Ladders of the asked communities the caller may see; others are left out."""

    items: list[CommunityTiers]
