"""A member's referral code: ``/v1/communities/{community_id}/members/{member_id}/referral-code``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.membership.gate import AmountRead, ReferralCodeRead
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.usecases import referral as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/members/{member_id}/referral-code", tags=["referrals"])


def referral_code_read(view: usecases.ReferralCodeView) -> ReferralCodeRead:
    return ReferralCodeRead(
        member_id=view.member_id,
        code=view.code,
        created_at=view.created_at,
        joins=view.joins,
        conversions=view.conversions,
        converted_amounts=[AmountRead(amount=a, currency=c) for c, a in view.converted_amounts],
    )


@router.post("", response_model=ReferralCodeRead)
async def get_or_create_referral_code(
    community_id: str,
    member_id: str,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """The member's one code, made on first request; asking again returns the same code."""

    async def create() -> ReferralCodeRead:
        await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
        row = await usecases.get_or_create_referral_code(
            session, community_id=community_id, member_id=member_id, at=clocks.now(community_id)
        )
        return referral_code_read(await usecases.referral_code_view(session, row=row))

    return await idempotency.run(create, status_code=200)


@router.get("")
async def get_referral_code(
    community_id: str, member_id: str, session: SessionDep, principal: PrincipalDep
) -> ReferralCodeRead:
    await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
    """The code with what it brought: joins, paid conversions and their amounts."""
    row = await usecases.get_referral_code_or_raise(session, community_id=community_id, member_id=member_id)
    return referral_code_read(await usecases.referral_code_view(session, row=row))
