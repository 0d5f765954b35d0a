"""Queries of communities."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.schema.community.types import Community
from gateway.schema.context import Context
from gateway.schema.errors import not_found
from gateway.schema.lookahead import prefetch, selected_names


@strawberry.type
class CommunityQuery:
    @strawberry.field(description="One community, with data from every service that knows it.")
    async def community(self, info: Info[Context, None], id: strawberry.ID) -> Community:
        loaders = info.context.loaders
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        # The children's loads go out with this one, in one round instead of two.
        wanted = selected_names(info.selected_fields[0].selections)
        if "levels" in wanted:
            prefetch(loaders.levels.load(str(id)))
        if "welcomeTemplate" in wanted:
            prefetch(loaders.welcome_template.load(str(id)))
        dto = await loaders.community.load(str(id))
        if dto is None:
            raise not_found(f"community {id} not found", "community_not_found")
        return Community.from_dto(dto)
