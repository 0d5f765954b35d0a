"""Request and response bodies for challenges, enrollments, check-ins, missed days and appeals, and the proof
kinds a challenge takes."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kit.pagination import PageOut
from kit.schema_rules import IANA_TIME_ZONE
from kit.types import Int32, Int64

MAX_DAYS = 366
DEFAULT_KEYWORDS = ("打卡",)


class ProofKind(StrEnum):
    TEXT = "text"  # a text of at least ``proof_min_length`` characters
    PHOTO = "photo"  # at least one image
    KEYWORD = "keyword"  # one of the challenge's keywords is enough


AppealDecision = Literal["excuse", "reject"]  # excuse: the day counts as done; reject: it stays missed


class ChallengeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    start_date: date = Field(description="the first day, in the challenge's time zone")
    days: Int32 = Field(description="how many consecutive days, e.g. 21")
    timezone: str = Field(
        max_length=64, description="IANA time zone the days are counted in", json_schema_extra=dict(IANA_TIME_ZONE)
    )
    window_start: time | None = Field(default=None, description="local time check-ins open each day, e.g. 05:00")
    window_end: time | None = Field(
        default=None, description="local time they close; before the start runs past midnight"
    )
    proof_kind: ProofKind = ProofKind.KEYWORD
    proof_min_length: Int32 = Field(default=0, description="characters of text a text proof needs")
    keywords: list[str] = Field(default_factory=lambda: list(DEFAULT_KEYWORDS), max_length=20)
    makeup_count: Int32 = Field(default=0, description="makeup check-ins (补卡) each member may use")
    makeup_days_back: Int32 = Field(default=0, description="how many days back a makeup may reach")
    allowed_misses: Int32 = Field(default=0, description="days a member may miss and still complete")
    enroll_opens_at: AwareDatetime | None = None
    enroll_closes_at: AwareDatetime | None = Field(default=None, description="default: when day 1's window closes")
    capacity: Int32 | None = None
    tier_ids: list[str] = Field(default_factory=list, max_length=50, description="only members of these tiers")
    stake_amount: Int64 | None = Field(default=None, description="a deposit challenge: the stake, in minor units")
    currency: str | None = Field(default=None, description="ISO 4217 code of the stake")
    platform_fee_bps: Int32 = Field(default=0, description="fee taken from the forfeited pool, in basis points")
    appeal_window_hours: Int32 = Field(default=24, description="how long after a missed day an appeal is accepted")


class ChallengeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    start_date: date
    days: int
    timezone: str
    window_start: time | None
    window_end: time | None
    proof_kind: str
    proof_min_length: int
    keywords: list[str]
    makeup_count: int
    makeup_days_back: int
    allowed_misses: int
    enroll_opens_at: datetime | None
    enroll_closes_at: datetime
    capacity: int | None
    enrolled_count: int
    tier_ids: list[str]
    stake_amount: int | None
    currency: str | None
    platform_fee_bps: int
    appeal_window_hours: int
    rolled_through_day: int
    finalized_at: datetime | None
    created_at: datetime


ChallengePage = PageOut[ChallengeRead]


class EnrollmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)


class EnrollmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    community_id: str
    challenge_id: str
    member_id: str
    status: str
    days_done: int
    makeups_used: int
    missed_days: int
    streak: int
    best_streak: int
    last_checkin_day: int | None
    stake_amount: int | None
    created_at: datetime
    decided_at: datetime | None


EnrollmentPage = PageOut[EnrollmentRead]


class MemberEnrollments(BaseModel):
    member_id: str
    enrollments: list[EnrollmentRead]


class MemberEnrollmentsBatch(BaseModel):
    items: list[MemberEnrollments]


class CheckinCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    text: str = Field(default="", max_length=4000)
    photo_urls: list[str] = Field(default_factory=list, max_length=9)
    day: Int32 | None = Field(default=None, description="a makeup check-in (补卡) for this earlier day")


class CheckinRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    challenge_id: str
    enrollment_id: str
    member_id: str
    day: int
    local_date: date
    makeup: bool
    channel: str
    text: str
    photo_urls: list[str]
    checked_in_at: datetime


class CheckedInRead(BaseModel):
    checkin: CheckinRead
    enrollment: EnrollmentRead


CheckinPage = PageOut[CheckinRead]


class MissedDayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    challenge_id: str
    enrollment_id: str
    member_id: str
    day: int
    local_date: date
    status: str
    appeal_until: datetime
    appeal_reason: str | None
    appealed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None
    reviewed_at: datetime | None
    missed_at: datetime


MissedDayPage = PageOut[MissedDayRead]


class AppealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: str = Field(min_length=1, max_length=40)
    day: Int32
    reason: str = Field(min_length=1, max_length=2000)


class AppealReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: AppealDecision
    reviewer_member_id: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=2000)
