"""GraphQL types of standing, built from the membership service's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from contracts.membership.standing import LevelProgressRead, StandingChangeRead, StandingRead, StandingRulesRead


@strawberry.enum(description="A member's place in the pyramid, derived from activity (or locked by an admin).")
class StandingLevel(Enum):
    FOLLOWER = "follower"
    CONTRIBUTOR = "contributor"
    CORE = "core"


@strawberry.type(description="One criterion of a level: the minimum and the member's figure over the window.")
class StandingCriterion:
    metric: str
    minimum: int
    value: int


@strawberry.type(description="How a member measures up to one level right now.")
class StandingProgress:
    level: StandingLevel
    window_days: int
    met: bool = strawberry.field(description="Every minimum reached: enough to be promoted.")
    held: bool = strawberry.field(description="Every figure at or above 90% of its minimum: enough to keep it.")
    criteria: list[StandingCriterion]

    @classmethod
    def from_dto(cls, dto: LevelProgressRead) -> StandingProgress:
        return cls(
            level=StandingLevel(dto.level),
            window_days=dto.window_days,
            met=dto.met,
            held=dto.held,
            criteria=[StandingCriterion(metric=c.metric, minimum=c.minimum, value=c.value) for c in dto.criteria],
        )


@strawberry.type(description="A member's standing, whether an admin locked it, and the grace period if one runs.")
class MemberStanding:
    member_id: strawberry.ID
    standing: StandingLevel
    locked: bool
    below_since: date | None = strawberry.field(
        description="The day the member first fell below 90% of a criterion of their level; demoted after the grace."
    )
    grace_days: int
    evaluated_at: datetime | None
    progress: list[StandingProgress]

    @classmethod
    def from_dto(cls, dto: StandingRead) -> MemberStanding:
        return cls(
            member_id=strawberry.ID(dto.member_id),
            standing=StandingLevel(dto.standing),
            locked=dto.locked,
            below_since=dto.below_since,
            grace_days=dto.grace_days,
            evaluated_at=dto.evaluated_at,
            progress=[StandingProgress.from_dto(level) for level in dto.levels],
        )


@strawberry.type(description="What a level needs over its rolling window; zero or absent criteria do not count.")
class StandingCriteria:
    window_days: int
    days_active: int
    messages: int
    characters: int
    reactions_given: int
    checkins: int
    participations: int

    @classmethod
    def from_settings(cls, values: dict[str, int]) -> StandingCriteria:
        return cls(
            window_days=values["window_days"],
            days_active=values.get("days_active", 0),
            messages=values.get("messages", 0),
            characters=values.get("characters", 0),
            reactions_given=values.get("reactions_given", 0),
            checkins=values.get("checkins", 0),
            participations=values.get("participations", 0),
        )


@strawberry.type
class StandingRules:
    contributor: StandingCriteria
    core: StandingCriteria
    grace_days: int

    @classmethod
    def from_dto(cls, dto: StandingRulesRead) -> StandingRules:
        return cls(
            contributor=StandingCriteria.from_settings(dto.contributor),
            core=StandingCriteria.from_settings(dto.core),
            grace_days=dto.grace_days,
        )


@strawberry.type
class StandingChange:
    member_id: strawberry.ID
    from_standing: StandingLevel
    to_standing: StandingLevel
    reason: str | None

    @classmethod
    def from_dto(cls, dto: StandingChangeRead) -> StandingChange:
        return cls(
            member_id=strawberry.ID(dto.member_id),
            from_standing=StandingLevel(dto.from_standing),
            to_standing=StandingLevel(dto.to_standing),
            reason=dto.reason,
        )
