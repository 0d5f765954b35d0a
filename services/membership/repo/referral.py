"""Statements over referral codes and referrals."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models.payment import Payment
from services.membership.models.referral import Referral, ReferralCode


class ReferralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def code_of_member(self, community_id: str, member_id: str) -> ReferralCode | None:
        query = select(ReferralCode).where(
            ReferralCode.community_id == community_id, ReferralCode.member_id == member_id
        )
        return (await self.session.exec(query)).first()

    async def by_code(self, community_id: str, code: str) -> ReferralCode | None:
        query = select(ReferralCode).where(ReferralCode.community_id == community_id, ReferralCode.code == code)
        return (await self.session.exec(query)).first()

    async def of_referred(self, community_id: str, member_id: str, *, for_update: bool = False) -> Referral | None:
        query = select(Referral).where(Referral.community_id == community_id, Referral.referred_member_id == member_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.exec(query)).first()

    async def counts_of_referrer(self, community_id: str, member_id: str) -> tuple[int, int]:
        """(members the referrer brought in, of them converted)."""
        query = select(func.count(), func.count(col(Referral.converted_at))).where(
            Referral.community_id == community_id, Referral.referrer_member_id == member_id
        )
        joins, conversions = (await self.session.exec(query)).one()
        return joins, conversions

    async def converted_amounts_of_referrer(self, community_id: str, member_id: str) -> list[tuple[str, int]]:
        """(currency, total) of the converting payments of the referrer's referrals, by currency."""
        query = (
            select(Payment.currency, func.sum(Payment.amount))
            .join(Referral, col(Referral.converted_payment_id) == Payment.id)
            .where(
                Referral.community_id == community_id,
                Referral.referrer_member_id == member_id,
                Payment.community_id == community_id,
            )
            .group_by(Payment.currency)
            .order_by(Payment.currency)
        )
        return [(currency, int(total)) for currency, total in (await self.session.exec(query)).all()]

    def add(self, row: Referral | ReferralCode) -> None:
        self.session.add(row)
