"""Surprise rules, their daily budgets and every draw they made (the audit trail)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class SurpriseRule(GamificationModel, table=True):
    __tablename__ = "surprise_rule"

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    name: str = Field(max_length=100)
    events: list[str] = Field(default_factory=list, sa_type=JSON)
    probability: float
    bonus: int = Field(sa_type=BigInteger)
    daily_budget: int = Field(sa_type=BigInteger)  # points per community-local day
    # The HMAC key of the draws: never shown by the API, only used to re-derive draws.
    secret: str = Field(max_length=64)
    enabled: bool = True
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class SurpriseBudget(GamificationModel, table=True):
    """Points a rule gave away on one local day; raised by a conditional UPDATE that never passes the budget."""

    __tablename__ = "surprise_budget"

    rule_id: str = Field(primary_key=True, max_length=40)
    day: dt.date = Field(primary_key=True)
    community_id: str = Field(max_length=40)
    spent: int = Field(default=0, sa_type=BigInteger)


class SurpriseDraw(GamificationModel, table=True):
    __tablename__ = "surprise_draw"
    __table_args__ = (
        UniqueConstraint("rule_id", "event_id", "member_id"),
        Index("ix_surprise_draw_community", "community_id", "id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    rule_id: str = Field(max_length=40)
    event_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    day: dt.date
    seed: str = Field(max_length=120)
    digest: str = Field(max_length=64)
    value: float
    threshold: float
    bonus: int = Field(sa_type=BigInteger)
    budget_left: int = Field(sa_type=BigInteger)
    outcome: str = Field(max_length=20)
    entry_id: str | None = Field(default=None, max_length=40)
    drawn_at: dt.datetime = Field(sa_type=UtcDateTime)
