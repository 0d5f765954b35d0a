"""``emit()``: record an event in the outbox, in the same transaction as the change it describes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.context import current_request_id
from kit.driver import DriverStatement
from kit.events.doorbell import ring_outbox_on_commit
from kit.events.envelope import Envelope, EventData, stream_of
from kit.ids import new_id
from kit.metrics import EVENTS_EMITTED
from kit.tables import outbox

PRODUCER_INFO_KEY = "producer"
# Built once: a consumer that emits for thousands of events a second should not rebuild it each time. One
# event's row goes by the driver (a check-in emits one); many go by SQLAlchemy's executemany.
_INSERT = insert(outbox)
_INSERT_ONE = DriverStatement(_INSERT)


def _outbox_row(
    producer: str, data: EventData, *, community_id: str | None, at: datetime, trace: str | None
) -> dict[str, Any]:
    event_id = new_id("evt")
    # The envelope's JSON in one pass of pydantic's serializer, byte for byte what Envelope(...).model_dump_json()
    # gives, without dumping ``data`` to a dict, validating it into an Envelope and dumping that again (a
    # third of the cost; it showed at thousands of webhooks a second). Keys in Envelope's field order.
    envelope = to_json(
        {
            "id": event_id,
            "type": data.event_type,
            "community_id": community_id,
            "occurred_at": at,
            "producer": producer,
            "data": data,
            "trace": trace,
        }
    ).decode()
    return {
        "event_id": event_id,
        "stream": stream_of(producer),
        "type": data.event_type,
        "community_id": community_id,
        "envelope": envelope,
        "created_at": at,
    }


async def emit(session: AsyncSession, data: EventData, *, community_id: str | None, at: datetime) -> Envelope:
    """Write ``data`` to the outbox of the session's service; the relay publishes it after commit."""
    producer: str = session.info[PRODUCER_INFO_KEY]
    row = _outbox_row(producer, data, community_id=community_id, at=at, trace=current_request_id())
    await _INSERT_ONE.rows(session, row)
    ring_outbox_on_commit(session)
    EVENTS_EMITTED.labels(producer, data.event_type).inc()
    return Envelope.model_validate_json(row["envelope"])


@dataclass(frozen=True)
class Emission:
    """One event for ``emit_many``, with the request id (trace) it belongs to: the current one when None."""

    data: EventData
    community_id: str | None
    at: datetime
    trace: str | None = None


async def emit_many(session: AsyncSession, emissions: Sequence[Emission]) -> None:
    """``emit`` for many events in one statement (executemany), in the order given."""
    if not emissions:
        return
    rows = outbox_rows(session, emissions)
    connection = await session.connection()
    await connection.execute(_INSERT, rows)
    count_emitted(session, rows)


def outbox_rows(session: AsyncSession, emissions: Sequence[Emission]) -> list[dict[str, Any]]:
    """The outbox rows of ``emissions``, for a statement that writes them together with the change they
    describe (a repository's own); call ``count_emitted`` once they are written."""
    producer: str = session.info[PRODUCER_INFO_KEY]
    current = current_request_id()
    return [
        _outbox_row(producer, e.data, community_id=e.community_id, at=e.at, trace=e.trace or current) for e in emissions
    ]


def count_emitted(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    producer: str = session.info[PRODUCER_INFO_KEY]
    ring_outbox_on_commit(session)
    for event_type, count in Counter(row["type"] for row in rows).items():
        EVENTS_EMITTED.labels(producer, event_type).inc(count)
