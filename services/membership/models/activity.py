"""What members do, summarized per day (and each participation once): the input of standing and of lurker purges."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import text
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
    # Check-ins, probe claims, redemptions, ... (domain.participation): activity as much as a message is.
    participations: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    last_at: datetime = Field(sa_type=UtcDateTime)


class ParticipationRecord(MembershipModel, table=True):
    """One act a member took part in, recorded once: the key that keeps a replayed event from counting twice."""

    __tablename__ = "participation"

    community_id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(primary_key=True, max_length=30)
    ref: str = Field(primary_key=True, max_length=60)
    member_id: str = Field(max_length=40)
    at: datetime = Field(sa_type=UtcDateTime)
