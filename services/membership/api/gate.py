"""Gates of tiers, and the invitation codes that open them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.membership.gate import ActingMember, GateSet, InvitationCodeCreate, InvitationCodeRead
from contracts.membership.tier import TierRead
from kit.pagination import PageOut
from services.membership.api.deps import ClocksDep, IdempotencyDep, PageRequestDep, PrincipalDep, SessionDep
from services.membership.usecases import gate as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["gates"])


@router.put("/tiers/{tier_id}/gate")
async def set_gate(
    community_id: str, tier_id: str, body: GateSet, session: SessionDep, principal: PrincipalDep
) -> TierRead:
    """Replace the tier's gate with ``requirements`` (an empty list opens the tier to anyone)."""
    actor = await resolve_actor(
        session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
    )
    tier = await usecases.set_gate(
        session, community_id=community_id, tier_id=tier_id, actor=actor, requirements=body.requirements
    )
    return TierRead.model_validate(tier)


@router.post("/invitation-codes", status_code=201, response_model=InvitationCodeRead)
async def create_invitation_code(
    community_id: str,
    body: InvitationCodeCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    async def create() -> InvitationCodeRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        row = await usecases.create_invitation_code(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            tier_id=body.tier_id,
            max_uses=body.max_uses,
            expires_at=body.expires_at,
            code=body.code,
            note=body.note,
        )
        return InvitationCodeRead.model_validate(row)

    return await idempotency.run(create)


@router.get("/invitation-codes")
async def list_invitation_codes(
    community_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageRequestDep,
    tier_id: Annotated[str | None, Query(description="only codes of this tier")] = None,
) -> PageOut[InvitationCodeRead]:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    result = await usecases.list_invitation_codes(session, community_id=community_id, tier_id=tier_id, page=page)
    return PageOut(
        items=[InvitationCodeRead.model_validate(row) for row in result.items], next_cursor=result.next_cursor
    )


@router.post("/invitation-codes/{code_id}/revoke")
async def revoke_invitation_code(
    community_id: str,
    code_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    body: ActingMember | None = None,
) -> InvitationCodeRead:
    actor = await resolve_actor(
        session,
        principal=principal,
        community_id=community_id,
        acting_member_id=body.acting_member_id if body else None,
    )
    row = await usecases.revoke_invitation_code(
        session, community_id=community_id, code_id=code_id, actor=actor, clocks=clocks
    )
    return InvitationCodeRead.model_validate(row)
