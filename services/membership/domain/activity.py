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


def message_ref(platform: str, platform_chat_id: str, platform_message_id: str) -> str:
    """A chat message's name across services: the ``message_ref`` of ``member.activity`` and ``strike.added``.

    A group is one platform chat, and platforms number messages per chat (Telegram) or per channel (Slack's
    ``ts``), so the platform, the chat and the message id together name one message; the connection it came
    through does not (two bots in one chat see the same message). Other services compare it, never parse it.
    """
    return f"{platform}:{platform_chat_id}:{platform_message_id}"
