"""Several dispatcher replicas on one delivery log: a replica claims a delivery before it takes a rate
slot, so losing the claim to another replica costs no slot, and two senders share a burst with no 429
and no message sent twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from gateway.dispatch import build_dispatcher
from gateway.dispatch.delivery import claim_delivery
from gateway.dispatch.limiter import chat_tag, connection_tag
from tests.support.backends import Backend
from tests.support.dispatch import SCALE, DispatchHarness, dispatch_harness, dispatch_settings, send, until
from tests.support.guildhall import eventually
from tests.support.limited_platform import LimitedPlatform, Window, limited_platform

COMMUNITY = "cmty_01jd3k0000000000000000000a"


@pytest.fixture
async def telegram() -> AsyncIterator[LimitedPlatform]:
    async with limited_platform(per_chat=[Window(20, 60 / SCALE)], per_bot=[Window(30, 1 / SCALE)]) as platform:
        yield platform


@pytest.fixture
async def harness(backend: Backend, telegram: LimitedPlatform) -> AsyncIterator[DispatchHarness]:
    async with dispatch_harness(dispatch_settings(backend, telegram.url)) as running:
        yield running


async def test_a_replica_that_loses_the_claim_takes_no_rate_slot(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    command = send(connection, "-100", "claimed elsewhere")
    await harness.publish(command, community_id=COMMUNITY)
    assert await harness.intake().run_once() == 1
    row = await harness.delivery(command.command_id)
    assert row is not None
    _, dispatcher = build_dispatcher(harness.app, harness.settings)
    assert await dispatcher.load() == 1  # this replica sees the delivery queued...
    now = datetime.now(UTC)
    async with harness.app.state.sessionmaker() as session, session.begin():  # ...and another one claims it
        assert await claim_delivery(session, row.id, now=now, lease_until=now + timedelta(minutes=5)) is not None

    assert await dispatcher.run_once() == 1
    await eventually(lambda: _drained(dispatcher), within=10)

    redis = harness.app.state.redis
    assert await redis.exists(f"{chat_tag(connection, '-100')}:rate:0", f"{connection_tag(connection)}:rate:0") == 0
    assert telegram.arrivals == []
    kept = await harness.delivery(command.command_id)
    assert kept is not None and (kept.status, kept.attempts) == ("queued", 0)


async def _drained(dispatcher: object) -> bool | None:
    return True if len(dispatcher.queues) == 0 else None  # type: ignore[attr-defined]


async def test_two_senders_deliver_a_burst_to_many_groups_once_each_in_order_without_a_429(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    groups = [f"-{100 + g}" for g in range(12)]
    for n in range(4):
        for group in groups:
            await harness.publish(send(connection, group, f"{group} #{n}"), community_id=COMMUNITY)

    harness.start(replicas=2)
    await until(lambda: len(telegram.delivered()) >= 48, within=60)
    await harness.stop()

    assert telegram.rate_limited() == []
    texts = Counter(arrival.body["text"] for arrival in telegram.delivered())
    assert set(texts.values()) == {1} and len(texts) == 48
    for group in groups:
        assert [a.body["text"] for a in telegram.delivered(group)] == [f"{group} #{n}" for n in range(4)]
    rows = await harness.deliveries()
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert len(await harness.events("chat.delivered")) == 48
