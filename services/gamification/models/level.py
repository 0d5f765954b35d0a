"""Level schemes: names at thresholds of lifetime points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class Level(GamificationModel, table=True):
    __table_args__ = (UniqueConstraint("community_id", "rank"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    rank: int
    name: str = Field(max_length=60)
    threshold: int = Field(sa_type=BigInteger)  # lifetime points
    # Optional chat role granted while a member holds this level (and removed when they move on).
    chat_role: str | None = Field(default=None, max_length=60)
    created_at: datetime = Field(sa_type=UtcDateTime)
