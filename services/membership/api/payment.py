"""``/v1/communities/{community_id}/payments``: the integrator confirms payments it received."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from contracts.membership.gate import PaymentRead, PaymentResultRead
from kit.errors import InvalidInput
from kit.idempotency import HEADER
from services.membership.api.deps import ClocksDep, IdempotencyDep, PrincipalDep, SessionDep
from services.membership.api.member import member_read
from services.membership.api.schemas.gate import PaymentCreate
from services.membership.usecases import payment as usecases
from services.membership.usecases.membership import resolve_actor

router = APIRouter(prefix="/v1/communities/{community_id}/payments", tags=["payments"])


@router.post("", status_code=201, response_model=PaymentResultRead)
async def confirm_payment(
    community_id: str,
    body: PaymentCreate,
    session: SessionDep,
    principal: PrincipalDep,
    clocks: ClocksDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    """Record the payment once and move the membership on (in, renewed, or up a tier).

    A confirmation repeated with the same ``Idempotency-Key`` gets the first answer; one repeated with the
    same provider reference gets the first record with ``duplicate: true``. Neither changes anything.
    """
    key = idempotency.key
    if key is None:
        raise InvalidInput.of(HEADER, "is required: a payment confirmation must be safe to retry")

    async def confirm() -> PaymentResultRead:
        actor = await resolve_actor(session, principal=principal, community_id=community_id, acting_member_id=None)
        result = await usecases.confirm_payment(
            session,
            community_id=community_id,
            actor=actor,
            clocks=clocks,
            confirmation=usecases.PaymentConfirmation(
                member_id=body.member_id,
                tier_id=body.tier_id,
                amount=body.amount,
                currency=body.currency,
                provider=body.provider,
                provider_ref=body.provider_ref,
                idempotency_key=key,
            ),
        )
        return PaymentResultRead(
            payment=PaymentRead.model_validate(result.payment),
            duplicate=result.duplicate,
            member=member_read(result.view),
        )

    return await idempotency.run(confirm)
