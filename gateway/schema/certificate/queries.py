"""Queries of certificate templates and members' certificates."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from gateway.schema.certificate.types import Certificate, CertificateTemplate
from gateway.schema.context import Context
from gateway.schema.relay import Connection

MAX_FIRST = 200


@strawberry.type
class CertificateQuery:
    @strawberry.field(description="The community's certificate templates.")
    async def certificate_templates(
        self, info: Info[Context, None], community_id: strawberry.ID
    ) -> list[CertificateTemplate]:
        templates = await info.context.gamification.certificate_templates(str(community_id))
        return [CertificateTemplate.from_dto(t) for t in templates]

    @strawberry.field(
        description="Certificates, newest first, a page at a time; of one member when `memberId` is given."
    )
    async def certificates(
        self,
        info: Info[Context, None],
        community_id: Annotated[strawberry.ID, strawberry.argument(description="The community, by its id.")],
        member_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this member's certificates.")
        ] = None,
        first: Annotated[
            int,
            strawberry.argument(
                description=f"How many certificates to return, 1 to {MAX_FIRST} (more reads as {MAX_FIRST})."
            ),
        ] = 50,
        after: Annotated[
            str | None,
            strawberry.argument(description="A cursor from this list (`pageInfo.endCursor`): read what follows it."),
        ] = None,
    ) -> Connection[Certificate]:
        page = await info.context.gamification.certificates(
            str(community_id),
            member_id=str(member_id) if member_id is not None else None,
            cursor=after,
            limit=max(1, min(first, MAX_FIRST)),
        )
        certificates = [Certificate.from_dto(c) for c in page.items]
        return Connection.of(certificates, next_cursor=page.next_cursor, after=after)
