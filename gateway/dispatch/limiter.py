"""Rate limits shared by every dispatcher replica, kept in Redis.

Each limited scope (a chat, a connection) has one key per rate holding the earliest time, in
milliseconds, at which its next call may go (a GCRA without burst: ``next = max(next, now - slack) + interval``),
and one *block* key set from a platform's ``Retry-After``. Times and intervals keep their microseconds:
whole milliseconds would round Telegram's 34 ms interval up to 35 (3% slower), 11.3 ms to 12 (6%).
``acquire`` checks every key of a call and takes a slot of every rate **only if all allow it**, atomically:
one Lua script on Redis, or, where the server has no Lua (the embedded fakeredis without ``lupa``), an
optimistic ``WATCH``/``MULTI`` transaction retried on conflict, which is just as correct between clients of one server.

``slack`` lets a caller that comes a little late (an event loop busy elsewhere) keep the schedule instead of
losing the time for good; with ``interval = window / count * (1 + h)`` and ``slack <= h * window`` any
``count + 1`` calls still span at least the window, so the platform's sliding window holds. The caller
passes ``now``, so tests drive time by hand; replicas' clocks need to agree (NTP) to the milliseconds.
Keys carry the connection id as a hash tag, so one call's keys share a Redis Cluster slot.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, ResponseError, WatchError

log = logging.getLogger(__name__)

PREFIX = "guildhall:dispatch"

_ACQUIRE = """
local now = tonumber(ARGV[1])
local rates = tonumber(ARGV[2])
local wait, blocker = 0, 0
for i = 1, #KEYS do
  local w = tonumber(redis.call('GET', KEYS[i]) or '0') - now
  if w > wait then wait, blocker = w, i end
end
-- rounded up: a reply's numbers are integers, and a wait of 0.4 ms must not read as "allowed"
if wait > 0 then return {math.ceil(wait), blocker} end
for i = 1, rates do
  local nxt = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now - tonumber(ARGV[2 + rates + i]))
    + tonumber(ARGV[2 + i])
  redis.call('SET', KEYS[i], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1000)
end
return {0, 0}
"""


@dataclass(frozen=True)
class Limit:
    """One key of a call: a rate (``interval_ms`` between calls) or, with ``interval_ms`` None, a block."""

    key: str
    scope: str
    interval_ms: float | None
    slack_ms: float = 0.0


@dataclass(frozen=True)
class Decision:
    wait_seconds: float = 0.0
    scope: str | None = None  # whose limit said no

    @property
    def allowed(self) -> bool:
        return self.wait_seconds <= 0


ALLOWED = Decision()


def chat_tag(connection_id: str, platform_chat_id: str) -> str:
    return f"{PREFIX}:{{{connection_id}}}:chat:{platform_chat_id}"


def connection_tag(connection_id: str) -> str:
    return f"{PREFIX}:{{{connection_id}}}:bot"


def rate_limit(tag: str, index: int, scope: str, interval_seconds: float, slack_seconds: float = 0.0) -> Limit:
    return Limit(f"{tag}:rate:{index}", scope, max(0.001, interval_seconds * 1000), max(0.0, slack_seconds * 1000))


def block_limit(tag: str, scope: str) -> Limit:
    return Limit(f"{tag}:block", scope, None)


class RateLimiter:
    def __init__(self, redis: Redis, *, max_conflicts: int = 50) -> None:
        self._redis = redis
        self._sha: str | None = None
        self._lua: bool | None = None  # unknown until the first call
        self._max_conflicts = max_conflicts

    @property
    def uses_lua(self) -> bool | None:
        return self._lua

    async def acquire(self, limits: Sequence[Limit], *, now: float) -> Decision:
        """Take a slot of every rate in ``limits`` at ``now`` (epoch seconds), or say how long to wait."""
        rates = [limit for limit in limits if limit.interval_ms is not None]
        blocks = [limit for limit in limits if limit.interval_ms is None]
        ordered = rates + blocks
        if not ordered:
            return ALLOWED
        now_ms = now * 1000
        if self._lua is not False:
            answer = await self._acquire_lua(ordered, len(rates), now_ms)
            if answer is not None:
                return self._decision(answer, ordered)
        return self._decision(await self._acquire_watched(ordered, len(rates), now_ms), ordered)

    async def peek(self, limits: Sequence[Limit], *, now: float) -> Decision:
        """How long until every key of ``limits`` allows a call, taking nothing: a cheap look before claiming
        a delivery. Only ``acquire`` decides; another replica may take the slot in between."""
        if not limits:
            return ALLOWED
        values = await self._redis.mget([limit.key for limit in limits])
        now_ms = now * 1000
        waits = [(float(v) if v is not None else 0.0) - now_ms for v in values]
        worst = max(range(len(limits)), key=lambda i: waits[i])
        return self._decision((waits[worst], worst + 1), limits)

    async def block(self, limit: Limit, *, until: float, now: float) -> None:
        """Nothing under ``limit`` goes before ``until``: what a platform's 429 with Retry-After asks for."""
        until_ms, now_ms = until * 1000, now * 1000
        if until_ms > now_ms:
            await self._redis.set(limit.key, f"{until_ms:.3f}", px=math.ceil(until_ms - now_ms) + 1000)

    @staticmethod
    def _decision(answer: tuple[float, int], ordered: Sequence[Limit]) -> Decision:
        wait_ms, blocker = answer
        if wait_ms <= 0:
            return ALLOWED
        return Decision(wait_seconds=wait_ms / 1000, scope=ordered[blocker - 1].scope)

    async def _acquire_lua(self, ordered: Sequence[Limit], rates: int, now_ms: float) -> tuple[float, int] | None:
        keys = [limit.key for limit in ordered]
        args: list[float] = [
            now_ms,
            rates,
            *[limit.interval_ms or 0.0 for limit in ordered[:rates]],
            *[limit.slack_ms for limit in ordered[:rates]],
        ]
        try:
            if self._sha is None:
                self._sha = await self._redis.script_load(_ACQUIRE)
            try:
                answer: Any = await self._redis.evalsha(self._sha, len(keys), *keys, *args)
            except NoScriptError:  # the server restarted and forgot the script
                self._sha = await self._redis.script_load(_ACQUIRE)
                answer = await self._redis.evalsha(self._sha, len(keys), *keys, *args)
        except ResponseError as error:
            if self._lua is None and "unknown command" in str(error).lower():
                log.info("redis has no Lua scripting; rate limits use WATCH/MULTI transactions")
                self._lua = False
                return None
            raise
        self._lua = True
        return int(answer[0]), int(answer[1])

    async def _acquire_watched(self, ordered: Sequence[Limit], rates: int, now_ms: float) -> tuple[float, int]:
        keys = [limit.key for limit in ordered]
        for _ in range(self._max_conflicts):
            async with self._redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(*keys)
                    values = await pipe.mget(keys)
                    stored = [float(v) if v is not None else 0.0 for v in values]
                    waits = [value - now_ms for value in stored]
                    worst = max(range(len(keys)), key=lambda i: waits[i])
                    if waits[worst] > 0:
                        await pipe.unwatch()  # type: ignore[no-untyped-call]
                        return waits[worst], worst + 1
                    pipe.multi()  # type: ignore[no-untyped-call]
                    for limit, value in zip(ordered[:rates], stored[:rates], strict=True):
                        assert limit.interval_ms is not None
                        following = max(value, now_ms - limit.slack_ms) + limit.interval_ms
                        pipe.set(limit.key, f"{following:.3f}", px=math.ceil(following - now_ms) + 1000)
                    await pipe.execute()
                    return 0, 0
                except WatchError:
                    continue  # another client moved one of the keys: read again
        raise RuntimeError("rate limiter: too many conflicting updates")
