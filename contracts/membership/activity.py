"""A member's activity, one day at a time: what the membership service answers for a member's activity."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class ActivityDayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    messages: int
    characters: int
    reactions: int
    checkins: int
    # Check-ins, makeup check-ins, probe claims, redemptions, ...: every act that counts as activity.
    participations: int
    last_at: datetime
