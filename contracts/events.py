"""Payloads of the events in ARCHITECTURE §6, one model per ``noun.verb`` type."""

from __future__ import annotations

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
