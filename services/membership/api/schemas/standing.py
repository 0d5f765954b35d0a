"""Request and response bodies for standing."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from kit.types import Int32
from services.membership.domain.standing import EARNED_LEVELS, Standing, holds, meets
from services.membership.usecases.standing import StandingChange, StandingView


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

    @classmethod
    def of(cls, change: StandingChange) -> StandingChangeRead:
        return cls(
            member_id=change.member_id,
            from_standing=Standing(change.from_standing),
            to_standing=Standing(change.to_standing),
            reason=change.reason,
        )


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

    @classmethod
    def of(cls, view: StandingView) -> StandingRead:
        levels = []
        for level in EARNED_LEVELS:
            criteria = view.rules.criteria(level)
            figures = view.figures[level]
            levels.append(
                LevelProgressRead(
                    level=level,
                    window_days=criteria.window_days,
                    met=meets(criteria, figures),
                    held=holds(criteria, figures),
                    criteria=[
                        CriterionRead(metric=metric, minimum=minimum, value=figures.value(metric))
                        for metric, minimum in criteria.minimums.items()
                    ],
                )
            )
        return cls(
            member_id=view.membership.member_id,
            standing=Standing(view.membership.standing),
            locked=view.membership.standing_locked,
            below_since=view.record.below_since if view.record else None,
            evaluated_at=view.record.evaluated_at if view.record else None,
            grace_days=view.rules.grace_days,
            levels=levels,
        )
