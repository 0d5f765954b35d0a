"""Request and response bodies for tiers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kit.types import INT32_MAX, INT64_MAX
from services.membership.domain import money
from services.membership.domain import tier as rules
from services.membership.domain.community import clean_name
from services.membership.domain.tier import Period


class TierFields(BaseModel):
    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else clean_name(value)

    @field_validator("currency", check_fields=False)
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return None if value is None else money.clean_currency(value)

    @field_validator("benefits", check_fields=False)
    @classmethod
    def _benefits(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else rules.clean_benefits(value)


class TierCreate(TierFields):
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

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        return rules.clean_key(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        rules.check_period(self.period, self.period_days)
        rules.check_price(self.price_amount, self.currency)
        return self


class TierUpdate(TierFields):
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
