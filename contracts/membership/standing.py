"""Standing (follower, contributor, core): a member's level and progress, the community's criteria, recomputes and
locks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from kit.types import Int32


class Standing(StrEnum):
    FOLLOWER = "follower"
    CONTRIBUTOR = "contributor"
    CORE = "core"


class StandingRulesWrite(BaseModel):
    """Criteria per level: ``{"window_days": 30, "days_active": 10, "messages": 50}``; missing levels take defaults."""

    model_config = ConfigDict(extra="forbid")

    contributor: dict[str, Int32] | None = None
    core: dict[str, Int32] | None = None
    grace_days: Int32 | None = None
    acting_member_id: str | None = None


class StandingRulesRead(BaseModel):
    contributor: dict[str, int]
    core: dict[str, int]
    grace_days: int


class StandingRecompute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acting_member_id: str | None = None


class StandingChangeRead(BaseModel):
    member_id: str
    from_standing: Standing
    to_standing: Standing
    reason: str | None


class StandingRecomputeRead(BaseModel):
    changes: list[StandingChangeRead]


class StandingLock(BaseModel):
    model_config = ConfigDict(extra="forbid")

    standing: Standing | None = Field(default=None, description="set the standing at the same time; else keep it")
    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class StandingUnlock(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)
    acting_member_id: str | None = None


class CriterionRead(BaseModel):
    metric: str
    minimum: int
    value: int


class LevelProgressRead(BaseModel):
    level: Standing
    window_days: int
    met: bool = Field(description="every minimum reached: enough for promotion")
    held: bool = Field(description="every figure at or above 90% of its minimum: enough to keep the level")
    criteria: list[CriterionRead]


class StandingRead(BaseModel):
    member_id: str
    standing: Standing
    locked: bool
    below_since: date | None
    evaluated_at: datetime | None
    grace_days: int
    levels: list[LevelProgressRead]
