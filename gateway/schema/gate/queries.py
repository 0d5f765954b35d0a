"""Queries of gates: invitation codes, the review queue, referral codes."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.context import Context
from gateway.schema.errors import graphql_error_from
from gateway.schema.gate.types import (
    Application,
    InvitationCode,
    ReferralCode,
)
from gateway.schema.relay import Connection


@strawberry.type
class GateQuery:
    @strawberry.field(description="Invitation codes of the community, optionally of one tier.")
    async def invitation_codes(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        tier_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only codes of this tier; left out, all tiers'.")
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[InvitationCode]:
        page = await info.context.membership.list_invitation_codes(
            str(community_id), tier_id=tier_id, cursor=after, limit=first
        )
        codes = [InvitationCode.from_dto(dto) for dto in page.items]
        return Connection.of(codes, next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="Applications, oldest first; status pending, the default, is the review queue.")
    async def applications(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        status: Annotated[
            str | None,
            strawberry.argument(description="pending (the default), approved or rejected; null for every status."),
        ] = "pending",
        tier_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only applications for this tier; left out, all.")
        ] = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Application]:
        page = await info.context.membership.list_applications(
            str(community_id), status=status, tier_id=tier_id, cursor=after, limit=first
        )
        applications = [Application.from_dto(dto) for dto in page.items]
        return Connection.of(applications, next_cursor=page.next_cursor, after=after)

    @strawberry.field(description="The member's referral code; null until one is created.")
    async def referral_code(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: Annotated[strawberry.ID, strawberry.argument(description="The member whose referral code to read.")],
    ) -> ReferralCode | None:
        try:
            dto = await info.context.membership.get_referral_code(str(community_id), str(member_id))
        except ServiceProblem as problem:
            if problem.code == "referral_code_not_found":
                return None
            raise graphql_error_from(problem) from None
        return ReferralCode.from_dto(dto)
