"""``/v1/communities/{community_id}/joins``: a person asks to enter a tier, through its gate."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.membership.gate import ApplicationRead, JoinRead
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.api.member import member_read
from services.membership.api.schemas.gate import JoinCreate
from services.membership.usecases import join as usecases
from services.membership.usecases.member import IdentitySpec
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/joins", tags=["joins"])


@router.post("", status_code=201, response_model=JoinRead)
async def join(
    community_id: str,
    body: JoinCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Evaluate every requirement of the tier's gate; the answer says where the person stands now."""

    async def run() -> JoinRead:
        actor = await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
        person = None
        if body.person is not None:
            p = body.person
            person = usecases.NewPerson(
                display_name=p.display_name,
                external_ref=p.external_ref,
                attributes=p.attributes,
                identities=[IdentitySpec(i.platform, i.platform_user_id, i.display_name) for i in p.identities],
            )
        result = await usecases.join(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            tier_id=body.tier_id,
            member_id=body.member_id,
            person=person,
            inputs=usecases.GateInputs(
                invitation_code=body.invitation_code, answers=body.answers, referral_code=body.referral_code
            ),
        )
        member = member_read(result.view)
        assert member.membership is not None
        application = ApplicationRead.model_validate(result.application) if result.application else None
        return JoinRead(status=member.membership.status, member=member, application=application)

    return await idempotency.run(run)
