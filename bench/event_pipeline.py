"""Event pipeline: emit → outbox → relay → Redis Streams → consumer group → handler, with kit as it is.

For each backend (PostgreSQL + Redis when reachable, SQLite + the in-process stand-in always), in order,
each kit measurement right after its bare baseline:

1. emit, one event per transaction     vs a Core INSERT of the same row per transaction
2. emit, ``--emit-batch`` per transaction vs Core INSERTs of the same rows, one execute per row
   (and, for reference, one executemany per transaction)
3. drain the backlog from 1 and 2 with ``OutboxRelay.run`` and ``ConsumerGroup.run`` side by side:
   relay (outbox → stream)               vs XADD in pipelines of 500
   relay + consumer (outbox → handled)   vs XADD + XREADGROUP 100 + one XACK per batch
4. live: ``bench.emitter`` in its own process emits one event per transaction at a steady rate
   (``--live-load`` x the rate from 3) while the relay and consumer run here; lag = ``occurred_at`` →
   handler called                        vs XADD at the same rate → XREADGROUP on the same Redis

Relay and consumer share one event loop in this process (uvloop when installed); PostgreSQL, Redis
and the live emitter are other processes. Producer and consumer have separate engines (on SQLite,
separate database files), as two services would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.emitter import PRODUCER, BenchPing, bench_ping, run_emitter
from bench.pipeline_baselines import Timed, raw_inserts, raw_redis_drain, raw_redis_live
from bench.report import BenchResult, Measurement
from bench.stats import rate, summarize_ms
from kit.db import Sessionmaker, create_engine, create_sessionmaker, new_metadata
from kit.events import ConsumerGroup, Envelope, OutboxRelay, Subscriptions, emit
from kit.events.envelope import stream_of
from kit.events.outbox import PRODUCER_INFO_KEY
from kit.redis import create_redis, forget_memory_server, is_memory
from kit.tables import install_kit_tables

CONSUMER_GROUP = "bench-consumer"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/guildhall_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
MEMORY_REDIS_URL = "memory://bench"
RELAY_IDLE_MS = 50  # OutboxRelay's default idle_sleep, which the live lag includes
BACKENDS = ("postgres+redis", "sqlite+memory", "sqlite+redis", "postgres+memory")


# -- setup --------------------------------------------------------------------------------------------


@dataclass
class Backend:
    label: str
    producer_url: str
    consumer_url: str
    redis_url: str
    description: dict[str, str] = field(default_factory=dict)

    @property
    def blocking_redis(self) -> bool:
        return not is_memory(self.redis_url)


async def ensure_postgres_database(url: str) -> str:
    """Create the database of ``url`` if missing (connecting to ``postgres``); return the server version."""
    import asyncpg

    parsed = make_url(url)
    connection = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
        timeout=3,
    )
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", parsed.database):
            await connection.execute(f'CREATE DATABASE "{parsed.database}"')
        version: str = await connection.fetchval("SHOW server_version")
        return version
    finally:
        await connection.close()


async def redis_version(url: str) -> str:
    """Ping the Redis at ``url`` (raises when unreachable) and describe it."""
    if is_memory(url):
        import fakeredis

        return f"in-process stand-in (fakeredis {fakeredis.__version__})"
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        info: dict[str, Any] = await client.info("server")
        return f"Redis {info.get('redis_version')}"
    finally:
        await client.aclose()


async def prepare_backends(options: argparse.Namespace, workdir: Path, notes: list[str]) -> list[Backend]:
    wanted = list(BACKENDS[:2]) if options.backends == "auto" else [b.strip() for b in options.backends.split(",")]
    backends = []
    for label in wanted:
        if label not in BACKENDS:
            raise ValueError(f"--backends: unknown {label!r} (choose from {', '.join(BACKENDS)})")
        database, bus = label.split("+")
        description: dict[str, str] = {}
        try:
            if database == "postgres":
                description["database"] = f"PostgreSQL {await ensure_postgres_database(options.postgres_url)}"
                producer_url = consumer_url = options.postgres_url
            else:
                description["database"] = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL) in {workdir}"
                producer_url = f"sqlite:///{workdir / label}-producer.db"
                consumer_url = f"sqlite:///{workdir / label}-consumer.db"
            redis_url = options.redis_url if bus == "redis" else MEMORY_REDIS_URL
            description["redis"] = await asyncio.wait_for(redis_version(redis_url), 5)
        except (OSError, TimeoutError, ConnectionError) as error:
            notes.append(f"{label}: skipped, not reachable ({type(error).__name__}: {error})")
            continue
        except Exception as error:
            if type(error).__module__.startswith(("asyncpg", "redis")):
                notes.append(f"{label}: skipped, not reachable ({type(error).__name__}: {error})")
                continue
            raise
        backends.append(Backend(label, producer_url, consumer_url, redis_url, description))
    return backends


async def fresh_schema(engine: AsyncEngine) -> None:
    metadata = new_metadata()
    install_kit_tables(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)


# -- kit under test -----------------------------------------------------------------------------------


class LagRecorder:
    """The handler's side: counts handled events and their lag from ``occurred_at``."""

    def __init__(self) -> None:
        self.expect(0)

    def expect(self, count: int) -> None:
        self.target = count
        self.handled = 0
        self.lags_ms: list[float] = []
        self.done = asyncio.Event()
        self.finished_at = 0.0
        self.finished_wall = 0.0

    def record(self, envelope: Envelope) -> None:
        self.lags_ms.append((datetime.now(UTC) - envelope.occurred_at).total_seconds() * 1000)
        self.handled += 1
        if self.handled >= self.target and not self.done.is_set():
            self.finished_at = time.perf_counter()
            self.finished_wall = time.time()
            self.done.set()


class CountingRelay(OutboxRelay):
    """kit's relay, unchanged, noting when it has published a given number of rows."""

    published = 0
    target = 0
    finished_at: float | None = None

    async def publish_batch(self) -> int:
        count = await super().publish_batch()
        self.published += count
        if self.finished_at is None and self.target and self.published >= self.target:
            self.finished_at = time.perf_counter()
        return count


async def emit_events(sessionmaker: Sessionmaker, *, count: int, per_transaction: int, first_seq: int = 0) -> Timed:
    latencies = []
    started = time.perf_counter()
    for offset in range(0, count, per_transaction):
        tx_started = time.perf_counter()
        async with sessionmaker() as session:
            for seq in range(first_seq + offset, first_seq + min(offset + per_transaction, count)):
                await emit(session, bench_ping(seq), community_id="cmty_bench", at=datetime.now(UTC))
            await session.commit()
        latencies.append((time.perf_counter() - tx_started) * 1000)
    return Timed(count, time.perf_counter() - started, summarize_ms(latencies))


@dataclass
class Pipeline:
    relay: CountingRelay
    consumer: ConsumerGroup
    recorder: LagRecorder
    hang_guard: float

    async def run_until_handled(self, count: int, *, producer: Awaitable[object] | None = None) -> float:
        """Run relay and consumer until ``count`` events were handled (``producer`` may run meanwhile)."""
        self.recorder.expect(count)
        self.relay.published, self.relay.target, self.relay.finished_at = 0, count, None
        stop = asyncio.Event()
        tasks = [asyncio.create_task(self.relay.run(stop)), asyncio.create_task(self.consumer.run(stop))]
        started = time.perf_counter()
        try:
            if producer is not None:
                await producer
            # A guard against a stuck pipeline, not a measurement: the run fails rather than hangs.
            await asyncio.wait_for(self.recorder.done.wait(), self.hang_guard)
        except TimeoutError:
            raise RuntimeError(
                f"pipeline stuck: {self.recorder.handled}/{count} handled, {self.relay.published} published "
                f"after {self.hang_guard}s (raise --hang-guard if this machine is just slow)"
            ) from None
        finally:
            stop.set()
            _, pending = await asyncio.wait(tasks, timeout=5)
            for task in pending:
                task.cancel()
        return started


# -- one backend --------------------------------------------------------------------------------------


def _envelope_text() -> str:
    sample = Envelope(
        id="evt_" + "0" * 26,
        type=BenchPing.event_type,
        community_id="cmty_bench",
        occurred_at=datetime.now(UTC),
        producer=PRODUCER,
        data=bench_ping(123).model_dump(mode="json"),
        trace=None,
    )
    return sample.model_dump_json()


async def bench_backend(backend: Backend, options: argparse.Namespace, result: BenchResult) -> None:
    group = backend.label
    envelope = _envelope_text()
    producer_engine = create_engine(backend.producer_url)
    consumer_engine = create_engine(backend.consumer_url)
    redis: Redis = create_redis(backend.redis_url)
    try:
        await fresh_schema(producer_engine)
        if backend.consumer_url != backend.producer_url:
            await fresh_schema(consumer_engine)
        await redis.flushdb()
        producer_sm = create_sessionmaker(producer_engine)
        producer_sm.configure(info={PRODUCER_INFO_KEY: PRODUCER})
        consumer_sm = create_sessionmaker(consumer_engine)
        consumer_sm.configure(info={PRODUCER_INFO_KEY: CONSUMER_GROUP})

        recorder = LagRecorder()
        subscriptions = Subscriptions()

        @subscriptions.on(BenchPing)
        async def on_ping(session: AsyncSession, envelope: Envelope, data: BenchPing) -> None:
            recorder.record(envelope)

        pipeline = Pipeline(
            relay=CountingRelay(producer=PRODUCER, sessionmaker=producer_sm, redis=redis),
            consumer=ConsumerGroup(
                group=CONSUMER_GROUP,
                streams=[stream_of(PRODUCER)],
                subscriptions=subscriptions,
                sessionmaker=consumer_sm,
                redis=redis,
                consumer="bench-1",
            ),
            recorder=recorder,
            hang_guard=options.hang_guard,
        )
        single, batch = options.single_events, options.events

        # 1, 2: emit into the outbox (nothing relays yet)
        base = await raw_inserts(producer_engine, count=single, per_transaction=1, envelope=envelope)
        base_row = result.add(_row(group, "baseline: Core INSERT, 1 row/tx", base, "rows/s", "tx latency"))
        kit = await emit_events(producer_sm, count=single, per_transaction=1)
        result.add(_row(group, "emit(), 1 event/tx", kit, "events/s", "tx latency").compare_to(base_row))

        per_tx = options.emit_batch
        many = await raw_inserts(
            producer_engine, count=batch, per_transaction=per_tx, envelope=envelope, executemany=True
        )
        many_row = _row(group, f"reference: Core executemany, {per_tx} rows/tx", many, "rows/s", "tx latency")
        many_row.notes = "what a batch form of emit() could approach; no ratio, emit() has no batch form"
        result.add(many_row)
        base = await raw_inserts(producer_engine, count=batch, per_transaction=per_tx, envelope=envelope)
        label = f"baseline: Core INSERT x{per_tx}/tx, one execute per row"
        base_row = result.add(_row(group, label, base, "rows/s", "tx latency"))
        kit = await emit_events(producer_sm, count=batch, per_transaction=options.emit_batch, first_seq=single)
        label = f"emit(), {options.emit_batch} events/tx"
        result.add(_row(group, label, kit, "events/s", "tx latency").compare_to(base_row))

        # 3: drain the backlog through relay and consumer group, side by side
        backlog = single + batch
        raw_publish, raw_e2e = await raw_redis_drain(
            redis, count=backlog, envelope=envelope, blocking=backend.blocking_redis
        )
        publish_row = result.add(_row(group, "baseline: XADD, pipelines of 500", raw_publish, "events/s"))
        e2e_row = result.add(_row(group, "baseline: XADD → XREADGROUP → XACK", raw_e2e, "events/s"))
        started = await pipeline.run_until_handled(backlog)
        relay_seconds = (pipeline.relay.finished_at or recorder.finished_at) - started
        relay_row = _row(group, "relay: outbox → stream (backlog)", Timed(backlog, relay_seconds), "events/s")
        result.add(relay_row.compare_to(publish_row))
        drained = Timed(backlog, recorder.finished_at - started)
        drain_row = _row(group, "relay + consumer: outbox → handled (backlog)", drained, "events/s")
        drain_row.notes = "relay and consumer share one event loop, as when both run in one process"
        result.add(drain_row.compare_to(e2e_row))

        # 4: steady load, end-to-end lag
        live_rate = options.live_rate or max(10.0, round(drained.rate * options.live_load, -1))
        live_count = max(1, round(live_rate * options.live_seconds))
        raw_live = await raw_redis_live(
            redis,
            rate_per_second=live_rate,
            seconds=options.live_seconds,
            envelope=envelope,
            blocking=backend.blocking_redis,
        )
        base_row = result.add(
            _row(group, f"baseline: XADD → XREADGROUP at {live_rate:,.0f}/s", raw_live, "events/s", "lag")
        )
        emitter = asyncio.create_task(
            run_emitter(
                backend.producer_url, producer=PRODUCER, rate_per_second=live_rate, count=live_count, first_seq=backlog
            )
        )
        await pipeline.run_until_handled(live_count, producer=emitter)
        emitted = emitter.result()
        seconds = recorder.finished_wall - emitted["started_at"]
        live = Timed(live_count, seconds, summarize_ms(recorder.lags_ms))
        live_row = _row(group, f"live: emit → handled at {live_rate:,.0f}/s offered", live, "events/s", "lag")
        live_row.notes = (
            f"emitter (own process) reached {emitted['rate']:,.0f}/s of {live_rate:,.0f}/s offered; lag is "
            f"occurred_at → handler called, and includes the relay's {RELAY_IDLE_MS} ms idle poll"
        )
        result.add(live_row.compare_to(base_row))
        result.environment[f"{group} database"] = backend.description["database"]
        result.environment[f"{group} redis"] = backend.description["redis"]
    finally:
        await redis.flushdb()
        await redis.aclose()
        if backend.producer_url.startswith("postgres"):
            metadata = new_metadata()
            install_kit_tables(metadata)
            async with producer_engine.begin() as connection:
                await connection.run_sync(metadata.drop_all)
        await producer_engine.dispose()
        await consumer_engine.dispose()
        if is_memory(backend.redis_url):
            forget_memory_server(backend.redis_url.removeprefix("memory://"))


def _row(group: str, name: str, timed: Timed, unit: str, latency_label: str = "latency") -> Measurement:
    return Measurement(
        group=group,
        name=name,
        count=timed.count,
        seconds=timed.seconds,
        rate=rate(timed.count, timed.seconds),
        unit=unit,
        latency=timed.latency,
        latency_label=latency_label,
    )


# -- entry points -------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("event_pipeline")
    group.add_argument("--events", type=int, default=5000, help="events emitted in batches (default 5000)")
    group.add_argument("--single-events", type=int, default=1000, help="events emitted one per transaction")
    group.add_argument("--emit-batch", type=int, default=100, help="events per transaction when batching")
    group.add_argument("--live-seconds", type=float, default=4.0, help="duration of the steady-load phase")
    group.add_argument("--live-load", type=float, default=0.5, help="steady rate as a fraction of the drain rate")
    group.add_argument("--live-rate", type=float, default=None, help="steady rate in events/s (overrides --live-load)")
    group.add_argument(
        "--backends", default="auto", help=f"comma list of {', '.join(BACKENDS)}; auto = the first two when reachable"
    )
    group.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    group.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="a database that may be flushed")
    group.add_argument("--sqlite-dir", default=None, help="where the temporary SQLite files go (default: a temp dir)")
    group.add_argument("--hang-guard", type=float, default=300.0, help="fail a phase that is stuck this many seconds")


def _workdir(requested: str | None) -> Path:
    workdir = Path(requested or tempfile.mkdtemp(prefix="guildhall-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


async def run(options: argparse.Namespace) -> BenchResult:
    result = BenchResult(
        name="event_pipeline",
        title="Event pipeline: emit → outbox → relay → Redis Streams → consumer group → handler",
        config={
            "events": options.events,
            "single_events": options.single_events,
            "emit_batch": options.emit_batch,
            "live_seconds": options.live_seconds,
            "live_load": options.live_load,
            "live_rate": options.live_rate,
            "backends": options.backends,
            "relay": "OutboxRelay defaults (batch 500, idle_sleep 50 ms)",
            "consumer": "ConsumerGroup defaults (batch 100, block 1000 ms, idle_sleep 20 ms)",
        },
    )
    result.notes.append(
        "Relay and consumer share one event loop in one process; the live emitter, PostgreSQL and Redis "
        "are other processes on the same 2 cores. Each ratio compares with the baseline row just above it."
    )
    workdir = await asyncio.to_thread(_workdir, options.sqlite_dir)
    try:
        backends = await prepare_backends(options, workdir, result.notes)
        if not backends:
            raise RuntimeError("no backend available: " + "; ".join(result.notes[1:]))
        for backend in backends:
            await bench_backend(backend, options, result)
    finally:
        if options.sqlite_dir is None:
            with contextlib.suppress(OSError):
                shutil.rmtree(workdir)
    return result
