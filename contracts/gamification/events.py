"""Payloads of the gamification service's events that other services consume (ARCHITECTURE §6)."""

from __future__ import annotations

from datetime import date, datetime
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


class ChallengeOutcome(EventData):
    """How an enrollment ended; ``days_done`` counts check-ins, makeups and excused days."""

    member_id: str
    challenge_id: str
    enrollment_id: str
    challenge_name: str = ""
    days: int = 0
    days_done: int = 0


class ChallengeCompleted(ChallengeOutcome):
    event_type: ClassVar[str] = "challenge.completed"


class ChallengeFailed(ChallengeOutcome):
    event_type: ClassVar[str] = "challenge.failed"


class CheckinRecorded(EventData):
    """One challenge day counted for a member (on time, or a makeup of a missed day)."""

    event_type: ClassVar[str] = "checkin.recorded"

    member_id: str
    challenge_id: str
    enrollment_id: str
    checkin_id: str
    day: int
    local_date: date
    makeup: bool
    channel: str
    streak: int
    days_done: int


class CheckinMissed(EventData):
    """A challenge day's window closed without a check-in from an enrolled member."""

    event_type: ClassVar[str] = "checkin.missed"

    member_id: str
    challenge_id: str
    enrollment_id: str
    day: int
    local_date: date
    appeal_until: datetime


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


class DepositRefundDue(EventData):
    """Guildhall owes a member money from a deposit challenge: the integrator's payment system should pay
    ``amount`` (minor units of ``currency``) and confirm it as a payout. ``payable`` is everything owed now."""

    event_type: ClassVar[str] = "deposit.refund_due"

    member_id: str
    challenge_id: str
    enrollment_id: str
    transaction_id: str
    amount: int
    currency: str
    reason: str  # withdrawn (before the start) or settled (the challenge was decided)
    payable: int


class DepositSettled(EventData):
    """A deposit challenge's money was settled: stakes back for days done, forfeits pooled, fee, shares."""

    event_type: ClassVar[str] = "deposit.settled"

    challenge_id: str
    transaction_id: str
    currency: str
    members: int
    finishers: int
    stakes: int
    earned_back: int
    pool: int
    fee: int
    pool_to_finishers: int
    unclaimed: int


class DepositPaidOut(EventData):
    """The integrator confirmed paying a member part or all of what was payable."""

    event_type: ClassVar[str] = "deposit.paid_out"

    member_id: str
    challenge_id: str
    enrollment_id: str
    transaction_id: str
    amount: int
    currency: str
    reference: str
    payable: int


class CertificateIssued(EventData):
    """A certificate was issued; ``url`` is its public verification page."""

    event_type: ClassVar[str] = "certificate.issued"

    member_id: str
    certificate_id: str
    template_id: str
    serial: str
    achievement_name: str
    recipient_name: str
    url: str


class CertificateRevoked(EventData):
    event_type: ClassVar[str] = "certificate.revoked"

    member_id: str
    certificate_id: str
    serial: str
    reason: str
