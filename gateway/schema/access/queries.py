"""Queries of access: entitlement checks (one, or a batch) and live codes."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.access.types import Entitlement, LiveCode
from gateway.schema.context import Context
from gateway.schema.relay import Connection


@strawberry.type
class AccessQuery:
    @strawberry.field(description="May this member have this key (content:premium, group:<id>, standing:core, ...)?")
    async def entitlement(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: strawberry.ID,
        key: Annotated[str, strawberry.argument(description="The entitlement key, e.g. content:premium.")],
    ) -> Entitlement:
        dto = await info.context.membership.check_entitlement(str(community_id), str(member_id), key)
        return Entitlement.from_dto(dto)

    @strawberry.field(description="Every key for every member: many keys for one member, or one key for many.")
    async def entitlements(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_ids: Annotated[list[strawberry.ID], strawberry.argument(description="The members, 1 to 200.")],
        keys: Annotated[list[str], strawberry.argument(description="The entitlement keys, 1 to 50.")],
    ) -> list[Entitlement]:
        dtos = await info.context.membership.check_entitlements(str(community_id), [str(m) for m in member_ids], keys)
        return [Entitlement.from_dto(dto) for dto in dtos]

    @strawberry.field(description="The community's live codes, oldest first.")
    async def live_codes(
        self, info: Info[Context, None], community_id: strawberry.ID, first: int = 50, after: str | None = None
    ) -> Connection[LiveCode]:
        page = await info.context.membership.list_live_codes(str(community_id), cursor=after, limit=first)
        codes = [LiveCode.from_dto(dto) for dto in page.items]
        return Connection.of(codes, next_cursor=page.next_cursor, after=after)
