"""Mutations of standing: locking and unlocking it, recomputing it now, setting the criteria."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.payloads import payload
from gateway.schema.standing.types import MemberStanding, StandingChange, StandingLevel, StandingRules


@strawberry.input
class LockStandingInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    standing: StandingLevel | None = strawberry.field(default=None, description="Set it too; else keep the current.")
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 500 characters; kept in the transition log."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input
class UnlockStandingInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    reason: str | None = strawberry.field(
        default=None, description="Why, up to 500 characters; kept in the transition log."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.input
class RecomputeStandingInput:
    community_id: strawberry.ID
    acting_member_id: strawberry.ID | None = None


@strawberry.input(description="Criteria of one level; omitted fields are not required.")
class StandingCriteriaInput:
    window_days: int = strawberry.field(description="The rolling window the figures are counted over, 1 to 365 days.")
    days_active: int | None = strawberry.field(
        default=None, description="Minimum days with any activity in the window."
    )
    messages: int | None = strawberry.field(default=None, description="Minimum messages sent in the window.")
    characters: int | None = strawberry.field(default=None, description="Minimum characters written in the window.")
    reactions_given: int | None = strawberry.field(default=None, description="Minimum reactions given in the window.")
    checkins: int | None = strawberry.field(default=None, description="Minimum challenge check-ins in the window.")
    participations: int | None = strawberry.field(
        default=None, description="Minimum participations (check-ins, probe claims, redemptions, ...) in the window."
    )

    def as_settings(self) -> dict[str, int]:
        values = {
            "window_days": self.window_days,
            "days_active": self.days_active,
            "messages": self.messages,
            "characters": self.characters,
            "reactions_given": self.reactions_given,
            "checkins": self.checkins,
            "participations": self.participations,
        }
        return {name: value for name, value in values.items() if value is not None}


@strawberry.input
class SetStandingRulesInput:
    community_id: strawberry.ID
    contributor: StandingCriteriaInput | None = strawberry.field(
        default=None, description="What being a contributor needs; left out, the default."
    )
    core: StandingCriteriaInput | None = strawberry.field(
        default=None, description="What being core needs; left out, the default."
    )
    grace_days: int | None = strawberry.field(
        default=None, description="Days below a level's criteria before losing it, 0 to 365; left out, 14."
    )
    acting_member_id: strawberry.ID | None = None


@strawberry.type(description="The member's standing, as it is after the change.")
class StandingSuccess:
    standing: MemberStanding = strawberry.field(description="The member's standing and progress.")


@strawberry.type(description="Every member's standing was recomputed.")
class RecomputeStandingSuccess:
    changes: list[StandingChange] = strawberry.field(
        description="The members whose standing changed; others are left out."
    )


@strawberry.type(description="The standing criteria were replaced.")
class SetStandingRulesSuccess:
    rules: StandingRules = strawberry.field(description="The criteria as they are now.")


Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError
StandingPayload = Annotated[StandingSuccess | Errors, strawberry.union("StandingPayload")]
RecomputeStandingPayload = Annotated[RecomputeStandingSuccess | Errors, strawberry.union("RecomputeStandingPayload")]
SetStandingRulesPayload = Annotated[SetStandingRulesSuccess | Errors, strawberry.union("SetStandingRulesPayload")]


def _id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.type
class StandingMutation:
    @strawberry.mutation(
        description="Freeze a member's standing (optionally at a level); recomputation skips it (admins)."
    )
    async def lock_standing(self, info: Info[Context, None], input: LockStandingInput) -> StandingPayload:
        call = info.context.membership.lock_standing(
            str(input.community_id),
            str(input.member_id),
            standing=input.standing.value if input.standing is not None else None,
            reason=input.reason,
            acting_member_id=_id(input.acting_member_id),
        )
        return await payload(call, lambda dto: StandingSuccess(standing=MemberStanding.from_dto(dto)))

    @strawberry.mutation(description="Hand a member's standing back to the activity rules (admins).")
    async def unlock_standing(self, info: Info[Context, None], input: UnlockStandingInput) -> StandingPayload:
        call = info.context.membership.unlock_standing(
            str(input.community_id),
            str(input.member_id),
            reason=input.reason,
            acting_member_id=_id(input.acting_member_id),
        )
        return await payload(call, lambda dto: StandingSuccess(standing=MemberStanding.from_dto(dto)))

    @strawberry.mutation(description="Recompute every member's standing now (it also runs on a schedule).")
    async def recompute_standing(
        self, info: Info[Context, None], input: RecomputeStandingInput
    ) -> RecomputeStandingPayload:
        call = info.context.membership.recompute_standing(
            str(input.community_id), acting_member_id=_id(input.acting_member_id)
        )
        return await payload(
            call,
            lambda dto: RecomputeStandingSuccess(changes=[StandingChange.from_dto(change) for change in dto.changes]),
        )

    @strawberry.mutation(
        description="Set the community's standing criteria (admins); levels left out get the defaults."
    )
    async def set_standing_rules(
        self, info: Info[Context, None], input: SetStandingRulesInput
    ) -> SetStandingRulesPayload:
        rules: dict[str, Any] = {"grace_days": input.grace_days}
        if input.contributor is not None:
            rules["contributor"] = input.contributor.as_settings()
        if input.core is not None:
            rules["core"] = input.core.as_settings()
        call = info.context.membership.set_standing_rules(
            str(input.community_id), rules, acting_member_id=_id(input.acting_member_id)
        )
        return await payload(call, lambda dto: SetStandingRulesSuccess(rules=StandingRules.from_dto(dto)))
