"""What members do, summarized per day: the input of standing and of lurker purges."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field

from kit.types import UtcDateTime
from services.membership.models.base import MembershipModel


class ActivityDay(MembershipModel, table=True):
    """One member's activity on one day (in the community's time zone)."""

    __tablename__ = "activity_day"

    community_id: str = Field(primary_key=True, max_length=40)
    member_id: str = Field(primary_key=True, max_length=40)
    day: date = Field(primary_key=True)
    messages: int = Field(default=0)
    characters: int = Field(default=0)
    reactions: int = Field(default=0)
    checkins: int = Field(default=0)
    last_at: datetime = Field(sa_type=UtcDateTime)
