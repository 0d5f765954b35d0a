"""``/v1/communities/{community_id}/members/{member_id}/renewals``: renewing by hand."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.membership.member import MemberRead
from contracts.membership.renewal import RenewalCreate
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.api.member import member_read
from services.membership.usecases import renewal as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/members/{member_id}/renewals", tags=["renewals"])


@router.post("", status_code=201, response_model=MemberRead)
async def renew(
    community_id: str,
    member_id: str,
    body: RenewalCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """One more tier period; send an ``Idempotency-Key`` so a retry does not renew twice."""

    async def run() -> MemberRead:
        actor = await resolve_actor(
            session, principal=principal, community_id=community_id, acting_member_id=body.acting_member_id
        )
        view = await usecases.renew_member(
            session,
            community_id=community_id,
            member_id=member_id,
            actor=actor,
            clocks=clocks,
            tier_id=body.tier_id,
            reason=body.reason,
        )
        return member_read(view)

    return await idempotency.run(run)
