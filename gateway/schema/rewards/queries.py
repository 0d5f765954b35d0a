"""Queries of badges, rewards, surprise rules and draws, attention probes."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.relay import Connection, key_after
from gateway.schema.rewards.types import Badge, Probe, ProbeReport, Redemption, Reward, SurpriseDraw, SurpriseRule
from kit.pagination import MAX_LIMIT

FIRST = "How many to read, 1-200 (50 by default)."
AFTER = "The `endCursor` (or any edge's cursor) of the page read before: the items after it."
# One release with ``limit``: it reads as ``first`` did, in place of it when both are given.
Limit = Annotated[
    int | None,
    strawberry.argument(
        description="As `first`, in its place when given.",
        deprecation_reason="Use first (a connection now); removed in 0.3.0.",
    ),
]


def _params(**values: Any) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, str) else v for k, v in values.items() if v is not None}


def _page(first: int, limit: int | None, after: str | None) -> tuple[int, str | None]:
    """The service's ``limit`` and ``before``: these lists are newest first and page by id, and an edge's cursor
    is its node's id, so the items after a cursor are the ones before that id."""
    return max(1, min(first if limit is None else limit, MAX_LIMIT)), key_after(after)


@strawberry.type
class RewardsQuery:
    @strawberry.field(description="The community's badges and their criteria.")
    async def badges(self, info: Info[Context, None], community_id: strawberry.ID) -> list[Badge]:
        return [Badge.from_dto(b) for b in await info.context.gamification.badges(str(community_id))]

    @strawberry.field(description="The reward catalogue.")
    async def rewards(self, info: Info[Context, None], community_id: strawberry.ID) -> list[Reward]:
        return [Reward.from_dto(r) for r in await info.context.gamification.rewards(str(community_id))]

    @strawberry.field(description="Redemptions, newest first, a page at a time; filter by member, reward or status.")
    async def redemptions(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this member's.")] = None,
        reward_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only of this reward.")] = None,
        status: Annotated[
            str | None, strawberry.argument(description="Only those `requested`, `fulfilled` or `cancelled`.")
        ] = None,
        first: Annotated[int, strawberry.argument(description=FIRST)] = 50,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        limit: Limit = None,
    ) -> Connection[Redemption]:
        size, before = _page(first, limit, after)
        params = _params(member_id=member_id, reward_id=reward_id, status=status, limit=size, before=before)
        page = await info.context.gamification.redemptions(str(community_id), params=params)
        return Connection.of([Redemption.from_dto(r) for r in page.items], next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Surprise rules (their secrets are never shown).")
    async def surprise_rules(self, info: Info[Context, None], community_id: strawberry.ID) -> list[SurpriseRule]:
        rules = await info.context.gamification.surprise_rules(str(community_id))
        return [SurpriseRule.from_dto(r) for r in rules]

    @strawberry.field(description="Recorded surprise draws, newest first, a page at a time: the audit trail.")
    async def surprise_draws(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        rule_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this rule's.")] = None,
        member_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this member's.")] = None,
        first: Annotated[int, strawberry.argument(description=FIRST)] = 50,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        limit: Limit = None,
    ) -> Connection[SurpriseDraw]:
        size, before = _page(first, limit, after)
        params = _params(rule_id=rule_id, member_id=member_id, limit=size, before=before)
        page = await info.context.gamification.surprise_draws(str(community_id), params=params)
        return Connection.of([SurpriseDraw.from_dto(d) for d in page.items], next_cursor=page.next_cursor, after=after)

    @strawberry.field(
        description="Re-derive a draw from its seed and the rule's secret: true when the digest, value and outcome "
        "recorded all match."
    )
    async def verify_surprise_draw(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        draw_id: Annotated[strawberry.ID, strawberry.argument(description="The draw to check (`SurpriseDraw.id`).")],
    ) -> bool:
        checked = await info.context.gamification.verify_draw(str(community_id), str(draw_id))
        return checked.matches

    @strawberry.field(description="Attention probes, newest first, a page at a time.")
    async def probes(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        first: Annotated[int, strawberry.argument(description=FIRST)] = 50,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        limit: Limit = None,
    ) -> Connection[Probe]:
        size, before = _page(first, limit, after)
        page = await info.context.gamification.probes(str(community_id), limit=size, before=before)
        return Connection.of([Probe.from_dto(p) for p in page.items], next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Per group: members present, claims, claim ratio and latency p50/p90/max.")
    async def probe_report(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        probe_id: Annotated[strawberry.ID, strawberry.argument(description="The probe to report on.")],
    ) -> ProbeReport:
        report = await info.context.gamification.probe_report(str(community_id), str(probe_id))
        return ProbeReport.from_dto(report)
