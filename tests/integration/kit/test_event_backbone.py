"""The event backbone keeps its promises: nothing accepted is lost, nothing is handled twice, and an
event that can never be handled is set aside without stopping the stream."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from sqlalchemy import update

from kit.events.envelope import stream_of
from kit.redis import forget_memory_server
from kit.tables import outbox
from tests.integration.kit.conftest import PRODUCER, Bus
from tests.support.backends import Backend
from tests.support.guildhall import eventually

STREAM = stream_of(PRODUCER)


async def test_an_event_emitted_while_the_relay_is_down_is_published_when_it_restarts(bus: Bus) -> None:
    crashed = asyncio.create_task(bus.relay().run(asyncio.Event()))
    await asyncio.sleep(0.05)
    crashed.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await crashed
    envelope = await bus.emit("written before the crash")
    assert await bus.redis.xlen(STREAM) == 0

    published = await bus.relay().run_once()
    await bus.consumer().run_once()

    assert published == 1
    assert await bus.effects() == [(envelope.id, "written before the crash")]


async def test_a_relay_that_dies_before_marking_publishes_again_and_the_duplicate_changes_nothing(bus: Bus) -> None:
    envelope = await bus.emit("published twice")
    await bus.relay().run_once()
    # What a crash between XADD and the commit leaves behind: the row still looks unpublished.
    async with bus.sessionmaker() as session, session.begin():
        await session.exec(update(outbox).values(published_at=None))

    await bus.relay().run_once()
    await bus.consumer().run_once()

    assert await bus.redis.xlen(STREAM) == 2
    assert await bus.effects() == [(envelope.id, "published twice")]


async def test_a_redelivered_event_changes_nothing(bus: Bus) -> None:
    envelope = await bus.emit("once")
    await bus.relay().run_once()
    entries = await bus.entries(STREAM)
    for _ in range(3):
        await bus.redis.xadd(STREAM, entries[0][1])

    handled = await bus.consumer().run_once()

    assert handled == 4
    assert await bus.effects() == [(envelope.id, "once")]
    assert await bus.redis.xpending(STREAM, "listener") == {
        "pending": 0,
        "min": None,
        "max": None,
        "consumers": [],
    }


async def test_concurrent_consumers_handle_duplicates_once(bus: Bus) -> None:
    envelopes = [await bus.emit(f"event {i}") for i in range(5)]
    await bus.relay().run_once()
    for _, fields in await bus.entries(STREAM):
        await bus.redis.xadd(STREAM, fields)

    first, second = bus.consumer("c1", batch_size=3), bus.consumer("c2", batch_size=3)
    await first.ensure_groups()
    for _ in range(4):
        await asyncio.gather(first.run_once(), second.run_once())

    assert sorted(await bus.effects()) == sorted((e.id, f"event {i}") for i, e in enumerate(envelopes))


async def test_a_poison_event_is_dead_lettered_and_the_stream_goes_on(bus: Bus) -> None:
    await bus.redis.xadd(STREAM, {"envelope": "{not json"})
    await bus.redis.xadd(STREAM, {"something": "else"})
    after = await bus.emit("after the poison")
    await bus.relay().run_once()
    consumer = bus.consumer()

    await consumer.run_once()

    dead = await bus.entries(consumer.dead_letter_stream)
    assert [fields[b"reason"].split(b":")[0] for _, fields in dead] == [
        b"unreadable envelope",
        b"entry has no envelope field",
    ]
    assert dead[0][1][b"envelope"] == b"{not json"
    assert await bus.effects() == [(after.id, "after the poison")]
    assert (await bus.redis.xpending(STREAM, "listener"))["pending"] == 0


async def test_a_failing_handler_is_retried_then_dead_lettered_after_max_attempts(bus: Bus) -> None:
    poison = await bus.emit("poison")
    flaky = await bus.emit("fail-1")
    healthy = await bus.emit("healthy")
    await bus.relay().run_once()
    consumer = bus.consumer(max_attempts=3, retry_after_ms=0)

    for _ in range(5):
        await consumer.run_once()

    assert bus.failures == {poison.id: 3, flaky.id: 1}
    assert sorted(await bus.effects()) == sorted([(flaky.id, "fail-1"), (healthy.id, "healthy")])
    dead = await bus.entries(consumer.dead_letter_stream)
    assert len(dead) == 1
    assert poison.id.encode() in dead[0][1][b"envelope"]
    assert dead[0][1][b"reason"] == b"too many attempts"
    assert (await bus.redis.xpending(STREAM, "listener"))["pending"] == 0


async def test_a_bus_that_lost_everything_gets_the_retained_events_again(bus: Bus, backend: Backend) -> None:
    envelope = await bus.emit("survives a redis restart")
    await bus.relay().run_once()
    await bus.consumer().run_once()
    lost_before_consuming = await bus.emit("published, then redis restarted")
    await bus.relay().run_once()

    # A Redis that keeps nothing restarts: streams, groups and the relay's marker are gone.
    if backend.name == "sqlite":
        forget_memory_server(backend.redis_url.removeprefix("memory://"))
        await bus.redis.aclose()
        from kit.redis import create_redis

        bus.redis = create_redis(backend.redis_url)
    else:
        await bus.redis.flushdb()
    await bus.relay().run_once()
    consumer = bus.consumer()
    await consumer.ensure_groups()
    await consumer.run_once()

    assert sorted(await bus.effects()) == sorted(
        [(envelope.id, "survives a redis restart"), (lost_before_consuming.id, "published, then redis restarted")]
    )


async def test_a_failed_event_is_retried_by_a_consumer_that_may_idle_long_between_polls(bus: Bus) -> None:
    flaky = await bus.emit("fail-1")
    await bus.relay().run_once()
    stop = asyncio.Event()
    # Nothing else comes, so nothing rings: the retry rests on the idle wait starting short again after a batch.
    running = asyncio.create_task(bus.consumer(retry_after_ms=100, max_idle_sleep=60.0).run(stop))
    try:
        effects = await eventually(lambda: _some(bus.effects()), within=10)
    finally:
        stop.set()
        await running

    assert bus.failures == {flaky.id: 1}
    assert effects == [(flaky.id, "fail-1")]


async def _some(found: Awaitable[list[Any]]) -> list[Any] | None:
    return (await found) or None
