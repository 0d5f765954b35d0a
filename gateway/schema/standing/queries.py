"""Queries of standing."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.standing.types import MemberStanding, StandingRules


@strawberry.type
class StandingQuery:
    @strawberry.field(description="A member's standing with their figures against each level.")
    async def member_standing(
        self, info: Info[Context, None], community_id: strawberry.ID, member_id: strawberry.ID
    ) -> MemberStanding:
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        dto = await info.context.membership.member_standing(str(community_id), str(member_id))
        return MemberStanding.from_dto(dto)

    @strawberry.field(description="The community's standing criteria (defaults where it set none).")
    async def standing_rules(self, info: Info[Context, None], community_id: strawberry.ID) -> StandingRules:
        info.context.principal  # noqa: B018
        dto = await info.context.membership.standing_rules(str(community_id))
        return StandingRules.from_dto(dto)
