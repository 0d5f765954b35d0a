"""Mutations of check-in challenges; each returns its payload or a user error (a refused check-in is a
`ConflictError` whose `code` says why: checkin_window_closed, checkin_already_recorded, makeup_refused, ...)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.challenge.types import Challenge, ChallengeEnrollment, Checkin, MissedDay
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.member.known import for_known_member
from gateway.schema.scalars import Int64

T = TypeVar("T")
Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.enum(description="What makes a check-in count.")
class ChallengeProofKind(Enum):
    KEYWORD = "keyword"
    TEXT = "text"
    PHOTO = "photo"


@strawberry.enum
class AppealDecision(Enum):
    EXCUSE = "excuse"
    REJECT = "reject"


@strawberry.input
class CreateChallengeInput:
    community_id: strawberry.ID
    name: str
    start_date: date = strawberry.field(description="The first day, in the challenge's time zone.")
    days: int
    timezone: str = strawberry.field(description="IANA time zone the days are counted in, e.g. Asia/Shanghai.")
    description: str = ""
    window_start: time | None = strawberry.field(default=None, description="e.g. 05:00; null with windowEnd: all day")
    window_end: time | None = strawberry.field(default=None, description="before windowStart: runs past midnight")
    proof_kind: ChallengeProofKind = ChallengeProofKind.KEYWORD
    proof_min_length: int = 0
    keywords: list[str] | None = strawberry.field(default=None, description='Chat keywords; default ["打卡"].')
    makeup_count: int = strawberry.field(default=0, description="Makeup check-ins (补卡) each member may use.")
    makeup_days_back: int = 0
    allowed_misses: int = 0
    enroll_opens_at: datetime | None = None
    enroll_closes_at: datetime | None = strawberry.field(default=None, description="Default: day 1's window close.")
    capacity: int | None = None
    tier_ids: list[strawberry.ID] | None = None
    appeal_window_hours: int = 24
    stake_amount: Int64 | None = strawberry.field(
        default=None, description="A deposit challenge: the stake, minor units."
    )
    currency: str | None = strawberry.field(default=None, description="ISO 4217 code of the stake.")
    platform_fee_bps: int = 0
    idempotency_key: str | None = None


@strawberry.type
class CreateChallengeSuccess:
    challenge: Challenge


@strawberry.input
class ChallengeMemberInput:
    community_id: strawberry.ID
    challenge_id: strawberry.ID
    member_id: strawberry.ID


@strawberry.type
class EnrollmentSuccess:
    enrollment: ChallengeEnrollment


@strawberry.input
class CheckInInput:
    community_id: strawberry.ID
    challenge_id: strawberry.ID
    member_id: strawberry.ID
    text: str = ""
    photo_urls: list[str] = strawberry.field(default_factory=list)
    day: int | None = strawberry.field(default=None, description="A makeup (补卡) for this earlier challenge day.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with it returns the first answer; without it a retry is refused."
    )


@strawberry.type
class CheckInSuccess:
    checkin: Checkin
    enrollment: ChallengeEnrollment


@strawberry.input
class AppealMissedDayInput:
    community_id: strawberry.ID
    challenge_id: strawberry.ID
    member_id: strawberry.ID
    day: int
    reason: str


@strawberry.input
class ReviewAppealInput:
    community_id: strawberry.ID
    missed_day_id: strawberry.ID
    decision: AppealDecision
    reviewer_member_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.type
class MissedDaySuccess:
    missed_day: MissedDay


CreateChallengePayload = Annotated[CreateChallengeSuccess | Errors, strawberry.union("CreateChallengePayload")]
EnrollInChallengePayload = Annotated[EnrollmentSuccess | Errors, strawberry.union("EnrollInChallengePayload")]
WithdrawFromChallengePayload = Annotated[EnrollmentSuccess | Errors, strawberry.union("WithdrawFromChallengePayload")]
CheckInPayload = Annotated[CheckInSuccess | Errors, strawberry.union("CheckInPayload")]
AppealMissedDayPayload = Annotated[MissedDaySuccess | Errors, strawberry.union("AppealMissedDayPayload")]
ReviewAppealPayload = Annotated[MissedDaySuccess | Errors, strawberry.union("ReviewAppealPayload")]


async def _run(call: Awaitable[T], success: Callable[[T], Any]) -> Any:
    try:
        return success(await call)
    except ServiceProblem as problem:
        return user_error_from(problem)


def _iso(value: date | time | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _challenge_body(input: CreateChallengeInput) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": input.name,
        "description": input.description,
        "start_date": input.start_date.isoformat(),
        "days": input.days,
        "timezone": input.timezone,
        "window_start": _iso(input.window_start),
        "window_end": _iso(input.window_end),
        "proof_kind": input.proof_kind.value,
        "proof_min_length": input.proof_min_length,
        "makeup_count": input.makeup_count,
        "makeup_days_back": input.makeup_days_back,
        "allowed_misses": input.allowed_misses,
        "enroll_opens_at": _iso(input.enroll_opens_at),
        "enroll_closes_at": _iso(input.enroll_closes_at),
        "capacity": input.capacity,
        "tier_ids": [str(t) for t in input.tier_ids or ()],
        "appeal_window_hours": input.appeal_window_hours,
        "stake_amount": input.stake_amount,
        "currency": input.currency,
        "platform_fee_bps": input.platform_fee_bps,
    }
    if input.keywords is not None:  # left out, the service's default keywords apply
        body["keywords"] = input.keywords
    return body


@strawberry.type
class ChallengeMutation:
    @strawberry.mutation(description="Define a check-in challenge: its days, daily window, proof and makeup rules.")
    async def create_challenge(self, info: Info[Context, None], input: CreateChallengeInput) -> CreateChallengePayload:
        cid = str(input.community_id)
        call = info.context.gamification.create_challenge(
            cid, _challenge_body(input), idempotency_key=input.idempotency_key
        )
        return await _run(  # type: ignore[no-any-return]
            call, lambda dto: CreateChallengeSuccess(challenge=Challenge.from_dto(dto, community_id=cid))
        )

    @strawberry.mutation(description="Enroll a member; enrolling again returns the enrollment there is.")
    async def enroll_in_challenge(
        self, info: Info[Context, None], input: ChallengeMemberInput
    ) -> EnrollInChallengePayload:
        cid, mid = str(input.community_id), str(input.member_id)
        call = for_known_member(
            info.context, cid, mid, lambda: info.context.gamification.enroll(cid, str(input.challenge_id), mid)
        )
        return await _run(call, lambda dto: EnrollmentSuccess(enrollment=ChallengeEnrollment.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Withdraw a member before the challenge starts.")
    async def withdraw_from_challenge(
        self, info: Info[Context, None], input: ChallengeMemberInput
    ) -> WithdrawFromChallengePayload:
        call = info.context.gamification.withdraw(
            str(input.community_id), str(input.challenge_id), str(input.member_id)
        )
        return await _run(call, lambda dto: EnrollmentSuccess(enrollment=ChallengeEnrollment.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Check a member in (打卡) for today's open day, or for an earlier `day` (补卡).")
    async def check_in(self, info: Info[Context, None], input: CheckInInput) -> CheckInPayload:
        body = {"member_id": str(input.member_id), "text": input.text, "photo_urls": input.photo_urls, "day": input.day}
        cid = str(input.community_id)
        call = for_known_member(
            info.context,
            cid,
            str(input.member_id),
            lambda: info.context.gamification.check_in(
                cid, str(input.challenge_id), body, idempotency_key=input.idempotency_key
            ),
        )
        return await _run(  # type: ignore[no-any-return]
            call,
            lambda dto: CheckInSuccess(
                checkin=Checkin.from_dto(dto.checkin), enrollment=ChallengeEnrollment.from_dto(dto.enrollment)
            ),
        )

    @strawberry.mutation(description="Ask to excuse a missed day, within the challenge's appeal window.")
    async def appeal_missed_day(self, info: Info[Context, None], input: AppealMissedDayInput) -> AppealMissedDayPayload:
        body = {"member_id": str(input.member_id), "day": input.day, "reason": input.reason}
        call = info.context.gamification.appeal(str(input.community_id), str(input.challenge_id), body)
        return await _run(call, lambda dto: MissedDaySuccess(missed_day=MissedDay.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Excuse an appealed day (it counts as done) or reject the appeal.")
    async def review_appeal(self, info: Info[Context, None], input: ReviewAppealInput) -> ReviewAppealPayload:
        call = info.context.gamification.review_appeal(
            str(input.community_id),
            str(input.missed_day_id),
            decision="excuse" if input.decision is AppealDecision.EXCUSE else "reject",
            reviewer_member_id=str(input.reviewer_member_id) if input.reviewer_member_id else None,
            note=input.note,
        )
        return await _run(call, lambda dto: MissedDaySuccess(missed_day=MissedDay.from_dto(dto)))  # type: ignore[no-any-return]
