"""Queries of moderation: strikes, settings, the ban list and the audit log."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.context import Context
from gateway.schema.moderation.types import (
    Ban,
    ModerationAuditConnection,
    ModerationAuditEntry,
    ModerationSettings,
    Strike,
    StrikeConnection,
)
from gateway.schema.relay import Connection

MAX_FIRST = 200


def _first(first: int) -> int:
    return max(1, min(first, MAX_FIRST))


@strawberry.type
class ModerationQuery:
    @strawberry.field(description="A member's strikes, newest first.")
    async def strikes(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: Annotated[strawberry.ID, strawberry.argument(description="The member whose strikes to read.")],
        active_only: Annotated[
            bool, strawberry.argument(description="Only strikes that still count: not expired, not revoked.")
        ] = False,
        first: int = 50,
        after: str | None = None,
    ) -> StrikeConnection:
        page = await info.context.membership.strikes(
            str(community_id), str(member_id), active_only=active_only, cursor=after, limit=_first(first)
        )
        strikes = [Strike.from_dto(strike) for strike in page.items]
        return StrikeConnection.of(
            strikes, next_cursor=page.next_cursor, after=after, active_strikes=page.active_strikes
        )

    @strawberry.field(description="The escalation ladder, strike lifetime and spam thresholds (defaults filled in).")
    async def moderation_settings(self, info: Info[Context, None], community_id: strawberry.ID) -> ModerationSettings:
        dto = await info.context.membership.moderation_settings(str(community_id))
        return ModerationSettings.from_dto(dto)

    @strawberry.field(description="The ban list, enforced in every group on every platform.")
    async def bans(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Ban]:
        page = await info.context.membership.bans(
            str(community_id), member_id=member_id and str(member_id), cursor=after, limit=_first(first)
        )
        return Connection.of([Ban.from_dto(ban) for ban in page.items], next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Every moderation action, newest first; as a member it needs the view_audit right.")
    async def moderation_audit(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: strawberry.ID | None = None,
        acting_member_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The member this is read on behalf of: their role must allow it (moderators and up). "
                "Left out, the API key reads on its own authority."
            ),
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> ModerationAuditConnection:
        page = await info.context.membership.moderation_audit(
            str(community_id),
            member_id=member_id and str(member_id),
            acting_member_id=acting_member_id and str(acting_member_id),
            cursor=after,
            limit=_first(first),
        )
        entries = [ModerationAuditEntry.from_dto(entry) for entry in page.items]
        return ModerationAuditConnection.of(entries, next_cursor=page.next_cursor, after=after)
