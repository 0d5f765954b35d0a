"""Statements over the deposit money journal, always scoped by community."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.gamification.domain.deposit import JournalEntry, Memo, Posting, Transaction
from services.gamification.models.deposit import MoneyPosting, MoneyTransaction
from services.gamification.repo.ledger import insert_for

TRANSACTION = MoneyTransaction.__table__  # type: ignore[attr-defined]
POSTING = MoneyPosting.__table__  # type: ignore[attr-defined]


class DepositRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_key(self, community_id: str, key: str) -> MoneyTransaction | None:
        query = select(MoneyTransaction).where(
            MoneyTransaction.community_id == community_id, MoneyTransaction.key == key
        )
        return (await self.session.exec(query)).first()

    async def record(self, row: MoneyTransaction, transaction: Transaction) -> bool:
        """The transaction and its postings, unless its key is taken; True when this one went in."""
        if not transaction.balanced:
            raise ValueError(f"transaction {transaction.key} does not balance")
        connection = await self.session.connection()
        inserted = await connection.execute(
            insert_for(connection)(TRANSACTION)
            .values(**row.model_dump())
            .on_conflict_do_nothing(index_elements=["community_id", "key"])
            .returning(TRANSACTION.c.id)
        )
        if inserted.first() is None:
            return False
        if transaction.postings:
            await connection.execute(
                POSTING.insert(),
                [
                    {
                        "community_id": row.community_id,
                        "transaction_id": row.id,
                        "challenge_id": row.challenge_id,
                        "account": p.account,
                        "amount": p.amount,
                        "currency": row.currency,
                        "memo": p.memo.value,
                    }
                    for p in transaction.postings
                ],
            )
        return True

    async def balances(self, community_id: str, accounts: Sequence[str]) -> dict[str, int]:
        query = (
            core_select(POSTING.c.account, func.sum(POSTING.c.amount))
            .where(POSTING.c.community_id == community_id, POSTING.c.account.in_(accounts))
            .group_by(POSTING.c.account)
        )
        found = {a: int(s) for a, s in (await (await self.session.connection()).execute(query)).all()}
        return {a: found.get(a, 0) for a in accounts}

    async def legs(self, community_id: str, accounts: Sequence[str]) -> dict[tuple[str, Memo], int]:
        """Sums per (account, memo): what a deposit summary is made of."""
        query = (
            core_select(POSTING.c.account, POSTING.c.memo, func.sum(POSTING.c.amount))
            .where(POSTING.c.community_id == community_id, POSTING.c.account.in_(accounts))
            .group_by(POSTING.c.account, POSTING.c.memo)
        )
        rows = (await (await self.session.connection()).execute(query)).all()
        return {(a, Memo(m)): int(s) for a, m, s in rows}

    async def challenge_balances(self, community_id: str, challenge_id: str) -> dict[str, int]:
        query = (
            core_select(POSTING.c.account, func.sum(POSTING.c.amount))
            .where(POSTING.c.community_id == community_id, POSTING.c.challenge_id == challenge_id)
            .group_by(POSTING.c.account)
        )
        return {a: int(s) for a, s in (await (await self.session.connection()).execute(query)).all()}

    async def count(self, enrollment_id: str, *, kind: str) -> int:
        query = select(func.count()).where(
            MoneyTransaction.enrollment_id == enrollment_id, MoneyTransaction.kind == kind
        )
        return int((await self.session.exec(query)).one())

    async def transactions(self, community_id: str, enrollment_id: str) -> Sequence[MoneyTransaction]:
        query = select(MoneyTransaction).where(
            MoneyTransaction.community_id == community_id, MoneyTransaction.enrollment_id == enrollment_id
        )
        return (await self.session.exec(query.order_by(col(MoneyTransaction.id)))).all()

    async def journal(self, community_id: str | None) -> list[JournalEntry]:
        """Every transaction with its postings (one community's, or all), for the invariant audit."""
        query = core_select(
            TRANSACTION.c.id, TRANSACTION.c.challenge_id, POSTING.c.account, POSTING.c.amount, POSTING.c.memo
        ).select_from(TRANSACTION.outerjoin(POSTING, POSTING.c.transaction_id == TRANSACTION.c.id))
        if community_id is not None:
            query = query.where(TRANSACTION.c.community_id == community_id)
        rows = (await (await self.session.connection()).execute(query.order_by(TRANSACTION.c.id))).all()
        challenges: dict[str, str] = {}
        postings: dict[str, list[Posting]] = defaultdict(list)
        for transaction_id, challenge_id, account, amount, memo in rows:
            challenges[transaction_id] = challenge_id
            if account is not None:
                postings[transaction_id].append(Posting(account, int(amount), Memo(memo)))
        return [JournalEntry(t, c, tuple(postings[t])) for t, c in challenges.items()]
