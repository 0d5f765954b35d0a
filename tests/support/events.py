"""Delivering events to a service's consumer group the way the relay would, for service-level tests."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from guildhall.parts import SERVICES
from kit.events import ConsumerGroup, Envelope, EventData
from kit.events.envelope import stream_of
from kit.ids import new_id


async def publish(
    app: FastAPI,
    data: EventData,
    *,
    producer: str,
    community_id: str | None,
    times: int = 1,
    occurred_at: datetime | None = None,
) -> Envelope:
    """XADD one envelope of ``data`` ``times`` times (a redelivery is the same envelope again); it happened
    ``occurred_at`` (a test clock's time), now when None."""
    envelope = Envelope(
        id=new_id("evt"),
        type=data.event_type,
        community_id=community_id,
        occurred_at=occurred_at or datetime.now(UTC),
        producer=producer,
        data=data.model_dump(mode="json"),
    )
    for _ in range(times):
        await app.state.redis.xadd(stream_of(producer), {"envelope": envelope.model_dump_json()})
    return envelope


async def consume(app: FastAPI, service: str) -> int:
    """Run the service's consumer group until it finds nothing; the number of entries it handled."""
    part = SERVICES[service]
    group = ConsumerGroup(
        group=service,
        streams=part.streams,
        subscriptions=part.subscriptions,
        sessionmaker=app.state.sessionmaker,
        redis=app.state.redis,
    )
    total = 0
    while handled := await group.run_once():
        total += handled
    return total
