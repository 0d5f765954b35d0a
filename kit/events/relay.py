"""The outbox relay: publishes committed outbox rows to Redis Streams, in order, at least once.

A row is marked published only after Redis accepted it, so a relay that dies in between publishes
the row again on restart; consumers drop the duplicate by event id. Published rows are kept for a
retention window: when the bus comes back empty (a Redis restart, or the in-process stand-in after a
process restart), the relay notices its marker key is gone and publishes the retained rows again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import delete, func, update
from sqlmodel import select

from kit.db import Sessionmaker
from kit.events.doorbell import OUTBOX, STREAMS
from kit.metrics import EVENTS_PUBLISHED, OUTBOX_PENDING
from kit.tables import outbox

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        *,
        producer: str,
        sessionmaker: Sessionmaker,
        redis: Redis,
        batch_size: int = 500,
        idle_sleep: float = 0.05,
        max_idle_sleep: float = 1.0,
        stream_maxlen: int = 1_000_000,
        retention: timedelta = timedelta(days=7),
        housekeeping_every: float = 5.0,
    ) -> None:
        self.producer = producer
        self._sessionmaker = sessionmaker
        self._redis = redis
        self._batch_size = batch_size
        self._idle_sleep = idle_sleep
        self._max_idle_sleep = max(idle_sleep, max_idle_sleep)
        self._bell = OUTBOX.bell()
        self._maxlen = stream_maxlen
        self._retention = retention
        self._housekeeping_every = housekeeping_every
        self._next_housekeeping = 0.0
        self._marker = f"guildhall:bus:{producer}"

    async def run(self, stop: asyncio.Event) -> None:
        log.info("relay started", extra={"producer": self.producer})
        idle = self._idle_sleep
        while not stop.is_set():
            try:
                published = await self.run_once()
            except Exception:
                log.exception("relay pass failed", extra={"producer": self.producer})
                published = 0
            if published >= self._batch_size:
                continue
            # A commit in this process that wrote outbox rows rings the bell; the timeout, longer while nothing
            # comes, is for rows another process wrote (a CLI command) and for housekeeping.
            idle = self._idle_sleep if published else min(idle * 2, self._max_idle_sleep)
            await self._bell.wait(stop, within=idle)

    async def run_once(self) -> int:
        """One pass: housekeeping when due, then publish up to one batch. Returns rows published."""
        if time.monotonic() >= self._next_housekeeping:
            await self.housekeep()
            self._next_housekeeping = time.monotonic() + self._housekeeping_every
        return await self.publish_batch()

    async def publish_batch(self) -> int:
        async with self._sessionmaker() as session, session.begin():
            query = (
                select(outbox.c.seq, outbox.c.stream, outbox.c.envelope)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.seq)
                .limit(self._batch_size)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await session.exec(query)).all()
            if not rows:
                return 0
            pipe = self._redis.pipeline(transaction=False)
            for _, stream, envelope in rows:
                pipe.xadd(stream, {"envelope": envelope}, maxlen=self._maxlen, approximate=True)
            await pipe.execute()
            await session.exec(
                update(outbox)
                .where(outbox.c.seq.in_([seq for seq, _, _ in rows]))
                .values(published_at=datetime.now(UTC))
            )
        STREAMS.ring()
        for stream, count in Counter(stream for _, stream, _ in rows).items():
            EVENTS_PUBLISHED.labels(stream).inc(count)
        return len(rows)

    async def housekeep(self) -> None:
        now = datetime.now(UTC)
        async with self._sessionmaker() as session, session.begin():
            if await self._redis.set(self._marker, now.isoformat(), nx=True):
                # The marker was missing: the bus is new or lost what it held. Publish what we kept.
                replayed: Any = await session.exec(
                    update(outbox)
                    .where(outbox.c.published_at.is_not(None), outbox.c.published_at > now - self._retention)
                    .values(published_at=None)
                )
                if replayed.rowcount:
                    log.warning(
                        "bus marker missing; republishing retained events",
                        extra={"producer": self.producer, "events": replayed.rowcount},
                    )
            await session.exec(
                delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at <= now - self._retention)
            )
            pending = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        OUTBOX_PENDING.labels(self.producer).set(pending or 0)
