"""Check-in challenges: the challenge, who enrolled, one check-in per member per day, and the days missed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint
from sqlmodel import Field

from kit.types import UtcDateTime
from services.gamification.models.base import GamificationModel


class Challenge(GamificationModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40, index=True)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=2000)
    start_date: dt.date
    days: int
    timezone: str = Field(max_length=64)
    window_start: dt.time | None = None
    window_end: dt.time | None = None
    proof_kind: str = Field(max_length=20)
    proof_min_length: int = 0
    # What makes a chat message a check-in attempt (and the proof, for keyword challenges).
    keywords: list[str] = Field(default_factory=list, sa_type=JSON)
    makeup_count: int = 0
    makeup_days_back: int = 0
    allowed_misses: int = 0
    enroll_opens_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    enroll_closes_at: dt.datetime = Field(sa_type=UtcDateTime)
    capacity: int | None = None
    enrolled_count: int = 0
    # Members on any of these tiers may enroll; empty means any member.
    tier_ids: list[str] = Field(default_factory=list, sa_type=JSON)
    # A deposit challenge: the stake each member puts down, in minor units of ``currency``.
    stake_amount: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)
    platform_fee_bps: int = 0
    appeal_window_hours: int = 24
    # The last day whose misses are recorded, and when the outcomes were decided: the rollover's progress.
    rolled_through_day: int = 0
    finalized_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)


class Enrollment(GamificationModel, table=True):
    __table_args__ = (
        UniqueConstraint("challenge_id", "member_id"),
        Index("ix_enrollment_member", "community_id", "member_id", "status"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    challenge_id: str = Field(max_length=40, index=True)
    member_id: str = Field(max_length=40)
    status: str = Field(max_length=20)
    # Days that count: checked in (on time or made up) or excused after an appeal.
    days_done: int = 0
    makeups_used: int = 0
    missed_days: int = 0
    streak: int = 0
    best_streak: int = 0
    last_checkin_day: int | None = None
    stake_amount: int | None = Field(default=None, sa_type=BigInteger)
    created_at: dt.datetime = Field(sa_type=UtcDateTime)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)


class Checkin(GamificationModel, table=True):
    __table_args__ = (
        # One per member per challenge day, whatever the retries and the concurrency.
        UniqueConstraint("enrollment_id", "day"),
        UniqueConstraint("community_id", "source"),
        Index("ix_checkin_challenge_day", "challenge_id", "day"),
    )

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    challenge_id: str = Field(max_length=40)
    enrollment_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    day: int
    local_date: dt.date
    makeup: bool = False
    # Where it came from: ``api`` or ``chat``; ``source`` is the event id or Idempotency-Key that made it.
    channel: str = Field(max_length=10)
    source: str = Field(max_length=200)
    text: str = Field(default="", max_length=4000)
    photo_urls: list[str] = Field(default_factory=list, sa_type=JSON)
    checked_in_at: dt.datetime = Field(sa_type=UtcDateTime)


class MissedDay(GamificationModel, table=True):
    """A day with no check-in when its window closed; a makeup or an excused appeal settles it."""

    __tablename__ = "missed_day"
    __table_args__ = (UniqueConstraint("enrollment_id", "day"),)

    id: str = Field(primary_key=True, max_length=40)
    community_id: str = Field(max_length=40)
    challenge_id: str = Field(max_length=40, index=True)
    enrollment_id: str = Field(max_length=40)
    member_id: str = Field(max_length=40)
    day: int
    local_date: dt.date
    # missed → made_up (a makeup check-in) | appealed → excused | rejected
    status: str = Field(default="missed", max_length=20)
    appeal_until: dt.datetime = Field(sa_type=UtcDateTime)
    appeal_reason: str | None = Field(default=None, max_length=2000)
    appealed_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    reviewed_by: str | None = Field(default=None, max_length=40)
    review_note: str | None = Field(default=None, max_length=2000)
    reviewed_at: dt.datetime | None = Field(default=None, sa_type=UtcDateTime)
    missed_at: dt.datetime = Field(sa_type=UtcDateTime)
