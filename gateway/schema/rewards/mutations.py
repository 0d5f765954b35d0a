"""Mutations of badges, rewards, surprise rules and attention probes; each returns its payload or a user error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError, user_error_from
from gateway.schema.member.known import for_known_member
from gateway.schema.rewards.types import Badge, BadgeAward, Probe, ProbeClaim, Redemption, Reward, SurpriseRule
from gateway.schema.scalars import Int64

T = TypeVar("T")
Errors = InvalidInputError | ForbiddenError | NotFoundError | ConflictError


@strawberry.input
class CreateBadgeInput:
    community_id: strawberry.ID
    name: str
    description: str = ""
    image_url: str | None = None
    criteria: JSON = strawberry.field(
        description='{"kind": "count"|"streak"|"points"|"challenge"|"manual", ...}; see the REST reference'
    )
    repeatable: bool = False
    idempotency_key: str | None = None


@strawberry.type
class CreateBadgeSuccess:
    badge: Badge


@strawberry.input
class AwardBadgeInput:
    community_id: strawberry.ID
    badge_id: strawberry.ID
    member_id: strawberry.ID
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class AwardBadgeSuccess:
    award: BadgeAward


@strawberry.input
class CreateRewardInput:
    community_id: strawberry.ID
    name: str
    cost: Int64
    description: str = ""
    image_url: str | None = None
    stock: int | None = strawberry.field(default=None, description="units; null is unlimited")
    per_member_limit: int | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None
    idempotency_key: str | None = None


@strawberry.type
class CreateRewardSuccess:
    reward: Reward


@strawberry.input
class RedeemRewardInput:
    community_id: strawberry.ID
    reward_id: strawberry.ID
    member_id: strawberry.ID
    idempotency_key: str | None = strawberry.field(
        default=None, description="The redemption key: retrying with it redeems nothing twice."
    )


@strawberry.type
class RedeemRewardSuccess:
    redemption: Redemption
    balance: Int64 | None


@strawberry.input
class ChangeRedemptionInput:
    community_id: strawberry.ID
    redemption_id: strawberry.ID
    note: str | None = None


@strawberry.type
class RedemptionChanged:
    redemption: Redemption


@strawberry.input
class CreateSurpriseRuleInput:
    community_id: strawberry.ID
    name: str
    events: list[str]
    probability: float
    bonus: Int64
    daily_budget: Int64
    idempotency_key: str | None = None


@strawberry.type
class CreateSurpriseRuleSuccess:
    rule: SurpriseRule


@strawberry.input
class DropProbeInput:
    community_id: strawberry.ID
    group_ids: list[strawberry.ID]
    keyword: str
    max_claims: int
    expires_at: datetime
    points_per_claim: Int64 | None = None
    message: str | None = None
    members_present: JSON | None = strawberry.field(
        default=None, description="{group id: members}; taken from the groups' member counts when left out"
    )
    idempotency_key: str | None = None


@strawberry.type
class DropProbeSuccess:
    probe: Probe


@strawberry.input
class ClaimProbeInput:
    community_id: strawberry.ID
    probe_id: strawberry.ID
    member_id: strawberry.ID
    group_id: strawberry.ID | None = None
    idempotency_key: str | None = None


@strawberry.type
class ClaimProbeSuccess:
    claim: ProbeClaim


@strawberry.type
class CloseProbeSuccess:
    probe: Probe


CreateBadgePayload = Annotated[CreateBadgeSuccess | Errors, strawberry.union("CreateBadgePayload")]
AwardBadgePayload = Annotated[AwardBadgeSuccess | Errors, strawberry.union("AwardBadgePayload")]
CreateRewardPayload = Annotated[CreateRewardSuccess | Errors, strawberry.union("CreateRewardPayload")]
RedeemRewardPayload = Annotated[RedeemRewardSuccess | Errors, strawberry.union("RedeemRewardPayload")]
RedemptionPayload = Annotated[RedemptionChanged | Errors, strawberry.union("RedemptionPayload")]
CreateSurpriseRulePayload = Annotated[CreateSurpriseRuleSuccess | Errors, strawberry.union("CreateSurpriseRulePayload")]
DropProbePayload = Annotated[DropProbeSuccess | Errors, strawberry.union("DropProbePayload")]
ClaimProbePayload = Annotated[ClaimProbeSuccess | Errors, strawberry.union("ClaimProbePayload")]
CloseProbePayload = Annotated[CloseProbeSuccess | Errors, strawberry.union("CloseProbePayload")]


async def _run(call: Awaitable[T], success: Callable[[T], Any]) -> Any:
    try:
        return success(await call)
    except ServiceProblem as problem:
        return user_error_from(problem)


async def _members_present(info: Info[Context, None], input: DropProbeInput) -> dict[str, int]:
    if input.members_present is not None:
        return cast(dict[str, int], input.members_present)  # the service checks the values
    wanted = {str(g) for g in input.group_ids}
    groups = await info.context.membership.list_groups(str(input.community_id), include_archived=False, platform=None)
    return {g.id: g.member_count for g in groups if g.id in wanted}


@strawberry.type
class RewardsMutation:
    @strawberry.mutation(description="Define a badge with machine-checkable criteria.")
    async def create_badge(self, info: Info[Context, None], input: CreateBadgeInput) -> CreateBadgePayload:
        body = {
            "name": input.name,
            "description": input.description,
            "image_url": input.image_url,
            "criteria": input.criteria,
            "repeatable": input.repeatable,
        }
        call = info.context.gamification.create_badge(
            str(input.community_id), body, idempotency_key=input.idempotency_key
        )
        return await _run(call, lambda dto: CreateBadgeSuccess(badge=Badge.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Award a badge by hand; a badge that is not repeatable is held once.")
    async def award_badge(self, info: Info[Context, None], input: AwardBadgeInput) -> AwardBadgePayload:
        cid, mid = str(input.community_id), str(input.member_id)
        call = for_known_member(
            info.context,
            cid,
            mid,
            lambda: info.context.gamification.award_badge(
                cid,
                str(input.badge_id),
                {"member_id": mid, "reason": input.reason},
                idempotency_key=input.idempotency_key,
            ),
        )
        return await _run(call, lambda dto: AwardBadgeSuccess(award=BadgeAward.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Add a reward to the catalogue.")
    async def create_reward(self, info: Info[Context, None], input: CreateRewardInput) -> CreateRewardPayload:
        body = {
            "name": input.name,
            "description": input.description,
            "image_url": input.image_url,
            "cost": input.cost,
            "stock": input.stock,
            "per_member_limit": input.per_member_limit,
            "available_from": input.available_from.isoformat() if input.available_from else None,
            "available_until": input.available_until.isoformat() if input.available_until else None,
        }
        call = info.context.gamification.create_reward(
            str(input.community_id), body, idempotency_key=input.idempotency_key
        )
        return await _run(call, lambda dto: CreateRewardSuccess(reward=Reward.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Redeem: points and a unit of stock taken together, or nothing.")
    async def redeem_reward(self, info: Info[Context, None], input: RedeemRewardInput) -> RedeemRewardPayload:
        cid, mid = str(input.community_id), str(input.member_id)
        call = for_known_member(
            info.context,
            cid,
            mid,
            lambda: info.context.gamification.redeem(
                cid, str(input.reward_id), mid, idempotency_key=input.idempotency_key
            ),
        )
        return await _run(  # type: ignore[no-any-return]
            call,
            lambda dto: RedeemRewardSuccess(redemption=Redemption.from_dto(dto.redemption), balance=dto.balance),
        )

    @strawberry.mutation(description="Mark a requested redemption fulfilled.")
    async def fulfil_redemption(self, info: Info[Context, None], input: ChangeRedemptionInput) -> RedemptionPayload:
        call = info.context.gamification.move_redemption(
            str(input.community_id), str(input.redemption_id), "fulfil", note=input.note
        )
        return await _run(call, lambda dto: RedemptionChanged(redemption=Redemption.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Cancel a requested redemption: its points are refunded, its unit restocked.")
    async def cancel_redemption(self, info: Info[Context, None], input: ChangeRedemptionInput) -> RedemptionPayload:
        call = info.context.gamification.move_redemption(
            str(input.community_id), str(input.redemption_id), "cancel", note=input.note
        )
        return await _run(call, lambda dto: RedemptionChanged(redemption=Redemption.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(
        description="Add a surprise rule: a bonus with a probability on chosen events, within a budget."
    )
    async def create_surprise_rule(
        self, info: Info[Context, None], input: CreateSurpriseRuleInput
    ) -> CreateSurpriseRulePayload:
        body = {
            "name": input.name,
            "events": input.events,
            "probability": input.probability,
            "bonus": input.bonus,
            "daily_budget": input.daily_budget,
        }
        call = info.context.gamification.create_surprise_rule(
            str(input.community_id), body, idempotency_key=input.idempotency_key
        )
        return await _run(call, lambda dto: CreateSurpriseRuleSuccess(rule=SurpriseRule.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Drop an attention probe into groups (the red-envelope test).")
    async def drop_probe(self, info: Info[Context, None], input: DropProbeInput) -> DropProbePayload:
        try:
            present = await _members_present(info, input)
        except ServiceProblem as problem:
            return user_error_from(problem)
        body = {
            "group_ids": [str(g) for g in input.group_ids],
            "keyword": input.keyword,
            "message": input.message,
            "points_per_claim": input.points_per_claim,
            "max_claims": input.max_claims,
            "expires_at": input.expires_at.isoformat(),
            "members_present": present,
        }
        call = info.context.gamification.drop_probe(
            str(input.community_id), body, idempotency_key=input.idempotency_key
        )
        return await _run(call, lambda dto: DropProbeSuccess(probe=Probe.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Claim a probe for a member (claims from chat come by keyword).")
    async def claim_probe(self, info: Info[Context, None], input: ClaimProbeInput) -> ClaimProbePayload:
        body = {"member_id": str(input.member_id), "group_id": str(input.group_id) if input.group_id else None}
        cid = str(input.community_id)
        call = for_known_member(
            info.context,
            cid,
            str(input.member_id),
            lambda: info.context.gamification.claim_probe(
                cid, str(input.probe_id), body, idempotency_key=input.idempotency_key
            ),
        )
        return await _run(call, lambda dto: ClaimProbeSuccess(claim=ProbeClaim.from_dto(dto)))  # type: ignore[no-any-return]

    @strawberry.mutation(description="Close a probe: it takes no more claims.")
    async def close_probe(
        self, info: Info[Context, None], community_id: strawberry.ID, probe_id: strawberry.ID
    ) -> CloseProbePayload:
        call = info.context.gamification.close_probe(str(community_id), str(probe_id))
        return await _run(call, lambda dto: CloseProbeSuccess(probe=Probe.from_dto(dto)))  # type: ignore[no-any-return]
