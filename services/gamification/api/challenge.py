"""``/v1/communities/{community_id}/challenges``: challenges, enrollments, check-ins, missed days, appeals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Annotated, Protocol

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.gamification.challenge import (
    AppealCreate,
    AppealReview,
    ChallengeCreate,
    ChallengePage,
    ChallengeRead,
    CheckedInRead,
    CheckinCreate,
    CheckinPage,
    CheckinRead,
    EnrollmentCreate,
    EnrollmentPage,
    EnrollmentRead,
    MemberEnrollments,
    MemberEnrollmentsBatch,
    MissedDayPage,
    MissedDayRead,
)
from kit.auth import ensure_community_access
from kit.clock import Clocks
from kit.idempotency import Idempotency
from kit.pagination import encode_cursor
from kit.types import INT32_MAX, INT32_MIN
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.gamification.domain.challenge import Proof
from services.gamification.repo.challenge import ChallengeRepository
from services.gamification.usecases import challenge as usecases
from services.gamification.usecases import checkin as checkins

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["challenges"])


@router.post("/challenges", status_code=201, response_model=ChallengeRead)
async def create_challenge(
    community_id: str,
    body: ChallengeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def create() -> ChallengeRead:
        fields = body.model_dump()
        fields["keywords"], fields["tier_ids"] = tuple(body.keywords), tuple(body.tier_ids)
        draft = usecases.ChallengeDraft(**fields)
        challenge = await usecases.create_challenge(
            session, community_id=community_id, draft=draft, at=clocks.now(community_id)
        )
        return ChallengeRead.model_validate(challenge)

    return await idempotency.run(create)


@router.get("/challenges")
async def list_challenges(
    community_id: str, session: SessionDep, principal: PrincipalDep, page: PageRequestDep
) -> ChallengePage:
    ensure_community_access(principal, community_id)
    rows = await usecases.list_challenges(session, community_id=community_id, after=page.after, limit=page.limit + 1)
    items = [ChallengeRead.model_validate(r) for r in rows[: page.limit]]
    return ChallengePage(items=items, next_cursor=_next(items, len(rows) > page.limit))


class _Identified(Protocol):
    id: str


def _next(items: Sequence[_Identified], more: bool) -> str | None:
    return encode_cursor(items[-1].id) if more and items else None


@router.get("/challenges/{challenge_id}")
async def get_challenge(
    community_id: str, challenge_id: str, session: SessionDep, principal: PrincipalDep
) -> ChallengeRead:
    ensure_community_access(principal, community_id)
    return ChallengeRead.model_validate(
        await usecases.challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    )


@router.post("/challenges/{challenge_id}/enrollments", status_code=201)
async def enroll(
    community_id: str,
    challenge_id: str,
    body: EnrollmentCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    response: Response,
) -> EnrollmentRead:
    """Enroll a member (201); enrolling again returns the enrollment (200)."""
    ensure_community_access(principal, community_id)
    enrolled = await usecases.enroll(
        session,
        community_id=community_id,
        challenge_id=challenge_id,
        member_id=body.member_id,
        at=clocks.now(community_id),
    )
    if not enrolled.created:
        response.status_code = 200
    await session.flush()
    return EnrollmentRead.model_validate(enrolled.enrollment)


@router.get("/challenges/{challenge_id}/enrollments")
async def list_enrollments(
    community_id: str,
    challenge_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    status: Annotated[str | None, Query(description="only enrollments in this status")] = None,
) -> EnrollmentPage:
    ensure_community_access(principal, community_id)
    challenge = await usecases.challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    rows = await usecases.list_enrollments(
        session, challenge=challenge, status=status, after=page.after, limit=page.limit + 1
    )
    items = [EnrollmentRead.model_validate(r) for r in rows[: page.limit]]
    return EnrollmentPage(items=items, next_cursor=_next(items, len(rows) > page.limit))


@router.get("/challenges/{challenge_id}/enrollments/{member_id}")
async def get_enrollment(
    community_id: str, challenge_id: str, member_id: str, session: SessionDep, principal: PrincipalDep
) -> EnrollmentRead:
    ensure_community_access(principal, community_id)
    challenge = await usecases.challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    return EnrollmentRead.model_validate(
        await usecases.enrollment_or_raise(session, challenge=challenge, member_id=member_id)
    )


@router.delete("/challenges/{challenge_id}/enrollments/{member_id}")
async def withdraw(
    community_id: str,
    challenge_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> EnrollmentRead:
    ensure_community_access(principal, community_id)
    enrollment = await usecases.withdraw(
        session, community_id=community_id, challenge_id=challenge_id, member_id=member_id, at=clocks.now(community_id)
    )
    return EnrollmentRead.model_validate(enrollment)


@router.post("/challenges/{challenge_id}/checkins", status_code=201, response_model=CheckedInRead)
async def check_in(
    community_id: str,
    challenge_id: str,
    body: CheckinCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Today's check-in, or a makeup (补卡) with ``day``. The Idempotency-Key makes a retry return the first
    answer; a second check-in for the same day is ``checkin_already_recorded``. Served by ``CheckinPath``
    (api/checkin_path.py) ahead of the router; this route documents it and answers if that is not installed."""
    ensure_community_access(principal, community_id)
    return await record_check_in(
        session, clocks, idempotency, community_id=community_id, challenge_id=challenge_id, body=body
    )


async def record_check_in(
    session: AsyncSession,
    clocks: Clocks,
    idempotency: Idempotency,
    *,
    community_id: str,
    challenge_id: str,
    body: CheckinCreate,
) -> JSONResponse:
    async def run() -> CheckedInRead:
        result = await checkins.check_in(
            session,
            community_id=community_id,
            challenge_id=challenge_id,
            member_id=body.member_id,
            proof=Proof(text=body.text, photo_urls=tuple(body.photo_urls)),
            at=clocks.now(community_id),
            channel="api",
            source=f"api:{idempotency.key}" if idempotency.key else None,
            day=body.day,
        )
        await session.flush()
        return CheckedInRead(
            checkin=CheckinRead.model_validate(result.checkin),
            enrollment=EnrollmentRead.model_validate(result.enrollment),
        )

    return await idempotency.run(run)


@router.get("/challenges/{challenge_id}/checkins")
async def list_checkins(
    community_id: str,
    challenge_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    member_id: str | None = None,
    day: Annotated[int | None, Query(ge=INT32_MIN, le=INT32_MAX, description="only this day of the challenge")] = None,
) -> CheckinPage:
    ensure_community_access(principal, community_id)
    challenge = await usecases.challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    rows = await ChallengeRepository(session).checkins(
        challenge.id, member_id=member_id, day=day, after=page.after, limit=page.limit + 1
    )
    items = [CheckinRead.model_validate(r) for r in rows[: page.limit]]
    return CheckinPage(items=items, next_cursor=_next(items, len(rows) > page.limit))


@router.get("/challenges/{challenge_id}/missed-days")
async def list_missed_days(
    community_id: str,
    challenge_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    status: str | None = None,
    member_id: str | None = None,
) -> MissedDayPage:
    """Missed days, e.g. ``status=appealed``: the review queue."""
    ensure_community_access(principal, community_id)
    challenge = await usecases.challenge_or_raise(session, community_id=community_id, challenge_id=challenge_id)
    rows = await ChallengeRepository(session).missed_days(
        challenge.id, status=status, member_id=member_id, after=page.after, limit=page.limit + 1
    )
    items = [MissedDayRead.model_validate(r) for r in rows[: page.limit]]
    return MissedDayPage(items=items, next_cursor=_next(items, len(rows) > page.limit))


@router.post("/challenges/{challenge_id}/appeals")
async def appeal(
    community_id: str,
    challenge_id: str,
    body: AppealCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> MissedDayRead:
    ensure_community_access(principal, community_id)
    missed = await checkins.appeal(
        session,
        community_id=community_id,
        challenge_id=challenge_id,
        member_id=body.member_id,
        day=body.day,
        reason=body.reason,
        at=clocks.now(community_id),
    )
    return MissedDayRead.model_validate(missed)


@router.post("/missed-days/{missed_day_id}/review")
async def review_appeal(
    community_id: str,
    missed_day_id: str,
    body: AppealReview,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> MissedDayRead:
    ensure_community_access(principal, community_id)
    missed = await checkins.review_appeal(
        session,
        community_id=community_id,
        missed_day_id=missed_day_id,
        excuse=body.decision == "excuse",
        reviewer_id=body.reviewer_member_id,
        note=body.note,
        at=clocks.now(community_id),
    )
    return MissedDayRead.model_validate(missed)


@router.get("/members/{member_id}/enrollments")
async def member_enrollments(
    community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep
) -> list[EnrollmentRead]:
    ensure_community_access(principal, community_id)
    rows = await usecases.member_enrollments(session, community_id=community_id, member_id=member_id)
    return [EnrollmentRead.model_validate(r) for r in rows]


@router.get("/enrollments-of-members")
async def enrollments_of_members(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    member_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> MemberEnrollmentsBatch:
    """Enrollments of each member, in a batch (the gateway's DataLoader)."""
    ensure_community_access(principal, community_id)
    grouped: dict[str, list[EnrollmentRead]] = defaultdict(list)
    for row in await usecases.enrollments_of_members(session, community_id=community_id, member_ids=member_id):
        grouped[row.member_id].append(EnrollmentRead.model_validate(row))
    return MemberEnrollmentsBatch(
        items=[MemberEnrollments(member_id=m, enrollments=grouped[m]) for m in dict.fromkeys(member_id)]
    )
