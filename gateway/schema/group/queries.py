"""Queries of groups."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.group.types import Group


@strawberry.type
class GroupQuery:
    @strawberry.field(description="The community's groups, on every platform or on one.")
    async def groups(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        include_archived: Annotated[bool, strawberry.argument(description="Also list archived groups.")] = False,
        platform: Annotated[
            str | None,
            strawberry.argument(
                description="Only groups on this platform (telegram, slack, discord, feishu, wecom, dingtalk or "
                "generic); left out, all."
            ),
        ] = None,
    ) -> list[Group]:
        info.context.principal  # noqa: B018 - raises UNAUTHENTICATED when there is no key
        groups = await info.context.membership.list_groups(
            str(community_id), include_archived=include_archived, platform=platform
        )
        return [Group.from_dto(group) for group in groups]

    @strawberry.field(description="One group of a community.")
    async def group(self, info: Info[Context, None], community_id: strawberry.ID, id: strawberry.ID) -> Group:
        info.context.principal  # noqa: B018
        return Group.from_dto(await info.context.membership.get_group(str(community_id), str(id)))
