"""Statements over payment records."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.membership.models.payment import Payment


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_provider_ref(self, community_id: str, provider: str, provider_ref: str) -> Payment | None:
        query = select(Payment).where(
            Payment.community_id == community_id, Payment.provider == provider, Payment.provider_ref == provider_ref
        )
        return (await self.session.exec(query)).first()

    async def by_idempotency_key(self, community_id: str, key: str) -> Payment | None:
        query = select(Payment).where(Payment.community_id == community_id, Payment.idempotency_key == key)
        return (await self.session.exec(query)).first()

    def add(self, row: Payment) -> None:
        self.session.add(row)
