"""A batch handler (``Subscriptions.on_batch``) changes how fast events are handled, never what happens to
them: consecutive events of its type come to it together, in stream order; when it fails, each event goes
through the per-event handler on its own, so a poison event is retried and dead-lettered alone, and a
redelivered batch changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pytest
from sqlalchemy import insert
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.events import Envelope, EventData, Subscriptions, emit
from kit.events.envelope import stream_of
from tests.integration.kit.conftest import PRODUCER, Bus, Pinged, effect

STREAM = stream_of(PRODUCER)


class Ponged(EventData):
    event_type: ClassVar[str] = "backbone.ponged"

    note: str


@pytest.fixture
def batches(bus: Bus) -> list[list[str]]:
    """Give the bus a batch handler for Pinged (failing like the per-event one) and a per-event handler
    for Ponged; the notes of each batch the batch handler was called with."""
    calls: list[list[str]] = []

    @bus.subscriptions.on_batch(Pinged)
    async def record_all(session: AsyncSession, batch: Sequence[tuple[Envelope, Pinged]]) -> None:
        calls.append([data.note for _, data in batch])
        for envelope, data in batch:
            # Written before a later event of the batch fails: the failure must take it back.
            await session.exec(insert(effect).values(event_id=envelope.id, note=data.note))
            if data.note == "poison" or (
                data.note.startswith("fail-") and bus.failures.get(envelope.id, 0) < int(data.note[5:])
            ):
                raise RuntimeError(f"batch failed on {data.note}")

    @bus.subscriptions.on(Ponged)
    async def record_pong(session: AsyncSession, envelope: Envelope, data: Ponged) -> None:
        await session.exec(insert(effect).values(event_id=envelope.id, note=data.note))

    return calls


async def test_consecutive_events_reach_the_batch_handler_together_in_order(bus: Bus, batches: list[list[str]]) -> None:
    sent = [await bus.emit(f"event {i}") for i in range(4)]
    await bus.relay().run_once()

    handled = await bus.consumer().run_once()

    assert handled == 4
    assert batches == [["event 0", "event 1", "event 2", "event 3"]]
    assert await bus.effects() == [(e.id, f"event {i}") for i, e in enumerate(sent)]


async def test_another_type_between_them_keeps_its_place(bus: Bus, batches: list[list[str]]) -> None:
    first, second = await bus.emit("a"), await bus.emit("b")
    async with bus.sessionmaker() as session, session.begin():
        pong = await emit(session, Ponged(note="pong"), community_id="cmty_test", at=first.occurred_at)
    last = await bus.emit("c")
    await bus.relay().run_once()

    await bus.consumer().run_once()

    # "c" alone is not a batch: it goes to the per-event handler.
    assert batches == [["a", "b"]]
    assert await bus.effects() == [(first.id, "a"), (second.id, "b"), (pong.id, "pong"), (last.id, "c")]


async def test_a_poison_event_in_a_batch_is_retried_and_dead_lettered_alone(bus: Bus, batches: list[list[str]]) -> None:
    before = await bus.emit("before")
    poison = await bus.emit("poison")
    flaky = await bus.emit("fail-1")
    after = await bus.emit("after")
    await bus.relay().run_once()
    consumer = bus.consumer(max_attempts=3, retry_after_ms=0)

    for _ in range(5):
        await consumer.run_once()

    assert batches[0] == ["before", "poison", "fail-1", "after"]
    # The batch's own writes were rolled back; each healthy event's effect is there exactly once.
    assert sorted(await bus.effects()) == sorted([(before.id, "before"), (flaky.id, "fail-1"), (after.id, "after")])
    assert bus.failures == {poison.id: 3, flaky.id: 1}
    dead = await bus.entries(consumer.dead_letter_stream)
    assert len(dead) == 1
    assert poison.id.encode() in dead[0][1][b"envelope"]
    assert (await bus.redis.xpending(STREAM, "listener"))["pending"] == 0


async def test_a_redelivered_batch_changes_nothing(bus: Bus, batches: list[list[str]]) -> None:
    sent = [await bus.emit(f"event {i}") for i in range(3)]
    await bus.relay().run_once()
    await bus.consumer().run_once()
    for _, fields in await bus.entries(STREAM):
        await bus.redis.xadd(STREAM, fields)

    handled = await bus.consumer().run_once()

    assert handled == 3
    assert batches == [["event 0", "event 1", "event 2"]]
    assert await bus.effects() == [(e.id, f"event {i}") for i, e in enumerate(sent)]
    assert (await bus.redis.xpending(STREAM, "listener"))["pending"] == 0


def test_a_batch_handler_needs_the_per_event_handler_first() -> None:
    subscriptions = Subscriptions()

    async def handle(session: AsyncSession, batch: Sequence[tuple[Envelope, Pinged]]) -> None:
        return None

    with pytest.raises(ValueError, match="per-event handler"):
        subscriptions.on_batch(Pinged)(handle)
