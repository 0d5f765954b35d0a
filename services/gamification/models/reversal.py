"""Messages struck by moderation: what they earned is reversed, and they earn nothing later (ADR 0035)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class StruckMessage(GamificationModel, table=True):
    """One chat message a strike named, kept so that its activity, if it arrives (or is retried) after the
    strike, earns nothing either. One row per struck message: strikes are rare."""

    __tablename__ = "struck_message"

    community_id: str = Field(primary_key=True, max_length=40)
    message_ref: str = Field(primary_key=True, max_length=300)
    member_id: str = Field(max_length=40)
    # The first strike that named it, and its rule.
    strike_id: str = Field(max_length=40)
    rule: str = Field(max_length=200)
    struck_at: dt.datetime = Field(sa_type=UtcDateTime)
