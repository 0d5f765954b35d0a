"""Payloads of the gamification service's events that other services consume (ARCHITECTURE §6)."""

from __future__ import annotations

from typing import ClassVar

from kit.events import EventData


class PointsAwarded(EventData):
    """Points credited to a member; ``balance`` and ``lifetime`` are the totals after this entry."""

    event_type: ClassVar[str] = "points.awarded"

    member_id: str
    entry_id: str
    points: int
    balance: int
    lifetime: int
    reason: str


class ChallengeCompleted(EventData):
    event_type: ClassVar[str] = "challenge.completed"

    member_id: str
    challenge_id: str
    enrollment_id: str
