"""The bare baselines of the event pipeline benchmark, measured in the same run as kit's pipeline.

- ``raw_inserts``: the outbox row written with SQLAlchemy Core on a plain connection (no session, no
  envelope model, no id generation): what ``emit()`` costs on top of the database itself.
- ``raw_redis_drain`` / ``raw_redis_live``: XADD → XREADGROUP → XACK on the same Redis with no database
  and no parsing: the transport that the relay and the consumer group sit on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.stats import Percentiles, rate, summarize_ms
from kit.tables import outbox

RAW_STREAM = "bench.raw"
RAW_GROUP = "bench-raw"
RAW_ID_PREFIX = "raw_"


async def paced(rate_per_second: float, count: int) -> AsyncIterator[int]:
    """Yield 0..count-1, the i-th no earlier than ``i / rate`` after the start (no catch-up bursts beyond that)."""
    start = time.perf_counter()
    interval = 1.0 / rate_per_second
    for index in range(count):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        yield index


@dataclass
class Timed:
    count: int
    seconds: float
    latency: Percentiles | None = None

    @property
    def rate(self) -> float:
        return rate(self.count, self.seconds)


# -- database -----------------------------------------------------------------------------------------


def _raw_row(index: int, envelope: str) -> dict[str, Any]:
    return {
        "event_id": f"{RAW_ID_PREFIX}{index:020d}",
        "stream": RAW_STREAM,
        "type": "bench.raw",
        "community_id": "cmty_bench",
        "envelope": envelope,
        "created_at": datetime.now(UTC),
    }


async def raw_inserts(
    engine: AsyncEngine, *, count: int, per_transaction: int, envelope: str, executemany: bool = False
) -> Timed:
    """Insert ``count`` outbox rows, ``per_transaction`` per transaction, with Core on a plain connection
    (one statement per row, as ``emit()`` does, or one executemany per transaction); then delete them."""
    latencies = []
    statement = insert(outbox)
    started = time.perf_counter()
    for offset in range(0, count, per_transaction):
        rows = [_raw_row(offset + i, envelope) for i in range(min(per_transaction, count - offset))]
        tx_started = time.perf_counter()
        async with engine.begin() as connection:
            if executemany:
                await connection.execute(statement, rows)
            else:
                for row in rows:
                    await connection.execute(statement, row)
        latencies.append((time.perf_counter() - tx_started) * 1000)
    seconds = time.perf_counter() - started
    async with engine.begin() as connection:
        await connection.execute(delete(outbox).where(outbox.c.event_id.startswith(RAW_ID_PREFIX)))
    return Timed(count=count, seconds=seconds, latency=summarize_ms(latencies))


# -- redis --------------------------------------------------------------------------------------------


async def _fresh_group(redis: Redis) -> None:
    await redis.delete(RAW_STREAM)
    with contextlib.suppress(ResponseError):
        await redis.xgroup_create(RAW_STREAM, RAW_GROUP, id="0", mkstream=True)


async def _raw_consume(redis: Redis, *, count: int, blocking: bool, lags_ms: list[float] | None) -> float:
    """Read and ack until ``count`` entries were seen; returns when the last one was acked (perf_counter)."""
    seen = 0
    while seen < count:
        response: Any = await redis.xreadgroup(
            RAW_GROUP, "raw-1", {RAW_STREAM: ">"}, count=100, block=1000 if blocking else None
        )
        if not response:
            if not blocking:  # the in-process stand-in never blocks
                await asyncio.sleep(0.001)
            continue
        _, entries = response[0]
        if lags_ms is not None:
            now = time.time()
            lags_ms.extend((now - float(fields[b"t"])) * 1000 for _, fields in entries)
        await redis.xack(RAW_STREAM, RAW_GROUP, *[entry_id for entry_id, _ in entries])
        seen += len(entries)
    return time.perf_counter()


async def raw_redis_drain(redis: Redis, *, count: int, envelope: str, blocking: bool) -> tuple[Timed, Timed]:
    """XADD ``count`` entries in pipelines of 500 while one reader XREADGROUPs 100 at a time and XACKs each batch.

    Returns (publish, publish→acked) timings, both from the start of publishing.
    """
    await _fresh_group(redis)
    started = time.perf_counter()
    consumer = asyncio.create_task(_raw_consume(redis, count=count, blocking=blocking, lags_ms=None))
    for offset in range(0, count, 500):
        pipe = redis.pipeline(transaction=False)
        for _ in range(min(500, count - offset)):
            pipe.xadd(RAW_STREAM, {"envelope": envelope, "t": "0"}, maxlen=1_000_000, approximate=True)
        await pipe.execute()
    published = time.perf_counter()
    finished = await consumer
    return Timed(count, published - started), Timed(count, finished - started)


async def raw_redis_live(
    redis: Redis, *, rate_per_second: float, seconds: float, envelope: str, blocking: bool
) -> Timed:
    """XADD one entry at a time at a steady rate while one reader consumes; lag = XADD → read."""
    await _fresh_group(redis)
    count = max(1, round(rate_per_second * seconds))
    lags: list[float] = []
    started = time.perf_counter()
    consumer = asyncio.create_task(_raw_consume(redis, count=count, blocking=blocking, lags_ms=lags))
    async for _ in paced(rate_per_second, count):
        await redis.xadd(RAW_STREAM, {"envelope": envelope, "t": repr(time.time())}, maxlen=1_000_000, approximate=True)
    finished = await consumer
    await redis.delete(RAW_STREAM)
    return Timed(count, finished - started, summarize_ms(lags))
