"""Levels of a community, one at a time or in a batch (for the gateway's DataLoader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.gamification.api.deps import PrincipalDep, SessionDep
from services.gamification.api.schemas.level import CommunityLevels, CommunityLevelsBatch, LevelRead
from services.gamification.usecases import level as usecases

router = APIRouter(prefix="/v1", tags=["levels"])


@router.get("/communities/{community_id}/levels")
async def list_levels(community_id: str, session: SessionDep, principal: PrincipalDep) -> list[LevelRead]:
    grouped = await usecases.levels_by_community(session, principal=principal, community_ids=[community_id])
    return [LevelRead.model_validate(level) for level in grouped[community_id]]


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
