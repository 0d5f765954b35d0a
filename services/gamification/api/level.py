"""Levels of a community, one at a time or in a batch (for the gateway's DataLoader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from contracts.gamification.level import CommunityLevels, CommunityLevelsBatch, LevelRead, LevelSchemeIn
from services.gamification.api.deps import ClocksDep, PrincipalDep, SessionDep
from services.gamification.domain.level import LevelSpec
from services.gamification.usecases import level as usecases

router = APIRouter(prefix="/v1", tags=["levels"])


@router.get("/communities/{community_id}/levels")
async def list_levels(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[LevelRead]:
    grouped = await usecases.levels_by_community(session, principal=principal, community_ids=[community_id])
    return [LevelRead.model_validate(level) for level in grouped[community_id]]


@router.put("/communities/{community_id}/levels")
async def replace_levels(
    community_id: str, body: LevelSchemeIn, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> CommunityLevels:
    """Replace the level scheme: thresholds start at 0 and rise with consecutive ranks from 1."""
    levels = [(LevelSpec(level.rank, level.name, level.threshold), level.chat_role) for level in body.levels]
    rows = await usecases.replace_scheme(
        session, principal=principal, community_id=community_id, levels=levels, at=clocks.now(community_id)
    )
    return CommunityLevels(community_id=community_id, levels=[LevelRead.model_validate(level) for level in rows])


@router.get("/levels")
async def batch_levels(
    session: SessionDep,
    principal: PrincipalDep,
    community_id: Annotated[list[str], Query(min_length=1, max_length=200)],
) -> CommunityLevelsBatch:
    grouped = await usecases.levels_by_community(session, principal=principal, community_ids=community_id)
    return CommunityLevelsBatch(
        items=[
            CommunityLevels(community_id=cid, levels=[LevelRead.model_validate(level) for level in levels])
            for cid, levels in grouped.items()
        ]
    )
