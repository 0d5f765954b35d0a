"""``/v1/communities/{community_id}/rewards`` and ``/redemptions``: the catalogue, redeeming, fulfilment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.gamification.reward import (
    RedeemedRead,
    RedemptionChange,
    RedemptionCreate,
    RedemptionPage,
    RedemptionRead,
    RewardCreate,
    RewardRead,
)
from kit.auth import ensure_community_access
from services.gamification.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.gamification.usecases import reward as usecases

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["rewards"])


@router.post("/rewards", status_code=201, response_model=RewardRead)
async def create_reward(
    community_id: str,
    body: RewardCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    ensure_community_access(principal, community_id)

    async def create() -> RewardRead:
        reward = await usecases.create_reward(
            session, community_id=community_id, at=clocks.now(community_id), **body.model_dump()
        )
        return RewardRead.model_validate(reward)

    return await idempotency.run(create)


@router.get("/rewards")
async def list_rewards(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[RewardRead]:
    ensure_community_access(principal, community_id)
    return [RewardRead.model_validate(r) for r in await usecases.list_rewards(session, community_id=community_id)]


@router.get("/rewards/{reward_id}")
async def get_reward(community_id: str, reward_id: str, session: SessionDep, principal: PrincipalDep) -> RewardRead:
    ensure_community_access(principal, community_id)
    return RewardRead.model_validate(
        await usecases.reward_or_raise(session, community_id=community_id, reward_id=reward_id)
    )


@router.post("/rewards/{reward_id}/redemptions", status_code=201, response_model=RedeemedRead)
async def redeem(
    community_id: str,
    reward_id: str,
    body: RedemptionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Spend the reward's cost and take a unit, atomically; the Idempotency-Key is the redemption key."""
    ensure_community_access(principal, community_id)

    async def run() -> RedeemedRead:
        redeemed = await usecases.redeem(
            session,
            community_id=community_id,
            reward_id=reward_id,
            member_id=body.member_id,
            at=clocks.now(community_id),
            redemption_key=idempotency.key,
        )
        return RedeemedRead(redemption=RedemptionRead.model_validate(redeemed.redemption), balance=redeemed.balance)

    return await idempotency.run(run)


@router.get("/redemptions")
async def list_redemptions(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    member_id: str | None = None,
    reward_id: str | None = None,
    status: str | None = None,
    before: Annotated[str | None, Query(description="redemptions older than this id")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RedemptionPage:
    ensure_community_access(principal, community_id)
    rows = await usecases.redemptions(
        session,
        community_id=community_id,
        member_id=member_id,
        reward_id=reward_id,
        status=status,
        before=before,
        limit=limit + 1,
    )
    items = [RedemptionRead.model_validate(r) for r in rows[:limit]]
    return RedemptionPage(items=items, next_cursor=items[-1].id if len(rows) > limit else None)


@router.post("/redemptions/{redemption_id}/fulfil")
async def fulfil(
    community_id: str,
    redemption_id: str,
    body: RedemptionChange,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> RedemptionRead:
    ensure_community_access(principal, community_id)
    row = await usecases.fulfil(
        session, community_id=community_id, redemption_id=redemption_id, note=body.note, at=clocks.now(community_id)
    )
    return RedemptionRead.model_validate(row)


@router.post("/redemptions/{redemption_id}/cancel")
async def cancel(
    community_id: str,
    redemption_id: str,
    body: RedemptionChange,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> RedemptionRead:
    """Cancel a requested redemption: the points are refunded and the unit goes back in stock."""
    ensure_community_access(principal, community_id)
    row = await usecases.cancel(
        session, community_id=community_id, redemption_id=redemption_id, note=body.note, at=clocks.now(community_id)
    )
    return RedemptionRead.model_validate(row)
