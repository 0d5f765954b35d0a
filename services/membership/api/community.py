"""``/v1/communities``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from contracts.membership.community import CommunityRead
from kit import sandbox_clock
from kit.db import after_commit
from kit.pagination import PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.schemas.community import CommunityCreate, CommunityUpdate
from services.membership.usecases import community as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities", tags=["communities"])


@router.post("", status_code=201, response_model=CommunityRead)
async def create_community(
    body: CommunityCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
    request: Request,
) -> JSONResponse:
    async def create() -> CommunityRead:
        community = await usecases.create_community(
            session,
            principal=principal,
            clocks=clocks,
            name=body.name,
            timezone=body.timezone,
            mission=body.mission,
            rules=body.rules,
            sandbox=body.sandbox,
            test_clock_start=body.test_clock_start,
        )
        if community.test_clock_now is not None:
            after_commit(session, sandbox_clock.publisher(request.app, community.id, community.test_clock_now))
        return CommunityRead.model_validate(community)

    return await idempotency.run(create)


@router.get("")
async def list_communities(
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    ids: Annotated[list[str] | None, Query(max_length=200, description="only these communities")] = None,
) -> PageOut[CommunityRead]:
    result = await usecases.list_communities(session, principal=principal, ids=ids, page=page)
    return PageOut(items=[CommunityRead.model_validate(c) for c in result.items], next_cursor=result.next_cursor)


@router.get("/{community_id}")
async def get_community(community_id: str, session: SessionDep, principal: PrincipalDep) -> CommunityRead:
    community = await usecases.get_community_or_raise(session, principal=principal, community_id=community_id)
    return CommunityRead.model_validate(community)


@router.patch("/{community_id}")
async def update_community(
    community_id: str, body: CommunityUpdate, session: SessionDep, principal: PrincipalDep
) -> CommunityRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    changes = body.model_dump(exclude_unset=True, exclude={"acting_member_id"})
    community = await usecases.update_community(session, community_id=community_id, actor=actor, changes=changes)
    return CommunityRead.model_validate(community)
