"""Mutations of check-in challenges; each returns its payload or a user error (a refused check-in is a
`ConflictError` whose `code` says why: checkin_window_closed, checkin_already_recorded, makeup_refused, ...)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.gamification.challenge import CheckedInRead, EnrollmentRead, MissedDayRead
from gateway.schema.challenge.types import Challenge, ChallengeEnrollment, Checkin, MissedDay
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.member.known import for_known_member
from gateway.schema.payloads import ADDRESSING, body_of, payload
from gateway.schema.scalars import Int64

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError

COMMUNITY = "The community the challenge belongs to."
CHALLENGE = "The challenge, by its id (chl_…)."
MEMBER = "The member, by their id (mbr_…) in the community."


@strawberry.enum(description="What makes a check-in count.")
class ChallengeProofKind(Enum):
    KEYWORD = strawberry.enum_value("keyword", description="A message with one of the challenge's keywords.")
    TEXT = strawberry.enum_value("text", description="A text of at least `proofMinLength` characters.")
    PHOTO = strawberry.enum_value("photo", description="At least one photo.")


@strawberry.enum(description="What a review does with an appealed missed day.")
class AppealDecision(Enum):
    EXCUSE = strawberry.enum_value("excuse", description="The day counts as done.")
    REJECT = strawberry.enum_value("reject", description="The day stays missed.")


@strawberry.input(description="A check-in challenge: its days, daily window, proof, makeup and enrollment rules.")
class CreateChallengeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    name: str = strawberry.field(description="What members see, 1 to 100 characters.")
    start_date: date = strawberry.field(description="The first day, in the challenge's time zone.")
    days: int = strawberry.field(description="How many consecutive days, 1 to 366, e.g. 21.")
    timezone: str = strawberry.field(description="IANA time zone the days are counted in, e.g. Asia/Shanghai.")
    description: str = strawberry.field(default="", description="Longer text for members, at most 2000 characters.")
    window_start: time | None = strawberry.field(
        default=None,
        description="Local time check-ins open each day, e.g. 05:00. Give both ends or neither; null: all day.",
    )
    window_end: time | None = strawberry.field(
        default=None, description="Local time check-ins close each day; before `windowStart`: runs past midnight."
    )
    proof_kind: ChallengeProofKind = strawberry.field(
        default=ChallengeProofKind.KEYWORD, description="What makes a check-in count."
    )
    proof_min_length: int = strawberry.field(
        default=0, description="Characters of text a TEXT proof needs (at least 1 for TEXT)."
    )
    keywords: list[str] | None = strawberry.field(
        default=None,
        description='Words that make a chat message a check-in, at most 20; null: the default ["打卡"].',
    )
    makeup_count: int = strawberry.field(default=0, description="Makeup check-ins (补卡) each member may use.")
    makeup_days_back: int = strawberry.field(
        default=0, description="How many days back a makeup may reach; at least 1 when `makeupCount` is above 0."
    )
    allowed_misses: int = strawberry.field(
        default=0, description="Days a member may miss and still complete; fewer than `days`."
    )
    enroll_opens_at: datetime | None = strawberry.field(
        default=None, description="When enrolling opens, with a time zone; null: at once."
    )
    enroll_closes_at: datetime | None = strawberry.field(
        default=None, description="When enrolling closes, with a time zone; null: when day 1's window closes."
    )
    capacity: int | None = strawberry.field(default=None, description="At most this many members; null: no limit.")
    tier_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only members of these tiers may enroll, at most 50; null or empty: any member."
    )
    appeal_window_hours: int = strawberry.field(
        default=24, description="Hours after a missed day in which it may be appealed, 0 to 336."
    )
    stake_amount: Int64 | None = strawberry.field(
        default=None,
        description="A deposit challenge: the stake each member pays, in minor units (fen, cents); null: none.",
    )
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217 code of the stake, e.g. CNY; needed with `stakeAmount`."
    )
    platform_fee_bps: int = strawberry.field(
        default=0, description="The fee taken from the forfeited pool, in basis points (100 = 1%)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key returns the first challenge instead of a second one."
    )


@strawberry.type(description="A challenge was created (or, retried with its idempotency key, found).")
class CreateChallengeSuccess:
    challenge: Challenge = strawberry.field(description="The challenge as defined, defaults filled in.")


@strawberry.input(description="A member to enroll in a challenge.")
class EnrollInChallengeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    challenge_id: strawberry.ID = strawberry.field(description=CHALLENGE)
    member_id: strawberry.ID = strawberry.field(description=MEMBER)


@strawberry.input(description="A member to withdraw from a challenge that has not started.")
class WithdrawFromChallengeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    challenge_id: strawberry.ID = strawberry.field(description=CHALLENGE)
    member_id: strawberry.ID = strawberry.field(description=MEMBER)


@strawberry.type(description="A member was enrolled in or withdrawn from a challenge.")
class EnrollmentSuccess:
    enrollment: ChallengeEnrollment = strawberry.field(description="The member's enrollment after the change.")


@strawberry.input(description="A check-in and its proof; the challenge's `proofKind` says which proof counts.")
class CheckInInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    challenge_id: strawberry.ID = strawberry.field(description=CHALLENGE)
    member_id: strawberry.ID = strawberry.field(description=MEMBER)
    text: str = strawberry.field(
        default="", description="The proof's text, at most 4000 characters: a keyword or a TEXT proof."
    )
    photo_urls: list[str] = strawberry.field(
        default_factory=list, description="URLs of the proof's photos, at most 9: a PHOTO proof."
    )
    day: int | None = strawberry.field(
        default=None, description="A makeup (补卡) for this earlier challenge day, from 1; null: the day open now."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with it returns the first answer; without it a retry is refused."
    )


@strawberry.type(description="A check-in counted: the check-in and the enrollment's counters and streaks with it.")
class CheckInSuccess:
    checkin: Checkin = strawberry.field(description="The check-in recorded.")
    enrollment: ChallengeEnrollment = strawberry.field(description="The member's enrollment with it counted.")


@strawberry.input(description="An appeal to excuse a missed day, within the challenge's appeal window.")
class AppealMissedDayInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    challenge_id: strawberry.ID = strawberry.field(description=CHALLENGE)
    member_id: strawberry.ID = strawberry.field(description=MEMBER)
    day: int = strawberry.field(description="The challenge day missed, from 1.")
    reason: str = strawberry.field(description="Why the day should be excused, 1 to 2000 characters.")


@strawberry.input(description="A decision on an appealed missed day.")
class ReviewAppealInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    missed_day_id: strawberry.ID = strawberry.field(description="The appealed missed day, by its id.")
    decision: AppealDecision = strawberry.field(description="EXCUSE counts the day as done; REJECT keeps it missed.")
    reviewer_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member who reviewed it, recorded on the day; null: none is recorded."
    )
    note: str | None = strawberry.field(default=None, description="Why, kept on the day as `reviewNote`.")


@strawberry.type(description="A missed day was appealed or its appeal reviewed.")
class MissedDaySuccess:
    missed_day: MissedDay = strawberry.field(description="The missed day after the change.")


CreateChallengePayload = Annotated[CreateChallengeSuccess | Errors, strawberry.union("CreateChallengePayload")]
EnrollInChallengePayload = Annotated[EnrollmentSuccess | Errors, strawberry.union("EnrollInChallengePayload")]
WithdrawFromChallengePayload = Annotated[EnrollmentSuccess | Errors, strawberry.union("WithdrawFromChallengePayload")]
CheckInPayload = Annotated[CheckInSuccess | Errors, strawberry.union("CheckInPayload")]
AppealMissedDayPayload = Annotated[MissedDaySuccess | Errors, strawberry.union("AppealMissedDayPayload")]
ReviewAppealPayload = Annotated[MissedDaySuccess | Errors, strawberry.union("ReviewAppealPayload")]

# Fields of an input that name the challenge and the member in the path, not in the body.
_IN_PATH = ADDRESSING | {"challenge_id"}


def _enrollment(dto: EnrollmentRead) -> EnrollmentSuccess:
    return EnrollmentSuccess(enrollment=ChallengeEnrollment.from_dto(dto))


def _checked_in(dto: CheckedInRead) -> CheckInSuccess:
    return CheckInSuccess(
        checkin=Checkin.from_dto(dto.checkin), enrollment=ChallengeEnrollment.from_dto(dto.enrollment)
    )


def _missed_day(dto: MissedDayRead) -> MissedDaySuccess:
    return MissedDaySuccess(missed_day=MissedDay.from_dto(dto))


@strawberry.type
class ChallengeMutation:
    @strawberry.mutation(description="Define a check-in challenge: its days, daily window, proof and makeup rules.")
    async def create_challenge(self, info: Info[Context, None], input: CreateChallengeInput) -> CreateChallengePayload:
        cid = str(input.community_id)
        # Keywords left out (or null) are the service's default keywords; no tiers is any member.
        body = body_of(
            input,
            leave_out=ADDRESSING if input.keywords is not None else ADDRESSING | {"keywords"},
            tier_ids=list(input.tier_ids or ()),
        )
        call = info.context.gamification.create_challenge(cid, body, idempotency_key=input.idempotency_key)
        return await payload(
            call, lambda dto: CreateChallengeSuccess(challenge=Challenge.from_dto(dto, community_id=cid))
        )

    @strawberry.mutation(description="Enroll a member; enrolling again returns the enrollment there is.")
    async def enroll_in_challenge(
        self, info: Info[Context, None], input: EnrollInChallengeInput
    ) -> EnrollInChallengePayload:
        cid, mid = str(input.community_id), str(input.member_id)
        call = for_known_member(
            info.context, cid, mid, lambda: info.context.gamification.enroll(cid, str(input.challenge_id), mid)
        )
        return await payload(call, _enrollment)

    @strawberry.mutation(
        description="Withdraw a member before the challenge starts; a stake they put down becomes payable back."
    )
    async def withdraw_from_challenge(
        self, info: Info[Context, None], input: WithdrawFromChallengeInput
    ) -> WithdrawFromChallengePayload:
        call = info.context.gamification.withdraw(
            str(input.community_id), str(input.challenge_id), str(input.member_id)
        )
        return await payload(call, _enrollment)

    @strawberry.mutation(description="Check a member in (打卡) for today's open day, or for an earlier `day` (补卡).")
    async def check_in(self, info: Info[Context, None], input: CheckInInput) -> CheckInPayload:
        cid, mid = str(input.community_id), str(input.member_id)
        call = for_known_member(
            info.context,
            cid,
            mid,
            lambda: info.context.gamification.check_in(
                cid, str(input.challenge_id), body_of(input, leave_out=_IN_PATH), idempotency_key=input.idempotency_key
            ),
        )
        return await payload(call, _checked_in)

    @strawberry.mutation(description="Ask to excuse a missed day, within the challenge's appeal window.")
    async def appeal_missed_day(self, info: Info[Context, None], input: AppealMissedDayInput) -> AppealMissedDayPayload:
        body = body_of(input, leave_out=_IN_PATH)
        return await payload(
            info.context.gamification.appeal(str(input.community_id), str(input.challenge_id), body), _missed_day
        )

    @strawberry.mutation(description="Excuse an appealed day (it counts as done) or reject the appeal.")
    async def review_appeal(self, info: Info[Context, None], input: ReviewAppealInput) -> ReviewAppealPayload:
        call = info.context.gamification.review_appeal(
            str(input.community_id),
            str(input.missed_day_id),
            decision="excuse" if input.decision is AppealDecision.EXCUSE else "reject",
            reviewer_member_id=str(input.reviewer_member_id) if input.reviewer_member_id else None,
            note=input.note,
        )
        return await payload(call, _missed_day)
