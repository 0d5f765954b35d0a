"""Queries of lurker purges."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.purge.types import PurgePreview, PurgeRun
from gateway.schema.relay import Connection


def _id(value: strawberry.ID | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.type
class PurgeQuery:
    @strawberry.field(description="Who a purge now would list, with reasons, and who an exclusion keeps off.")
    async def purge_preview(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        inactive_days: Annotated[
            int | None,
            strawberry.argument(description="List members silent this many days (1 to 365); left out, the setting."),
        ] = None,
        missed_assignments: Annotated[
            int | None,
            strawberry.argument(
                description="List members who missed this many assignments (0 turns it off); left out, the setting."
            ),
        ] = None,
        acting_member_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The member this is read on behalf of: their role must allow it (admins). "
                "Left out, the API key reads on its own authority."
            ),
        ] = None,
    ) -> PurgePreview:
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        dto = await info.context.membership.purge_preview(
            str(community_id),
            inactive_days=inactive_days,
            missed_assignments=missed_assignments,
            acting_member_id=_id(acting_member_id),
        )
        return PurgePreview.from_dto(dto)

    @strawberry.field(description="One purge run with the state of each member it listed.")
    async def purge_run(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        id: strawberry.ID,
        acting_member_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The member this is read on behalf of: their role must allow it (moderators and up). "
                "Left out, the API key reads on its own authority."
            ),
        ] = None,
    ) -> PurgeRun:
        info.context.principal  # noqa: B018
        dto = await info.context.membership.purge_run(
            str(community_id), str(id), acting_member_id=_id(acting_member_id)
        )
        return PurgeRun.from_dto(dto)

    @strawberry.field(description="The community's purge runs, newest first.")
    async def purge_runs(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
        acting_member_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The member this is read on behalf of: their role must allow it (moderators and up). "
                "Left out, the API key reads on its own authority."
            ),
        ] = None,
    ) -> Connection[PurgeRun]:
        info.context.principal  # noqa: B018
        dto = await info.context.membership.purge_runs(
            str(community_id), after=after, limit=first, acting_member_id=_id(acting_member_id)
        )
        return Connection.of([PurgeRun.from_dto(run) for run in dto.items], next_cursor=dto.next_cursor, after=after)
