"""Roles: ``/members/{member_id}/role`` assigns or revokes admin and moderator; ``/ownership`` moves ownership."""

from __future__ import annotations

from fastapi import APIRouter

from contracts.membership.member import MemberRead
from contracts.membership.role import OwnershipTransfer, RoleChange
from services.membership.api.deps import ClocksDep, PrincipalDep, SessionDep
from services.membership.api.member import member_read
from services.membership.usecases import role as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["roles"])


@router.post("/members/{member_id}/role")
async def change_role(
    community_id: str,
    member_id: str,
    body: RoleChange,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
) -> MemberRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    view = await usecases.assign_role(
        session,
        community_id=community_id,
        member_id=member_id,
        role=body.role,
        actor=actor,
        clocks=clocks,
        reason=body.reason,
    )
    return member_read(view)


@router.post("/ownership")
async def transfer_ownership(
    community_id: str, body: OwnershipTransfer, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> MemberRead:
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    view = await usecases.transfer_ownership(
        session, community_id=community_id, member_id=body.member_id, actor=actor, clocks=clocks, reason=body.reason
    )
    return member_read(view)
