"""Statements over referral codes and referrals."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

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

    def add(self, row: Referral | ReferralCode) -> None:
        self.session.add(row)
