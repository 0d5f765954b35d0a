"""Leaderboards: Redis sorted sets per window and period, fed after commit, rebuildable from the ledger."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import after_commit
from services.gamification.domain.leaderboard import RETENTION, Window, bounds_of, key_of, period_of, periods_of
from services.gamification.domain.ledger import EARNING
from services.gamification.repo.ledger import LedgerRepository

REDIS_INFO_KEY = "redis"
WINDOWS = tuple(Window)
# Every (board, member, points) of a batch in one call: for each key, ARGV holds its TTL in seconds (0: none),
# its member count, then member and points pairs. 800 ZINCRBYs cost Redis about a millisecond, but cost
# redis-py far more as separate commands, even pipelined.
INCREMENT_BOARDS = """
local at = 1
for i = 1, #KEYS do
  local ttl = tonumber(ARGV[at])
  local count = tonumber(ARGV[at + 1])
  at = at + 2
  for _ = 1, count do
    redis.call('ZINCRBY', KEYS[i], ARGV[at + 1], ARGV[at])
    at = at + 2
  end
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[i], ttl)
  end
end
return #KEYS
"""
# Clients that cannot run Lua (the in-process stand-in without lupa, an ACL without EVALSHA): they get the
# pipeline.
_NO_SCRIPTING: weakref.WeakSet[Redis] = weakref.WeakSet()


def redis_of(session: AsyncSession) -> Redis | None:
    redis: Redis | None = session.info.get(REDIS_INFO_KEY)
    return redis


def record(
    session: AsyncSession, *, community_id: str, member_id: str, points: int, at: datetime, timezone: str
) -> None:
    """Add earned ``points`` to every window's board once the transaction commits."""
    record_many(session, community_id=community_id, earned=[(member_id, points, at)], timezone=timezone)


def record_many(
    session: AsyncSession, *, community_id: str, earned: Sequence[tuple[str, int, datetime]], timezone: str
) -> None:
    """Add each ``(member, points, at)`` to every window's board once the transaction commits: one Redis
    pipeline, one ZINCRBY per member and board period."""
    redis = redis_of(session)
    if redis is None:
        return
    boards: dict[tuple[Window, str], dict[str, int]] = {}
    for member_id, points, at in earned:
        if points == 0:
            continue
        for window, period in periods_of(at, timezone).items():
            board = boards.setdefault((window, key_of(community_id, window, period)), {})
            board[member_id] = board.get(member_id, 0) + points
    if not boards:
        return

    async def apply() -> None:
        await increment_boards(redis, boards)

    after_commit(session, apply)


async def increment_boards(redis: Redis, boards: dict[tuple[Window, str], dict[str, int]]) -> None:
    """ZINCRBY each board's members, and renew the retention of the boards that have one."""
    if redis not in _NO_SCRIPTING:
        keys: list[str] = []
        args: list[str | int] = []
        for (window, key), scores in boards.items():
            keys.append(key)
            args += [int(RETENTION[window].total_seconds()) if window in RETENTION else 0, len(scores)]
            for member_id, points in scores.items():
                args += [member_id, points]
        try:
            await redis.register_script(INCREMENT_BOARDS)(keys=keys, args=args)
            return
        except ResponseError as error:
            if "unknown command" not in str(error) and "NOPERM" not in str(error):
                raise
            _NO_SCRIPTING.add(redis)
    pipe = redis.pipeline(transaction=False)
    for (window, key), scores in boards.items():
        for member_id, points in scores.items():
            pipe.zincrby(key, points, member_id)
        if window in RETENTION:
            pipe.expire(key, RETENTION[window])
    await pipe.execute()


@dataclass(frozen=True)
class Ranked:
    member_id: str
    score: int
    rank: int  # 1-based


def current_key(community_id: str, window: Window, *, at: datetime, timezone: str, period: str | None = None) -> str:
    return key_of(community_id, window, period or period_of(window, at, timezone))


async def top(redis: Redis, key: str, *, limit: int, offset: int = 0) -> list[Ranked]:
    rows: Any = await redis.zrevrange(key, offset, offset + limit - 1, withscores=True)
    return [Ranked(_text(member), int(score), offset + i + 1) for i, (member, score) in enumerate(rows)]


async def rank_of(redis: Redis, key: str, member_id: str) -> Ranked | None:
    pipe = redis.pipeline(transaction=False)
    pipe.zrevrank(key, member_id)
    pipe.zscore(key, member_id)
    rank, score = await pipe.execute()
    if rank is None:
        return None
    return Ranked(member_id, int(score), int(rank) + 1)


@dataclass(frozen=True)
class Board:
    top: list[Ranked]
    me: Ranked | None


async def board_of(redis: Redis, key: str, *, limit: int, member_id: str | None) -> Board:
    """The top ``limit`` and, when asked, the member's rank and score: one round trip."""
    pipe = redis.pipeline(transaction=False)
    pipe.zrevrange(key, 0, limit - 1, withscores=True)
    if member_id is not None:
        pipe.zrevrank(key, member_id)
        pipe.zscore(key, member_id)
    rows, *mine = await pipe.execute()
    top = [Ranked(_text(member), int(score), rank) for rank, (member, score) in enumerate(rows, 1)]
    me = None
    if member_id is not None and mine[0] is not None:
        me = Ranked(member_id, int(mine[1]), int(mine[0]) + 1)
    return Board(top, me)


async def around(redis: Redis, key: str, member_id: str, *, radius: int) -> list[Ranked]:
    mine = await rank_of(redis, key, member_id)
    if mine is None:
        return []
    start = max(mine.rank - 1 - radius, 0)
    return await top(redis, key, limit=mine.rank - start + radius, offset=start)


async def ranks_of(redis: Redis, keys: dict[Window, str], member_ids: Sequence[str]) -> dict[str, dict[Window, Ranked]]:
    pipe = redis.pipeline(transaction=False)
    order = [(member_id, window, key) for member_id in member_ids for window, key in keys.items()]
    for member_id, _, key in order:
        pipe.zrevrank(key, member_id)
        pipe.zscore(key, member_id)
    results = await pipe.execute()
    found: dict[str, dict[Window, Ranked]] = {member_id: {} for member_id in member_ids}
    for i, (member_id, window, _) in enumerate(order):
        rank, score = results[2 * i], results[2 * i + 1]
        if rank is not None:
            found[member_id][window] = Ranked(member_id, int(score), int(rank) + 1)
    return found


async def ledger_scores(
    session: AsyncSession, *, community_id: str, window: Window, at: datetime, timezone: str
) -> dict[str, int]:
    since, until = bounds_of(window, at, timezone)
    sums = await LedgerRepository(session).sums(
        community_id, kinds=[kind.value for kind in EARNING], since=since, until=until
    )
    return {member_id: total for member_id, total in sums.items() if total != 0}


async def rebuild(
    session: AsyncSession,
    redis: Redis,
    *,
    community_id: str,
    window: Window,
    at: datetime,
    timezone: str,
    progress: Callable[[int], None] | None = None,
    chunk: int = 5_000,
) -> int:
    """Replace the board of ``window``'s current period with the ledger's sums; members written."""
    scores = await ledger_scores(session, community_id=community_id, window=window, at=at, timezone=timezone)
    key = current_key(community_id, window, at=at, timezone=timezone)
    staging = f"{key}:rebuild"
    await redis.delete(staging)
    items = list(scores.items())
    for start in range(0, len(items), chunk):
        part = dict(items[start : start + chunk])
        await redis.zadd(staging, {member: float(score) for member, score in part.items()})
        if progress is not None:
            progress(len(part))
    if items:
        await redis.rename(staging, key)
        if window in RETENTION:
            await redis.expire(key, RETENTION[window])
    else:
        await redis.delete(key)
    return len(items)


@dataclass(frozen=True)
class Mismatch:
    window: Window
    member_id: str
    ledger: int
    board: int


async def check(
    session: AsyncSession, redis: Redis, *, community_id: str, at: datetime, timezone: str
) -> list[Mismatch]:
    """Members whose board score differs from their ledger sum, in every window's current period."""
    mismatches: list[Mismatch] = []
    for window in WINDOWS:
        ledger = await ledger_scores(session, community_id=community_id, window=window, at=at, timezone=timezone)
        key = current_key(community_id, window, at=at, timezone=timezone)
        rows: Any = await redis.zrange(key, 0, -1, withscores=True)
        board = {_text(member): int(score) for member, score in rows if int(score) != 0}
        for member_id in sorted(set(ledger) | set(board)):
            if ledger.get(member_id, 0) != board.get(member_id, 0):
                mismatches.append(Mismatch(window, member_id, ledger.get(member_id, 0), board.get(member_id, 0)))
    return mismatches


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
