"""``emit()``: record an event in the outbox, in the same transaction as the change it describes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.context import current_request_id
from kit.events.envelope import Envelope, EventData, stream_of
from kit.ids import new_id
from kit.metrics import EVENTS_EMITTED
from kit.tables import outbox

PRODUCER_INFO_KEY = "producer"
# Built once: a consumer that emits for thousands of events a second should not rebuild it each time.
_INSERT = insert(outbox)


async def emit(session: AsyncSession, data: EventData, *, community_id: str | None, at: datetime) -> Envelope:
    """Write ``data`` to the outbox of the session's service; the relay publishes it after commit."""
    producer: str = session.info[PRODUCER_INFO_KEY]
    envelope = Envelope(
        id=new_id("evt"),
        type=data.event_type,
        community_id=community_id,
        occurred_at=at,
        producer=producer,
        data=data.model_dump(mode="json"),
        trace=current_request_id(),
    )
    connection = await session.connection()
    await connection.execute(
        _INSERT,
        {
            "event_id": envelope.id,
            "stream": stream_of(producer),
            "type": envelope.type,
            "community_id": community_id,
            "envelope": envelope.model_dump_json(),
            "created_at": at,
        },
    )
    EVENTS_EMITTED.labels(producer, envelope.type).inc()
    return envelope
