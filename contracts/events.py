"""Payloads of the events in ARCHITECTURE §6, one model per ``noun.verb`` type."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from contracts.chat import ChatMedia
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
    # The member's name as the community knows it (certificates are issued in it).
    display_name: str | None = None


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


class StrikeAdded(EventData):
    """A rule violation was recorded; ``active_strikes`` counts the member's unexpired, unrevoked strikes
    (by weight) after it, and ``action`` is the ladder step it led to, if any."""

    event_type: ClassVar[str] = "strike.added"

    member_id: str
    strike_id: str
    rule: str
    weight: int
    active_strikes: int
    actor: str
    reason: str | None = None
    expires_at: datetime
    action: str | None = None
    # The chat message the strike is for (``MemberActivity.message_ref``), when it is for one: the spam
    # heuristics always name it, a moderator may. Gamification takes back what that message earned (ADR 0035).
    message_ref: str | None = None


class MemberStandingChanged(EventData):
    """A member's standing (follower, contributor, core) moved: by the activity rules or an admin's lock."""

    event_type: ClassVar[str] = "member.standing_changed"

    member_id: str
    membership_id: str
    from_standing: str
    to_standing: str
    locked: bool
    actor: str
    reason: str | None = None


class AssignmentMissed(EventData):
    """Content: a member did not submit an assignment by its due time (an input of lurker purges)."""

    event_type: ClassVar[str] = "assignment.missed"

    member_id: str
    assignment_id: str
    due_at: datetime


class CourseCompleted(EventData):
    """Content: a member finished every part of a course (a trigger of certificates)."""

    event_type: ClassVar[str] = "course.completed"

    member_id: str
    course_id: str


class MembershipExpiring(EventData):
    """Sent once per expiry date, a configurable number of days ahead (community setting, default 3)."""

    event_type: ClassVar[str] = "membership.expiring"

    member_id: str
    membership_id: str
    tier_id: str | None
    expires_at: datetime
    fallback_tier_id: str | None = None


class MembershipRenewed(EventData):
    """A membership got one more tier period (by an admin, or the integrator after a payment)."""

    event_type: ClassVar[str] = "membership.renewed"

    member_id: str
    membership_id: str
    tier_id: str
    previous_expires_at: datetime | None
    expires_at: datetime
    actor: str


class MemberActivity(EventData):
    """Something a member did in a chat; gamification awards points and checks keywords from it."""

    event_type: ClassVar[str] = "member.activity"

    member_id: str
    kind: str  # message | reaction | join | leave
    group_id: str | None
    platform: str
    text_length: int = 0
    # The message text (or the reaction), for keyword rules and check-in keywords; empty for joins and leaves.
    text: str = ""
    platform_message_id: str | None = None
    # Images and files sent with the message (photo proof of a check-in).
    media: list[ChatMedia] = []
    occurred_at: datetime
    # A message's name, ``<platform>:<platform chat id>:<platform message id>``, as ``strike.added`` names
    # it; None for other kinds (a reaction's ``platform_message_id`` is the message reacted to).
    message_ref: str | None = None
    # The spam heuristics the message trips ("link", "ad_keyword", "flood", "repeat"), checked before this
    # event goes out; a message with any earns nothing (ADR 0035).
    spam: list[str] = []
    # The message came to the app one to one (a private chat), not in a group: ``group_id`` is None then, as it
    # is for a message in a group chat no community group is bound to; only the first may claim a red envelope.
    one_to_one: bool = False


class ApplicationSubmitted(EventData):
    event_type: ClassVar[str] = "application.submitted"

    application_id: str
    member_id: str
    membership_id: str
    tier_id: str


class ApplicationDecided(EventData):
    event_type: ClassVar[str] = "application.decided"

    application_id: str
    member_id: str
    membership_id: str
    tier_id: str
    decision: str  # approved | rejected
    reviewer: str
    reason: str | None = None


class PaymentRecorded(EventData):
    """A confirmed payment, recorded once however often it was confirmed; amount in minor units."""

    event_type: ClassVar[str] = "payment.recorded"

    payment_id: str
    member_id: str
    membership_id: str
    tier_id: str
    amount: int
    currency: str
    provider: str
    provider_ref: str
    kind: str  # join | renewal | upgrade


class ReferralConverted(EventData):
    """A referred member paid for a priced tier for the first time: the referrer earns the reward."""

    event_type: ClassVar[str] = "referral.converted"

    referral_id: str
    referrer_member_id: str
    referred_member_id: str
    tier_id: str
    payment_id: str
    # The converting payment, for reward conditions (ADR 0034); events written before carry none of these.
    tier_key: str | None = None
    amount: int | None = None  # minor units of ``currency``
    currency: str | None = None
