"""Reading the delivery log: a community key sees its own community's deliveries, a platform admin any."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.dispatch import delivery
from gateway.schema.context import Context
from gateway.schema.delivery.types import ChatDelivery, ChatDeliveryKind, ChatDeliveryStatus
from gateway.schema.errors import not_found
from gateway.schema.relay import Connection, key_after
from kit.pagination import encode_cursor

MAX_FIRST = 200


@strawberry.type
class DeliveryQuery:
    @strawberry.field(description="The community's chat deliveries, newest first, optionally filtered.")
    async def deliveries(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        status: Annotated[
            ChatDeliveryStatus | None, strawberry.argument(description="Only those in this status; left out, all.")
        ] = None,
        kind: Annotated[
            ChatDeliveryKind | None, strawberry.argument(description="Only messages, or only actions; left out, both.")
        ] = None,
        chat_account_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only those through this chat account.")
        ] = None,
        connection_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The chat account; use chatAccountId.",
                deprecation_reason="Use chatAccountId; removed in 0.3.0.",
            ),
        ] = None,
        platform_chat_id: Annotated[
            str | None, strawberry.argument(description="Only those to this chat, in the platform's own id.")
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[ChatDelivery]:
        context = info.context
        if not context.principal.can_access(str(community_id)):
            raise not_found(f"community {community_id} not found", "community_not_found")
        before = key_after(after)
        limit = max(1, min(first, MAX_FIRST))
        async with context.sessionmaker() as session:
            rows = await delivery.list_deliveries(
                session,
                community_id=str(community_id),
                status=status.value if status is not None else None,
                kind=kind.value if kind is not None else None,
                connection_id=str(account) if (account := chat_account_id or connection_id) is not None else None,
                platform_chat_id=platform_chat_id,
                before=before,
                limit=limit + 1,
            )
        page = rows[:limit]
        cursor = encode_cursor(page[-1].id) if len(rows) > limit and page else None
        return Connection.of([ChatDelivery.from_row(row) for row in page], next_cursor=cursor, after=after)
