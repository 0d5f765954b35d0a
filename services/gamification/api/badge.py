"""``/v1/communities/{community_id}/badges``: definitions, manual awards, members' badges, the backfill."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.gamification.badge import (
    AwardCreate,
    AwardRead,
    BackfillRead,
    BadgeCreate,
    BadgeRead,
    MemberBadges,
    MemberBadgesBatch,
)
from kit.auth import ensure_community_access
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.gamification.usecases import badge as usecases

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["badges"])


@router.post("/badges", status_code=201, response_model=BadgeRead)
async def create_badge(
    community_id: str,
    body: BadgeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def create() -> BadgeRead:
        badge = await usecases.create_badge(
            session, community_id=community_id, at=clocks.now(community_id), **body.model_dump()
        )
        return BadgeRead.model_validate(badge)

    return await idempotency.run(create)


@router.get("/badges")
async def list_badges(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[BadgeRead]:
    ensure_community_access(principal, community_id)
    return [BadgeRead.model_validate(b) for b in await usecases.list_badges(session, community_id=community_id)]


@router.get("/badges/{badge_id}")
async def get_badge(community_id: str, badge_id: str, session: SessionDep, principal: PrincipalDep) -> BadgeRead:
    ensure_community_access(principal, community_id)
    badge = await usecases.badge_or_raise(session, community_id=community_id, badge_id=badge_id)
    return BadgeRead.model_validate(badge)


@router.post("/badges/{badge_id}/awards", status_code=201, response_model=AwardRead)
async def award_badge(
    community_id: str,
    badge_id: str,
    body: AwardCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """A manual award; a badge that is not repeatable is held once (awarding it again answers the award)."""
    ensure_community_access(principal, community_id)

    async def award() -> AwardRead:
        row, _ = await usecases.award_manually(
            session,
            community_id=community_id,
            badge_id=badge_id,
            member_id=body.member_id,
            reason=body.reason,
            at=clocks.now(community_id),
            idempotency_key=idempotency.key,
        )
        return AwardRead.model_validate(row)

    return await idempotency.run(award)


@router.get("/badges-of-members")
async def member_badges(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    member_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> MemberBadgesBatch:
    """Awards of each member, in a batch (the gateway's DataLoader)."""
    ensure_community_access(principal, community_id)
    grouped: dict[str, list[AwardRead]] = defaultdict(list)
    for row in await usecases.awards_of(session, community_id=community_id, member_ids=member_id):
        grouped[row.member_id].append(AwardRead.model_validate(row))
    return MemberBadgesBatch(items=[MemberBadges(member_id=m, awards=grouped[m]) for m in dict.fromkeys(member_id)])


@router.post("/badges/backfill")
async def backfill_badges(
    community_id: str, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> BackfillRead:
    """Run the daily backfill now (an operator's catch-up after adding a badge)."""
    ensure_community_access(principal, community_id)
    return BackfillRead(
        awarded=await usecases.backfill(session, community_id=community_id, now=clocks.now(community_id))
    )
