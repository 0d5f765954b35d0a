"""The chat dispatcher against a fake Telegram that enforces its limits with 429s: commands from a
service's stream are delivered within the limits, retried as the platform asks, failed with an event
when they cannot go, sent once however often they arrive, fairly, and only for their own community."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.backends import Backend
from tests.support.dispatch import (
    SCALE,
    DispatchHarness,
    dispatch_harness,
    dispatch_settings,
    nonempty,
    remove,
    send,
    until,
)
from tests.support.guildhall import eventually
from tests.support.limited_platform import LimitedPlatform, Scripted, Window, limited_platform

COMMUNITY = "cmty_01jd3k0000000000000000000a"
OTHER = "cmty_01jd3k0000000000000000000b"


@pytest.fixture
async def telegram() -> AsyncIterator[LimitedPlatform]:
    # Telegram's published limits at the tests' scale: 20 a minute per group, 30 a second per bot.
    async with limited_platform(
        per_chat=[Window(20, 60 / SCALE)],
        per_bot=[Window(30, 1 / SCALE)],
    ) as platform:
        yield platform


@pytest.fixture
async def harness(backend: Backend, telegram: LimitedPlatform) -> AsyncIterator[DispatchHarness]:
    async with dispatch_harness(dispatch_settings(backend, telegram.url)) as running:
        yield running


async def test_a_burst_to_one_group_keeps_to_its_limit_and_all_arrive(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    commands = [send(connection, "-100", f"message {n}") for n in range(12)]
    for command in commands:
        await harness.publish(command, community_id=COMMUNITY)

    harness.start()
    await until(lambda: len(telegram.delivered("-100")) == 12, within=30)
    await harness.stop()

    assert telegram.rate_limited() == []
    assert [a.body["text"] for a in telegram.delivered("-100")] == [f"message {n}" for n in range(12)]
    rows = await harness.deliveries()
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert all(row.platform_message_id for row in rows)
    delivered = await harness.events("chat.delivered")
    assert sorted(e["data"]["command_id"] for e in delivered) == sorted(c.command_id for c in commands)
    assert {e["community_id"] for e in delivered} == {COMMUNITY}


async def test_two_replicas_share_the_limits(harness: DispatchHarness, telegram: LimitedPlatform) -> None:
    connection = await harness.connection(COMMUNITY)
    for n in range(10):
        await harness.publish(send(connection, "-100", f"message {n}"), community_id=COMMUNITY)

    harness.start(replicas=2)
    await until(lambda: len(telegram.delivered("-100")) == 10, within=30)
    await harness.stop()

    assert telegram.rate_limited() == []
    assert len(telegram.delivered()) == 10  # each once, though both replicas saw every delivery


async def test_a_429_is_retried_after_the_platforms_retry_after(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    telegram.script("-100", Scripted(429, retry_after=1.0))
    command = send(connection, "-100")
    await harness.publish(command, community_id=COMMUNITY)

    harness.start()
    await until(lambda: telegram.delivered("-100"), within=20)
    await harness.stop()

    refused, delivered = telegram.arrivals
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 1.0
    row = await harness.delivery(command.command_id)
    assert row is not None
    assert (row.status, row.attempts) == ("sent", 2)


async def test_server_errors_are_retried_with_backoff_then_delivered(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    telegram.script("-100", 503, 502)
    command = send(connection, "-100")
    await harness.publish(command, community_id=COMMUNITY)

    harness.start()
    await until(lambda: telegram.delivered("-100"), within=20)
    await harness.stop()

    assert [a.status for a in telegram.arrivals] == [503, 502, 200]
    row = await harness.delivery(command.command_id)
    assert row is not None
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "telegram: HTTP 502")
    assert [e["data"]["command_id"] for e in await harness.events("chat.delivered")] == [command.command_id]


async def test_server_errors_give_up_after_the_attempts(backend: Backend, telegram: LimitedPlatform) -> None:
    settings = dispatch_settings(backend, telegram.url, dispatch_max_attempts=3)
    async with dispatch_harness(settings) as harness:
        connection = await harness.connection(COMMUNITY)
        telegram.script("-100", 500, 500, 500, 500)
        command = send(connection, "-100")
        await harness.publish(command, community_id=COMMUNITY)

        harness.start()
        failed = await eventually(lambda: nonempty(harness.events("chat.delivery_failed")), within=20)
        await harness.stop()

    assert [a.status for a in telegram.arrivals] == [500, 500, 500]
    assert failed[0]["data"]["attempts"] == 3
    assert failed[0]["data"]["reason"] == "telegram: HTTP 500"


async def test_a_permanent_refusal_fails_at_once_with_an_event(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    telegram.script("-100", 400)
    command = remove(connection, "-100", "55")
    await harness.publish(command, community_id=COMMUNITY)

    harness.start()
    failed = await eventually(lambda: nonempty(harness.events("chat.delivery_failed")), within=20)
    await harness.stop()

    assert [a.status for a in telegram.arrivals] == [400]
    assert failed[0]["community_id"] == COMMUNITY
    assert failed[0]["data"]["command_id"] == command.command_id
    assert failed[0]["data"]["attempts"] == 1
    assert "HTTP 400" in failed[0]["data"]["reason"]
    row = await harness.delivery(command.command_id)
    assert row is not None
    assert (row.status, row.kind, row.action, row.attempts) == ("failed", "action", "remove", 1)
    assert await harness.events("chat.delivered") == []


async def test_a_command_that_arrives_again_is_sent_once(harness: DispatchHarness, telegram: LimitedPlatform) -> None:
    connection = await harness.connection(COMMUNITY)
    command = send(connection, "-100", "once")
    envelope = await harness.publish(command, community_id=COMMUNITY)
    await harness.publish(command, community_id=COMMUNITY, envelope_id=envelope.id)  # the relay's replay
    await harness.publish(command, community_id=COMMUNITY, producer="content")  # a producer's retry
    follower = send(connection, "-100", "after")
    await harness.publish(follower, community_id=COMMUNITY)

    harness.start()
    await until(lambda: len(telegram.delivered("-100")) == 2, within=20)
    await harness.stop()

    assert [a.body["text"] for a in telegram.arrivals] == ["once", "after"]
    assert len(await harness.deliveries()) == 2
    assert len(await harness.events("chat.delivered")) == 2


async def test_a_community_sending_a_lot_does_not_hold_back_another(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    busy = await harness.connection(COMMUNITY, bot_token="111:busy")
    quiet = await harness.connection(OTHER, bot_token="222:quiet")
    for n in range(200):
        await harness.publish(send(busy, "-100", f"flood {n}"), community_id=COMMUNITY)
    await harness.publish(send(busy, "-101", "other group, same community"), community_id=COMMUNITY)
    await harness.publish(send(quiet, "-200", "just one"), community_id=OTHER)

    harness.start()
    await until(lambda: telegram.delivered("-200") and telegram.delivered("-101"), within=20)
    flood_so_far = len(telegram.delivered("-100"))
    await harness.stop()

    # 200 messages to one group take 200 slots of 0.2 s; the others went within the first few.
    assert flood_so_far < 10
    assert telegram.rate_limited() == []


async def test_a_command_for_another_communitys_connection_is_refused(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    theirs = await harness.connection(COMMUNITY)
    command = send(theirs, "-100", "not yours")
    await harness.publish(command, community_id=OTHER)

    harness.start()
    failed = await eventually(lambda: nonempty(harness.events("chat.delivery_failed")), within=20)
    await harness.stop()

    assert telegram.arrivals == []
    assert failed[0]["community_id"] == OTHER
    assert failed[0]["data"]["reason"] == "connection not found in this community"
    (row,) = await harness.deliveries()
    assert (row.community_id, row.status, row.attempts) == (OTHER, "failed", 0)


async def test_an_accepted_command_survives_a_crash_before_it_is_sent(
    harness: DispatchHarness, telegram: LimitedPlatform
) -> None:
    connection = await harness.connection(COMMUNITY)
    command = send(connection, "-100", "kept")
    await harness.publish(command, community_id=COMMUNITY)

    intake = harness.intake()
    assert await intake.run_once() == 1  # accepted and acknowledged; the process dies before sending
    pending = await harness.app.state.redis.xpending("events.membership", intake.group)
    row = await harness.delivery(command.command_id)

    assert pending["pending"] == 0
    assert row is not None and row.status == "queued"
    harness.start(intake=False)  # a new process: only the log knows about the command
    await until(lambda: telegram.delivered("-100"), within=20)
    await harness.stop()
    assert [a.body["text"] for a in telegram.arrivals] == ["kept"]
