"""Mutations of gamification: point rules, grants, spends, corrections."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.gamification.rule import RuleCreate
from gateway.clients import ServiceProblem
from gateway.clients.base import wire
from gateway.clients.gamification import PointsAction
from gateway.schema.community.types import Level
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.gamification.types import GamificationSettings, PointEntry, PointRule
from gateway.schema.member.known import for_known_member
from gateway.schema.scalars import Int64

# Their keys are the caller's (condition names, tier ids): an error's field path keeps them as given.
RULE_JSON_INPUTS = ("conditions", "tier_multipliers")
CONDITIONS = (
    "All must hold; keys are snake_case. Most events: group_ids, min_length, keyword, tier_ids. "
    "referral.converted (the referrer earns when a member they referred first pays for a priced tier): "
    "min_amount, max_amount (minor units, inclusive; need currency), currency, paid_tier_ids, paid_tier_keys, "
    "and tier_ids (the referrer's own tier, as tierMultipliers are)."
)


@strawberry.input
class CreatePointRuleInput:
    community_id: strawberry.ID
    name: str
    event: str = strawberry.field(
        description=(
            "member.activity.message, member.activity.reaction, member.activity.join, member.joined.referral, "
            "referral.converted, checkin.recorded, assignment.submitted, assignment.reviewed, event.attended, manual."
        )
    )
    points: Int64
    daily_cap: Int64 | None = None
    cooldown_seconds: int = 0
    conditions: JSON | None = strawberry.field(default=None, description=CONDITIONS)
    tier_multipliers: JSON | None = None
    idempotency_key: str | None = None


@strawberry.input
class LevelInput:
    rank: int
    name: str
    threshold: Int64 = strawberry.field(description="Lifetime points needed; the first level starts at 0.")
    chat_role: str | None = strawberry.field(default=None, description="Given in chat while on this level.")


@strawberry.input(description="The whole level scheme, replacing the current one; members move silently.")
class SetLevelSchemeInput:
    community_id: strawberry.ID
    levels: list[LevelInput]


@strawberry.type
class SetLevelSchemeSuccess:
    levels: list[Level]


SetLevelSchemePayload = Annotated[
    SetLevelSchemeSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("SetLevelSchemePayload"),
]


@strawberry.type
class CreatePointRuleSuccess:
    rule: PointRule


CreatePointRulePayload = Annotated[
    CreatePointRuleSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("CreatePointRulePayload"),
]


@strawberry.input(description="Only the fields given change; each change adds a version, history stays.")
class UpdatePointRuleInput:
    community_id: strawberry.ID
    rule_id: strawberry.ID
    name: str | None = strawberry.UNSET
    points: Int64 | None = strawberry.UNSET
    daily_cap: Int64 | None = strawberry.field(default=strawberry.UNSET, description="null takes the cap off.")
    cooldown_seconds: int | None = strawberry.UNSET
    conditions: JSON | None = strawberry.field(default=strawberry.UNSET, description=CONDITIONS)
    tier_multipliers: JSON | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET


@strawberry.type
class UpdatePointRuleSuccess:
    rule: PointRule = strawberry.field(description="The new current version.")


UpdatePointRulePayload = Annotated[
    UpdatePointRuleSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("UpdatePointRulePayload"),
]


@strawberry.input
class CorrectPointsInput:
    community_id: strawberry.ID
    entry_id: strawberry.ID = strawberry.field(description="The entry to offset; it stays in the ledger.")
    points: Int64 | None = strawberry.field(default=None, description="The offsetting amount; by default the opposite.")
    reason: str
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key posts nothing twice."
    )


@strawberry.input(description="Decay is both of its fields (days ≥ 1, 0 < percent ≤ 100) or both null: off.")
class UpdateGamificationSettingsInput:
    community_id: strawberry.ID
    timezone: str | None = strawberry.UNSET
    decay_after_days: int | None = strawberry.UNSET
    decay_percent: int | None = strawberry.UNSET


@strawberry.type
class UpdateGamificationSettingsSuccess:
    settings: GamificationSettings


UpdateGamificationSettingsPayload = Annotated[
    UpdateGamificationSettingsSuccess | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("UpdateGamificationSettingsPayload"),
]


@strawberry.input
class PointsInput:
    community_id: strawberry.ID
    member_id: strawberry.ID
    points: Int64
    reason: str
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key posts nothing twice."
    )


@strawberry.type
class PointsPosted:
    entry: PointEntry
    balance: Int64
    lifetime_points: Int64


PointsPayload = Annotated[
    PointsPosted | InvalidInputError | ForbiddenError | NotFoundError | ConflictError,
    strawberry.union("PointsPayload"),
]


async def _post(info: Info[Context, None], action: PointsAction, input: PointsInput) -> PointsPayload:
    body = {"member_id": str(input.member_id), "points": input.points, "reason": input.reason}
    try:
        cid = str(input.community_id)
        dto = await for_known_member(
            info.context,
            cid,
            str(input.member_id),
            lambda: info.context.gamification.post_points(cid, action, body, idempotency_key=input.idempotency_key),
        )
    except ServiceProblem as problem:
        return user_error_from(problem)
    return PointsPosted(entry=PointEntry.from_dto(dto.entry), balance=dto.balance, lifetime_points=dto.lifetime)


@strawberry.type
class GamificationMutation:
    @strawberry.mutation(description="Replace the level scheme (thresholds, names, chat roles).")
    async def set_level_scheme(self, info: Info[Context, None], input: SetLevelSchemeInput) -> SetLevelSchemePayload:
        levels = [
            {"rank": level.rank, "name": level.name, "threshold": level.threshold, "chat_role": level.chat_role}
            for level in input.levels
        ]
        try:
            dtos = await info.context.gamification.replace_levels(str(input.community_id), levels)
        except ServiceProblem as problem:
            return user_error_from(problem)
        return SetLevelSchemeSuccess(levels=[Level.from_dto(dto) for dto in dtos])

    @strawberry.mutation(description="Add a point rule (data, not code).")
    async def create_point_rule(self, info: Info[Context, None], input: CreatePointRuleInput) -> CreatePointRulePayload:
        try:
            data = wire(
                RuleCreate,
                name=input.name,
                event=input.event,
                points=input.points,
                daily_cap=input.daily_cap,
                cooldown_seconds=input.cooldown_seconds,
                conditions=input.conditions or {},
                tier_multipliers=input.tier_multipliers or {},
            )
            dto = await info.context.gamification.create_rule(
                str(input.community_id), data, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem, json_inputs=RULE_JSON_INPUTS)
        return CreatePointRuleSuccess(rule=PointRule.from_dto(dto))

    @strawberry.mutation(description="Change a point rule: a new version; entries keep the version that awarded them.")
    async def update_point_rule(self, info: Info[Context, None], input: UpdatePointRuleInput) -> UpdatePointRulePayload:
        given = {
            "name": input.name,
            "points": input.points,
            "daily_cap": input.daily_cap,
            "cooldown_seconds": input.cooldown_seconds,
            "conditions": input.conditions,
            "tier_multipliers": input.tier_multipliers,
            "enabled": input.enabled,
        }
        changes: dict[str, Any] = {key: value for key, value in given.items() if value is not strawberry.UNSET}
        try:
            dto = await info.context.gamification.change_rule(str(input.community_id), str(input.rule_id), changes)
        except ServiceProblem as problem:
            return user_error_from(problem, json_inputs=RULE_JSON_INPUTS)
        return UpdatePointRuleSuccess(rule=PointRule.from_dto(dto))

    @strawberry.mutation(description="Offset a ledger entry with a correction; refused below zero, never an edit.")
    async def correct_points(self, info: Info[Context, None], input: CorrectPointsInput) -> PointsPayload:
        body: dict[str, Any] = {"entry_id": str(input.entry_id), "points": input.points, "reason": input.reason}
        try:
            dto = await info.context.gamification.correct_points(
                str(input.community_id), body, idempotency_key=input.idempotency_key
            )
        except ServiceProblem as problem:
            return user_error_from(problem)
        return PointsPosted(entry=PointEntry.from_dto(dto.entry), balance=dto.balance, lifetime_points=dto.lifetime)

    @strawberry.mutation(description="Set the time zone or decay of inactive balances (only the fields given).")
    async def update_gamification_settings(
        self, info: Info[Context, None], input: UpdateGamificationSettingsInput
    ) -> UpdateGamificationSettingsPayload:
        given = {
            "timezone": input.timezone,
            "decay_after_days": input.decay_after_days,
            "decay_percent": input.decay_percent,
        }
        changes: dict[str, Any] = {key: value for key, value in given.items() if value is not strawberry.UNSET}
        try:
            dto = await info.context.gamification.change_point_settings(str(input.community_id), changes)
        except ServiceProblem as problem:
            return user_error_from(problem)
        return UpdateGamificationSettingsSuccess(settings=GamificationSettings.from_dto(str(input.community_id), dto))

    @strawberry.mutation(description="Grant points by hand.")
    async def grant_points(self, info: Info[Context, None], input: PointsInput) -> PointsPayload:
        return await _post(info, "grants", input)

    @strawberry.mutation(description="Spend a member's points; refused with insufficient_points below zero.")
    async def spend_points(self, info: Info[Context, None], input: PointsInput) -> PointsPayload:
        return await _post(info, "spends", input)
