"""GraphQL types of standing, built from the membership service's answers."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from contracts.membership.standing import LevelProgressRead, StandingChangeRead, StandingRead, StandingRulesRead


@strawberry.enum(description="A member's place in the pyramid, derived from activity (or locked by an admin).")
class StandingLevel(Enum):
    _value_: str  # what each enum_value below holds, for type checkers
    FOLLOWER = strawberry.enum_value("follower", description="Where everyone starts; needs nothing.")
    CONTRIBUTOR = strawberry.enum_value(
        "contributor", description="Active regularly: meets the contributor criteria over their window."
    )
    CORE = strawberry.enum_value("core", description="The most active: meets the core criteria over their window.")


@strawberry.type(description="One criterion of a level: the minimum and the member's figure over the window.")
class StandingCriterion:
    metric: str = strawberry.field(
        description="days_active, messages, characters, reactions_given, checkins or participations."
    )
    minimum: int = strawberry.field(description="What the level needs over its window.")
    value: int = strawberry.field(description="The member's figure over the same window.")


@strawberry.type(description="How a member measures up to one level right now.")
class StandingProgress:
    level: StandingLevel = strawberry.field(description="The level measured against.")
    window_days: int = strawberry.field(description="The rolling window the figures cover, in days up to today.")
    met: bool = strawberry.field(description="Every minimum reached: enough to be promoted.")
    held: bool = strawberry.field(description="Every figure at or above 90% of its minimum: enough to keep it.")
    criteria: list[StandingCriterion] = strawberry.field(description="Each criterion of the level, with the figure.")

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
    standing: StandingLevel = strawberry.field(description="The member's level now.")
    locked: bool = strawberry.field(description="True while an admin has frozen it: recomputes leave it alone.")
    below_since: date | None = strawberry.field(
        description="The day the member first fell below 90% of a criterion of their level; demoted after the grace."
    )
    grace_days: int = strawberry.field(description="How many days below a level's criteria a member keeps it.")
    evaluated_at: datetime | None = strawberry.field(description="When it was last computed; null if never.")
    progress: list[StandingProgress] = strawberry.field(
        description="How they measure up to contributor and core right now."
    )

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
    window_days: int = strawberry.field(description="The rolling window the figures are counted over, in days.")
    days_active: int = strawberry.field(description="Days with any activity in the window; 0: not a criterion.")
    messages: int = strawberry.field(description="Messages sent in the window; 0: not a criterion.")
    characters: int = strawberry.field(description="Characters written in the window; 0: not a criterion.")
    reactions_given: int = strawberry.field(description="Reactions given in the window; 0: not a criterion.")
    checkins: int = strawberry.field(description="Challenge check-ins in the window; 0: not a criterion.")
    participations: int = strawberry.field(
        description="Participations (check-ins, probe claims, redemptions, ...) in the window; 0: not a criterion."
    )

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


@strawberry.type(description="The community's standing criteria (defaults filled in).")
class StandingRules:
    contributor: StandingCriteria = strawberry.field(description="What being a contributor needs.")
    core: StandingCriteria = strawberry.field(description="What being core needs.")
    grace_days: int = strawberry.field(
        description="How many days a member stays below a level's criteria before losing it (0 to 365)."
    )

    @classmethod
    def from_dto(cls, dto: StandingRulesRead) -> StandingRules:
        return cls(
            contributor=StandingCriteria.from_settings(dto.contributor),
            core=StandingCriteria.from_settings(dto.core),
            grace_days=dto.grace_days,
        )


@strawberry.type(description="One member whose standing a recompute changed.")
class StandingChange:
    member_id: strawberry.ID
    from_standing: StandingLevel = strawberry.field(description="The level before.")
    to_standing: StandingLevel = strawberry.field(description="The level now.")
    reason: str | None = strawberry.field(
        description="Why, in words: promoted with the figures met, or demoted with what fell short and since when."
    )

    @classmethod
    def from_dto(cls, dto: StandingChangeRead) -> StandingChange:
        return cls(
            member_id=strawberry.ID(dto.member_id),
            from_standing=StandingLevel(dto.from_standing),
            to_standing=StandingLevel(dto.to_standing),
            reason=dto.reason,
        )
