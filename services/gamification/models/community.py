"""What gamification keeps of a community: its time zone (days, caps and leaderboard windows) and decay."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class Community(GamificationModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    timezone: str = Field(default="UTC", max_length=64)
    # Decay: members inactive for ``decay_after_days`` lose ``decay_percent`` of their balance per run.
    decay_after_days: int | None = None
    decay_percent: int = 0
    # The community-local day decay last ran for: the due-work loop runs it at most once a day.
    decayed_on: date | None = None
    created_at: datetime = Field(sa_type=UtcDateTime)
