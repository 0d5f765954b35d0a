"""GraphQL types of check-in challenges, enrollments, check-ins and missed days, built from the contract's models."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.gamification.challenge import ChallengeRead, CheckinRead, EnrollmentRead, MissedDayRead
from gateway.schema.context import Context
from gateway.schema.relay import Connection
from gateway.schema.scalars import Int64

# The paging arguments of every list of a challenge.
First = Annotated[int, strawberry.argument(description="How many items to return, 1 to 200.")]
After = Annotated[
    str | None, strawberry.argument(description="A cursor from this list (`pageInfo.endCursor`): read what follows it.")
]


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value is not None else None


@strawberry.type(description="A member's place in a challenge: days done, streaks, makeups used, the outcome.")
class ChallengeEnrollment:
    id: strawberry.ID
    community_id: strawberry.ID
    challenge_id: strawberry.ID = strawberry.field(description="The challenge enrolled in (chl_…).")
    member_id: strawberry.ID = strawberry.field(description="The member enrolled (mbr_…).")
    status: str = strawberry.field(
        description="pending (a deposit challenge waiting for `confirmStake`), active, completed, failed or withdrawn"
    )
    days_done: int = strawberry.field(description="Challenge days that count so far: checked in, made up or excused.")
    makeups_used: int = strawberry.field(description="Makeup check-ins (补卡) used, of the challenge's `makeupCount`.")
    missed_days: int = strawberry.field(description="Closed days without a check-in, not made up or excused.")
    streak: int = strawberry.field(description="Consecutive days checked in up to the last one recorded.")
    best_streak: int = strawberry.field(description="The longest run of consecutive days that counted.")
    last_checkin_day: int | None = strawberry.field(
        description="The latest challenge day that counts, from 1; null: none yet."
    )
    stake_amount: Int64 | None = strawberry.field(
        description="The stake a deposit challenge asked of this member, in minor units (fen, cents); null: none."
    )
    created_at: datetime = strawberry.field(description="When the member enrolled.")
    decided_at: datetime | None = strawberry.field(
        description="When it became completed, failed or withdrawn; null: still pending or active."
    )

    @strawberry.field(description="The challenge this enrollment is in.")
    async def challenge(self, info: Info[Context, None]) -> Challenge | None:
        dto = await info.context.loaders.challenge.load((str(self.community_id), str(self.challenge_id)))
        return Challenge.from_dto(dto, community_id=str(self.community_id)) if dto is not None else None

    @classmethod
    def from_dto(cls, dto: EnrollmentRead) -> ChallengeEnrollment:
        return cls(
            id=strawberry.ID(dto.id),
            community_id=strawberry.ID(dto.community_id),
            challenge_id=strawberry.ID(dto.challenge_id),
            member_id=strawberry.ID(dto.member_id),
            status=dto.status,
            days_done=dto.days_done,
            makeups_used=dto.makeups_used,
            missed_days=dto.missed_days,
            streak=dto.streak,
            best_streak=dto.best_streak,
            last_checkin_day=dto.last_checkin_day,
            stake_amount=dto.stake_amount,
            created_at=dto.created_at,
            decided_at=dto.decided_at,
        )


@strawberry.type(description="One check-in (打卡) for one challenge day, or a makeup (补卡) of an earlier day.")
class Checkin:
    id: strawberry.ID = strawberry.field(description="The check-in's id (chk_…).")
    challenge_id: strawberry.ID = strawberry.field(description="The challenge checked in to.")
    enrollment_id: strawberry.ID = strawberry.field(description="The enrollment it counts for.")
    member_id: strawberry.ID = strawberry.field(description="The member who checked in.")
    day: int = strawberry.field(description="The challenge day, from 1.")
    local_date: date = strawberry.field(description="That day's date in the challenge's time zone.")
    makeup: bool = strawberry.field(description="true: a makeup (补卡) of a passed day, one of the member's makeups.")
    channel: str = strawberry.field(
        description="api (the `checkIn` mutation) or chat (a chat message with one of the keywords)"
    )
    text: str = strawberry.field(description="The proof's text as sent; empty when there was none.")
    photo_urls: list[str] = strawberry.field(description="URLs of the proof's photos; empty when there were none.")
    checked_in_at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_dto(cls, dto: CheckinRead) -> Checkin:
        return cls(
            id=strawberry.ID(dto.id),
            challenge_id=strawberry.ID(dto.challenge_id),
            enrollment_id=strawberry.ID(dto.enrollment_id),
            member_id=strawberry.ID(dto.member_id),
            day=dto.day,
            local_date=dto.local_date,
            makeup=dto.makeup,
            channel=dto.channel,
            text=dto.text,
            photo_urls=dto.photo_urls,
            checked_in_at=dto.checked_in_at,
        )


@strawberry.type(description="A challenge day a member missed; it may be appealed within the appeal window.")
class MissedDay:
    id: strawberry.ID
    challenge_id: strawberry.ID = strawberry.field(description="The challenge the day belongs to.")
    enrollment_id: strawberry.ID = strawberry.field(description="The enrollment that missed it.")
    member_id: strawberry.ID = strawberry.field(description="The member who missed it.")
    day: int = strawberry.field(description="The challenge day missed, from 1.")
    local_date: date = strawberry.field(description="That day's date in the challenge's time zone.")
    status: str = strawberry.field(
        description="missed, appealed (awaiting review), excused (counts as done), rejected, or made_up (by a 补卡)"
    )
    appeal_until: datetime = strawberry.field(
        description="The last moment to appeal: the day's window close plus the challenge's `appealWindowHours`."
    )
    appeal_reason: str | None = strawberry.field(description="Why the member asked to excuse it; null: not appealed.")
    appealed_at: datetime | None = strawberry.field(description="When it was appealed; null: not appealed.")
    reviewed_by: strawberry.ID | None = strawberry.field(
        description="The member who reviewed the appeal; null: not reviewed, or no reviewer recorded."
    )
    review_note: str | None = strawberry.field(
        description="The reviewer's note; `not reviewed in time` when an unreviewed appeal lapsed (rejected)."
    )
    reviewed_at: datetime | None = strawberry.field(description="When the appeal was decided; null: not yet.")
    missed_at: datetime = strawberry.field(description="When the day's window closed without a check-in.")

    @classmethod
    def from_dto(cls, dto: MissedDayRead) -> MissedDay:
        return cls(
            id=strawberry.ID(dto.id),
            challenge_id=strawberry.ID(dto.challenge_id),
            enrollment_id=strawberry.ID(dto.enrollment_id),
            member_id=strawberry.ID(dto.member_id),
            day=dto.day,
            local_date=dto.local_date,
            status=dto.status,
            appeal_until=dto.appeal_until,
            appeal_reason=dto.appeal_reason,
            appealed_at=dto.appealed_at,
            reviewed_by=_id(dto.reviewed_by),
            review_note=dto.review_note,
            reviewed_at=dto.reviewed_at,
            missed_at=dto.missed_at,
        )


@strawberry.type(description="A check-in challenge: consecutive days in its own time zone, each with a window.")
class Challenge:
    id: strawberry.ID
    community_id: strawberry.ID
    name: str = strawberry.field(description="What members see, 1 to 100 characters.")
    description: str = strawberry.field(description="Longer text for members; may be empty.")
    start_date: date = strawberry.field(description="The date of day 1, in the challenge's time zone.")
    days: int = strawberry.field(description="How many consecutive days it runs, 1 to 366; day N is startDate + N - 1.")
    timezone: str = strawberry.field(description="IANA time zone the days and windows are counted in.")
    window_start: time | None = strawberry.field(description="Local time check-ins open each day; null: all day.")
    window_end: time | None = strawberry.field(description="Local time they close; before the start: past midnight.")
    proof_kind: str = strawberry.field(description="keyword, text or photo: what makes a check-in count")
    proof_min_length: int = strawberry.field(description="Characters of text a text proof needs.")
    keywords: list[str] = strawberry.field(description='Words that make a chat message a check-in, e.g. "打卡".')
    makeup_count: int = strawberry.field(description="Makeup check-ins (补卡) of passed days each member may use.")
    makeup_days_back: int = strawberry.field(description="How many days back from today a makeup may reach.")
    allowed_misses: int = strawberry.field(description="Days a member may leave undone and still complete.")
    enroll_opens_at: datetime | None = strawberry.field(description="When enrolling opens; null: from creation.")
    enroll_closes_at: datetime = strawberry.field(
        description="When enrolling closes; unless set, when day 1's window closes."
    )
    capacity: int | None = strawberry.field(description="At most this many members; null: no limit.")
    enrolled_count: int = strawberry.field(description="Places taken: members enrolled and not withdrawn.")
    tier_ids: list[strawberry.ID] = strawberry.field(
        description="Only members of these tiers may enroll; empty: any member."
    )
    stake_amount: Int64 | None = strawberry.field(
        description="A deposit challenge's stake per member, in minor units (fen, cents); null: no deposit."
    )
    currency: str | None = strawberry.field(description="ISO 4217 code of the stake, e.g. CNY; null: no deposit.")
    platform_fee_bps: int = strawberry.field(
        description="The fee taken from the forfeited pool, in basis points (100 = 1%)."
    )
    appeal_window_hours: int = strawberry.field(
        description="Hours after a day's window closes in which a miss of it may be appealed."
    )
    rolled_through_day: int = strawberry.field(
        description="The last closed day whose misses are recorded; 0: none yet."
    )
    finalized_at: datetime | None = strawberry.field(
        description="When every enrollment was decided and the deposits settled; null: not yet."
    )
    created_at: datetime

    @classmethod
    def from_dto(cls, dto: ChallengeRead, *, community_id: str) -> Challenge:
        return cls(
            id=strawberry.ID(dto.id),
            community_id=strawberry.ID(community_id),
            name=dto.name,
            description=dto.description,
            start_date=dto.start_date,
            days=dto.days,
            timezone=dto.timezone,
            window_start=dto.window_start,
            window_end=dto.window_end,
            proof_kind=dto.proof_kind,
            proof_min_length=dto.proof_min_length,
            keywords=dto.keywords,
            makeup_count=dto.makeup_count,
            makeup_days_back=dto.makeup_days_back,
            allowed_misses=dto.allowed_misses,
            enroll_opens_at=dto.enroll_opens_at,
            enroll_closes_at=dto.enroll_closes_at,
            capacity=dto.capacity,
            enrolled_count=dto.enrolled_count,
            tier_ids=[strawberry.ID(t) for t in dto.tier_ids],
            stake_amount=dto.stake_amount,
            currency=dto.currency,
            platform_fee_bps=dto.platform_fee_bps,
            appeal_window_hours=dto.appeal_window_hours,
            rolled_through_day=dto.rolled_through_day,
            finalized_at=dto.finalized_at,
            created_at=dto.created_at,
        )

    @strawberry.field(description="Enrollments in id order, a page at a time; filter by status.")
    async def enrollments(
        self,
        info: Info[Context, None],
        first: First = 50,
        after: After = None,
        status: Annotated[
            str | None,
            strawberry.argument(
                description="Only enrollments in this status: pending, active, completed, failed, withdrawn."
            ),
        ] = None,
    ) -> Connection[ChallengeEnrollment]:
        page = await info.context.gamification.enrollments(
            str(self.community_id), str(self.id), first=first, after=after, status=status
        )
        enrollments = [ChallengeEnrollment.from_dto(row) for row in page.items]
        return Connection.of(enrollments, next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Check-ins in id order, a page at a time; filter by member or day.")
    async def checkins(
        self,
        info: Info[Context, None],
        first: First = 50,
        after: After = None,
        member_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this member's.")] = None,
        day: Annotated[
            int | None, strawberry.argument(description="Only those for this challenge day, from 1.")
        ] = None,
    ) -> Connection[Checkin]:
        page = await info.context.gamification.checkins(
            str(self.community_id),
            str(self.id),
            first=first,
            after=after,
            member_id=str(member_id) if member_id is not None else None,
            day=day,
        )
        return Connection.of([Checkin.from_dto(row) for row in page.items], next_cursor=page.next_cursor, after=after)

    @strawberry.field(
        description='Missed days in id order, a page at a time; `status: "appealed"` is the review queue.'
    )
    async def missed_days(
        self,
        info: Info[Context, None],
        first: First = 50,
        after: After = None,
        status: Annotated[
            str | None,
            strawberry.argument(
                description="Only missed days in this status: missed, appealed, excused, rejected, made_up."
            ),
        ] = None,
        member_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this member's.")] = None,
    ) -> Connection[MissedDay]:
        page = await info.context.gamification.missed_days(
            str(self.community_id),
            str(self.id),
            first=first,
            after=after,
            status=status,
            member_id=str(member_id) if member_id is not None else None,
        )
        missed = [MissedDay.from_dto(row) for row in page.items]
        return Connection.of(missed, next_cursor=page.next_cursor, after=after)


async def member_enrollments(info: Info[Context, None], community_id: str, member_id: str) -> list[ChallengeEnrollment]:
    """A member's enrollments in every challenge of the community, batched across the members of a page."""
    rows = await info.context.loaders.member_enrollments.load((community_id, member_id))
    return [ChallengeEnrollment.from_dto(row) for row in rows]
