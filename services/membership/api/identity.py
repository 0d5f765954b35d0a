"""Link codes: a member asks for one, another platform account presents it, and both are one member."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.membership.identity import LinkCodeRead
from contracts.membership.member import MemberRead
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.api.member import member_read
from services.membership.api.schemas.identity import LinkCodeRedeem
from services.membership.usecases import identity as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}", tags=["identities"])


@router.post("/members/{member_id}/link-codes", status_code=201, response_model=LinkCodeRead)
async def issue_link_code(
    community_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """A code valid for ten minutes, once. Show it to the member; never log it."""

    async def issue() -> LinkCodeRead:
        await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
        issued = await usecases.issue_link_code(session, community_id=community_id, member_id=member_id, clocks=clocks)
        return LinkCodeRead(code=issued.code, member_id=issued.member_id, expires_at=issued.expires_at)

    return await idempotency.run(issue)


@router.post("/link-codes/redeem")
async def redeem_link_code(
    community_id: str, body: LinkCodeRedeem, session: SessionDep, principal: PrincipalDep, clocks: ClocksDep
) -> MemberRead:
    """Link (platform, platform user id) to the member who asked for the code."""
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    view = await usecases.redeem_link_code(
        session,
        community_id=community_id,
        code=body.code,
        platform=body.platform,
        platform_user_id=body.platform_user_id,
        display_name=body.display_name,
        clocks=clocks,
    )
    return member_read(view)
