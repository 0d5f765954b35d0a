"""Response bodies for levels."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LevelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    rank: int
    name: str
    threshold: int


class CommunityLevels(BaseModel):
    community_id: str
    levels: list[LevelRead]


class CommunityLevelsBatch(BaseModel):
    items: list[CommunityLevels]
