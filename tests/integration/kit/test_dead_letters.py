"""A crash is not an event's fault: only its own handler failing counts against it. What does go to the
dead-letter stream can be put back, and a replay behind the inbox changes nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from prometheus_client import REGISTRY

from kit.events.deadletter import dead_letters, depth, failures_key, redrive
from kit.events.envelope import stream_of
from tests.integration.kit.conftest import PRODUCER, Bus

STREAM = stream_of(PRODUCER)
GROUP = "listener"


async def crash_while_holding(bus: Bus, times: int) -> None:
    """What ``times`` consumers that took the backlog and were killed before acknowledging leave behind:
    the first read it, each later one claimed it from the one before."""
    await bus.consumer("setup").ensure_groups()
    response: Any = await bus.redis.xreadgroup(GROUP, "crashed-0", {STREAM: ">"})
    held = [entry_id for entry_id, _ in response[0][1]]
    for crash in range(1, times):
        await bus.redis.xclaim(STREAM, GROUP, f"crashed-{crash}", 0, held)


async def drain(bus: Bus, name: str = "live", **options: int) -> None:
    consumer = bus.consumer(name, retry_after_ms=0, **options)
    for _ in range(10):
        await consumer.run_once()


async def test_events_held_by_a_crash_looping_consumer_are_all_handled_and_none_dead_lettered(bus: Bus) -> None:
    envelopes = [await bus.emit(f"backlog {i}") for i in range(20)]
    await bus.relay().run_once()
    await crash_while_holding(bus, times=8)
    delivered = await bus.redis.xpending_range(STREAM, GROUP, min="-", max="+", count=100)
    assert {p["times_delivered"] for p in delivered} == {8}

    await drain(bus, max_attempts=3)

    assert sorted(await bus.effects()) == sorted((e.id, f"backlog {i}") for i, e in enumerate(envelopes))
    assert await bus.redis.xlen(f"dead.{GROUP}") == 0
    assert (await bus.redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_events_of_a_worker_killed_mid_handler_again_and_again_are_all_handled_once(bus: Bus) -> None:
    envelopes = [await bus.emit(f"slow {i}") for i in range(5)]
    await bus.relay().run_once()
    for crash in range(6):
        worker = asyncio.create_task(bus.consumer(f"killed-{crash}", retry_after_ms=0).run_once())
        await asyncio.sleep(0.1)
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    delivered = await bus.redis.xpending_range(STREAM, GROUP, min="-", max="+", count=100)
    assert {p["times_delivered"] for p in delivered} == {6}

    bus.release.set()
    await drain(bus, max_attempts=3)

    assert sorted(await bus.effects()) == sorted((e.id, f"slow {i}") for i, e in enumerate(envelopes))
    assert await bus.redis.xlen(f"dead.{GROUP}") == 0


async def test_a_poison_event_held_through_crashes_is_dead_lettered_after_its_own_handler_failed_max_times(
    bus: Bus,
) -> None:
    poison = await bus.emit("poison")
    healthy = await bus.emit("healthy")
    await bus.relay().run_once()
    await crash_while_holding(bus, times=5)

    await drain(bus, max_attempts=3)

    assert bus.failures == {poison.id: 3}
    assert await bus.effects() == [(healthy.id, "healthy")]
    [letter] = await dead_letters(bus.redis, GROUP)
    assert (letter.event_type, letter.reason, letter.stream) == ("backbone.pinged", "too many attempts", STREAM)
    assert poison.id.encode() in letter.envelope
    # The count is forgotten with the entry it was about.
    assert await bus.redis.hlen(failures_key(GROUP)) == 0


async def test_a_redriven_event_is_handled_once_the_handler_is_fixed_and_a_dry_run_moves_nothing(bus: Bus) -> None:
    poison = await bus.emit("poison")
    healthy = await bus.emit("healthy")
    await bus.relay().run_once()
    await drain(bus, max_attempts=2)
    # A copy of an event the group did handle, as a dead letter: replaying it must change nothing.
    handled_entry = (await bus.entries(STREAM))[1]
    await bus.redis.xadd(
        f"dead.{GROUP}",
        {"envelope": handled_entry[1][b"envelope"], "stream": STREAM, "entry_id": handled_entry[0], "reason": "test"},
    )
    stream_length = await bus.redis.xlen(STREAM)

    would_move = await redrive(bus.redis, GROUP, dry_run=True)

    assert [letter.reason for letter in would_move] == ["too many attempts", "test"]
    assert await depth(bus.redis, GROUP) == 2
    assert await bus.redis.xlen(STREAM) == stream_length

    bus.cured.add("poison")
    moved = await redrive(bus.redis, GROUP)
    await drain(bus, max_attempts=2)

    assert len(moved) == 2
    assert await depth(bus.redis, GROUP) == 0
    assert sorted(await bus.effects()) == sorted([(healthy.id, "healthy"), (poison.id, "poison")])
    assert await redrive(bus.redis, GROUP) == []
    assert (await bus.redis.xpending(STREAM, GROUP))["pending"] == 0


async def test_the_dead_letter_depth_is_a_metric_per_group(bus: Bus) -> None:
    await bus.redis.xadd(STREAM, {"envelope": "{not json"})
    consumer = bus.consumer()

    await consumer.run_once()
    await consumer.record_metrics()

    assert REGISTRY.get_sample_value("guildhall_dead_letters", {"group": GROUP}) == 1


async def test_a_consumer_that_died_is_pruned_from_the_group_but_one_holding_entries_is_kept(bus: Bus) -> None:
    await bus.emit("held by the dead")
    await bus.relay().run_once()
    await bus.consumer("setup").ensure_groups()
    await bus.redis.xreadgroup(GROUP, "died-holding", {STREAM: ">"})
    await bus.redis.xgroup_createconsumer(STREAM, GROUP, "died-empty")
    live = bus.consumer("live", dead_consumer_idle_ms=50)
    await asyncio.sleep(0.1)

    pruned = await live.prune_consumers()

    assert pruned == ["died-empty"]
    consumers = await bus.redis.xinfo_consumers(STREAM, GROUP)
    assert [c["name"] for c in consumers] == [b"died-holding"]
