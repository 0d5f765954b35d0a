"""Payloads of the events in ARCHITECTURE §6, one model per ``noun.verb`` type."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from kit.events import EventData


class CommunityCreated(EventData):
    event_type: ClassVar[str] = "community.created"

    community_id: str
    name: str
    timezone: str


class MemberJoined(EventData):
    """A person is inside the community now (probation or active), whichever gate let them in."""

    event_type: ClassVar[str] = "member.joined"

    member_id: str
    membership_id: str
    tier_id: str | None
    status: str
    source: str
    referrer_member_id: str | None = None


class MemberLeft(EventData):
    event_type: ClassVar[str] = "member.left"

    member_id: str
    membership_id: str
    reason: str | None = None


class MemberRemoved(EventData):
    """Removed by an admin, a moderation ladder, a purge or an expiry without fallback; ``banned`` if for good."""

    event_type: ClassVar[str] = "member.removed"

    member_id: str
    membership_id: str
    actor: str
    reason: str | None = None
    banned: bool = False


class MemberTierChanged(EventData):
    event_type: ClassVar[str] = "member.tier_changed"

    member_id: str
    membership_id: str
    from_tier_id: str | None
    to_tier_id: str | None
    status: str
    reason: str | None = None


class MemberRoleChanged(EventData):
    event_type: ClassVar[str] = "member.role_changed"

    member_id: str
    membership_id: str
    from_role: str
    to_role: str
    actor: str


class MembershipExpired(EventData):
    event_type: ClassVar[str] = "membership.expired"

    member_id: str
    membership_id: str
    tier_id: str | None
    fallback_tier_id: str | None = None


class MemberActivity(EventData):
    """A member did something in a group: a message, a reaction, a join (gamification's points input)."""

    event_type: ClassVar[str] = "member.activity"

    member_id: str
    kind: str  # message, reaction, join
    group_id: str | None = None
    platform: str | None = None
    text_length: int = 0
    text: str = ""
    occurred_at: datetime
