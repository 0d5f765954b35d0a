"""Rules of activity: what counts, and on which day of the community it happened."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


class ActivityKind(StrEnum):
    MESSAGE = "message"
    REACTION = "reaction"
    JOIN = "join"
    LEAVE = "leave"


def local_day(at: datetime, timezone: str) -> date:
    """The community's calendar day at ``at``: a message at 23:30 UTC is the next day in Shanghai."""
    if at.tzinfo is None:
        raise ValueError("at: needs a timezone-aware datetime")
    return at.astimezone(ZoneInfo(timezone)).date()


def text_length(text: str) -> int:
    """Characters as people count them (code points), without surrounding whitespace."""
    return len(text.strip())
