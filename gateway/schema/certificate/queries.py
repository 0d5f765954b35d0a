"""Queries of certificate templates and members' certificates."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from gateway.clients import ServiceProblem
from gateway.schema.certificate.types import Certificate, CertificateConnection, CertificateTemplate
from gateway.schema.context import Context
from gateway.schema.errors import graphql_error_from
from gateway.schema.relay import PageInfo

MAX_FIRST = 200


@strawberry.type
class CertificateQuery:
    @strawberry.field(description="The community's certificate templates.")
    async def certificate_templates(
        self, info: Info[Context, None], community_id: strawberry.ID
    ) -> list[CertificateTemplate]:
        try:
            templates = await info.context.gamification.certificate_templates(str(community_id))
        except ServiceProblem as problem:
            raise graphql_error_from(problem) from None
        return [CertificateTemplate.from_dto(t) for t in templates]

    @strawberry.field(description="Certificates, newest first; of one member when `memberId` is given.")
    async def certificates(
        self,
        info: Info[Context, None],
        community_id: strawberry.ID,
        member_id: strawberry.ID | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> CertificateConnection:
        try:
            page = await info.context.gamification.certificates(
                str(community_id),
                member_id=str(member_id) if member_id is not None else None,
                cursor=after,
                limit=max(1, min(first, MAX_FIRST)),
            )
        except ServiceProblem as problem:
            raise graphql_error_from(problem) from None
        return CertificateConnection(
            nodes=[Certificate.from_dto(c) for c in page.items], page_info=PageInfo.of(page.next_cursor)
        )
