"""Broadcast fan-out through the chat dispatcher: N groups of one Telegram bot, against a fake Telegram that
enforces the published limits with 429s, as a ratio to the least time those limits allow.

A broadcast is due at t0: N ``chat.send`` commands (one per group) go onto ``events.content`` in one
pipeline, as content's relay would publish them. The gateway's dispatcher (intake consumer group +
sender, the code ``guildhall worker gateway`` runs) delivers them. Telegram allows a bot 30 messages a
second overall, so N groups take at least N / 30 s; the run scales every limit, the dispatcher's and
the fake server's alike, by ``--dispatch-scale`` so that 1,000 groups fit in about ten seconds. We
report the time from t0 to the last message's arrival at the fake server divided by that minimum,
the first send's latency after t0, and the 429s the server had to send (none if the limiter holds).
With ``--dispatch-replicas 2`` two senders (own state, own Redis client) share the limits.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import select

from bench.event_pipeline import ensure_postgres_database, redis_version
from bench.report import BenchResult, Measurement
from bench.stats import summarize_ms
from contracts.chat import ChatAddress, ChatSend
from gateway import app as gateway_app
from gateway.connections.cipher import CredentialCipher, key_from_settings
from gateway.connections.store import create_connection
from gateway.dispatch import build_dispatcher
from gateway.dispatch.limits import DEFAULT_LIMITS
from gateway.models import ChatDelivery
from gateway.settings import GatewaySettings
from kit.events import Envelope
from kit.events.envelope import stream_of
from kit.ids import new_id
from kit.migrations import upgrade
from kit.redis import forget_memory_server, is_memory
from tests.support.limited_platform import LimitedPlatform, Window, limited_platform

POSTGRES_DATABASE = "guildhall_bench_dispatch"
COMMUNITY = "cmty_01jd3k00000000000000bench"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dispatch")
    group.add_argument("--dispatch-groups", type=int, default=1000, help="groups a broadcast goes to (default 1000)")
    group.add_argument(
        "--dispatch-scale", type=float, default=3.0, help="run Telegram's limits this many times faster (default 3)"
    )
    group.add_argument(
        "--dispatch-replicas", default="1,2", help="comma list of sender counts to run on real Redis (default 1,2)"
    )
    group.add_argument(
        "--dispatch-backends", default="sqlite+memory,postgres+redis", help="sqlite+memory and/or postgres+redis"
    )
    # --postgres-url and --redis-url come from event_pipeline's options; this benchmark uses its own database.


@dataclass
class Run:
    backend: str
    replicas: int
    groups: int
    minimum_seconds: float
    first_send_seconds: float
    last_send_seconds: float
    rate_limited: int
    sent_rows: int


async def _fresh_postgres(url: str) -> str:
    import asyncpg

    parsed = make_url(url)
    version = await ensure_postgres_database(parsed.set(database="postgres").render_as_string(hide_password=False))
    connection = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        database="postgres",
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    finally:
        await connection.close()
    return version


async def _broadcast(settings: GatewaySettings, platform: LimitedPlatform, *, groups: int, replicas: int) -> Run:
    app = gateway_app.create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.sessionmaker() as session, session.begin():
            connection = create_connection(
                session,
                CredentialCipher(key_from_settings(settings)),
                community_id=COMMUNITY,
                platform="telegram",
                name="broadcaster",
                credentials={"bot_token": "100:bench", "secret_token": "s"},
                now=datetime.now(UTC),
            )
        stop = asyncio.Event()
        tasks = []
        for index in range(replicas):
            intake, dispatcher = build_dispatcher(app, settings)
            if index == 0:
                tasks.append(asyncio.create_task(intake.run(stop)))
            tasks.append(asyncio.create_task(dispatcher.run(stop)))
        await asyncio.sleep(0.5)  # consumer groups created, senders idle: the broadcast is not yet due

        pipe = app.state.redis.pipeline(transaction=False)
        for n in range(groups):
            command = ChatSend(
                command_id=new_id("cmd"),
                chat=ChatAddress(platform="telegram", connection_id=connection.id, platform_chat_id=f"-{1000 + n}"),
                text=f"Today's topic, group {n}",
            )
            envelope = Envelope(
                id=new_id("evt"),
                type=command.event_type,
                community_id=COMMUNITY,
                occurred_at=datetime.now(UTC),
                producer="content",
                data=command.model_dump(mode="json"),
            )
            pipe.xadd(stream_of("content"), {"envelope": envelope.model_dump_json()})
        due = time.monotonic()
        await pipe.execute()
        deadline = due + 300
        while len(platform.delivered()) < groups and time.monotonic() < deadline:  # noqa: ASYNC110 - polls a server
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # let the last outcomes commit
        stop.set()
        await asyncio.gather(*tasks)
        async with app.state.sessionmaker() as session:
            sent = (
                await session.exec(select(func.count()).select_from(ChatDelivery).where(ChatDelivery.status == "sent"))
            ).one()
    delivered = platform.delivered()
    global_rate = DEFAULT_LIMITS["telegram"].per_connection[0]
    return Run(
        backend="",
        replicas=replicas,
        groups=groups,
        minimum_seconds=groups * global_rate.seconds / (global_rate.count * settings.dispatch_limit_scale),
        first_send_seconds=delivered[0].at - due if delivered else math.nan,
        last_send_seconds=delivered[-1].at - due if len(delivered) >= groups else math.nan,
        rate_limited=len(platform.rate_limited()),
        sent_rows=int(sent),
    )


def _settings(database_url: str, redis_url: str, telegram_url: str, scale: float) -> GatewaySettings:
    return GatewaySettings(
        env="test",
        redis_url=redis_url,
        internal_secret=SecretStr("bench-internal-secret"),
        gateway_database_url=database_url,
        membership_url="http://membership.invalid",
        gamification_url="http://gamification.invalid",
        content_url="http://content.invalid",
        telegram_api_url=telegram_url,
        dispatch_limit_scale=scale,
        dispatch_concurrency=64,
    )


async def _run_backend(label: str, options: argparse.Namespace, result: BenchResult, workdir: Path) -> None:
    scale = options.dispatch_scale
    replica_counts = [int(r) for r in options.dispatch_replicas.split(",")] if label == "postgres+redis" else [1]
    for replicas in replica_counts:
        if label == "postgres+redis":
            result.environment["postgres"] = f"PostgreSQL {await _fresh_postgres(options.postgres_url)}"
            database_url = (
                make_url(options.postgres_url).set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)
            )
            redis_url = options.redis_url
            result.environment.setdefault("redis", await redis_version(redis_url))
            client = Redis.from_url(redis_url)
            await client.flushdb()
            await client.aclose()
        else:
            database_url = f"sqlite:///{workdir / f'gateway-{replicas}.db'}"
            redis_url = "memory://bench-dispatch"
            forget_memory_server("bench-dispatch")
            result.environment.setdefault("sqlite", f"SQLite {sqlite3.sqlite_version}")
        await upgrade("gateway", database_url)
        telegram = DEFAULT_LIMITS["telegram"]
        chat_rate, bot_rate = telegram.per_chat[0], telegram.per_connection[0]
        async with limited_platform(
            per_chat=[Window(chat_rate.count, chat_rate.seconds / scale)],
            per_bot=[Window(bot_rate.count, bot_rate.seconds / scale)],
        ) as platform:
            run = await _broadcast(
                _settings(database_url, redis_url, platform.url, scale),
                platform,
                groups=options.dispatch_groups,
                replicas=replicas,
            )
        _record(result, label, run, bot_rate.count * scale)


def _record(result: BenchResult, label: str, run: Run, limit_per_second: float) -> None:
    minimum = Measurement(
        group=label,
        name=f"platform minimum ({limit_per_second:g} msg/s per bot)",
        count=run.groups,
        seconds=run.minimum_seconds,
        rate=limit_per_second,
        unit="msg/s",
    )
    ratio = run.last_send_seconds / run.minimum_seconds if run.minimum_seconds else math.nan
    achieved = Measurement(
        group=label,
        name=f"broadcast to {run.groups} groups, {run.replicas} sender(s)",
        count=run.groups,
        seconds=run.last_send_seconds,
        rate=run.groups / run.last_send_seconds if run.last_send_seconds > 0 else math.nan,
        unit="msg/s",
        latency=summarize_ms([run.first_send_seconds * 1000]),
        latency_label="first send after due",
        notes=f"time ÷ minimum {ratio:.3f}; 429s {run.rate_limited}; rows sent {run.sent_rows}",
    ).compare_to(minimum)
    result.add(minimum)
    result.add(achieved)


async def run(options: argparse.Namespace) -> BenchResult:
    result = BenchResult(
        name="dispatch",
        title="Chat dispatcher: broadcast fan-out to N groups within Telegram's limits (fake server enforcing them)",
        config={
            "groups": options.dispatch_groups,
            "scale": options.dispatch_scale,
            "replicas": options.dispatch_replicas,
            "backends": options.dispatch_backends,
        },
    )
    headroom = GatewaySettings.model_fields["dispatch_limit_headroom"].default
    result.notes.append(
        "minimum = groups ÷ (30 msg/s * scale), Telegram's per-bot limit; rate ÷ base = achieved ÷ that limit "
        f"(1x is the ceiling); the dispatcher paces {headroom:.0%} under each limit (dispatch_limit_headroom), "
        f"so {1 / (1 + headroom):.3f}x is its own"
    )
    result.notes.append(
        "due = the moment the N chat.send commands are on events.content (what content's relay would publish); "
        "first send = their first arrival at the fake Telegram, which runs in the same process"
    )
    workdir = Path(tempfile.mkdtemp(prefix="guildhall-bench-dispatch-"))
    for label in (b.strip() for b in options.dispatch_backends.split(",")):
        if label not in ("sqlite+memory", "postgres+redis"):
            raise ValueError(f"--dispatch-backends: unknown {label!r}")
        if label == "postgres+redis" and is_memory(options.redis_url):
            raise ValueError("--redis-url: postgres+redis needs a real Redis")
        try:
            await _run_backend(label, options, result, workdir)
        except (OSError, ConnectionError) as error:
            result.notes.append(f"{label}: skipped, not reachable ({type(error).__name__}: {error})")
    return result
