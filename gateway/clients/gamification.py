"""Typed client of the gamification service."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from gateway.clients.base import ServiceClient


class LevelDTO(BaseModel):
    id: str
    rank: int
    name: str
    threshold: int


class CommunityLevelsDTO(BaseModel):
    community_id: str
    levels: list[LevelDTO]


class CommunityLevelsBatchDTO(BaseModel):
    items: list[CommunityLevelsDTO]


class GamificationClient(ServiceClient):
    service = "gamification"

    async def levels_by_community(self, community_ids: Sequence[str]) -> dict[str, list[LevelDTO]]:
        batch = await self._request(
            "GET", "/v1/levels", CommunityLevelsBatchDTO, params={"community_id": list(community_ids)}
        )
        return {item.community_id: item.levels for item in batch.items}
