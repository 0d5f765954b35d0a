"""Queries of gamification: member views (batched), leaderboards, point rules, settings."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from contracts.gamification.leaderboard import Window
from gateway.schema.context import Context
from gateway.schema.gamification.types import (
    GamificationSettings,
    Leaderboard,
    LeaderboardWindow,
    MemberGamification,
    PointRule,
    RankedMember,
)


@strawberry.type
class GamificationQuery:
    @strawberry.field(description="Members' points, levels, ranks and recent entries; batched per community.")
    async def member_gamification(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="The members to read, answered in this order.")
        ],
    ) -> list[MemberGamification]:
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        return [MemberGamification(community_id=community_id, member_id=member_id) for member_id in member_ids]

    @strawberry.field(description="Top N of a window's current period; optionally a member's rank and neighbours.")
    async def leaderboard(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        window: Annotated[
            LeaderboardWindow, strawberry.argument(description="Which board: ALL (all time) by default.")
        ] = LeaderboardWindow.ALL,
        limit: Annotated[int, strawberry.argument(description="How many of the top to answer, 1 to 1000.")] = 100,
        member_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Also answer this member's place (`me`) and, with radius, neighbours."),
        ] = None,
        radius: Annotated[
            int,
            strawberry.argument(
                description="With memberId: how many places above and below it `around` holds, 0 to 50."
            ),
        ] = 0,
    ) -> Leaderboard:
        dto = await info.context.gamification.leaderboard(
            str(community_id), Window(window.value), limit=limit, member_id=member_id, radius=radius
        )
        return Leaderboard(
            window=LeaderboardWindow(dto.window),
            period=dto.period,
            top=[RankedMember.from_dto(r) for r in dto.top],
            me=RankedMember.from_dto(dto.me) if dto.me else None,
            around=[RankedMember.from_dto(r) for r in dto.around],
        )

    @strawberry.field(description="The current version of each point rule.")
    async def point_rules(self, info: Info[Context, None], community_id: strawberry.ID) -> list[PointRule]:
        rules = await info.context.gamification.rules(str(community_id))
        return [PointRule.from_dto(rule) for rule in rules]

    @strawberry.field(description="The community's gamification settings (time zone, decay).")
    async def gamification_settings(
        self, info: Info[Context, None], community_id: strawberry.ID
    ) -> GamificationSettings:
        dto = await info.context.gamification.point_settings(str(community_id))
        return GamificationSettings.from_dto(str(community_id), dto)
