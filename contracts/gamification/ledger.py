"""Request and response bodies for points: grants, spends, corrections, balances, entries."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from kit.pagination import PageOut
from kit.schema_rules import IANA_TIME_ZONE
from kit.types import INT64_MAX, Int32, Int64


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    points: int = Field(gt=0, le=INT64_MAX)
    reason: str = Field(min_length=1, max_length=200)


class SpendCreate(GrantCreate):
    pass


class CorrectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: str
    points: Int64 | None = Field(default=None, description="the offsetting amount; the entry's opposite by default")
    reason: str = Field(min_length=1, max_length=200)


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    member_id: str
    kind: str
    points: int
    reason: str
    source: str
    rule_version_id: str | None
    corrects_entry_id: str | None
    occurred_at: datetime


class PostedRead(BaseModel):
    entry: EntryRead
    balance: int
    lifetime: int


class BalanceRead(BaseModel):
    member_id: str
    balance: int
    lifetime: int
    level_rank: int
    tier_id: str | None = None
    last_active_at: datetime | None = None


class BalanceBatch(BaseModel):
    items: list[BalanceRead]


EntryPage = PageOut[EntryRead]


class PointSettings(BaseModel):
    """Only the fields given change. Decay is both fields together, or both null to switch it off."""

    model_config = ConfigDict(extra="forbid")

    timezone: str | None = Field(default=None, json_schema_extra=dict(IANA_TIME_ZONE))
    decay_after_days: Int32 | None = Field(default=None, description="days without activity before decay; ≥ 1")
    decay_percent: Int32 | None = Field(default=None, description="share of the balance taken per day; 1 to 100")


class PointSettingsRead(BaseModel):
    timezone: str
    decay_after_days: int | None = Field(description="null when decay is off")
    decay_percent: int | None = Field(description="null when decay is off")
    decayed_on: date | None = Field(description="the community-local day decay last ran for")
