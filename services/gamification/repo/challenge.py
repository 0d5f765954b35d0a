"""Statements over challenges, enrollments, check-ins and missed days, always scoped by community."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, case, exists, func, literal, update
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.ids import new_id
from services.gamification.domain.challenge import EnrollmentStatus
from services.gamification.models.challenge import Challenge, Checkin, Enrollment, MissedDay
from services.gamification.repo.ledger import insert_for

CHALLENGE = Challenge.__table__  # type: ignore[attr-defined]
ENROLLMENT = Enrollment.__table__  # type: ignore[attr-defined]
CHECKIN = Checkin.__table__  # type: ignore[attr-defined]
MISSED = MissedDay.__table__  # type: ignore[attr-defined]


class ChallengeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Challenge | Enrollment | Checkin | MissedDay) -> None:
        self.session.add(row)

    async def get(self, community_id: str, challenge_id: str) -> Challenge | None:
        query = select(Challenge).where(Challenge.community_id == community_id, Challenge.id == challenge_id)
        return (await self.session.exec(query)).first()

    async def page(self, community_id: str, *, after: str | None, limit: int) -> Sequence[Challenge]:
        query = select(Challenge).where(Challenge.community_id == community_id)
        if after is not None:
            query = query.where(col(Challenge.id) > after)
        return (await self.session.exec(query.order_by(col(Challenge.id)).limit(limit))).all()

    async def unfinished(self, community_id: str) -> Sequence[Challenge]:
        query = select(Challenge).where(Challenge.community_id == community_id, col(Challenge.finalized_at).is_(None))
        return (await self.session.exec(query.order_by(col(Challenge.id)))).all()

    async def take_seat(self, challenge_id: str) -> bool:
        """One more enrollment, unless the challenge is full."""
        connection = await self.session.connection()
        statement = (
            update(CHALLENGE)
            .where(
                CHALLENGE.c.id == challenge_id,
                CHALLENGE.c.capacity.is_(None) | (CHALLENGE.c.enrolled_count < CHALLENGE.c.capacity),
            )
            .values(enrolled_count=CHALLENGE.c.enrolled_count + 1)
            .returning(CHALLENGE.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def give_back_seat(self, challenge_id: str) -> None:
        connection = await self.session.connection()
        await connection.execute(
            update(CHALLENGE)
            .where(CHALLENGE.c.id == challenge_id)
            .values(enrolled_count=CHALLENGE.c.enrolled_count - 1)
        )

    async def enrollment_of(self, challenge_id: str, member_id: str, *, lock: bool = False) -> Enrollment | None:
        query = select(Enrollment).where(Enrollment.challenge_id == challenge_id, Enrollment.member_id == member_id)
        if lock:
            # Check-ins of one member serialize here, so counters and streaks see every earlier day.
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def enrollment(self, community_id: str, enrollment_id: str) -> Enrollment | None:
        query = select(Enrollment).where(Enrollment.community_id == community_id, Enrollment.id == enrollment_id)
        return (await self.session.exec(query)).first()

    async def enrollments(
        self, challenge_id: str, *, status: str | None, after: str | None, limit: int
    ) -> Sequence[Enrollment]:
        query = select(Enrollment).where(Enrollment.challenge_id == challenge_id)
        if status is not None:
            query = query.where(Enrollment.status == status)
        if after is not None:
            query = query.where(col(Enrollment.id) > after)
        return (await self.session.exec(query.order_by(col(Enrollment.id)).limit(limit))).all()

    async def staked_days_done(self, challenge_id: str) -> list[tuple[int, int, int]]:
        """(stake, days done, how many enrollments) over the enrollments whose stake was confirmed: the running
        figures of a deposit challenge in one grouped read, however many members it has."""
        staked = [EnrollmentStatus.ACTIVE.value, EnrollmentStatus.COMPLETED.value, EnrollmentStatus.FAILED.value]
        query = (
            core_select(ENROLLMENT.c.stake_amount, ENROLLMENT.c.days_done, func.count())
            .where(
                ENROLLMENT.c.challenge_id == challenge_id,
                ENROLLMENT.c.status.in_(staked),
                ENROLLMENT.c.stake_amount.is_not(None),
            )
            .group_by(ENROLLMENT.c.stake_amount, ENROLLMENT.c.days_done)
        )
        rows = (await (await self.session.connection()).execute(query)).all()
        return [(int(stake), int(done), int(count)) for stake, done, count in rows]

    async def enrollments_of_member(self, community_id: str, member_id: str) -> Sequence[Enrollment]:
        query = select(Enrollment).where(Enrollment.community_id == community_id, Enrollment.member_id == member_id)
        return (await self.session.exec(query.order_by(col(Enrollment.id)))).all()

    async def enrollments_of_members(self, community_id: str, member_ids: Sequence[str]) -> Sequence[Enrollment]:
        query = select(Enrollment).where(
            Enrollment.community_id == community_id, col(Enrollment.member_id).in_(member_ids)
        )
        return (await self.session.exec(query.order_by(col(Enrollment.id)))).all()

    async def active_challenges_of(
        self, community_id: str, member_ids: Sequence[str]
    ) -> Sequence[tuple[Enrollment, Challenge]]:
        query = (
            select(Enrollment, Challenge)
            .join(Challenge, col(Challenge.id) == col(Enrollment.challenge_id))
            .where(
                Enrollment.community_id == community_id,
                col(Enrollment.member_id).in_(member_ids),
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
            .order_by(col(Challenge.id))
        )
        return (await self.session.exec(query)).all()

    async def checkin_by_source(self, community_id: str, source: str) -> Checkin | None:
        query = select(Checkin).where(Checkin.community_id == community_id, Checkin.source == source)
        return (await self.session.exec(query)).first()

    async def checkins(
        self, challenge_id: str, *, member_id: str | None, day: int | None, after: str | None, limit: int
    ) -> Sequence[Checkin]:
        query = select(Checkin).where(Checkin.challenge_id == challenge_id)
        if member_id is not None:
            query = query.where(Checkin.member_id == member_id)
        if day is not None:
            query = query.where(Checkin.day == day)
        if after is not None:
            query = query.where(col(Checkin.id) > after)
        return (await self.session.exec(query.order_by(col(Checkin.id)).limit(limit))).all()

    async def done_days(self, enrollment_id: str) -> list[int]:
        """Days that count: checked in, or excused."""
        checked = select(Checkin.day).where(Checkin.enrollment_id == enrollment_id)
        excused = select(MissedDay.day).where(MissedDay.enrollment_id == enrollment_id, MissedDay.status == "excused")
        days = list((await self.session.exec(checked)).all()) + list((await self.session.exec(excused)).all())
        return sorted(days)

    async def missed_day(self, enrollment_id: str, day: int) -> MissedDay | None:
        query = select(MissedDay).where(MissedDay.enrollment_id == enrollment_id, MissedDay.day == day)
        return (await self.session.exec(query)).first()

    async def missed_day_by_id(self, community_id: str, missed_day_id: str) -> MissedDay | None:
        query = select(MissedDay).where(MissedDay.community_id == community_id, MissedDay.id == missed_day_id)
        return (await self.session.exec(query)).first()

    async def missed_days(
        self, challenge_id: str, *, status: str | None, member_id: str | None, after: str | None, limit: int
    ) -> Sequence[MissedDay]:
        query = select(MissedDay).where(MissedDay.challenge_id == challenge_id)
        if status is not None:
            query = query.where(MissedDay.status == status)
        if member_id is not None:
            query = query.where(MissedDay.member_id == member_id)
        if after is not None:
            query = query.where(col(MissedDay.id) > after)
        return (await self.session.exec(query.order_by(col(MissedDay.id)).limit(limit))).all()

    async def open_appeals(self, challenge_id: str) -> int:
        query = select(MissedDay.id).where(MissedDay.challenge_id == challenge_id, MissedDay.status == "appealed")
        return len((await self.session.exec(query)).all())

    async def record_misses(
        self, challenge: Challenge, *, day: int, local_date: dt.date, appeal_until: dt.datetime, at: dt.datetime
    ) -> list[tuple[str, str]]:
        """Every active enrollment without a check-in on ``day`` gets a missed day: (enrollment id, member id)."""
        connection = await self.session.connection()
        no_checkin = ~exists().where(CHECKIN.c.enrollment_id == ENROLLMENT.c.id, CHECKIN.c.day == day)
        # In enrollment order: the missed days' ids (and so the review queue) and their events follow the order
        # members joined in, on every database, not the order a scan happened to find them.
        missing = (
            core_select(ENROLLMENT.c.id, ENROLLMENT.c.member_id)
            .where(
                ENROLLMENT.c.challenge_id == challenge.id, ENROLLMENT.c.status == EnrollmentStatus.ACTIVE, no_checkin
            )
            .order_by(ENROLLMENT.c.id)
        )
        rows = [(r.id, r.member_id) for r in (await connection.execute(missing)).all()]
        if not rows:
            return []
        values = [
            {
                "id": new_id("mis"),
                "community_id": challenge.community_id,
                "challenge_id": challenge.id,
                "enrollment_id": enrollment_id,
                "member_id": member_id,
                "day": day,
                "local_date": local_date,
                "status": "missed",
                "appeal_until": appeal_until,
                "missed_at": at,
            }
            for enrollment_id, member_id in rows
        ]
        inserted = await connection.execute(
            insert_for(connection)(MISSED).on_conflict_do_nothing().returning(MISSED.c.enrollment_id), values
        )
        fresh = {r.enrollment_id for r in inserted.all()}
        if fresh:
            await connection.execute(
                update(ENROLLMENT)
                .where(ENROLLMENT.c.id.in_(fresh))
                .values(missed_days=ENROLLMENT.c.missed_days + 1, streak=0)
            )
        return [(e, m) for e, m in rows if e in fresh]

    async def decide_outcomes(self, challenge: Challenge, *, at: dt.datetime) -> list[tuple[str, str, str, int]]:
        """Active enrollments become completed or failed; unconfirmed ones withdrawn. (id, member, status, done)."""
        connection = await self.session.connection()
        completed = literal(challenge.days) - ENROLLMENT.c.days_done <= challenge.allowed_misses
        outcome = case((completed, EnrollmentStatus.COMPLETED.value), else_=EnrollmentStatus.FAILED.value)
        decided = await connection.execute(
            update(ENROLLMENT)
            .where(and_(ENROLLMENT.c.challenge_id == challenge.id, ENROLLMENT.c.status == EnrollmentStatus.ACTIVE))
            .values(status=outcome, decided_at=at)
            .returning(ENROLLMENT.c.id, ENROLLMENT.c.member_id, ENROLLMENT.c.status, ENROLLMENT.c.days_done)
        )
        rows = [(r.id, r.member_id, r.status, r.days_done) for r in decided.all()]
        await connection.execute(
            update(ENROLLMENT)
            .where(ENROLLMENT.c.challenge_id == challenge.id, ENROLLMENT.c.status == EnrollmentStatus.PENDING)
            .values(status=EnrollmentStatus.WITHDRAWN.value, decided_at=at)
        )
        return sorted(rows)

    async def lapse_appeals(self, challenge_id: str, *, at: dt.datetime) -> None:
        connection = await self.session.connection()
        await connection.execute(
            update(MISSED)
            .where(MISSED.c.challenge_id == challenge_id, MISSED.c.status == "appealed")
            .values(status="rejected", review_note="not reviewed in time", reviewed_at=at)
        )
