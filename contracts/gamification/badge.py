"""Request and response bodies for badges and awards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class BadgeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=1000)
    image_url: str | None = Field(default=None, max_length=500)
    criteria: dict[str, Any] = Field(
        description='{"kind": "count", "event": "member.activity.message", "n": 100, "window_days": 30}, '
        '{"kind": "streak", "event": "checkin.recorded", "days": 7}, {"kind": "points", "n": 1000}, '
        '{"kind": "challenge", "challenge_id": "..."} or {"kind": "manual"}'
    )
    repeatable: bool = False


class BadgeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    image_url: str | None
    criteria: dict[str, Any]
    repeatable: bool
    enabled: bool
    created_at: datetime


class AwardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    reason: str | None = Field(default=None, max_length=200)


class AwardRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    badge_id: str
    member_id: str
    award_key: str
    source: str
    reason: str | None
    awarded_at: datetime


class MemberBadges(BaseModel):
    member_id: str
    awards: list[AwardRead]


class MemberBadgesBatch(BaseModel):
    items: list[MemberBadges]


class BackfillRead(BaseModel):
    awarded: int
