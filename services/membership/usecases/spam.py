"""Spam heuristics on incoming chat messages (links and ad keywords from newcomers, flood, repeats).

The chat consumer calls ``inspect_message`` for every message after recording the activity.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.chat import ChatMessageReceived
from kit.events import Envelope
from services.membership.usecases.sender import Sender


async def inspect_message(
    session: AsyncSession, *, envelope: Envelope, message: ChatMessageReceived, sender: Sender
) -> None:
    """Add strikes for spam; the moderation work fills this in (issue #3, capability 9)."""
    del session, envelope, message, sender
