"""The check-in's own statements: the morning storm runs them for every member (ADR 0024).

Built once and run on the driver. On PostgreSQL a check-in is two statements besides its transaction and the
Idempotency-Key: one reads the challenge, the locked enrollment and the days that count; one writes the
check-in, the enrollment's progress and the events together, the last two only if the check-in went in.
Other databases run the same steps one statement each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, exists, func, literal, select, type_coerce, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.types import JSON
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.driver import DriverStatement
from kit.events.outbox import Emission, count_emitted, emit_many, outbox_rows
from kit.rows import detached
from kit.tables import outbox
from services.gamification.models.challenge import Challenge, Checkin, Enrollment, MissedDay

CHALLENGE = Challenge.__table__  # type: ignore[attr-defined]
ENROLLMENT = Enrollment.__table__  # type: ignore[attr-defined]
CHECKIN = Checkin.__table__  # type: ignore[attr-defined]
MISSED = MissedDay.__table__  # type: ignore[attr-defined]

ENROLLMENT_KEYS = tuple(column.key for column in ENROLLMENT.c)
CHALLENGE_KEYS = tuple(column.key for column in CHALLENGE.c)
# What a check-in changes on its enrollment.
PROGRESS_KEYS = (
    "days_done",
    "makeups_used",
    "missed_days",
    "streak",
    "best_streak",
    "last_checkin_day",
    "status",
    "decided_at",
)
OUTBOX_KEYS = ("event_id", "stream", "type", "community_id", "envelope", "created_at")


@dataclass
class CountedDays:
    """An enrollment's check-ins by day, (id, source), and its excused days."""

    checkins: dict[int, tuple[str, str]] = field(default_factory=dict)
    excused: list[int] = field(default_factory=list)

    def done(self) -> list[int]:
        return sorted([*self.checkins, *self.excused])

    def by_source(self, source: str) -> str | None:
        return next((checkin_id for checkin_id, s in self.checkins.values() if s == source), None)


@dataclass(frozen=True)
class Locked:
    """The member's enrollment (locked until the transaction ends) and its challenge, read outside the session
    (nothing tracks them: ``record`` writes the enrollment's progress), and the days that count."""

    enrollment: Enrollment
    challenge: Challenge
    counted: CountedDays


_ENROLLMENT_IS = (
    CHALLENGE.c.community_id == bindparam("b_community"),
    CHALLENGE.c.id == bindparam("b_challenge"),
    ENROLLMENT.c.member_id == bindparam("b_member"),
)
_ENROLLMENT_WITH_CHALLENGE = (
    select(*ENROLLMENT.c, *CHALLENGE.c)
    .join(CHALLENGE, CHALLENGE.c.id == ENROLLMENT.c.challenge_id)
    .where(*_ENROLLMENT_IS)
)
_CHECKINS_OF_ENROLLMENT = (
    select(func.json_agg(func.json_build_array(CHECKIN.c.day, CHECKIN.c.id, CHECKIN.c.source)))
    .where(CHECKIN.c.enrollment_id == ENROLLMENT.c.id)
    .scalar_subquery()
)
_EXCUSED_OF_ENROLLMENT = (
    select(func.json_agg(MISSED.c.day))
    .where(MISSED.c.enrollment_id == ENROLLMENT.c.id, MISSED.c.status == "excused")
    .scalar_subquery()
)
# PostgreSQL: the counted days ride along with the locked read. They are read in the statement's snapshot, which
# predates the lock when the statement waited for it; ``locked`` reads them again when they disagree with the
# enrollment's days_done, which the lock does bring up to date.
_LOCKED_WITH_DAYS = DriverStatement(
    _ENROLLMENT_WITH_CHALLENGE.add_columns(
        type_coerce(_CHECKINS_OF_ENROLLMENT, JSON), type_coerce(_EXCUSED_OF_ENROLLMENT, JSON)
    ).with_for_update(of=ENROLLMENT)
)
_LOCKED = DriverStatement(_ENROLLMENT_WITH_CHALLENGE.with_for_update(of=ENROLLMENT))
_COUNTED_DAYS = DriverStatement(
    union_all(
        select(CHECKIN.c.day, CHECKIN.c.id, CHECKIN.c.source).where(
            CHECKIN.c.enrollment_id == bindparam("b_enrollment")
        ),
        select(MISSED.c.day, literal(None).label("id"), literal(None).label("source")).where(
            MISSED.c.enrollment_id == bindparam("b_enrollment"), MISSED.c.status == "excused"
        ),
    )
)
_INSERT_CHECKIN = DriverStatement(
    pg_insert(CHECKIN).on_conflict_do_nothing().returning(CHECKIN.c.id),
    elsewhere=sqlite_insert(CHECKIN).on_conflict_do_nothing().returning(CHECKIN.c.id),
)
_SAVE_PROGRESS = DriverStatement(
    update(ENROLLMENT)
    .where(ENROLLMENT.c.id == bindparam("b_id"))
    .values({key: bindparam(f"p_{key}", type_=ENROLLMENT.c[key].type) for key in PROGRESS_KEYS})
)


def _record_statement(events: int) -> DriverStatement:
    """PostgreSQL: the check-in, and only if it went in, the enrollment's progress and ``events`` outbox rows."""
    checkin = (
        pg_insert(CHECKIN)
        .values({c.key: bindparam(f"c_{c.key}", type_=c.type) for c in CHECKIN.c})
        .on_conflict_do_nothing()
        .returning(CHECKIN.c.id)
        .cte("checkin_in")
    )
    went_in = exists(select(checkin.c.id))
    progress = (
        update(ENROLLMENT)
        .where(ENROLLMENT.c.id == bindparam("b_id"), went_in)
        .values({key: bindparam(f"p_{key}", type_=ENROLLMENT.c[key].type) for key in PROGRESS_KEYS})
        .returning(ENROLLMENT.c.id)
        .cte("progress")
    )
    rows = [
        select(*(bindparam(f"e{i}_{key}", type_=outbox.c[key].type) for key in OUTBOX_KEYS)).where(went_in)
        for i in range(events)
    ]
    emitted = (
        outbox.insert()
        .from_select(OUTBOX_KEYS, rows[0] if events == 1 else union_all(*rows))
        .returning(outbox.c.seq)
        .cte("emitted")
    )
    return DriverStatement(select(checkin.c.id).add_cte(progress, emitted))


_RECORD = {events: _record_statement(events) for events in (1, 2)}


class CheckinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    async def locked(self, community_id: str, challenge_id: str, member_id: str) -> Locked | None:
        params = {"b_community": community_id, "b_challenge": challenge_id, "b_member": member_id}
        row = await (_LOCKED_WITH_DAYS if self.postgres else _LOCKED).first(self.session, params)
        if row is None:
            return None
        split, end = len(ENROLLMENT_KEYS), len(ENROLLMENT_KEYS) + len(CHALLENGE_KEYS)
        enrollment = detached(Enrollment, dict(zip(ENROLLMENT_KEYS, row[:split], strict=True)))
        challenge = detached(Challenge, dict(zip(CHALLENGE_KEYS, row[split:end], strict=True)))
        counted = None
        if self.postgres:
            checkins, excused = row[end:]
            counted = CountedDays(
                checkins={day: (checkin_id, source) for day, checkin_id, source in checkins or ()},
                excused=list(excused or ()),
            )
            if len(counted.done()) != enrollment.days_done:
                counted = None  # read before the lock was ours
        if counted is None:
            counted = await self.counted_days(enrollment.id)
        return Locked(enrollment, challenge, counted)

    async def counted_days(self, enrollment_id: str) -> CountedDays:
        rows = await _COUNTED_DAYS.rows(self.session, {"b_enrollment": enrollment_id})
        counted = CountedDays()
        for day, checkin_id, source in rows:
            if checkin_id is None:
                counted.excused.append(day)
            else:
                counted.checkins[day] = (checkin_id, source)
        return counted

    async def record(self, checkin: Checkin, enrollment: Enrollment, emissions: Sequence[Emission]) -> bool:
        """Insert ``checkin`` unless its day (or source) already has one; if it went in, write the enrollment's
        progress and emit ``emissions`` with it. True when it went in."""
        progress = {f"p_{key}": getattr(enrollment, key) for key in PROGRESS_KEYS}
        if self.postgres and len(emissions) in _RECORD:
            events = outbox_rows(self.session, emissions)
            params: dict[str, Any] = {f"c_{key}": value for key, value in checkin.model_dump().items()}
            for i, event in enumerate(events):
                params.update({f"e{i}_{key}": event[key] for key in OUTBOX_KEYS})
            went_in = await _RECORD[len(emissions)].first(self.session, {**params, **progress, "b_id": enrollment.id})
            if went_in is not None:
                count_emitted(self.session, events)
            return went_in is not None
        if await _INSERT_CHECKIN.first(self.session, checkin.model_dump()) is None:
            return False
        await _SAVE_PROGRESS.rows(self.session, {**progress, "b_id": enrollment.id})
        await emit_many(self.session, emissions)
        return True
