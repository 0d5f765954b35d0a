"""Queries of the tier ladder."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.tier.types import Tier


@strawberry.type
class TierQuery:
    @strawberry.field(description="The community's tier ladder, lowest rank first.")
    async def tiers(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        include_archived: Annotated[bool, strawberry.argument(description="Also list archived tiers.")] = False,
    ) -> list[Tier]:
        dtos = await info.context.membership.list_tiers(str(community_id), include_archived=include_archived)
        return [Tier.from_dto(dto) for dto in dtos]

    @strawberry.field(description="One tier, with its gate.")
    async def tier(self, info: Info[Context, None], community_id: strawberry.ID, id: strawberry.ID) -> Tier:
        dto = await info.context.membership.get_tier(str(community_id), str(id))
        return Tier.from_dto(dto)
