from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from redis.asyncio import Redis
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import Sessionmaker, create_engine, create_sessionmaker
from kit.events import ConsumerGroup, Envelope, EventData, OutboxRelay, Subscriptions, emit
from kit.events.envelope import stream_of
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.redis import create_redis
from tests.support.backends import Backend

PRODUCER = "backbone"

effects_metadata = MetaData()
# What handlers do, one row per handled call: a duplicate handling shows up as a second row.
effect = Table(
    "test_effect",
    effects_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), nullable=False),
    Column("note", String(80), nullable=False),
)


class Pinged(EventData):
    event_type: ClassVar[str] = "backbone.pinged"

    note: str


@dataclass
class Bus:
    engine: AsyncEngine
    sessionmaker: Sessionmaker
    redis: Redis
    subscriptions: Subscriptions
    failures: dict[str, int]
    # Notes whose handler was fixed: "poison" stops failing once it is in here.
    cured: set[str]
    # Handlers of notes starting "slow" wait for this: a consumer killed meanwhile holds them unacknowledged.
    release: asyncio.Event

    def relay(self) -> OutboxRelay:
        return OutboxRelay(producer=PRODUCER, sessionmaker=self.sessionmaker, redis=self.redis)

    def consumer(self, name: str = "c1", **options: Any) -> ConsumerGroup:
        return ConsumerGroup(
            group="listener",
            streams=[stream_of(PRODUCER)],
            subscriptions=self.subscriptions,
            sessionmaker=self.sessionmaker,
            redis=self.redis,
            consumer=name,
            **options,
        )

    async def emit(self, note: str) -> Envelope:
        async with self.sessionmaker() as session, session.begin():
            return await emit(session, Pinged(note=note), community_id="cmty_test", at=datetime.now(UTC))

    async def effects(self) -> list[tuple[str, str]]:
        async with self.sessionmaker() as session:
            rows = await session.exec(select(effect.c.event_id, effect.c.note).order_by(effect.c.id))
            return [(event_id, note) for event_id, note in rows.all()]

    async def entries(self, stream: str) -> list[tuple[bytes, dict[Any, Any]]]:
        """A stream's entries, typed the way this Redis client (bytes, no decoding) returns them."""
        found: Any = await self.redis.xrange(stream)
        return [(entry_id, dict(fields)) for entry_id, fields in found]


@pytest.fixture
async def bus(backend: Backend) -> AsyncIterator[Bus]:
    engine = create_engine(backend.database_urls["membership"])
    async with engine.begin() as connection:
        await connection.run_sync(effects_metadata.create_all)
    sessionmaker = create_sessionmaker(engine)
    sessionmaker.configure(info={PRODUCER_INFO_KEY: PRODUCER})
    redis = create_redis(backend.redis_url)
    subscriptions = Subscriptions()
    failures: dict[str, int] = {}
    cured: set[str] = set()
    release = asyncio.Event()

    @subscriptions.on(Pinged)
    async def record(session: AsyncSession, envelope: Envelope, data: Pinged) -> None:
        if data.note.startswith("slow"):
            await release.wait()
        # A note like "fail-2" fails its first two deliveries; "poison" always fails.
        if (data.note == "poison" and data.note not in cured) or (
            data.note.startswith("fail-") and failures.get(envelope.id, 0) < int(data.note[5:])
        ):
            failures[envelope.id] = failures.get(envelope.id, 0) + 1
            raise RuntimeError(f"handler failed on {data.note}")
        await session.exec(insert(effect).values(event_id=envelope.id, note=data.note))

    yield Bus(engine, sessionmaker, redis, subscriptions, failures, cured, release)
    async with engine.begin() as connection:
        await connection.run_sync(effects_metadata.drop_all)
    await redis.aclose()
    await engine.dispose()
