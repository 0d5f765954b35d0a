"""``/v1/communities/{community_id}/tiers``: the tier ladder."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.membership.tier import CommunityTiers, CommunityTiersBatch, TierRead
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.api.schemas.tier import TierCreate, TierUpdate
from services.membership.usecases import tier as usecases
from services.membership.usecases.member import get_tier_or_raise
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/tiers", tags=["tiers"])
# Ladders of several communities in one call, for the gateway's DataLoader (``Community.tiers``).
batch_router = APIRouter(prefix="/v1/tiers", tags=["tiers"])


@batch_router.get("")
async def batch_tiers(
    session: SessionDep,
    principal: PrincipalDep,
    community_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> CommunityTiersBatch:
    ladders = await usecases.tiers_by_community(session, principal=principal, community_ids=community_id)
    return CommunityTiersBatch(
        items=[
            CommunityTiers(community_id=cid, tiers=[TierRead.model_validate(tier) for tier in tiers])
            for cid, tiers in ladders.items()
        ]
    )


@router.post("", status_code=201, response_model=TierRead)
async def create_tier(
    community_id: str,
    body: TierCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def create() -> TierRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        fields = body.model_dump(exclude={"acting_member_id"})
        tier = await usecases.create_tier(session, community_id=community_id, actor=actor, clocks=clocks, **fields)
        return TierRead.model_validate(tier)

    return await idempotency.run(create)


@router.get("")
async def list_tiers(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    include_archived: Annotated[bool, Query()] = False,
) -> list[TierRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    tiers = await usecases.list_tiers(session, community_id=community_id, include_archived=include_archived)
    return [TierRead.model_validate(tier) for tier in tiers]


@router.get("/{tier_id}")
async def get_tier(community_id: str, tier_id: str, session: SessionDep, principal: PrincipalDep) -> TierRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    return TierRead.model_validate(await get_tier_or_raise(session, community_id, tier_id))


@router.patch("/{tier_id}")
async def update_tier(
    community_id: str, tier_id: str, body: TierUpdate, session: SessionDep, principal: PrincipalDep
) -> TierRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    changes = body.model_dump(exclude_unset=True, exclude={"acting_member_id"})
    tier = await usecases.update_tier(session, community_id=community_id, tier_id=tier_id, actor=actor, changes=changes)
    return TierRead.model_validate(tier)
