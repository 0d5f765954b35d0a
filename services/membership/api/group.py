"""``/v1/communities/{community_id}/groups``: the community's chat rooms and who is in them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from contracts.membership.group import GroupMemberAdd, GroupMemberRead, GroupRead
from kit.errors import InvalidInput
from kit.pagination import Page, PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.schemas.group import GroupCreate, GroupUpdate
from services.membership.domain.member import clean_platform
from services.membership.usecases import group as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/groups", tags=["groups"])


@router.post("", status_code=201, response_model=GroupRead)
async def create_group(
    community_id: str,
    body: GroupCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def create() -> GroupRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        fields = body.model_dump(exclude={"acting_member_id"})
        group = await usecases.create_group(session, community_id=community_id, actor=actor, clocks=clocks, **fields)
        return GroupRead.model_validate(group)

    return await idempotency.run(create)


@router.get("")
async def list_groups(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    include_archived: Annotated[bool, Query()] = False,
    platform: Annotated[str | None, Query(description="only groups on this platform")] = None,
) -> list[GroupRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    try:
        platform = clean_platform(platform) if platform else None
    except ValueError as error:
        raise InvalidInput.of("platform", str(error)) from None
    groups = await usecases.list_groups(
        session, community_id=community_id, include_archived=include_archived, platform=platform
    )
    return [GroupRead.model_validate(group) for group in groups]


@router.get("/{group_id}")
async def get_group(community_id: str, group_id: str, session: SessionDep, principal: PrincipalDep) -> GroupRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    return GroupRead.model_validate(await usecases.get_group_or_raise(session, community_id, group_id))


@router.patch("/{group_id}")
async def update_group(
    community_id: str, group_id: str, body: GroupUpdate, session: SessionDep, principal: PrincipalDep
) -> GroupRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    changes = body.model_dump(exclude_unset=True, exclude={"acting_member_id"})
    group = await usecases.update_group(
        session, community_id=community_id, group_id=group_id, actor=actor, changes=changes
    )
    return GroupRead.model_validate(group)


@router.post("/{group_id}/members", status_code=201, response_model=GroupMemberRead)
async def add_group_member(
    community_id: str,
    group_id: str,
    body: GroupMemberAdd,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def add() -> GroupMemberRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        presence = await usecases.add_to_group(
            session, community_id=community_id, group_id=group_id, member_id=body.member_id, actor=actor, clocks=clocks
        )
        return GroupMemberRead.model_validate(presence)

    return await idempotency.run(add)


@router.get("/{group_id}/members")
async def list_group_members(
    community_id: str, group_id: str, session: SessionDep, principal: PrincipalDep, page: PageRequestDep
) -> PageOut[GroupMemberRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    rows = await usecases.group_members(
        session, community_id=community_id, group_id=group_id, after=page.after, limit=page.limit + 1
    )
    result = Page.from_rows(list(rows), page=page, key=lambda row: row.member_id)
    return PageOut(items=[GroupMemberRead.model_validate(r) for r in result.items], next_cursor=result.next_cursor)


@router.delete("/{group_id}/members/{member_id}", status_code=204)
async def remove_group_member(
    community_id: str,
    group_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    acting_member_id: Annotated[str | None, Query()] = None,
) -> Response:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=acting_member_id
    )
    await usecases.remove_from_group(
        session, community_id=community_id, group_id=group_id, member_id=member_id, actor=actor
    )
    return Response(status_code=204)
