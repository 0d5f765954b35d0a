"""Request and response bodies for surprise rules and their draws."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from kit.pagination import PageOut
from kit.types import Int64


class SurpriseRuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    events: list[str] = Field(description="the events that draw, e.g. member.activity.message, checkin.recorded")
    probability: float = Field(description="chance of a bonus per event, above 0 and at most 1")
    bonus: Int64 = Field(description="points of one bonus")
    daily_budget: Int64 = Field(description="most points the rule gives away per community-local day")
    enabled: bool = True


class SurpriseRuleRead(BaseModel):
    """A rule as shown: never its secret, which only the audit endpoint uses."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    events: list[str]
    probability: float
    bonus: int
    daily_budget: int
    enabled: bool
    created_at: datetime


class DrawRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    rule_id: str
    event_id: str
    member_id: str
    day: date
    seed: str = Field(description="the HMAC message: '<event id>:<member id>'")
    digest: str = Field(description="HMAC-SHA256(rule secret, seed), hex")
    value: float = Field(description="the digest's first 52 bits as a fraction in [0, 1)")
    threshold: float
    bonus: int
    budget_left: int
    outcome: str
    entry_id: str | None
    drawn_at: datetime


DrawPage = PageOut[DrawRead]


class DrawVerification(BaseModel):
    draw: DrawRead
    digest: str
    value: float
    matches: bool
