"""Reading connections: a community key sees its own community's, a platform admin any."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.connections import store
from gateway.schema.connection.types import Connection
from gateway.schema.context import Context
from gateway.schema.errors import not_found


@strawberry.type
class ConnectionQuery:
    @strawberry.field(description="The community's connections, oldest first.")
    async def connections(self, info: Info[Context, None], community_id: strawberry.ID) -> list[Connection]:
        context = info.context
        if not context.principal.can_access(str(community_id)):
            raise not_found(f"community {community_id} not found", "community_not_found")
        async with context.sessionmaker() as session:
            rows = await store.list_connections(session, community_id=str(community_id))
        return [Connection.from_row(row) for row in rows]

    @strawberry.field(description="One connection; another community's looks like one that does not exist.")
    async def connection(self, info: Info[Context, None], id: strawberry.ID) -> Connection:
        context = info.context
        principal = context.principal
        async with context.sessionmaker() as session:
            row = await store.get_connection(session, str(id))
        if row is None or not principal.can_access(row.community_id):
            raise not_found(f"connection {id} not found", "connection_not_found")
        return Connection.from_row(row)
