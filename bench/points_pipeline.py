"""Points pipeline: member.activity on Redis Streams → gamification's consumer group → rules → ledger →
balance → outbox (points.awarded) → Redis leaderboards; and the leaderboard read path over 1,000,000 members.

For each backend (``--points-backends``: PostgreSQL + Redis, SQLite + the in-process stand-in):

1. drain: ``--points-events`` activity envelopes already on the stream (members drawn from
   ``--points-members``), handled by ``ConsumerGroup`` with gamification's subscriptions (the batch handler
   of ``member.activity`` when it has one) until all are acked   vs XADD + XREADGROUP 100 + XACK, no database
2. live: envelopes stamped and XADDed at a steady rate (``--points-live-load`` times the drain rate) for
   ``--points-live-seconds`` while the consumer runs, in pipelines every ``LIVE_TICK`` seconds (as the
   relay publishes); lag = ``occurred_at`` → committed and on the leaderboards (after-commit actions ran)
3. leaderboard read (Redis backends only): a board of ``--points-board-members`` members; top 100 + my
   rank, as the REST endpoint answers it (ASGI in-process, no network)  vs a bare ASGI endpoint

Every awarded event writes an entry, upserts a balance, emits points.awarded, and ZINCRBYs four boards.
PostgreSQL (database ``guildhall_bench_points``, tables dropped and recreated), Redis DB 8 (only this
benchmark's keys are deleted), SQLite in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from redis.asyncio import Redis

from bench.event_pipeline import ensure_postgres_database
from bench.pipeline_baselines import raw_redis_drain
from bench.report import BenchResult, Measurement
from bench.stats import rate, summarize_ms
from contracts.events import MemberActivity
from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from kit.db import after_commit, create_engine, create_sessionmaker
from kit.events import ConsumerGroup, Envelope, Subscriptions
from kit.events.envelope import stream_of
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.ids import new_id
from kit.redis import create_redis, forget_memory_server, is_memory
from services.gamification import consumers
from services.gamification.app import create_app
from services.gamification.domain.leaderboard import Window, key_of, period_of
from services.gamification.models import metadata
from services.gamification.settings import GamificationSettings
from services.gamification.usecases import community, level, rule
from services.gamification.usecases.leaderboard import REDIS_INFO_KEY

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/guildhall_bench_points"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
COMMUNITY = "cmty_01benchpointsbenchpointsaa"
GROUP = "gamification-bench"
STREAM = stream_of("membership")
SECRET = "bench-internal-secret"
MEMORY_REDIS_URL = "memory://bench-points"
BACKENDS = ("postgres+redis", "sqlite+memory")
LIVE_TICK = 0.01  # the live producer XADDs what is due every 10 ms, in one pipeline


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("points_pipeline")
    group.add_argument("--points-events", type=int, default=20_000)
    group.add_argument("--points-members", type=int, default=5_000)
    group.add_argument("--points-batch", type=int, default=200, help="consumer batch size")
    group.add_argument("--points-live-seconds", type=float, default=5.0)
    group.add_argument("--points-live-load", type=float, default=0.7, help="live rate as a share of the drain rate")
    group.add_argument(
        "--points-live-rate", type=float, default=None, help="live rate in events/s (overrides the load)"
    )
    group.add_argument("--points-board-members", type=int, default=1_000_000)
    group.add_argument("--points-requests", type=int, default=3_000)
    group.add_argument("--points-postgres-url", default=DEFAULT_POSTGRES_URL)
    group.add_argument("--points-redis-url", default=DEFAULT_REDIS_URL, help="only this benchmark's keys are deleted")
    group.add_argument(
        "--points-backends", default=",".join(BACKENDS), help=f"comma-separated, from {', '.join(BACKENDS)}"
    )


@dataclass(frozen=True)
class Backend:
    label: str
    database_url: str
    redis_url: str


def envelope_of(member_id: str, at: datetime) -> str:
    data = MemberActivity(
        member_id=member_id,
        kind="message",
        group_id="grp_1",
        platform="telegram",
        text="good morning all",
        text_length=16,
        occurred_at=at,
    )
    return Envelope(
        id=new_id("evt"),
        type=data.event_type,
        community_id=COMMUNITY,
        occurred_at=at,
        producer="membership",
        data=data.model_dump(mode="json"),
    ).model_dump_json()


async def clean_redis(redis: Redis) -> None:
    keys = [key async for key in redis.scan_iter(match=f"gh:lb:{COMMUNITY}:*")]
    await redis.delete(STREAM, f"dead.{GROUP}", *keys)


async def prepare(backend: Backend) -> tuple[Any, Any, Redis]:
    if backend.database_url.startswith("postgresql"):
        await ensure_postgres_database(backend.database_url)
    engine = create_engine(backend.database_url, pool_size=5)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
    redis = create_redis(backend.redis_url)
    await clean_redis(redis)
    sessionmaker = create_sessionmaker(engine)
    sessionmaker.configure(info={PRODUCER_INFO_KEY: "gamification", REDIS_INFO_KEY: redis})
    now = datetime.now(UTC)
    async with sessionmaker() as session, session.begin():
        await community.remember_community(session, community_id=COMMUNITY, timezone="Asia/Shanghai", at=now)
        await level.create_default_scheme(session, community_id=COMMUNITY, at=now)
        await rule.create_rule(
            session,
            community_id=COMMUNITY,
            name="messages",
            event="member.activity.message",
            points=1,
            daily_cap=None,
            cooldown_seconds=0,
            conditions={"min_length": 5},
            tier_multipliers={},
            enabled=True,
            at=now,
        )
    return engine, sessionmaker, redis


class LagRecorder:
    """Wraps gamification's member.activity handlers: counts handled events and records, once each event's
    transaction committed and its after-commit actions (the leaderboard pipeline) ran, occurred_at → now."""

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self.handled = 0
        self.target = 0
        self.done = asyncio.Event()

    def _after_commit(self, session: Any, envelopes: Sequence[Envelope]) -> None:
        async def record() -> None:
            now = time.time()
            self.lags_ms.extend((now - envelope.occurred_at.timestamp()) * 1000 for envelope in envelopes)
            self.handled += len(envelopes)
            if self.handled >= self.target:
                self.done.set()

        after_commit(session, record)

    def subscriptions(self) -> Subscriptions:
        timed = Subscriptions()
        subscription = consumers.subscriptions.get(MemberActivity.event_type)
        assert subscription is not None
        handler, batch_handler = subscription.handler, subscription.batch_handler

        @timed.on(MemberActivity)
        async def on_activity(session: Any, envelope: Envelope, data: MemberActivity) -> None:
            await handler(session, envelope, data)
            self._after_commit(session, [envelope])

        if batch_handler is not None:

            @timed.on_batch(MemberActivity)
            async def on_activities(session: Any, batch: Sequence[tuple[Envelope, MemberActivity]]) -> None:
                await batch_handler(session, batch)
                self._after_commit(session, [envelope for envelope, _ in batch])

        return timed


async def drain(options: argparse.Namespace, sessionmaker: Any, redis: Redis, recorder: LagRecorder) -> float:
    members = [new_id("mbr") for _ in range(options.points_members)]
    now = datetime.now(UTC)
    for offset in range(0, options.points_events, 500):
        pipe = redis.pipeline(transaction=False)
        for _ in range(min(500, options.points_events - offset)):
            pipe.xadd(STREAM, {"envelope": envelope_of(random.choice(members), now)})
        await pipe.execute()
    group = ConsumerGroup(
        group=GROUP,
        streams=[STREAM],
        subscriptions=recorder.subscriptions(),
        sessionmaker=sessionmaker,
        redis=redis,
        batch_size=options.points_batch,
    )
    recorder.target = options.points_events
    started = time.perf_counter()
    while await group.run_once(block_ms=100):
        pass
    return time.perf_counter() - started


async def live(
    options: argparse.Namespace, sessionmaker: Any, redis: Redis, recorder: LagRecorder, rate_per_second: float
) -> tuple[int, float]:
    members = [new_id("mbr") for _ in range(options.points_members)]
    count = int(rate_per_second * options.points_live_seconds)
    recorder.lags_ms.clear()
    recorder.handled, recorder.target = 0, count
    recorder.done.clear()
    group = ConsumerGroup(
        group=GROUP,
        streams=[STREAM],
        subscriptions=recorder.subscriptions(),
        sessionmaker=sessionmaker,
        redis=redis,
        batch_size=options.points_batch,
        block_ms=50,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(group.run(stop))
    started = time.perf_counter()
    sent = 0
    while sent < count:
        due = min(count, int((time.perf_counter() - started) * rate_per_second) + 1)
        if due > sent:
            pipe = redis.pipeline(transaction=False)
            for _ in range(due - sent):
                pipe.xadd(STREAM, {"envelope": envelope_of(random.choice(members), datetime.now(UTC))})
            await pipe.execute()
            sent = due
        await asyncio.sleep(LIVE_TICK)
    await asyncio.wait_for(recorder.done.wait(), 120)
    seconds = time.perf_counter() - started
    stop.set()
    await task
    return count, seconds


async def fill_board(redis: Redis, members: int) -> tuple[str, str]:
    key = key_of(COMMUNITY, Window.ALL, period_of(Window.ALL, datetime.now(UTC), "UTC"))
    await redis.delete(key)
    for offset in range(0, members, 20_000):
        await redis.zadd(
            key, {f"mbr_{i:026d}": float((i * 7919) % 100_000) for i in range(offset, min(offset + 20_000, members))}
        )
    return key, f"mbr_{members // 2:026d}"


def bare_app(redis: Redis, key: str) -> FastAPI:
    app = FastAPI()

    @app.get("/board")
    async def board(member_id: str) -> dict[str, Any]:
        pipe = redis.pipeline(transaction=False)
        pipe.zrevrange(key, 0, 99, withscores=True)
        pipe.zrevrank(key, member_id)
        top, rank = await pipe.execute()
        return {"top": [[m.decode(), s] for m, s in top], "rank": rank}

    return app


async def time_requests(client: httpx.AsyncClient, path: str, count: int) -> tuple[float, list[float]]:
    samples: list[float] = []
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        response = await client.get(path)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.text
    return time.perf_counter() - started, samples


async def leaderboard_reads(options: argparse.Namespace, redis: Redis, result: BenchResult) -> None:
    key, me = await fill_board(redis, options.points_board_members)
    bare = httpx.AsyncClient(transport=httpx.ASGITransport(app=bare_app(redis, key)), base_url="http://bare")
    base_seconds, base_samples = await time_requests(bare, f"/board?member_id={me}", options.points_requests)
    baseline = result.add(
        Measurement(
            "leaderboard",
            "bare ASGI: ZREVRANGE 100 + ZREVRANK",
            options.points_requests,
            base_seconds,
            rate(options.points_requests, base_seconds),
            "req/s",
            summarize_ms(base_samples),
        )
    )
    settings = GamificationSettings.model_validate(
        {
            "env": "test",
            "redis_url": options.points_redis_url,
            "internal_secret": SECRET,
            "gamification_database_url": options.points_postgres_url,
        }
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        header = sign_principal(Principal(role="platform_admin"), SECRET)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://svc", headers={PRINCIPAL_HEADER: header}
        )
        path = f"/v1/communities/{COMMUNITY}/leaderboards/all?limit=100&member_id={me}"
        seconds, samples = await time_requests(client, path, options.points_requests)
    result.add(
        Measurement(
            "leaderboard",
            f"GET leaderboards/all top 100 + my rank ({options.points_board_members:,} members)",
            options.points_requests,
            seconds,
            rate(options.points_requests, seconds),
            "req/s",
            summarize_ms(samples),
        ).compare_to(baseline)
    )
    await redis.delete(key)


def backends_of(options: argparse.Namespace, workdir: Path) -> list[Backend]:
    backends = []
    for label in (b.strip() for b in options.points_backends.split(",")):
        if label == "postgres+redis":
            backends.append(Backend(label, options.points_postgres_url, options.points_redis_url))
        elif label == "sqlite+memory":
            backends.append(Backend(label, f"sqlite:///{workdir / 'gamification.db'}", MEMORY_REDIS_URL))
        else:
            raise ValueError(f"--points-backends: unknown {label!r} (choose from {', '.join(BACKENDS)})")
    return backends


async def run_backend(options: argparse.Namespace, backend: Backend, result: BenchResult) -> None:
    engine, sessionmaker, redis = await prepare(backend)
    blocking = not is_memory(backend.redis_url)
    try:
        sample = envelope_of("mbr_x", datetime.now(UTC))
        _, raw = await raw_redis_drain(redis, count=options.points_events, envelope=sample, blocking=blocking)
        group = f"drain · {backend.label}"
        baseline = result.add(
            Measurement(group, "bare XADD → XREADGROUP 100 → XACK", raw.count, raw.seconds, raw.rate, "events/s")
        )
        recorder = LagRecorder()
        seconds = await drain(options, sessionmaker, redis, recorder)
        drained = result.add(
            Measurement(
                group,
                f"consumer: activity → ledger → boards (batch {options.points_batch})",
                options.points_events,
                seconds,
                rate(options.points_events, seconds),
                "events/s",
            ).compare_to(baseline)
        )
        target = options.points_live_rate or drained.rate * options.points_live_load
        count, live_seconds = await live(options, sessionmaker, redis, recorder, target)
        result.add(
            Measurement(
                f"live · {backend.label}",
                f"steady {target:.0f} events/s: occurred_at → committed, on the boards",
                count,
                live_seconds,
                rate(count, live_seconds),
                "events/s",
                summarize_ms(recorder.lags_ms),
                latency_label="lag",
            )
        )
        if blocking:
            await leaderboard_reads(options, redis, result)
        else:
            result.notes.append(f"{backend.label}: leaderboard reads are measured on the real Redis only.")
    finally:
        await clean_redis(redis)
        await redis.aclose()
        await engine.dispose()
        if not blocking:
            forget_memory_server(backend.redis_url.removeprefix("memory://"))


async def run(options: argparse.Namespace) -> BenchResult:
    result = BenchResult(
        name="points_pipeline",
        title="Points pipeline: member.activity → rules → ledger → leaderboard; leaderboard reads",
        config={k: v for k, v in vars(options).items() if k.startswith("points_")},
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-points-"))
    try:
        for backend in backends_of(options, workdir):
            await run_backend(options, backend, result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result.notes.append("Leaderboard reads run in-process over ASGI (no network, one request at a time).")
    result.notes.append(
        "Live lag runs from an event's occurred_at to its batch's commit and leaderboard pipeline; the"
        " producer stamps and XADDs due events every 10 ms in one pipeline, on the consumer's event loop."
    )
    return result
