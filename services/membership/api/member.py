"""``/v1/communities/{community_id}/members``: adding, reading and moving members by hand."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.membership.member import IdentityRead, MemberRead, MembershipRead, StatusChange, TransitionRead
from kit.pagination import Page, PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.api.schemas.member import MemberCreate
from services.membership.domain.membership import Status
from services.membership.usecases import member as usecases
from services.membership.usecases import member_list
from services.membership.usecases.member import IdentitySpec, MemberView
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/members", tags=["members"])


def member_read(view: MemberView) -> MemberRead:
    return MemberRead(
        id=view.member.id,
        community_id=view.member.community_id,
        display_name=view.member.display_name,
        external_ref=view.member.external_ref,
        attributes=view.member.attributes,
        created_at=view.member.created_at,
        membership=MembershipRead.model_validate(view.membership) if view.membership is not None else None,
        identities=[IdentityRead.model_validate(identity) for identity in view.identities],
    )


@router.post("", status_code=201, response_model=MemberRead)
async def add_member(
    community_id: str,
    body: MemberCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def add() -> MemberRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        view = await usecases.add_member(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            display_name=body.display_name,
            external_ref=body.external_ref,
            attributes=body.attributes,
            tier_id=body.tier_id,
            identities=[IdentitySpec(i.platform, i.platform_user_id, i.display_name) for i in body.identities],
        )
        return member_read(view)

    return await idempotency.run(add)


@router.get("")
async def list_members(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    ids: Annotated[list[str] | None, Query(max_length=200, description="only these members")] = None,
    status: Annotated[list[Status] | None, Query(description="only memberships in these statuses")] = None,
    tier_id: Annotated[str | None, Query(description="only members on this tier")] = None,
) -> PageOut[MemberRead]:
    result = await member_list.list_members(
        session, principal=principal, community_id=community_id, ids=ids, status=status, tier_id=tier_id, page=page
    )
    return PageOut(items=[member_read(view) for view in result.items], next_cursor=result.next_cursor)


@router.get("/{member_id}")
async def get_member(community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep) -> MemberRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    return member_read(await usecases.get_member_view_or_raise(session, community_id, member_id))


@router.post("/{member_id}/status")
async def change_status(
    community_id: str,
    member_id: str,
    body: StatusChange,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> MemberRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    view = await usecases.set_status(
        session,
        community_id=community_id,
        member_id=member_id,
        actor=actor,
        clocks=clocks,
        to=body.to,
        reason=body.reason,
    )
    return member_read(view)


@router.get("/{member_id}/transitions")
async def list_transitions(
    community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep, page: PageRequestDep
) -> PageOut[TransitionRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    rows = await usecases.list_transitions(
        session, community_id=community_id, member_id=member_id, after=page.after, limit=page.limit + 1
    )
    result = Page.from_rows(list(rows), page=page, key=lambda row: row.id)
    return PageOut(items=[TransitionRead.model_validate(row) for row in result.items], next_cursor=result.next_cursor)
