"""Statements over the ledger, balances and rule usage, always scoped by community.

The hot path (one event → entries → balance) uses Core statements with ``ON CONFLICT`` so that each step is
one round trip on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.types import INT64_MAX
from services.gamification.domain.rule import Usage
from services.gamification.models import Balance, PointEntry, RuleUsage

ENTRY = PointEntry.__table__  # type: ignore[attr-defined]
BALANCE = Balance.__table__  # type: ignore[attr-defined]
USAGE = RuleUsage.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Totals:
    balance: int
    lifetime: int
    level_rank: int


def insert_for(connection: AsyncConnection) -> Any:
    return pg_insert if connection.dialect.name == "postgresql" else sqlite_insert


@dataclass(frozen=True)
class Credit:
    """What a batch adds to one member's balance; ``at`` is the last award's time."""

    member_id: str
    points: int
    lifetime: int
    at: dt.datetime


# The batch statements, built once per dialect and run with many parameter sets (SQLAlchemy sends them as
# multi-row INSERTs, RETURNING included, on PostgreSQL and SQLite alike).
_BATCH_STATEMENTS: dict[str, dict[str, Any]] = {}


def _batch_statements(connection: AsyncConnection) -> dict[str, Any]:
    dialect = connection.dialect.name
    if dialect not in _BATCH_STATEMENTS:
        insert = insert_for(connection)
        entries = insert(ENTRY).on_conflict_do_nothing(index_elements=["community_id", "source"]).returning(ENTRY.c.id)
        credit = insert(BALANCE)
        credit = credit.on_conflict_do_update(
            index_elements=["community_id", "member_id"],
            set_={
                "balance": BALANCE.c.balance + credit.excluded.balance,
                "lifetime": BALANCE.c.lifetime + credit.excluded.lifetime,
                "last_active_at": credit.excluded.last_active_at,
                "updated_at": credit.excluded.updated_at,
            },
        ).returning(BALANCE.c.member_id, BALANCE.c.balance, BALANCE.c.lifetime, BALANCE.c.level_rank)
        usage = insert(USAGE)
        usage = usage.on_conflict_do_update(
            index_elements=["community_id", "member_id", "rule_id"],
            set_={
                "day": usage.excluded.day,
                "points_today": usage.excluded.points_today,
                "last_awarded_at": usage.excluded.last_awarded_at,
            },
        )
        _BATCH_STATEMENTS[dialect] = {"entries": entries, "credit": credit, "usage": usage}
    return _BATCH_STATEMENTS[dialect]


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _connection(self) -> AsyncConnection:
        return await self.session.connection()

    async def insert_entry(self, values: dict[str, Any]) -> bool:
        """Append an entry; False when its source already has one (a replay)."""
        connection = await self._connection()
        statement = (
            insert_for(connection)(ENTRY)
            .values(values)
            .on_conflict_do_nothing(index_elements=["community_id", "source"])
            .returning(ENTRY.c.id)
        )
        return (await connection.execute(statement)).first() is not None

    async def insert_entries(self, rows: Sequence[dict[str, Any]]) -> set[str]:
        """Append many entries in one statement; the ids of those whose source had no entry yet."""
        connection = await self._connection()
        statement = _batch_statements(connection)["entries"]
        return set((await connection.execute(statement, list(rows))).scalars().all())

    async def credit_many(self, community_id: str, credits: Sequence[Credit]) -> dict[str, Totals]:
        """Add each member's credit (one per member) in one upsert; the totals after it, by member."""
        connection = await self._connection()
        rows = [
            {
                "community_id": community_id,
                "member_id": credit.member_id,
                "balance": credit.points,
                "lifetime": credit.lifetime,
                "level_rank": 1,
                "last_active_at": credit.at,
                "updated_at": credit.at,
            }
            # Sorted, so that concurrent consumers lock balance rows in one order.
            for credit in sorted(credits, key=lambda credit: credit.member_id)
        ]
        result = await connection.execute(_batch_statements(connection)["credit"], rows)
        return {row.member_id: Totals(row.balance, row.lifetime, row.level_rank) for row in result}

    async def credit(
        self, *, community_id: str, member_id: str, points: int, lifetime: int, at: dt.datetime, active: bool
    ) -> Totals | None:
        """Add ``points`` (and ``lifetime``) to the balance; None, changing nothing, if a total would pass 64 bits
        (PostgreSQL would refuse it, SQLite would turn it into a float)."""
        connection = await self._connection()
        insert = insert_for(connection)(BALANCE).values(
            community_id=community_id,
            member_id=member_id,
            balance=points,
            lifetime=lifetime,
            level_rank=1,
            last_active_at=at if active else None,
            updated_at=at,
        )
        changes: dict[str, Any] = {
            "balance": BALANCE.c.balance + points,
            "lifetime": BALANCE.c.lifetime + lifetime,
            "updated_at": at,
        }
        if active:
            changes["last_active_at"] = at
        fits = (BALANCE.c.balance <= INT64_MAX - points) & (BALANCE.c.lifetime <= INT64_MAX - lifetime)
        statement = insert.on_conflict_do_update(
            index_elements=["community_id", "member_id"], set_=changes, where=fits
        ).returning(BALANCE.c.balance, BALANCE.c.lifetime, BALANCE.c.level_rank)
        row = (await connection.execute(statement)).first()
        return None if row is None else Totals(row.balance, row.lifetime, row.level_rank)

    async def debit(
        self, *, community_id: str, member_id: str, points: int, lifetime: int, at: dt.datetime
    ) -> Totals | None:
        """Take ``points`` (positive) off the balance, only if it stays at or above zero."""
        connection = await self._connection()
        statement = (
            update(BALANCE)
            .where(
                BALANCE.c.community_id == community_id,
                BALANCE.c.member_id == member_id,
                BALANCE.c.balance >= points,
            )
            .values(balance=BALANCE.c.balance - points, lifetime=BALANCE.c.lifetime + lifetime, updated_at=at)
            .returning(BALANCE.c.balance, BALANCE.c.lifetime, BALANCE.c.level_rank)
        )
        row = (await connection.execute(statement)).first()
        return None if row is None else Totals(row.balance, row.lifetime, row.level_rank)

    async def set_level_rank(self, community_id: str, member_id: str, rank: int) -> None:
        connection = await self._connection()
        await connection.execute(
            update(BALANCE)
            .where(BALANCE.c.community_id == community_id, BALANCE.c.member_id == member_id)
            .values(level_rank=rank)
        )

    async def set_tier(self, community_id: str, member_id: str, tier_id: str | None, at: dt.datetime) -> None:
        connection = await self._connection()
        statement = (
            insert_for(connection)(BALANCE)
            .values(community_id=community_id, member_id=member_id, tier_id=tier_id, updated_at=at)
            .on_conflict_do_update(index_elements=["community_id", "member_id"], set_={"tier_id": tier_id})
        )
        await connection.execute(statement)

    async def entry_by_source(self, community_id: str, source: str) -> PointEntry | None:
        query = select(PointEntry).where(PointEntry.community_id == community_id, PointEntry.source == source)
        return (await self.session.exec(query)).first()

    async def entry_or_none(self, community_id: str, entry_id: str) -> PointEntry | None:
        query = select(PointEntry).where(PointEntry.community_id == community_id, PointEntry.id == entry_id)
        return (await self.session.exec(query)).first()

    async def balance_or_none(self, community_id: str, member_id: str) -> Balance | None:
        return await self.session.get(Balance, (community_id, member_id))

    async def balances(self, community_id: str, member_ids: Sequence[str]) -> Sequence[Balance]:
        query = select(Balance).where(Balance.community_id == community_id, col(Balance.member_id).in_(member_ids))
        return (await self.session.exec(query)).all()

    async def tiers_of(self, community_id: str, member_ids: Sequence[str]) -> dict[str, str | None]:
        query = select(Balance.member_id, Balance.tier_id).where(
            Balance.community_id == community_id, col(Balance.member_id).in_(member_ids)
        )
        return dict((await self.session.exec(query)).all())

    async def tier_of(self, community_id: str, member_id: str) -> str | None:
        query = select(Balance.tier_id).where(Balance.community_id == community_id, Balance.member_id == member_id)
        return (await self.session.exec(query)).first()

    async def entries(
        self, community_id: str, member_id: str, *, before: str | None = None, limit: int = 50
    ) -> Sequence[PointEntry]:
        query = select(PointEntry).where(PointEntry.community_id == community_id, PointEntry.member_id == member_id)
        if before is not None:
            query = query.where(col(PointEntry.id) < before)
        return (await self.session.exec(query.order_by(col(PointEntry.id).desc()).limit(limit))).all()

    async def sums(
        self,
        community_id: str,
        *,
        kinds: Sequence[str] | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        member_ids: Sequence[str] | None = None,
    ) -> dict[str, int]:
        """Points per member from the ledger, optionally of some kinds, within [since, until)."""
        query = select(PointEntry.member_id, func.sum(PointEntry.points)).where(PointEntry.community_id == community_id)
        if kinds is not None:
            query = query.where(col(PointEntry.kind).in_(kinds))
        if since is not None:
            query = query.where(col(PointEntry.occurred_at) >= since)
        if until is not None:
            query = query.where(col(PointEntry.occurred_at) < until)
        if member_ids is not None:
            query = query.where(col(PointEntry.member_id).in_(member_ids))
        rows = (await self.session.exec(query.group_by(col(PointEntry.member_id)))).all()
        return {member_id: int(total or 0) for member_id, total in rows}

    async def all_balances(self, community_id: str) -> Sequence[Balance]:
        return (await self.session.exec(select(Balance).where(Balance.community_id == community_id))).all()

    async def inactive_since(self, community_id: str, cutoff: dt.datetime) -> Sequence[Balance]:
        query = select(Balance).where(
            Balance.community_id == community_id,
            col(Balance.balance) > 0,
            (col(Balance.last_active_at) < cutoff) | col(Balance.last_active_at).is_(None),
        )
        return (await self.session.exec(query)).all()

    async def usage(self, community_id: str, member_id: str, rule_ids: Sequence[str]) -> dict[str, RuleUsage]:
        query = select(RuleUsage).where(
            RuleUsage.community_id == community_id,
            RuleUsage.member_id == member_id,
            col(RuleUsage.rule_id).in_(rule_ids),
        )
        return {usage.rule_id: usage for usage in (await self.session.exec(query)).all()}

    async def save_usage(
        self,
        *,
        community_id: str,
        member_id: str,
        rule_id: str,
        day: dt.date,
        points_today: int,
        last_awarded_at: dt.datetime,
    ) -> None:
        connection = await self._connection()
        values = {"day": day, "points_today": points_today, "last_awarded_at": last_awarded_at}
        statement = (
            insert_for(connection)(USAGE)
            .values(community_id=community_id, member_id=member_id, rule_id=rule_id, **values)
            .on_conflict_do_update(index_elements=["community_id", "member_id", "rule_id"], set_=values)
        )
        await connection.execute(statement)

    async def usages(
        self, community_id: str, member_ids: Sequence[str], rule_ids: Sequence[str]
    ) -> dict[tuple[str, str], Usage]:
        """The usage of ``rule_ids`` by ``member_ids``, by (member, rule), in one query."""
        query = sa_select(
            USAGE.c.member_id, USAGE.c.rule_id, USAGE.c.day, USAGE.c.points_today, USAGE.c.last_awarded_at
        ).where(
            USAGE.c.community_id == community_id,
            USAGE.c.member_id.in_(member_ids),
            USAGE.c.rule_id.in_(rule_ids),
        )
        connection = await self._connection()
        return {
            (row.member_id, row.rule_id): Usage(row.day, row.points_today, row.last_awarded_at)
            for row in await connection.execute(query)
        }

    async def save_usages(self, community_id: str, usages: dict[tuple[str, str], Usage]) -> None:
        """Store the usage of each (member, rule) in one upsert."""
        connection = await self._connection()
        rows = [
            {
                "community_id": community_id,
                "member_id": member_id,
                "rule_id": rule_id,
                "day": usage.day,
                "points_today": usage.points_today,
                "last_awarded_at": usage.last_awarded_at,
            }
            for (member_id, rule_id), usage in sorted(usages.items())
        ]
        await connection.execute(_batch_statements(connection)["usage"], rows)
