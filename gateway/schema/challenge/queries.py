"""Queries of check-in challenges: the community's challenges, one challenge with its enrollments and check-ins."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.challenge.types import After, Challenge, First
from gateway.schema.context import Context
from gateway.schema.relay import Connection


@strawberry.type
class ChallengeQuery:
    @strawberry.field(description="The community's challenges, oldest first, a page at a time.")
    async def challenges(
        self,
        info: Info[Context, None],
        community_id: Annotated[strawberry.ID, strawberry.argument(description="The community, by its id.")],
        first: First = 50,
        after: After = None,
    ) -> Connection[Challenge]:
        cid = str(community_id)
        page = await info.context.gamification.challenges(cid, first=first, after=after)
        challenges = [Challenge.from_dto(row, community_id=cid) for row in page.items]
        return Connection.of(challenges, next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="One challenge, with its enrollments, check-ins and missed days.")
    async def challenge(self, info: Info[Context, None], community_id: strawberry.ID, id: strawberry.ID) -> Challenge:
        cid = str(community_id)
        dto = await info.context.gamification.challenge(cid, str(id))
        return Challenge.from_dto(dto, community_id=cid)
