"""Recording a verified delivery: its dedupe row and its outbox events in one short transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.models import ProcessedWebhook
from kit.events import EventData, emit

_table = ProcessedWebhook.__table__  # type: ignore[attr-defined]


async def record_delivery(
    session: AsyncSession,
    *,
    connection_id: str,
    community_id: str,
    dedupe_key: str | None,
    events: Sequence[EventData],
    now: datetime,
) -> bool:
    """Publish ``events`` unless this delivery was recorded before; True when it is new.

    The dedupe row and the outbox rows commit together or not at all: a delivery we acknowledge is
    published exactly once by the relay, and a redelivery (same key) publishes nothing.
    """
    if dedupe_key is not None:
        values = {"connection_id": connection_id, "dedupe_key": dedupe_key[:200], "received_at": now}
        dialect = session.get_bind().dialect.name
        insert = postgres_insert if dialect == "postgresql" else sqlite_insert
        result = await session.exec(insert(_table).values(**values).on_conflict_do_nothing())
        if result.rowcount == 0:
            return False
    for data in events:
        await emit(session, data, community_id=community_id, at=now)
    return True
