"""Recording verified deliveries: their dedupe rows and their outbox events, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.models import ProcessedWebhook
from kit.events import Emission, EventData, emit_many

_table = ProcessedWebhook.__table__  # type: ignore[attr-defined]
KEY_LENGTH = 200
# Built once per dialect and run as an executemany: SQLAlchemy caches its compiled form and sends the rows as
# multi-row VALUES ("insertmanyvalues"). A fresh ``.values(rows)`` per group was compiled anew every time
# (about 2 ms a group).
_RECORD_KEYS = {
    name: insert(_table).on_conflict_do_nothing().returning(_table.c.connection_id, _table.c.dedupe_key)
    for name, insert in (("postgresql", postgres_insert), ("sqlite", sqlite_insert))
}


@dataclass(frozen=True)
class Delivery:
    connection_id: str
    community_id: str
    dedupe_key: str | None
    events: Sequence[EventData]
    now: datetime
    trace: str | None = None

    @property
    def key(self) -> tuple[str, str] | None:
        return (self.connection_id, self.dedupe_key[:KEY_LENGTH]) if self.dedupe_key is not None else None


async def record_deliveries(session: AsyncSession, deliveries: Sequence[Delivery]) -> list[bool]:
    """Publish the events of each delivery not recorded before; for each, True when it is new.

    The dedupe rows and the outbox rows commit together or not at all: a delivery we acknowledge is
    published exactly once by the relay, and a redelivery (same key, in this group or any earlier one)
    publishes nothing. Two statements whatever the number of deliveries.
    """
    keys = [d.key for d in deliveries if d.key is not None]
    inserted: set[tuple[str, str]] = set()
    if keys:
        received = {d.key: d.now for d in deliveries if d.key is not None}
        # In key order: groups committing at once on different replicas take the keys' locks in the same order,
        # so on PostgreSQL they wait for each other instead of deadlocking.
        rows = [{"connection_id": c, "dedupe_key": k, "received_at": received[(c, k)]} for c, k in sorted(set(keys))]
        statement = _RECORD_KEYS[session.get_bind().dialect.name]
        result = await (await session.connection()).execute(statement, rows)
        inserted = {(c, k) for c, k in result.all()}
    new: list[bool] = []
    emissions: list[Emission] = []
    for delivery in deliveries:
        key = delivery.key
        fresh = key is None or key in inserted
        if key is not None:
            inserted.discard(key)  # a second delivery with this key in the same group is a redelivery
        new.append(fresh)
        if fresh:
            emissions.extend(
                Emission(data, delivery.community_id, delivery.now, delivery.trace) for data in delivery.events
            )
    await emit_many(session, emissions)
    return new
