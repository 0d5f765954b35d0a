"""Level schemes of communities."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from kit.auth import Principal, ensure_community_access
from kit.ids import new_id
from services.gamification.domain.level import DEFAULT_SCHEME
from services.gamification.models import Level
from services.gamification.repo.level import LevelRepository


async def create_default_scheme(session: AsyncSession, *, community_id: str, at: datetime) -> list[Level]:
    """Give a new community the default levels, unless it already has a scheme."""
    repo = LevelRepository(session)
    if await repo.exists_for(community_id):
        return []
    levels = [
        Level(
            id=new_id("lvl"),
            community_id=community_id,
            rank=spec.rank,
            name=spec.name,
            threshold=spec.threshold,
            created_at=at,
        )
        for spec in DEFAULT_SCHEME
    ]
    repo.add_all(levels)
    return levels


async def levels_by_community(
    session: AsyncSession, *, principal: Principal, community_ids: Sequence[str]
) -> dict[str, list[Level]]:
    for community_id in community_ids:
        ensure_community_access(principal, community_id)
    grouped: dict[str, list[Level]] = defaultdict(list)
    for level in await LevelRepository(session).list_for(community_ids):
        grouped[level.community_id].append(level)
    return {community_id: grouped.get(community_id, []) for community_id in community_ids}
