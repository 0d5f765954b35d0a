"""Queries of check-in challenges: the community's challenges, one challenge with its enrollments and check-ins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.challenge.types import Challenge, ChallengeConnection, ChallengeEdge
from gateway.schema.context import Context
from gateway.schema.errors import graphql_error_from
from gateway.schema.relay import PageInfo, cursor_of


@strawberry.type
class ChallengeQuery:
    @strawberry.field(description="The community's challenges, oldest first.")
    async def challenges(
        self, info: Info[Context, None], community_id: strawberry.ID, first: int = 50, after: str | None = None
    ) -> ChallengeConnection:
        cid = str(community_id)
        try:
            page = await info.context.gamification.challenges(cid, first=first, after=after)
        except ServiceProblem as problem:
            raise graphql_error_from(problem) from None
        edges = [
            ChallengeEdge(cursor=cursor_of(row.id), node=Challenge.from_dto(row, community_id=cid))
            for row in page.items
        ]
        return ChallengeConnection(edges=edges, page_info=PageInfo.of(page.next_cursor))

    @strawberry.field(description="One challenge, with its enrollments, check-ins and missed days.")
    async def challenge(self, info: Info[Context, None], community_id: strawberry.ID, id: strawberry.ID) -> Challenge:
        cid = str(community_id)
        try:
            dto = await info.context.gamification.challenge(cid, str(id))
        except ServiceProblem as problem:
            raise graphql_error_from(problem) from None
        return Challenge.from_dto(dto, community_id=cid)
