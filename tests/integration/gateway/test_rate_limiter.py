"""The shared rate limiter on both Redis kinds: the Lua script on a real Redis, WATCH/MULTI on the
in-process stand-in. Time is passed in, so nothing here sleeps."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from gateway.dispatch.limiter import RateLimiter, block_limit, chat_tag, connection_tag, rate_limit
from kit.redis import create_redis
from tests.support.backends import Backend

T0 = 1_800_000_000.0
CHAT = chat_tag("conn_a", "-100")
BOT = connection_tag("conn_a")


@pytest.fixture
async def redis(backend: Backend) -> AsyncIterator[Redis]:
    client = create_redis(backend.redis_url)
    yield client
    await client.aclose()


def limits(chat_interval: float = 3.0, bot_interval: float = 0.1) -> list:  # type: ignore[type-arg]
    return [
        rate_limit(CHAT, 0, "chat", chat_interval),
        rate_limit(BOT, 0, "connection", bot_interval),
        block_limit(CHAT, "chat"),
        block_limit(BOT, "connection"),
    ]


async def test_calls_are_paced_at_the_interval(backend: Backend, redis: Redis) -> None:
    limiter = RateLimiter(redis)

    first = await limiter.acquire(limits(), now=T0)
    too_soon = await limiter.acquire(limits(), now=T0 + 1)
    on_time = await limiter.acquire(limits(), now=T0 + 3)

    assert first.allowed and on_time.allowed
    assert (too_soon.allowed, too_soon.wait_seconds, too_soon.scope) == (False, 2.0, "chat")
    assert limiter.uses_lua is backend.is_postgres  # real Redis runs the script; the stand-in has no Lua


async def test_a_denied_call_takes_no_slot_of_any_limit(redis: Redis) -> None:
    limiter = RateLimiter(redis)
    other_chat = [rate_limit(chat_tag("conn_a", "-200"), 0, "chat", 3.0), rate_limit(BOT, 0, "connection", 0.1)]

    await limiter.acquire(limits(), now=T0)
    busy_bot = await limiter.acquire(other_chat, now=T0 + 0.05)  # the bot's slot is not free yet
    again = await limiter.acquire(other_chat, now=T0 + 0.1)

    assert (busy_bot.allowed, busy_bot.scope) == (False, "connection")
    assert busy_bot.wait_seconds == pytest.approx(0.05)
    assert again.allowed  # the denied call did not take the other chat's slot


async def test_replicas_share_the_limits(backend: Backend, redis: Redis) -> None:
    other_replica = create_redis(backend.redis_url)
    try:
        mine, theirs = RateLimiter(redis), RateLimiter(other_replica)

        allowed = await mine.acquire(limits(), now=T0)
        denied = await theirs.acquire(limits(), now=T0 + 0.5)
    finally:
        await other_replica.aclose()

    assert allowed.allowed
    assert (denied.allowed, denied.wait_seconds) == (False, 2.5)


async def test_a_block_holds_a_chat_back_until_its_time(redis: Redis) -> None:
    limiter = RateLimiter(redis)

    await limiter.block(block_limit(CHAT, "chat"), until=T0 + 5, now=T0)
    blocked = await limiter.acquire(limits(), now=T0 + 1)
    elsewhere = await limiter.acquire([rate_limit(chat_tag("conn_a", "-200"), 0, "chat", 3.0)], now=T0 + 1)
    later = await limiter.acquire(limits(), now=T0 + 5)

    assert (blocked.allowed, blocked.wait_seconds, blocked.scope) == (False, 4.0, "chat")
    assert elsewhere.allowed
    assert later.allowed


async def test_a_late_caller_keeps_the_schedule_within_its_slack(redis: Redis) -> None:
    limiter = RateLimiter(redis)
    paced = [rate_limit(BOT, 0, "connection", 1.0, slack_seconds=0.2)]

    await limiter.acquire(paced, now=T0)  # next slot: T0 + 1 - 0.2
    late = await limiter.acquire(paced, now=T0 + 1.15)  # 350 ms after its slot: it may catch up 200 of them
    early = await limiter.acquire(paced, now=T0 + 1.9)
    on_time = await limiter.acquire(paced, now=T0 + 1.95)

    assert late.allowed and on_time.allowed
    # The next slot is 1 s after the late call less the slack, not 1 s after the call: time is not lost.
    assert early.allowed is False
    assert early.wait_seconds == pytest.approx(0.05)


async def test_an_interval_keeps_its_fraction_of_a_millisecond(redis: Redis) -> None:
    limiter = RateLimiter(redis)
    paced = [rate_limit(BOT, 0, "connection", 1 / 90 * 1.02)]  # 11.33 ms: 90 a second with 2% headroom

    await limiter.acquire(paced, now=T0)
    early = await limiter.acquire(paced, now=T0 + 0.0113)
    on_time = await limiter.acquire(paced, now=T0 + 0.01134)  # not 12 ms later: whole ms would lose 6%

    assert early.allowed is False
    assert 0 < early.wait_seconds <= 0.001  # a fraction of a millisecond still waits, never reads as allowed
    assert on_time.allowed
