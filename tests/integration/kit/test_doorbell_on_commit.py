"""A transaction that wrote events rings the outbox doorbell when it commits, not before and not on a rollback,
so a sleeping relay wakes for committed rows only; and a relay that published rings the streams' doorbell."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

from kit.events import emit
from kit.events.doorbell import OUTBOX, STREAMS
from tests.integration.kit.conftest import Bus, Pinged


class Rolledback(Exception):
    pass


async def test_a_commit_that_wrote_events_rings_and_a_rollback_does_not(bus: Bus) -> None:
    outbox = OUTBOX.bell()
    async with bus.sessionmaker() as session:
        with contextlib.suppress(Rolledback):
            async with session.begin():
                await emit(session, Pinged(note="undone"), community_id="cmty_test", at=datetime.now(UTC))
                raise Rolledback
    after_rollback = await outbox.wait(_never(), within=0.01)

    async with bus.sessionmaker() as session, session.begin():
        await emit(session, Pinged(note="kept"), community_id="cmty_test", at=datetime.now(UTC))
        before_commit = await outbox.wait(_never(), within=0.01)
    after_commit = await outbox.wait(_never(), within=0.01)

    assert (after_rollback, before_commit, after_commit) == (False, False, True)


async def test_a_relay_that_published_rings_the_streams(bus: Bus) -> None:
    streams = STREAMS.bell()
    await bus.emit("one")

    published = await bus.relay().publish_batch()

    assert published == 1
    assert await streams.wait(_never(), within=0.01) is True


def _never() -> asyncio.Event:
    return asyncio.Event()
