"""Queries of members."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.errors import not_found
from gateway.schema.member.types import Member, MemberStatus, load_member
from gateway.schema.relay import Connection
from kit.pagination import MAX_LIMIT


@strawberry.type
class MemberQuery:
    @strawberry.field(description="One member of a community.")
    async def member(self, info: Info[Context, None], community_id: strawberry.ID, id: strawberry.ID) -> Member:
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        member = await load_member(info, str(community_id), str(id))
        if member is None:
            raise not_found(f"member {id} not found", "member_not_found")
        return member

    @strawberry.field(description="Members of a community, oldest first, a page at a time.")
    async def members(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        status: Annotated[
            list[MemberStatus] | None,
            strawberry.argument(description="Only members in one of these statuses; left out, any status."),
        ] = None,
        tier_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only members on this tier; left out, any tier.")
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Member]:
        context = info.context
        context.principal  # noqa: B018
        page = await context.membership.list_members(
            str(community_id),
            status=[s.value for s in status] if status else None,
            tier_id=str(tier_id) if tier_id is not None else None,
            limit=max(1, min(first, MAX_LIMIT)),
            cursor=after,
        )
        for dto in page.items:
            context.loaders.member.prime((dto.community_id, dto.id), dto)
        members = [Member.from_dto(dto) for dto in page.items]
        return Connection.of(members, next_cursor=page.next_cursor, after=after)
