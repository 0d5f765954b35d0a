"""The delivery log: statements over ``chat_delivery``. Keyword-only functions that never commit.

A replica **claims** a queued delivery before calling the platform, by setting a lease in one
conditional ``UPDATE``: only one replica wins it, and a delivery whose replica died is claimable again
when its lease ends. The outcome clears the lease in the same transaction as its ``chat.*`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import bindparam, case, func, not_, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.models import ChatDelivery

Status = Literal["queued", "sent", "failed"]
_table = ChatDelivery.__table__  # type: ignore[attr-defined]
ERROR_MAX_LENGTH = 500


@dataclass(frozen=True)
class DueDelivery:
    id: str
    community_id: str
    connection_id: str
    platform: str
    platform_chat_id: str
    kind: str
    next_attempt_at: datetime


async def insert_delivery(session: AsyncSession, row: ChatDelivery) -> bool:
    """Insert ``row`` unless a delivery with its ``command_id`` exists; True when it is new."""
    values = row.model_dump()
    dialect = session.get_bind().dialect.name
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(_table).values(**values).on_conflict_do_nothing(index_elements=["command_id"])
    result: Any = await session.exec(statement)
    return bool(result.rowcount)


async def due_deliveries(session: AsyncSession, *, now: datetime, per_chat: int, limit: int) -> list[DueDelivery]:
    """Queued deliveries nobody holds, at most ``per_chat`` of each chat (its oldest), oldest first. A chat's
    deliveries behind one another replica holds are left out until it is done, so the chat stays in order."""
    free = or_(_table.c.lease_until.is_(None), _table.c.lease_until <= now)
    chat = (_table.c.connection_id, _table.c.platform_chat_id)
    position = func.row_number().over(partition_by=chat, order_by=_table.c.id).label("position")
    first_held = func.min(case((not_(free), _table.c.id), else_=None)).over(partition_by=chat).label("first_held")
    ranked = (
        core_select(
            _table.c.id,
            _table.c.community_id,
            _table.c.connection_id,
            _table.c.platform,
            _table.c.platform_chat_id,
            _table.c.kind,
            _table.c.next_attempt_at,
            free.label("free"),
            position,
            first_held,
        )
        .where(_table.c.status == "queued")
        .subquery()
    )
    statement = (
        core_select(
            ranked.c.id,
            ranked.c.community_id,
            ranked.c.connection_id,
            ranked.c.platform,
            ranked.c.platform_chat_id,
            ranked.c.kind,
            ranked.c.next_attempt_at,
        )
        .where(
            ranked.c.free,
            ranked.c.position <= per_chat,
            or_(ranked.c.first_held.is_(None), ranked.c.id < ranked.c.first_held),
        )
        .order_by(ranked.c.id)
        .limit(limit)
    )
    rows = (await session.exec(statement)).all()  # type: ignore[call-overload]
    return [DueDelivery(*row) for row in rows]


async def claim_delivery(
    session: AsyncSession, delivery_id: str, *, now: datetime, lease_until: datetime
) -> ChatDelivery | None:
    """Lease the delivery to this replica if it is still queued and nobody holds it; else None."""
    claimed = await claim_deliveries(session, [delivery_id], now=now, lease_until=lease_until)
    return claimed.get(delivery_id)


async def claim_deliveries(
    session: AsyncSession, delivery_ids: Sequence[str], *, now: datetime, lease_until: datetime
) -> dict[str, ChatDelivery]:
    """``claim_delivery`` for many in one statement: those this replica won, by id."""
    statement = (
        update(_table)
        .where(
            _table.c.id.in_(delivery_ids),
            _table.c.status == "queued",
            or_(_table.c.lease_until.is_(None), _table.c.lease_until <= now),
        )
        .values(lease_until=lease_until, updated_at=now)
        .returning(*_table.c)
    )
    result: Any = await session.exec(statement)
    return {row.id: ChatDelivery(**row._mapping) for row in result}


@dataclass(frozen=True)
class Sent:
    delivery_id: str
    attempts: int
    platform_message_id: str | None
    at: datetime


async def record_sent(session: AsyncSession, sent: Sequence[Sent]) -> None:
    """``record_outcome(status="sent")`` for many deliveries in one statement (executemany)."""
    statement = (
        update(_table)
        .where(_table.c.id == bindparam("b_id"))
        .values(
            status="sent",
            attempts=bindparam("b_attempts"),
            lease_until=None,
            updated_at=bindparam("b_at"),
            finished_at=bindparam("b_at"),
            platform_message_id=bindparam("b_message"),
        )
    )
    rows = [
        {
            "b_id": one.delivery_id,
            "b_attempts": one.attempts,
            "b_at": one.at,
            "b_message": one.platform_message_id[:200] if one.platform_message_id is not None else None,
        }
        for one in sent
    ]
    await (await session.connection()).execute(statement, rows)


async def release_delivery(session: AsyncSession, delivery_id: str, *, now: datetime) -> None:
    """Give back a claim without an attempt (no rate slot came soon enough): any replica may take it again."""
    statement = (
        update(_table)
        .where(_table.c.id == delivery_id, _table.c.status == "queued")
        .values(lease_until=None, updated_at=now)
    )
    await session.exec(statement)


async def record_outcome(
    session: AsyncSession,
    delivery_id: str,
    *,
    status: Status,
    attempts: int,
    now: datetime,
    next_attempt_at: datetime | None = None,
    platform_message_id: str | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "attempts": attempts, "lease_until": None, "updated_at": now}
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if platform_message_id is not None:
        values["platform_message_id"] = platform_message_id[:200]
    if error is not None:
        values["last_error"] = error[:ERROR_MAX_LENGTH]
    if status != "queued":
        values["finished_at"] = now
    await session.exec(update(_table).where(_table.c.id == delivery_id).values(**values))


async def list_deliveries(
    session: AsyncSession,
    *,
    community_id: str,
    status: Status | None = None,
    kind: str | None = None,
    connection_id: str | None = None,
    platform_chat_id: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> list[ChatDelivery]:
    """The community's deliveries, newest first; ``before`` is the id the previous page ended with."""
    statement = select(ChatDelivery).where(ChatDelivery.community_id == community_id)
    if status is not None:
        statement = statement.where(ChatDelivery.status == status)
    if kind is not None:
        statement = statement.where(ChatDelivery.kind == kind)
    if connection_id is not None:
        statement = statement.where(ChatDelivery.connection_id == connection_id)
    if platform_chat_id is not None:
        statement = statement.where(ChatDelivery.platform_chat_id == platform_chat_id)
    if before is not None:
        statement = statement.where(col(ChatDelivery.id) < before)
    rows = await session.exec(statement.order_by(col(ChatDelivery.id).desc()).limit(limit))
    return list(rows)


async def get_delivery_by_command(session: AsyncSession, command_id: str) -> ChatDelivery | None:
    rows = await session.exec(select(ChatDelivery).where(ChatDelivery.command_id == command_id))
    return rows.first()
