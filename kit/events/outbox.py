"""``emit()``: record an event in the outbox, in the same transaction as the change it describes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

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


class Emission(NamedTuple):
    """One event for ``emit_many``."""

    data: EventData
    community_id: str | None
    at: datetime


async def emit(session: AsyncSession, data: EventData, *, community_id: str | None, at: datetime) -> Envelope:
    """Write ``data`` to the outbox of the session's service; the relay publishes it after commit."""
    return (await emit_many(session, [Emission(data, community_id, at)]))[0]


async def emit_many(session: AsyncSession, emissions: Sequence[Emission]) -> list[Envelope]:
    """``emit`` for several events in one statement (a consumer's batch): ids follow the given order."""
    if not emissions:
        return []
    producer: str = session.info[PRODUCER_INFO_KEY]
    stream, trace = stream_of(producer), current_request_id()
    envelopes: list[Envelope] = []
    rows: list[dict[str, object]] = []
    for data, community_id, at in emissions:
        envelope = Envelope(
            id=new_id("evt"),
            type=data.event_type,
            community_id=community_id,
            occurred_at=at,
            producer=producer,
            data=data.model_dump(mode="json"),
            trace=trace,
        )
        envelopes.append(envelope)
        rows.append(
            {
                "event_id": envelope.id,
                "stream": stream,
                "type": envelope.type,
                "community_id": community_id,
                "envelope": envelope.model_dump_json(),
                "created_at": at,
            }
        )
    connection = await session.connection()
    await connection.execute(_INSERT, rows[0] if len(rows) == 1 else rows)
    for envelope in envelopes:
        EVENTS_EMITTED.labels(producer, envelope.type).inc()
    return envelopes
