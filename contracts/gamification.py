"""Payloads of the gamification service's events that other services consume (ARCHITECTURE §6)."""

from __future__ import annotations

from datetime import datetime
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
    kind: str = "award"
    rule_id: str | None = None
    source: str | None = None


class ChallengeCompleted(EventData):
    event_type: ClassVar[str] = "challenge.completed"

    member_id: str
    challenge_id: str
    enrollment_id: str


class PointsSpent(EventData):
    """Points taken off a member's balance (a spend, a redemption, a negative correction, decay)."""

    event_type: ClassVar[str] = "points.spent"

    member_id: str
    entry_id: str
    points: int  # positive: how many left the balance
    balance: int
    lifetime: int
    reason: str
    kind: str = "spend"


class LevelReached(EventData):
    event_type: ClassVar[str] = "level.reached"

    member_id: str
    level_id: str
    rank: int
    name: str
    previous_rank: int
    lifetime: int
    # The chat role of the level reached and of the one left; membership swaps it in the member's groups.
    chat_role: str | None = None
    previous_chat_role: str | None = None


class BadgeAwarded(EventData):
    event_type: ClassVar[str] = "badge.awarded"

    member_id: str
    badge_id: str
    award_id: str
    name: str
    award_key: str = "once"
    image_url: str | None = None


class RewardRedeemed(EventData):
    event_type: ClassVar[str] = "reward.redeemed"

    member_id: str
    reward_id: str
    redemption_id: str
    cost: int


class ProbeClaimed(EventData):
    event_type: ClassVar[str] = "probe.claimed"

    member_id: str
    probe_id: str
    claim_id: str
    group_id: str | None = None
    latency_ms: int


class ProbeDropped(EventData):
    """An attention probe was dropped: membership, which knows the groups' chat addresses, sends ``text``."""

    event_type: ClassVar[str] = "probe.dropped"

    probe_id: str
    group_ids: list[str]
    text: str
    expires_at: datetime
