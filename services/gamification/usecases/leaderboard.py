"""Leaderboards: Redis sorted sets per window and period, fed after commit, rebuildable from the ledger."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from sqlmodel.ext.asyncio.session import AsyncSession

from kit.db import after_commit
from services.gamification.domain.leaderboard import RETENTION, Window, bounds_of, key_of, period_of
from services.gamification.domain.ledger import EARNING
from services.gamification.repo.ledger import LedgerRepository

REDIS_INFO_KEY = "redis"
WINDOWS = tuple(Window)


def redis_of(session: AsyncSession) -> Redis | None:
    redis: Redis | None = session.info.get(REDIS_INFO_KEY)
    return redis


def record(
    session: AsyncSession, *, community_id: str, member_id: str, points: int, at: datetime, timezone: str
) -> None:
    """Add earned ``points`` to every window's board once the transaction commits."""
    redis = redis_of(session)
    if redis is None or points == 0:
        return
    keys = [(window, key_of(community_id, window, period_of(window, at, timezone))) for window in WINDOWS]

    async def apply() -> None:
        pipe = redis.pipeline(transaction=False)
        for window, key in keys:
            pipe.zincrby(key, points, member_id)
            if window in RETENTION:
                pipe.expire(key, RETENTION[window])
        await pipe.execute()

    after_commit(session, apply)


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
