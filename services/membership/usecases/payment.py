"""Payments the integrator confirms: completing a paid join, renewing, or moving up to a paid tier.

A payment is recorded once. The same provider reference confirmed again (with any idempotency key)
answers with the first record and changes nothing; two confirmations racing each other serialize on
the membership row and on the table's unique constraints, so exactly one record is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import PaymentRecorded
from kit.clock import Clocks
from kit.errors import Conflict, InvalidInput
from kit.events import emit
from kit.ids import new_id
from services.membership.domain import gate as gates
from services.membership.domain.actor import Actor
from services.membership.domain.membership import Status, is_inside
from services.membership.domain.tier import period_end
from services.membership.models import Membership, Tier
from services.membership.models.payment import Payment
from services.membership.repo.member import MemberRepository
from services.membership.repo.payment import PaymentRepository
from services.membership.usecases.gate import gate_of
from services.membership.usecases.join import ProfileCriteriaNotMet, advance
from services.membership.usecases.member import MemberView, get_member_view_or_raise, get_tier_or_raise
from services.membership.usecases.membership import change_tier, get_membership_or_raise
from services.membership.usecases.referral import convert_on_payment


@dataclass(frozen=True)
class PaymentConfirmation:
    member_id: str
    amount: int
    currency: str
    provider: str
    provider_ref: str
    idempotency_key: str
    tier_id: str | None = None


@dataclass
class PaymentResult:
    payment: Payment
    view: MemberView
    # True when this confirmation repeated one already recorded: nothing changed.
    duplicate: bool


class PaymentReferenceConflict(Conflict):
    code = "payment_reference_conflict"


async def confirm_payment(
    session: AsyncSession, *, community_id: str, actor: Actor, clocks: Clocks, confirmation: PaymentConfirmation
) -> PaymentResult:
    c = confirmation
    # The membership row is the lock every confirmation for this member takes first: twins queue here.
    membership = await get_membership_or_raise(session, community_id, c.member_id, for_update=True)
    earlier = await _earlier(session, community_id, c)
    if earlier is not None:
        return PaymentResult(earlier, await get_member_view_or_raise(session, community_id, c.member_id), True)
    tier = await get_tier_or_raise(session, community_id, c.tier_id or membership.tier_id or "", field="tier_id")
    _check_price(tier, c)
    kind = await _kind(session, membership, tier)
    at = clocks.now(community_id)
    payment = Payment(
        id=new_id("pay"),
        community_id=community_id,
        member_id=c.member_id,
        membership_id=membership.id,
        tier_id=tier.id,
        amount=c.amount,
        currency=c.currency,
        provider=c.provider,
        provider_ref=c.provider_ref,
        idempotency_key=c.idempotency_key,
        kind=kind,
        recorded_at=at,
    )
    try:
        async with session.begin_nested():
            PaymentRepository(session).add(payment)
    except IntegrityError:
        earlier = await _earlier(session, community_id, c)
        if earlier is None:
            raise
        return PaymentResult(earlier, await get_member_view_or_raise(session, community_id, c.member_id), True)
    await _apply(session, membership, tier=tier, kind=kind, actor=actor, at=at)
    payment.paid_until = membership.expires_at
    await emit(
        session,
        PaymentRecorded(
            payment_id=payment.id,
            member_id=payment.member_id,
            membership_id=membership.id,
            tier_id=tier.id,
            amount=payment.amount,
            currency=payment.currency,
            provider=payment.provider,
            provider_ref=payment.provider_ref,
            kind=kind,
        ),
        community_id=community_id,
        at=at,
    )
    await convert_on_payment(session, tier=tier, payment=payment, at=at)
    await session.flush()
    return PaymentResult(payment, await get_member_view_or_raise(session, community_id, c.member_id), False)


async def _earlier(session: AsyncSession, community_id: str, c: PaymentConfirmation) -> Payment | None:
    """The payment this confirmation repeats, if any; a reference or key reused for something else is refused."""
    payments = PaymentRepository(session)
    earlier = await payments.by_provider_ref(community_id, c.provider, c.provider_ref)
    if earlier is None:
        earlier = await payments.by_idempotency_key(community_id, c.idempotency_key)
        if earlier is not None:
            raise PaymentReferenceConflict(
                f"Idempotency-Key was used for payment {earlier.id} with another provider reference"
            )
        return None
    same = (earlier.member_id, earlier.amount, earlier.currency) == (c.member_id, c.amount, c.currency)
    if not same or (c.tier_id is not None and c.tier_id != earlier.tier_id):
        raise PaymentReferenceConflict(
            f"provider_ref: {c.provider} payment {c.provider_ref} is already recorded as {earlier.id} "
            "for another member, tier or amount"
        )
    return earlier


def _check_price(tier: Tier, c: PaymentConfirmation) -> None:
    if tier.price_amount <= 0:
        raise InvalidInput.of("tier_id", f"tier {tier.key} is free: there is nothing to pay")
    if c.currency != tier.currency:
        raise InvalidInput.of("currency", f"tier {tier.key} is priced in {tier.currency}, not {c.currency}")
    if c.amount != tier.price_amount:
        raise InvalidInput.of("amount", f"tier {tier.key} costs {tier.price_amount} (minor units), not {c.amount}")


async def _kind(session: AsyncSession, membership: Membership, tier: Tier) -> str:
    status = Status(membership.status)
    if status is Status.PENDING_PAYMENT and membership.tier_id == tier.id:
        return "join"
    if is_inside(status) and membership.tier_id == tier.id:
        return "renewal"
    if is_inside(status):
        gate = gate_of(tier)
        if gate.invitation is not None or gate.application is not None or gate.probation is not None:
            raise Conflict(
                f"tier {tier.key} has a gate beyond payment; join it through the join flow",
                code="tier_change_not_supported",
            )
        member = await MemberRepository(session).get(membership.community_id, membership.member_id)
        assert member is not None
        unmet = gates.unmet_criteria(gate.profile, member.attributes)
        if unmet:
            raise ProfileCriteriaNotMet("profile criteria not met: " + "; ".join(c.describe() for c in unmet))
        return "upgrade"
    raise Conflict(
        f"member {membership.member_id} has no payment due for tier {tier.id} ({membership.status})",
        code="no_payment_due",
    )


async def _apply(
    session: AsyncSession, membership: Membership, *, tier: Tier, kind: str, actor: Actor, at: datetime
) -> None:
    if kind == "join":
        gate = gate_of(tier)
        await advance(session, membership, gates.status_after_payment(gate), tier=tier, gate=gate, actor=actor, at=at)
    elif kind == "renewal":
        # A renewal paid early extends from the current end, not from today: nobody loses days by paying early.
        current = membership.expires_at
        start = current if current is not None and current > at else at
        expires_at = period_end(tier.period, tier.period_days, start=start)
        await change_tier(session, membership, tier.id, actor=actor, at=at, expires_at=expires_at)
    else:
        expires_at = period_end(tier.period, tier.period_days, start=at)
        await change_tier(
            session, membership, tier.id, actor=actor, at=at, reason="paid upgrade", expires_at=expires_at
        )
