"""Reading chat accounts: a community key sees its own community's, a platform admin any."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.connections import store
from gateway.schema.connection.types import ChatAccount
from gateway.schema.context import Context
from gateway.schema.errors import not_found

REMOVED_IN = "removed in 0.3.0"


async def _accounts(context: Context, community_id: str) -> list[ChatAccount]:
    if not context.principal.can_access(community_id):
        raise not_found(f"community {community_id} not found", "community_not_found")
    async with context.sessionmaker() as session:
        rows = await store.list_connections(session, community_id=community_id)
    return [ChatAccount.from_row(row) for row in rows]


async def _account(context: Context, account_id: str) -> ChatAccount:
    async with context.sessionmaker() as session:
        row = await store.get_connection(session, account_id)
    if row is None or not context.principal.can_access(row.community_id):
        raise not_found(f"chat account {account_id} not found", "connection_not_found")
    return ChatAccount.from_row(row)


@strawberry.type
class ConnectionQuery:
    @strawberry.field(description="The community's chat accounts, oldest first.")
    async def chat_accounts(
        self,
        info: Info[Context, None],
        community_id: Annotated[
            strawberry.ID, strawberry.argument(description="The community whose accounts to list.")
        ],
    ) -> list[ChatAccount]:
        return await _accounts(info.context, str(community_id))

    @strawberry.field(description="One chat account; another community's looks like one that does not exist.")
    async def chat_account(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="The chat account's id.")],
    ) -> ChatAccount:
        return await _account(info.context, str(id))

    @strawberry.field(
        description="The community's chat accounts.", deprecation_reason=f"Use chatAccounts; {REMOVED_IN}."
    )
    async def connections(self, info: Info[Context, None], community_id: strawberry.ID) -> list[ChatAccount]:
        return await _accounts(info.context, str(community_id))

    @strawberry.field(description="One chat account.", deprecation_reason=f"Use chatAccount; {REMOVED_IN}.")
    async def connection(self, info: Info[Context, None], id: strawberry.ID) -> ChatAccount:
        return await _account(info.context, str(id))
