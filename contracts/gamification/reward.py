"""Request and response bodies for rewards and redemptions."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kit.pagination import PageOut
from kit.types import Int32, Int64


class RewardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=1000)
    image_url: str | None = Field(default=None, max_length=500)
    cost: Int64 = Field(description="points, at least 1")
    stock: Int32 | None = Field(default=None, description="units; leave out for unlimited")
    per_member_limit: Int32 | None = None
    available_from: AwareDatetime | None = None
    available_until: AwareDatetime | None = None


class RewardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    image_url: str | None
    cost: int
    stock: int | None
    per_member_limit: int | None
    available_from: datetime | None
    available_until: datetime | None
    active: bool
    created_at: datetime


class RedemptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)


class RedemptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reward_id: str
    member_id: str
    cost: int
    status: str
    entry_id: str
    refund_entry_id: str | None
    note: str | None
    created_at: datetime
    updated_at: datetime


class RedeemedRead(BaseModel):
    redemption: RedemptionRead
    balance: int | None = Field(description="the member's balance after the spend; null for a replay")


class RedemptionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=500)


RedemptionPage = PageOut[RedemptionRead]
