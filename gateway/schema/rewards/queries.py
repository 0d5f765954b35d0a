"""Queries of badges, rewards, surprise rules and draws, attention probes."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import graphql_error_from
from gateway.schema.rewards.types import Badge, Probe, ProbeReport, Redemption, Reward, SurpriseDraw, SurpriseRule

T = TypeVar("T")


async def _call(call: Awaitable[T]) -> T:
    try:
        return await call
    except ServiceProblem as problem:
        raise graphql_error_from(problem) from None


def _params(**values: Any) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, str) else v for k, v in values.items() if v is not None}


@strawberry.type
class RewardsQuery:
    @strawberry.field(description="The community's badges and their criteria.")
    async def badges(self, info: Info[Context, None], community_id: strawberry.ID) -> list[Badge]:
        return [Badge.from_dto(b) for b in await _call(info.context.gamification.badges(str(community_id)))]

    @strawberry.field(description="The reward catalogue.")
    async def rewards(self, info: Info[Context, None], community_id: strawberry.ID) -> list[Reward]:
        return [Reward.from_dto(r) for r in await _call(info.context.gamification.rewards(str(community_id)))]

    @strawberry.field(description="Redemptions, newest first; filter by member, reward or status.")
    async def redemptions(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: strawberry.ID | None = None,
        reward_id: strawberry.ID | None = None,
        status: str | None = None,
        limit: int = 50,
    ) -> list[Redemption]:
        params = _params(member_id=member_id, reward_id=reward_id, status=status, limit=limit)
        page = await _call(info.context.gamification.redemptions(str(community_id), params=params))
        return [Redemption.from_dto(r) for r in page.items]

    @strawberry.field(description="Surprise rules (their secrets are never shown).")
    async def surprise_rules(self, info: Info[Context, None], community_id: strawberry.ID) -> list[SurpriseRule]:
        rules = await _call(info.context.gamification.surprise_rules(str(community_id)))
        return [SurpriseRule.from_dto(r) for r in rules]

    @strawberry.field(description="Recorded surprise draws, newest first: the audit trail.")
    async def surprise_draws(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        rule_id: strawberry.ID | None = None,
        member_id: strawberry.ID | None = None,
        limit: int = 50,
    ) -> list[SurpriseDraw]:
        params = _params(rule_id=rule_id, member_id=member_id, limit=limit)
        page = await _call(info.context.gamification.surprise_draws(str(community_id), params=params))
        return [SurpriseDraw.from_dto(d) for d in page.items]

    @strawberry.field(description="Re-derive a draw from its seed and the rule's secret: true when it matches.")
    async def verify_surprise_draw(
        self, info: Info[Context, None], community_id: strawberry.ID, draw_id: strawberry.ID
    ) -> bool:
        checked = await _call(info.context.gamification.verify_draw(str(community_id), str(draw_id)))
        return checked.matches

    @strawberry.field(description="Attention probes, newest first.")
    async def probes(self, info: Info[Context, None], community_id: strawberry.ID, limit: int = 50) -> list[Probe]:
        page = await _call(info.context.gamification.probes(str(community_id), limit=limit))
        return [Probe.from_dto(p) for p in page.items]

    @strawberry.field(description="Per group: members present, claims, claim ratio and latency p50/p90/max.")
    async def probe_report(
        self, info: Info[Context, None], community_id: strawberry.ID, probe_id: strawberry.ID
    ) -> ProbeReport:
        report = await _call(info.context.gamification.probe_report(str(community_id), str(probe_id)))
        return ProbeReport.from_dto(report)
