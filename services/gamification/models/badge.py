"""Badges: definitions with criteria, awards, and the per-member counters their criteria read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class Badge(GamificationModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=1000)
    image_url: str | None = Field(default=None, max_length=500)
    # {"kind": "count", "event": ..., "n": ..., "window_days": ...} and the other kinds (domain/badge.py).
    criteria: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    repeatable: bool = False
    enabled: bool = True
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class BadgeAward(GamificationModel, table=True):
    """One award; ``award_key`` is ``once`` for a badge that is not repeatable, so it is awarded at most once."""

    __tablename__ = "badge_award"
    __table_args__ = (
        UniqueConstraint("community_id", "badge_id", "member_id", "award_key"),
        Index("ix_badge_award_member", "community_id", "member_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    badge_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    award_key: str = Field(max_length=120)
    source: str = Field(max_length=20)  # event | backfill | manual
    reason: str | None = Field(default=None, max_length=200)
    awarded_at: dt.datetime = Field(sa_type=UtcDateTime)


class MemberEventDay(GamificationModel, table=True):
    """How often a member did a tracked event on one local day (count and window criteria)."""

    __tablename__ = "member_event_day"
    __table_args__ = (UniqueConstraint("community_id", "member_id", "event", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    event: str = Field(max_length=120)
    day: dt.date
    count: int = 0


class MemberStreak(GamificationModel, table=True):
    """A member's run of consecutive local days with a tracked event (streak criteria)."""

    __tablename__ = "member_streak"
    __table_args__ = (UniqueConstraint("community_id", "member_id", "event"),)

    id: int | None = Field(default=None, primary_key=True)
    community_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    event: str = Field(max_length=120)
    last_day: dt.date | None = None
    start_day: dt.date | None = None
    current: int = 0
    best: int = 0
