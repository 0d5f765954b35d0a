"""Mutations of badges, rewards, surprise rules and attention probes; each returns its payload or a user error."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from contracts.gamification.probe import ProbeRead
from contracts.gamification.reward import RedemptionRead
from gateway.schema.context import Context
from gateway.schema.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    missing_input,
)
from gateway.schema.member.known import for_known_member
from gateway.schema.payloads import ADDRESSING, body_of, payload
from gateway.schema.rewards.criteria import BadgeCriteriaInput, criteria_body
from gateway.schema.rewards.types import Badge, BadgeAward, Probe, ProbeClaim, Redemption, Reward, SurpriseRule
from gateway.schema.scalars import Int64

Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError
COMMUNITY = "The community it belongs to."


@strawberry.input
class CreateBadgeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    name: str = strawberry.field(description="1-100 characters.")
    description: str = strawberry.field(default="", description="Up to 1000 characters; empty by default.")
    image_url: str | None = strawberry.field(default=None, description="The badge's picture: a URL up to 500 long.")
    criteria: BadgeCriteriaInput = strawberry.field(description='What earns it, e.g. `{kind: "manual"}`.')
    repeatable: bool = strawberry.field(
        default=False,
        description="false (the default): a member holds it once; true: earned again per threshold multiple, "
        "window, streak or challenge.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key creates one badge (any text up to 255 characters)."
    )


@strawberry.type(
    description="What `createBadge` answers when it succeeds (or, retried with its idempotency key, the badge "
    "first created)."
)
class CreateBadgeSuccess:
    badge: Badge = strawberry.field(description="The badge as created, enabled.")


@strawberry.input
class AwardBadgeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    badge_id: strawberry.ID = strawberry.field(description="The badge; any kind, not only `manual`.")
    member_id: strawberry.ID = strawberry.field(description="Who receives it; a member of the community.")
    reason: str | None = strawberry.field(default=None, description="Kept on the award: up to 200 characters.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key awards once (any text up to 255 characters)."
    )


@strawberry.type(
    description="What `awardBadge` answers when it succeeds; a member who already held a badge that is not "
    "repeatable keeps that award."
)
class AwardBadgeSuccess:
    award: BadgeAward = strawberry.field(description="The award the member holds.")


@strawberry.input
class CreateRewardInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    name: str = strawberry.field(description="1-100 characters.")
    cost: Int64 = strawberry.field(description="Points a redemption takes, ≥ 1.")
    description: str = strawberry.field(default="", description="Up to 1000 characters; empty by default.")
    image_url: str | None = strawberry.field(default=None, description="A URL up to 500 characters long.")
    stock: int | None = strawberry.field(default=None, description="Units to give out, ≥ 0; null is unlimited.")
    per_member_limit: int | None = strawberry.field(
        default=None, description="Most redemptions per member, ≥ 1; null: no limit."
    )
    available_from: datetime | None = strawberry.field(
        default=None, description="Redeemable from this instant (with a time zone); null: no start."
    )
    available_until: datetime | None = strawberry.field(
        default=None, description="Redeemable until this instant (with a time zone); null: no end."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key creates one reward (any text up to 255 characters)."
    )


@strawberry.type(
    description="What `createReward` answers when it succeeds (or, retried with its idempotency key, the reward "
    "first created)."
)
class CreateRewardSuccess:
    reward: Reward = strawberry.field(description="The reward as created, active.")


@strawberry.input
class RedeemRewardInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    reward_id: strawberry.ID = strawberry.field(description="The reward redeemed.")
    member_id: strawberry.ID = strawberry.field(description="Who redeems: their points pay the reward's cost.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="The redemption key: retrying with it redeems nothing twice."
    )


@strawberry.type(
    description="What `redeemReward` answers when it succeeds: the points are paid and a unit of stock taken."
)
class RedeemRewardSuccess:
    redemption: Redemption = strawberry.field(description="The redemption, `requested` until fulfilled or cancelled.")
    balance: Int64 | None = strawberry.field(description="The member's points after paying; null on a retry.")


@strawberry.input
class FulfilRedemptionInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    redemption_id: strawberry.ID = strawberry.field(description="A redemption that is `requested`.")
    note: str | None = strawberry.field(default=None, description="Kept on the redemption, e.g. how it was handed.")


@strawberry.input
class CancelRedemptionInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    redemption_id: strawberry.ID = strawberry.field(description="A redemption that is `requested`.")
    note: str | None = strawberry.field(default=None, description="Kept on the redemption, e.g. why.")


@strawberry.type(description="What `fulfilRedemption` and `cancelRedemption` answer when they succeed.")
class RedemptionChanged:
    redemption: Redemption = strawberry.field(description="The redemption, now `fulfilled` or `cancelled`.")


@strawberry.input
class CreateSurpriseRuleInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    name: str = strawberry.field(description="1-100 characters.")
    events: list[str] = strawberry.field(
        description="The events that draw, e.g. member.activity.message, checkin.recorded."
    )
    probability: float = strawberry.field(description="Chance of a bonus per event: above 0, at most 1.")
    bonus: Int64 = strawberry.field(description="Points of one bonus.")
    daily_budget: Int64 = strawberry.field(
        description="Most points the rule gives away per local day; a draw past it is `budget_exhausted`."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key creates one rule (any text up to 255 characters)."
    )


@strawberry.type(
    description="What `createSurpriseRule` answers when it succeeds (or, retried with its idempotency key, the "
    "rule first created)."
)
class CreateSurpriseRuleSuccess:
    rule: SurpriseRule = strawberry.field(description="The rule as created, enabled (its secret is never shown).")


@strawberry.input
class DropProbeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    group_ids: list[strawberry.ID] = strawberry.field(
        description="The groups it is posted into (up to 100), bound to a chat account."
    )
    keyword: str = strawberry.field(
        description="A message containing it (case-insensitive) claims the probe: up to 100 characters."
    )
    max_claims: int = strawberry.field(description="How many members can claim it, ≥ 1.")
    expires_at: datetime = strawberry.field(description="When claims stop (with a time zone).")
    points_per_claim: Int64 | None = strawberry.field(
        default=None, description="Points each claim earns, ≥ 1; null: a claim earns no points."
    )
    message: str | None = strawberry.field(
        default=None, description="What the groups see (up to 1000 characters); by default one naming the keyword."
    )
    members_present: JSON | None = strawberry.field(
        default=None,
        description="{group id: members present} for the claim ratio; taken from the groups' member counts when "
        "left out",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key drops one probe (any text up to 255 characters)."
    )


@strawberry.type(description="What `dropProbe` answers when it succeeds; the message is sent into the groups after it.")
class DropProbeSuccess:
    probe: Probe = strawberry.field(
        description="The probe, `open`: it takes claims until it expires, runs out or is closed."
    )


@strawberry.input
class ClaimProbeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    probe_id: strawberry.ID = strawberry.field(description="An open probe.")
    member_id: strawberry.ID = strawberry.field(description="Who claims; a member of the community, once per probe.")
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="The group the claim counts for; null: the community's."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key claims once (any text up to 255 characters)."
    )


@strawberry.type(description="What `claimProbe` answers when it succeeds; its points, if any, are posted with it.")
class ClaimProbeSuccess:
    claim: ProbeClaim = strawberry.field(description="The claim, `via: api`.")


@strawberry.input
class CloseProbeInput:
    community_id: strawberry.ID = strawberry.field(description=COMMUNITY)
    probe_id: strawberry.ID = strawberry.field(description="The probe to close.")


@strawberry.type(description="What `closeProbe` answers when it succeeds.")
class CloseProbeSuccess:
    probe: Probe = strawberry.field(description="The probe, `closed`.")


CreateBadgePayload = Annotated[CreateBadgeSuccess | Errors, strawberry.union("CreateBadgePayload")]
AwardBadgePayload = Annotated[AwardBadgeSuccess | Errors, strawberry.union("AwardBadgePayload")]
CreateRewardPayload = Annotated[CreateRewardSuccess | Errors, strawberry.union("CreateRewardPayload")]
RedeemRewardPayload = Annotated[RedeemRewardSuccess | Errors, strawberry.union("RedeemRewardPayload")]
RedemptionPayload = Annotated[RedemptionChanged | Errors, strawberry.union("RedemptionPayload")]
CreateSurpriseRulePayload = Annotated[CreateSurpriseRuleSuccess | Errors, strawberry.union("CreateSurpriseRulePayload")]
DropProbePayload = Annotated[DropProbeSuccess | Errors, strawberry.union("DropProbePayload")]
ClaimProbePayload = Annotated[ClaimProbeSuccess | Errors, strawberry.union("ClaimProbePayload")]
CloseProbePayload = Annotated[CloseProbeSuccess | Errors, strawberry.union("CloseProbePayload")]


@strawberry.type
class RewardsMutation:
    @strawberry.mutation(description="Define a badge with machine-checkable criteria.")
    async def create_badge(self, info: Info[Context, None], input: CreateBadgeInput) -> CreateBadgePayload:
        body = body_of(input, criteria=criteria_body(input.criteria))
        call = info.context.gamification.create_badge(
            str(input.community_id), body, idempotency_key=input.idempotency_key
        )
        return await payload(call, lambda dto: CreateBadgeSuccess(badge=Badge.from_dto(dto)))

    @strawberry.mutation(description="Award a badge by hand; a badge that is not repeatable is held once.")
    async def award_badge(self, info: Info[Context, None], input: AwardBadgeInput) -> AwardBadgePayload:
        context, cid = info.context, str(input.community_id)
        call = for_known_member(
            context,
            cid,
            str(input.member_id),
            lambda: context.gamification.award_badge(
                cid, str(input.badge_id), body_of(input, leave_out=_BADGE), idempotency_key=input.idempotency_key
            ),
        )
        return await payload(call, lambda dto: AwardBadgeSuccess(award=BadgeAward.from_dto(dto)))

    @strawberry.mutation(description="Add a reward to the catalogue.")
    async def create_reward(self, info: Info[Context, None], input: CreateRewardInput) -> CreateRewardPayload:
        call = info.context.gamification.create_reward(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(call, lambda dto: CreateRewardSuccess(reward=Reward.from_dto(dto)))

    @strawberry.mutation(description="Redeem: points and a unit of stock taken together, or nothing.")
    async def redeem_reward(self, info: Info[Context, None], input: RedeemRewardInput) -> RedeemRewardPayload:
        context, cid, mid = info.context, str(input.community_id), str(input.member_id)
        call = for_known_member(
            context,
            cid,
            mid,
            lambda: context.gamification.redeem(cid, str(input.reward_id), mid, idempotency_key=input.idempotency_key),
        )
        return await payload(
            call, lambda dto: RedeemRewardSuccess(redemption=Redemption.from_dto(dto.redemption), balance=dto.balance)
        )

    @strawberry.mutation(description="Mark a requested redemption fulfilled.")
    async def fulfil_redemption(self, info: Info[Context, None], input: FulfilRedemptionInput) -> RedemptionPayload:
        call = info.context.gamification.move_redemption(
            str(input.community_id), str(input.redemption_id), "fulfil", note=input.note
        )
        return await payload(call, _redemption_changed)

    @strawberry.mutation(description="Cancel a requested redemption: its points are refunded, its unit restocked.")
    async def cancel_redemption(self, info: Info[Context, None], input: CancelRedemptionInput) -> RedemptionPayload:
        call = info.context.gamification.move_redemption(
            str(input.community_id), str(input.redemption_id), "cancel", note=input.note
        )
        return await payload(call, _redemption_changed)

    @strawberry.mutation(
        description="Add a surprise rule: a bonus with a probability on chosen events, within a budget."
    )
    async def create_surprise_rule(
        self, info: Info[Context, None], input: CreateSurpriseRuleInput
    ) -> CreateSurpriseRulePayload:
        call = info.context.gamification.create_surprise_rule(
            str(input.community_id), body_of(input), idempotency_key=input.idempotency_key
        )
        return await payload(call, lambda dto: CreateSurpriseRuleSuccess(rule=SurpriseRule.from_dto(dto)))

    @strawberry.mutation(description="Drop an attention probe into groups (the red-envelope test).")
    async def drop_probe(self, info: Info[Context, None], input: DropProbeInput) -> DropProbePayload:
        context, cid = info.context, str(input.community_id)

        async def drop() -> ProbeRead:
            present = await _members_present(context, input)
            body = body_of(input, members_present=present)
            return await context.gamification.drop_probe(cid, body, idempotency_key=input.idempotency_key)

        return await payload(drop(), _probe_dropped)

    @strawberry.mutation(description="Claim a probe for a member (claims from chat come by keyword).")
    async def claim_probe(self, info: Info[Context, None], input: ClaimProbeInput) -> ClaimProbePayload:
        context, cid = info.context, str(input.community_id)
        call = for_known_member(
            context,
            cid,
            str(input.member_id),
            lambda: context.gamification.claim_probe(
                cid, str(input.probe_id), body_of(input, leave_out=_PROBE), idempotency_key=input.idempotency_key
            ),
        )
        return await payload(call, lambda dto: ClaimProbeSuccess(claim=ProbeClaim.from_dto(dto)))

    @strawberry.mutation(description="Close a probe: it takes no more claims.")
    async def close_probe(
        self,
        info: Info[Context, None],
        input: CloseProbeInput | None = None,
        community_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The probe's community, as `input.communityId`; only without input.",
                deprecation_reason="Use input.communityId; removed in 0.3.0.",
            ),
        ] = None,
        probe_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The probe to close, as `input.probeId`; only without input.",
                deprecation_reason="Use input.probeId; removed in 0.3.0.",
            ),
        ] = None,
    ) -> CloseProbePayload:
        if input is None:
            if community_id is None or probe_id is None:
                return missing_input("give input { communityId probeId }")
            input = CloseProbeInput(community_id=community_id, probe_id=probe_id)
        call = info.context.gamification.close_probe(str(input.community_id), str(input.probe_id))
        return await payload(call, lambda dto: CloseProbeSuccess(probe=Probe.from_dto(dto)))


_BADGE = ADDRESSING | {"badge_id"}
_PROBE = ADDRESSING | {"probe_id"}


async def _members_present(context: Context, input: DropProbeInput) -> dict[str, int]:
    if input.members_present is not None:
        return cast(dict[str, int], input.members_present)  # the service checks the values
    wanted = {str(g) for g in input.group_ids}
    groups = await context.membership.list_groups(str(input.community_id), include_archived=False, platform=None)
    return {g.id: g.member_count for g in groups if g.id in wanted}


def _redemption_changed(redemption: RedemptionRead) -> RedemptionChanged:
    return RedemptionChanged(redemption=Redemption.from_dto(redemption))


def _probe_dropped(probe: ProbeRead) -> DropProbeSuccess:
    return DropProbeSuccess(probe=Probe.from_dto(probe))
