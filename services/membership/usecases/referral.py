"""Referrals: member-owned codes, attribution on join, and the reward signal on a paid conversion."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.events import ReferralConverted
from kit.errors import Conflict, InvalidInput, NotFound
from kit.events import emit
from kit.ids import new_id
from services.membership.domain.membership import is_inside
from services.membership.models import Tier
from services.membership.models.payment import Payment
from services.membership.models.referral import Referral, ReferralCode
from services.membership.repo.membership import MembershipRepository
from services.membership.repo.referral import ReferralRepository
from services.membership.usecases.gate import CODE_ALPHABET, clean_code
from services.membership.usecases.member import get_member_view_or_raise

REFERRAL_CODE_LENGTH = 8
# How far up a chain of referrers the cycle check looks; chains are short in practice.
MAX_CHAIN = 1_000


class ReferralCodeNotFound(NotFound):
    code = "referral_code_not_found"


@dataclass(frozen=True)
class ReferralCodeView:
    """A member's code with what it brought: joins, paid conversions and what those paid, by currency."""

    member_id: str
    code: str
    created_at: datetime
    joins: int
    conversions: int
    converted_amounts: list[tuple[str, int]]


async def referral_code_view(session: AsyncSession, *, row: ReferralCode) -> ReferralCodeView:
    referrals = ReferralRepository(session)
    joins, conversions = await referrals.counts_of_referrer(row.community_id, row.member_id)
    amounts = await referrals.converted_amounts_of_referrer(row.community_id, row.member_id) if conversions else []
    return ReferralCodeView(row.member_id, row.code, row.created_at, joins, conversions, amounts)


async def get_or_create_referral_code(
    session: AsyncSession, *, community_id: str, member_id: str, at: datetime
) -> ReferralCode:
    """The member's one code, made the first time it is asked for. Only members inside may refer."""
    referrals = ReferralRepository(session)
    existing = await referrals.code_of_member(community_id, member_id)
    if existing is not None:
        return existing
    view = await get_member_view_or_raise(session, community_id, member_id)
    if view.membership is None or not is_inside(view.membership.status):
        raise Conflict(f"member {member_id} is not inside the community and cannot refer", code="member_not_active")
    row = ReferralCode(
        id=new_id("rfc"),
        community_id=community_id,
        member_id=member_id,
        code="".join(secrets.choice(CODE_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH)),
        created_at=at,
    )
    try:
        async with session.begin_nested():
            referrals.add(row)
    except IntegrityError:  # a twin request made the member's code meanwhile
        made = await referrals.code_of_member(community_id, member_id)
        if made is None:
            raise
        return made
    return row


async def get_referral_code_or_raise(session: AsyncSession, *, community_id: str, member_id: str) -> ReferralCode:
    await get_member_view_or_raise(session, community_id, member_id)
    row = await ReferralRepository(session).code_of_member(community_id, member_id)
    if row is None:
        raise ReferralCodeNotFound(f"member {member_id} has no referral code yet")
    return row


async def find_referrer(
    session: AsyncSession, *, community_id: str, code: str, joiner_member_id: str | None
) -> ReferralCode:
    """The code's owner, if they may refer the joiner: not themselves, and not someone up their own chain."""
    row = await ReferralRepository(session).by_code(community_id, clean_code(code))
    if row is None:
        raise _referral_problem("is not a referral code of this community", "referral_code_unknown")
    if joiner_member_id is not None:
        if row.member_id == joiner_member_id:
            raise _referral_problem("is your own code: members cannot refer themselves", "self_referral")
        if await _referred_by(session, community_id, referrer=joiner_member_id, member_id=row.member_id):
            raise _referral_problem(
                "belongs to a member you referred (directly or through others); referrals cannot go in a circle",
                "referral_cycle",
            )
    owner = await MembershipRepository(session).get_for_member(community_id, row.member_id)
    if owner is None or not is_inside(owner.status):
        raise _referral_problem("belongs to someone who is no longer a member", "referrer_not_active")
    return row


async def _referred_by(session: AsyncSession, community_id: str, *, referrer: str, member_id: str) -> bool:
    """Whether ``referrer`` is somewhere up ``member_id``'s chain of referrers."""
    referrals = ReferralRepository(session)
    current, seen = member_id, set[str]()
    for _ in range(MAX_CHAIN):
        referral = await referrals.of_referred(community_id, current)
        if referral is None or referral.referrer_member_id in seen:
            return False
        if referral.referrer_member_id == referrer:
            return True
        seen.add(current)
        current = referral.referrer_member_id
    return False


async def attribute(
    session: AsyncSession, *, community_id: str, code: ReferralCode, referred_member_id: str, at: datetime
) -> Referral | None:
    """Record who brought the member in; a member keeps the first referrer they ever had."""
    referrals = ReferralRepository(session)
    if await referrals.of_referred(community_id, referred_member_id) is not None:
        return None
    referral = Referral(
        id=new_id("rfl"),
        community_id=community_id,
        referrer_member_id=code.member_id,
        referred_member_id=referred_member_id,
        code_id=code.id,
        created_at=at,
    )
    referrals.add(referral)
    await session.flush()
    return referral


async def convert_on_payment(session: AsyncSession, *, tier: Tier, payment: Payment, at: datetime) -> None:
    """The first payment for a priced tier by a referred member rewards the referrer, once."""
    if tier.price_amount <= 0:
        return
    referral = await ReferralRepository(session).of_referred(payment.community_id, payment.member_id, for_update=True)
    if referral is None or referral.converted_at is not None:
        return
    referral.converted_at = at
    referral.converted_tier_id = tier.id
    referral.converted_payment_id = payment.id
    await emit(
        session,
        ReferralConverted(
            referral_id=referral.id,
            referrer_member_id=referral.referrer_member_id,
            referred_member_id=referral.referred_member_id,
            tier_id=tier.id,
            payment_id=payment.id,
            tier_key=tier.key,
            amount=payment.amount,
            currency=payment.currency,
        ),
        community_id=payment.community_id,
        at=at,
    )


def _referral_problem(reason: str, code: str) -> InvalidInput:
    problem = InvalidInput.of("referral_code", reason)
    problem.code = code
    return problem
