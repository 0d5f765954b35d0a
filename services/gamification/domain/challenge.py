"""Check-in challenges: the calendar of challenge days, proof, makeups, streaks and the outcome. No I/O here.

A challenge runs ``days`` consecutive local days from ``start_date`` in its own IANA time zone. Each day has a
window: the whole local day, or ``window_start`` to ``window_end`` local time (a window whose end is not after its
start runs past midnight and belongs to the day it opened on). Windows are computed from wall-clock times on
each local date, so a DST change moves the UTC instants but never the local hours.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from contracts.gamification.challenge import DEFAULT_KEYWORDS as DEFAULT_KEYWORDS
from contracts.gamification.challenge import MAX_DAYS as MAX_DAYS
from contracts.gamification.challenge import ProofKind as ProofKind


class EnrollmentStatus(StrEnum):
    PENDING = "pending"  # waiting for the stake to be confirmed
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # left before the start, or never confirmed the stake


FINAL = frozenset({EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED, EnrollmentStatus.WITHDRAWN})


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; a time skipped by DST resolves to the instant after the gap."""
    local = datetime.combine(day, at, tzinfo=zone)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        # Inside a spring-forward gap: round trip lands elsewhere. Take the first valid instant after it.
        utc = datetime.combine(day, at, tzinfo=zone).replace(fold=1).astimezone(UTC)
    return utc


@dataclass(frozen=True)
class Schedule:
    start_date: date
    days: int
    timezone: str
    window_start: time | None = None
    window_end: time | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def wraps(self) -> bool:
        return self.window_start is not None and self.window_end is not None and self.window_end <= self.window_start

    def date_of(self, day: int) -> date:
        return self.start_date + timedelta(days=day - 1)

    def window(self, day: int) -> tuple[datetime, datetime]:
        """[opens, closes) of challenge day ``day`` (1-based), in UTC."""
        on, zone = self.date_of(day), self.zone
        start = self.window_start or time(0)
        if self.window_end is None or self.window_start is None:
            return local_instant(on, start, zone), local_instant(on + timedelta(days=1), time(0), zone)
        end_date = on + timedelta(days=1) if self.wraps else on
        return local_instant(on, start, zone), local_instant(end_date, self.window_end, zone)

    @property
    def opens_at(self) -> datetime:
        return self.window(1)[0]

    @property
    def default_enroll_closes_at(self) -> datetime:
        """When enrollment closes unless the operator sets ``enroll_closes_at``: when day 1's window closes.

        Until then a newcomer can still do day 1, so nobody is enrolled into a sure miss, and a challenge that
        starts today takes members all day (see ADR 0032)."""
        return self.window(1)[1]

    @property
    def closes_at(self) -> datetime:
        """When the last day's window closes."""
        return self.window(self.days)[1]

    def calendar_day(self, at: datetime) -> int:
        """The challenge day whose local date ``at`` falls on (0 before the start, > days after the end); with a
        window past midnight, the small hours still belong to the day before."""
        local = at.astimezone(self.zone)
        on = local.date()
        if self.wraps and self.window_end is not None and local.time() < self.window_end:
            on -= timedelta(days=1)
        return (on - self.start_date).days + 1

    def calendar_day_starts(self, day: int) -> datetime:
        """The instant ``calendar_day`` turns to ``day``: local midnight, or the window's end when it wraps."""
        at = self.window_end if self.wraps and self.window_end is not None else time(0)
        return local_instant(self.date_of(day), at, self.zone)

    def open_day(self, at: datetime) -> int | None:
        """The day whose window is open at ``at``, if any."""
        day = self.calendar_day(at)
        if not 1 <= day <= self.days:
            return None
        opens, closes = self.window(day)
        return day if opens <= at < closes else None

    def last_closed_day(self, at: datetime) -> int:
        """The last day whose window has closed by ``at`` (0 when none has)."""
        day = min(max(self.calendar_day(at), 0), self.days)
        while day >= 1 and self.window(day)[1] > at:
            day -= 1
        return day


def validate_timezone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "not a known IANA time zone"
    return None


def validate_challenge(
    *,
    days: int,
    timezone: str,
    window_start: time | None,
    window_end: time | None,
    proof_kind: ProofKind,
    proof_min_length: int,
    keywords: Sequence[str],
    makeup_count: int,
    makeup_days_back: int,
    allowed_misses: int,
    capacity: int | None,
    enroll_opens_at: datetime | None,
    enroll_closes_at: datetime | None,
    stake_amount: int | None,
    currency: str | None,
    appeal_window_hours: int,
) -> list[tuple[str, str]]:
    """(field, reason) for everything wrong with a challenge definition; empty when it is fine."""
    problems: list[tuple[str, str]] = []
    if not 1 <= days <= MAX_DAYS:
        problems.append(("days", f"must be between 1 and {MAX_DAYS}"))
    if (reason := validate_timezone(timezone)) is not None:
        problems.append(("timezone", reason))
    if (window_start is None) != (window_end is None):
        problems.append(("window_end" if window_end is None else "window_start", "give both ends of the window"))
    elif window_start is not None and window_start == window_end:
        problems.append(("window_end", "must differ from window_start"))
    if proof_min_length < 0:
        problems.append(("proof_min_length", "must not be negative"))
    if proof_kind is ProofKind.TEXT and proof_min_length < 1:
        problems.append(("proof_min_length", "a text proof needs a minimum length of at least 1"))
    if not [k for k in keywords if k.strip()]:
        problems.append(("keywords", "give at least one check-in keyword"))
    if makeup_count < 0:
        problems.append(("makeup_count", "must not be negative"))
    if makeup_days_back < 0:
        problems.append(("makeup_days_back", "must not be negative"))
    if makeup_count > 0 and makeup_days_back < 1:
        problems.append(("makeup_days_back", "makeups need at least 1 day back"))
    if not 0 <= allowed_misses < max(days, 1):
        problems.append(("allowed_misses", "must be at least 0 and fewer than the days"))
    if capacity is not None and capacity < 1:
        problems.append(("capacity", "must be at least 1"))
    if enroll_opens_at is not None and enroll_closes_at is not None and enroll_closes_at <= enroll_opens_at:
        problems.append(("enroll_closes_at", "must be after enroll_opens_at"))
    if stake_amount is not None:
        if stake_amount < 1:
            problems.append(("stake_amount", "must be at least 1 (minor units)"))
        if currency is None or len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            problems.append(("currency", "a deposit needs an ISO 4217 currency code like CNY"))
    if not 0 <= appeal_window_hours <= 24 * 14:
        problems.append(("appeal_window_hours", "must be between 0 and 336"))
    return problems


@dataclass(frozen=True)
class Proof:
    text: str = ""
    photo_urls: tuple[str, ...] = ()


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def has_keyword(text: str, keywords: Iterable[str]) -> bool:
    folded = _normalized(text)
    return any(_normalized(k) in folded for k in keywords if k.strip())


def proof_problem(proof: Proof, *, kind: ProofKind, min_length: int, keywords: Sequence[str]) -> tuple[str, str] | None:
    """(field, reason) when the proof does not count, else None."""
    if kind is ProofKind.PHOTO and not proof.photo_urls:
        return ("photo_urls", "this challenge needs a photo as proof")
    if kind is ProofKind.TEXT and len(proof.text.strip()) < min_length:
        return ("text", f"this challenge needs at least {min_length} characters of text")
    if kind is ProofKind.KEYWORD and not has_keyword(proof.text, keywords):
        return ("text", "this challenge needs one of its keywords: " + ", ".join(keywords))
    return None


def makeup_problem(*, day: int, today: int, days: int, allowed: int, used: int, days_back: int) -> str | None:
    """Why a makeup check-in for ``day`` is refused on calendar day ``today``, or None."""
    if not 1 <= day <= days:
        return f"the challenge has days 1 to {days}"
    if day >= today:
        return "a makeup is for a day that has passed"
    if allowed == 0:
        return "this challenge allows no makeup check-ins"
    if used >= allowed:
        return f"all {allowed} makeup check-ins are used"
    if today - day > days_back:
        return f"a makeup reaches back at most {days_back} days"
    return None


def streaks(done: Iterable[int], *, through: int) -> tuple[int, int]:
    """(current, best) runs of consecutive done days; the current run ends at ``through`` or the day before
    (today's check-in may still come)."""
    days = sorted(set(done))
    best = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day == previous + 1 else 1
        best = max(best, run)
        previous = day
    current = run if previous is not None and previous >= through - 1 else 0
    return current, best


@dataclass(frozen=True)
class Progress:
    """Where an enrollment stands once a day more counts."""

    days_done: int
    last_checkin_day: int
    streak: int
    best_streak: int
    completed: bool


def progress(done: Iterable[int], *, today: int, days: int) -> Progress:
    """The counters and streaks of the days that count (``done``) on calendar day ``today``; completed when
    every day of the challenge counts."""
    counted = sorted(set(done))
    streak, best = streaks(counted, through=min(today, days))
    return Progress(
        days_done=len(counted),
        last_checkin_day=counted[-1],
        streak=streak,
        best_streak=best,
        completed=len(counted) == days,
    )


def outcome(*, days: int, done: int, allowed_misses: int) -> EnrollmentStatus:
    """Completed when at most ``allowed_misses`` days were neither checked in, made up nor excused."""
    return EnrollmentStatus.COMPLETED if days - done <= allowed_misses else EnrollmentStatus.FAILED


def finalize_at(schedule: Schedule, *, makeup_count: int, makeup_days_back: int, appeal_window_hours: int) -> datetime:
    """When nothing can change an enrollment any more: makeups and appeals of the last days are over."""
    appeals_end = schedule.closes_at + timedelta(hours=appeal_window_hours)
    if makeup_count == 0:
        return appeals_end
    return max(appeals_end, schedule.calendar_day_starts(schedule.days + makeup_days_back + 1))
