"""Mutations of gamification: point rules, grants, spends, corrections."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from contracts.gamification.ledger import PostedRead
from contracts.gamification.rule import RuleCreate, RuleRead
from gateway.clients.base import wire
from gateway.clients.gamification import PointsAction
from gateway.schema.community.types import Level
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from gateway.schema.gamification.rules import (
    MULTIPLIERS_JSON,
    PointRuleConditionsInput,
    TierMultiplierInput,
    conditions_body,
    multiplier_paths,
    multipliers_body,
)
from gateway.schema.gamification.types import GamificationSettings, PointEntry, PointRule
from gateway.schema.member.known import for_known_member
from gateway.schema.payloads import ADDRESSING, body_of, payload
from gateway.schema.scalars import Int64

EVENTS = (
    "member.activity.message, member.activity.reaction, member.activity.join, member.joined.referral (the referrer "
    "earns when someone joins with their code), referral.converted (the referrer earns when a member they referred "
    "first pays for a priced tier), checkin.recorded, assignment.submitted, assignment.reviewed, event.attended or "
    "manual."
)
IDEMPOTENCY = "Retrying with the same key posts nothing twice (any text up to 255 characters)."
Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.input
class CreatePointRuleInput:
    community_id: strawberry.ID = strawberry.field(description="The community the rule awards in.")
    name: str = strawberry.field(description="What operators call the rule: 1-100 characters.")
    event: str = strawberry.field(description=f"The occurrence the rule answers: {EVENTS}")
    points: Int64 = strawberry.field(description="Points per occurrence, > 0, before a tier multiplier.")
    daily_cap: Int64 | None = strawberry.field(
        default=None,
        description="Most points a member earns by this rule per local day (the community's time zone), > 0; "
        "null (the default) is no cap.",
    )
    cooldown_seconds: int = strawberry.field(
        default=0, description="Seconds after an award before the same member earns by this rule again; 0: none."
    )
    conditions: PointRuleConditionsInput | None = strawberry.field(
        default=None, description="When the rule awards; left out, on every occurrence of its event."
    )
    tier_multipliers: list[TierMultiplierInput] | None = strawberry.field(
        default=None, description="Per tier of the earning member, a factor on `points`; left out, 1 for everyone."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key creates one rule (any text up to 255 characters)."
    )


@strawberry.input(description="One level of a scheme given to `setLevelScheme`.")
class LevelInput:
    rank: int = strawberry.field(description="1 for the first level, then 2, 3 …, up to 100.")
    name: str = strawberry.field(description="Shown to members: 1-60 characters.")
    threshold: Int64 = strawberry.field(description="Lifetime points needed; the first level starts at 0.")
    chat_role: str | None = strawberry.field(
        default=None, description="Given in chat while on this level (1-60 characters); null: none."
    )


@strawberry.input(description="The whole level scheme, replacing the current one; members move silently.")
class SetLevelSchemeInput:
    community_id: strawberry.ID = strawberry.field(description="The community whose levels these are.")
    levels: list[LevelInput] = strawberry.field(description="1-100 levels in rank order, thresholds rising.")


@strawberry.type(description="What `setLevelScheme` answers when it succeeds: the scheme in force.")
class SetLevelSchemeSuccess:
    levels: list[Level] = strawberry.field(description="The scheme now in force, in rank order.")


SetLevelSchemePayload = Annotated[SetLevelSchemeSuccess | Errors, strawberry.union("SetLevelSchemePayload")]


@strawberry.type(
    description="What `createPointRule` answers when it succeeds (or, retried with its idempotency key, the rule "
    "the first attempt created)."
)
class CreatePointRuleSuccess:
    rule: PointRule = strawberry.field(description="The rule's first version.")


CreatePointRulePayload = Annotated[CreatePointRuleSuccess | Errors, strawberry.union("CreatePointRulePayload")]


@strawberry.input(description="Only the fields given change; each change adds a version, history stays.")
class UpdatePointRuleInput:
    community_id: strawberry.ID = strawberry.field(description="The community the rule awards in.")
    rule_id: strawberry.ID = strawberry.field(description="The rule (`PointRule.ruleId`, not a version's id).")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1-100 characters.")
    points: Int64 | None = strawberry.field(default=strawberry.UNSET, description="Points per occurrence, > 0.")
    daily_cap: Int64 | None = strawberry.field(
        default=strawberry.UNSET, description="Most points per member per local day, > 0; null takes the cap off."
    )
    cooldown_seconds: int | None = strawberry.field(
        default=strawberry.UNSET, description="Seconds between a member's awards by this rule; 0: none."
    )
    conditions: PointRuleConditionsInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces all of the rule's conditions (give `{}` for none); the ones of its event only.",
    )
    tier_multipliers: list[TierMultiplierInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all of the rule's multipliers (give `[]` for none)."
    )
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET, description="false stops the rule awarding; true starts it again."
    )


@strawberry.type(description="What `updatePointRule` answers when it succeeds: the rule's new version.")
class UpdatePointRuleSuccess:
    rule: PointRule = strawberry.field(description="The new current version.")


UpdatePointRulePayload = Annotated[UpdatePointRuleSuccess | Errors, strawberry.union("UpdatePointRulePayload")]


@strawberry.input
class CorrectPointsInput:
    community_id: strawberry.ID = strawberry.field(description="The community of the ledger.")
    entry_id: strawberry.ID = strawberry.field(description="The entry to offset; it stays in the ledger.")
    points: Int64 | None = strawberry.field(default=None, description="The offsetting amount; by default the opposite.")
    reason: str = strawberry.field(description="Why, kept on the correcting entry: 1-200 characters.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="Decay is both of its fields (days ≥ 1, 0 < percent ≤ 100) or both null: off.")
class UpdateGamificationSettingsInput:
    community_id: strawberry.ID = strawberry.field(description="The community whose settings change.")
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="IANA time zone (e.g. Asia/Shanghai): where days, daily caps and leaderboard periods turn.",
    )
    decay_after_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days without activity before a balance decays, ≥ 1; null: off."
    )
    decay_percent: int | None = strawberry.field(
        default=strawberry.UNSET, description="Share of the balance taken per day of decay, 1-100; null: off."
    )


@strawberry.type(description="What `updateGamificationSettings` answers when it succeeds.")
class UpdateGamificationSettingsSuccess:
    settings: GamificationSettings = strawberry.field(description="The settings now in force.")


UpdateGamificationSettingsPayload = Annotated[
    UpdateGamificationSettingsSuccess | Errors, strawberry.union("UpdateGamificationSettingsPayload")
]


@strawberry.input
class GrantPointsInput:
    community_id: strawberry.ID = strawberry.field(description="The community of the ledger.")
    member_id: strawberry.ID = strawberry.field(description="Who gets the points; a member of the community.")
    points: Int64 = strawberry.field(description="How many, > 0; they count toward lifetime points and levels.")
    reason: str = strawberry.field(description="Kept on the ledger entry: 1-200 characters.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input
class SpendPointsInput:
    community_id: strawberry.ID = strawberry.field(description="The community of the ledger.")
    member_id: strawberry.ID = strawberry.field(description="Whose points; a member of the community.")
    points: Int64 = strawberry.field(description="How many, > 0 and at most the member's balance.")
    reason: str = strawberry.field(description="Kept on the ledger entry: 1-200 characters.")
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.type(
    description="What `grantPoints`, `spendPoints` and `correctPoints` answer when they succeed: the ledger entry "
    "posted and the member's totals after it."
)
class PointsPosted:
    entry: PointEntry = strawberry.field(description="The ledger entry posted.")
    balance: Int64 = strawberry.field(description="The member's spendable points after it.")
    lifetime_points: Int64 = strawberry.field(description="The member's points ever earned after it.")

    @classmethod
    def from_dto(cls, dto: PostedRead) -> PointsPosted:
        return cls(entry=PointEntry.from_dto(dto.entry), balance=dto.balance, lifetime_points=dto.lifetime)


PointsPayload = Annotated[PointsPosted | Errors, strawberry.union("PointsPayload")]


@strawberry.type
class GamificationMutation:
    @strawberry.mutation(description="Replace the level scheme (thresholds, names, chat roles).")
    async def set_level_scheme(self, info: Info[Context, None], input: SetLevelSchemeInput) -> SetLevelSchemePayload:
        call = info.context.gamification.replace_levels(str(input.community_id), body_of(input)["levels"])
        return await payload(call, lambda dtos: SetLevelSchemeSuccess(levels=[Level.from_dto(dto) for dto in dtos]))

    @strawberry.mutation(description="Add a point rule (data, not code).")
    async def create_point_rule(self, info: Info[Context, None], input: CreatePointRuleInput) -> CreatePointRulePayload:
        gamification = info.context.gamification

        async def create() -> RuleRead:
            body = body_of(
                input,
                conditions=conditions_body(input.conditions) or {},
                tier_multipliers=multipliers_body(input.tier_multipliers) or {},
            )
            data = wire(RuleCreate, **body)
            return await gamification.create_rule(str(input.community_id), data, idempotency_key=input.idempotency_key)

        answer = await payload(create(), _rule_created, json_inputs=MULTIPLIERS_JSON)
        return multiplier_paths(answer, input.tier_multipliers)

    @strawberry.mutation(description="Change a point rule: a new version; entries keep the version that awarded them.")
    async def update_point_rule(self, info: Info[Context, None], input: UpdatePointRuleInput) -> UpdatePointRulePayload:
        gamification = info.context.gamification

        async def change() -> RuleRead:
            converted: dict[str, Any] = {}
            if input.conditions is not strawberry.UNSET:
                converted["conditions"] = conditions_body(input.conditions)
            if input.tier_multipliers is not strawberry.UNSET:
                converted["tier_multipliers"] = multipliers_body(input.tier_multipliers)
            body = body_of(input, leave_out=_RULE_ADDRESS, **converted)
            return await gamification.change_rule(str(input.community_id), str(input.rule_id), body)

        answer = await payload(change(), _rule_changed, json_inputs=MULTIPLIERS_JSON)
        return multiplier_paths(answer, input.tier_multipliers or None)

    @strawberry.mutation(description="Offset a ledger entry with a correction; refused below zero, never an edit.")
    async def correct_points(self, info: Info[Context, None], input: CorrectPointsInput) -> PointsPayload:
        call = info.context.gamification.correct_points(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(call, PointsPosted.from_dto)

    @strawberry.mutation(description="Set the time zone or decay of inactive balances (only the fields given).")
    async def update_gamification_settings(
        self, info: Info[Context, None], input: UpdateGamificationSettingsInput
    ) -> UpdateGamificationSettingsPayload:
        cid = str(input.community_id)
        call = info.context.gamification.change_point_settings(cid, body_of(input))
        return await payload(
            call, lambda dto: UpdateGamificationSettingsSuccess(settings=GamificationSettings.from_dto(cid, dto))
        )

    @strawberry.mutation(description="Grant points by hand to a member of the community.")
    async def grant_points(self, info: Info[Context, None], input: GrantPointsInput) -> PointsPayload:
        return await payload(_points_call(info, "grants", input), PointsPosted.from_dto)

    @strawberry.mutation(description="Spend a member's points; refused with insufficient_points below zero.")
    async def spend_points(self, info: Info[Context, None], input: SpendPointsInput) -> PointsPayload:
        return await payload(_points_call(info, "spends", input), PointsPosted.from_dto)


_RULE_ADDRESS = ADDRESSING | {"rule_id"}


def _points_call(
    info: Info[Context, None], action: PointsAction, input: GrantPointsInput | SpendPointsInput
) -> Awaitable[PostedRead]:
    """A grant or spend, sent to gamification only once membership knows the member (``for_known_member``)."""
    context, cid = info.context, str(input.community_id)
    return for_known_member(
        context,
        cid,
        str(input.member_id),
        lambda: context.gamification.post_points(cid, action, body_of(input), idempotency_key=input.idempotency_key),
    )


def _rule_created(rule: RuleRead) -> CreatePointRuleSuccess:
    return CreatePointRuleSuccess(rule=PointRule.from_dto(rule))


def _rule_changed(rule: RuleRead) -> UpdatePointRuleSuccess:
    return UpdatePointRuleSuccess(rule=PointRule.from_dto(rule))
