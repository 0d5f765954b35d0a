"""Response bodies for levels."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kit.types import INT64_MAX


class LevelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    rank: int
    name: str
    threshold: int
    chat_role: str | None = None


class LevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rank: int = Field(ge=1, le=100)
    name: str = Field(min_length=1, max_length=60)
    threshold: int = Field(ge=0, le=INT64_MAX)
    chat_role: str | None = Field(default=None, min_length=1, max_length=60)


class LevelSchemeIn(BaseModel):
    """The whole scheme, in rank order: it replaces the current one."""

    model_config = ConfigDict(extra="forbid")

    levels: list[LevelIn] = Field(min_length=1, max_length=100)


class CommunityLevels(BaseModel):
    community_id: str
    levels: list[LevelRead]


class CommunityLevelsBatch(BaseModel):
    items: list[CommunityLevels]
