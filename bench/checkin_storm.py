"""The morning check-in storm: 10,000 members check in to one challenge within 60 s, with duplicate deliveries.

Measured in one run on one machine:
- the bare baseline: ``POST /graphql`` of ``bench.baseline`` (parse a JSON body, answer it) under the same
  arrival schedule: the ceiling of a JSON POST at this rate;
- ``POST /v1/communities/{c}/challenges/{id}/checkins`` of the gamification service (``bench/checkin_app.py``,
  as ``guildhall serve gamification`` runs it) while ``guildhall worker gamification`` (outbox relay, consumer
  group, jobs) runs in its own process, as in distributed mode.

Arrange: a fresh database (PostgreSQL by default, SQLite with ``--storm-backends``), migrated, with one
challenge whose check-in window (05:00-09:00) is open now: its time zone is the ``Etc/GMT±N`` zone in which
it is about 06:00-08:00, so the storm really is in the challenge's morning. ``--storm-members`` enrollments,
and, for a storm on day ``--storm-day``, every earlier day already checked in (as a week into a challenge),
are written with multi-row inserts.

Act: open loop (``bench.loadgen.ScheduledLoad``): each member arrives once at a random time within
``--storm-seconds``, ``--storm-front`` of them in the first third (the alarm-clock burst); ``--storm-duplicates``
of the deliveries come again 0.05-3 s later, most with the same Idempotency-Key (a client's retry: 201 with the
first answer, or 409 ``idempotency_key_in_use`` while the first is still running) and ``--storm-keyless`` of
them without one (a second tap: 409 ``checkin_already_recorded``).

Assert, afterwards, in the database: exactly one check-in per member for the day, every enrollment's counters
and streak moved by exactly one day, exactly one ``checkin.recorded`` per member in the outbox and on the
stream. The run fails otherwise. The backlog has drained when the relay has published every outbox row and
the gamification consumer group has read and acknowledged every entry of its stream.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from redis.asyncio import Redis
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.cpu import CpuMeter, named, with_descendants
from bench.http_baseline import measurement
from bench.ingress import fresh_postgres
from bench.loadgen import Target, run_loadgen, write_requests, write_schedule
from bench.report import BenchResult, Measurement
from bench.servers import REPO_ROOT, default_cpu_split, serve
from bench.stats import Percentiles
from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal
from kit.db import create_engine
from kit.events.envelope import dead_letter_stream_of, stream_of
from kit.ids import new_id
from kit.migrations import upgrade
from kit.tables import outbox
from services.gamification.models.challenge import Challenge, Checkin, Enrollment
from services.gamification.models.community import Community

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/guildhall_bench_checkin"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/2"
SECRET = "bench-internal-secret"
COMMUNITY = "cmty_01benchcheckinstorm00000000"
PART = "gamification"
STREAM = stream_of(PART)
KEYWORD = "打卡"
WINDOW = (clock_time(5, 0), clock_time(9, 0))
DAYS = 30
RETRY_DELAY = (0.05, 3.0)  # a duplicate arrives this long after its first delivery
FIRST, RETRY, KEYLESS = "first", "retry (same key)", "again (no key)"
CHALLENGE_TABLE = Challenge.__table__  # type: ignore[attr-defined]
ENROLLMENT_TABLE = Enrollment.__table__  # type: ignore[attr-defined]
CHECKIN_TABLE = Checkin.__table__  # type: ignore[attr-defined]
COMMUNITY_TABLE = Community.__table__  # type: ignore[attr-defined]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("checkin_storm (the morning check-in storm)")
    group.add_argument("--storm-members", type=int, default=10_000, help="members, each checking in once")
    group.add_argument("--storm-seconds", type=float, default=60.0, help="the arrivals spread over this long")
    group.add_argument(
        "--storm-front", type=float, default=0.5, help="share of the members arriving in the first third"
    )
    group.add_argument("--storm-duplicates", type=float, default=0.1, help="duplicate deliveries per member")
    group.add_argument("--storm-keyless", type=float, default=0.3, help="share of duplicates without the key")
    group.add_argument(
        "--storm-day", type=int, default=5, help="the challenge day of the storm (earlier days are checked in)"
    )
    group.add_argument("--storm-connections", type=int, default=64, help="most connections the client opens")
    group.add_argument(
        "--storm-server-workers",
        type=int,
        default=1,
        help="server processes (uvicorn --workers); more than one runs unpinned, on every core",
    )
    group.add_argument(
        "--storm-worker",
        choices=("during", "after"),
        default="during",
        help="run the relay and consumers during the storm, or start them after it (the backlog from cold)",
    )
    group.add_argument("--storm-backends", default="postgres", help="postgres, sqlite or both")
    group.add_argument("--storm-postgres-url", default=DEFAULT_POSTGRES_URL, help="dropped and recreated")
    group.add_argument(
        "--storm-redis-url", default=DEFAULT_REDIS_URL, help="Redis of the service (its streams are reset)"
    )


# -- the storm's shape ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    at: float
    member: int
    tag: str


def storm(options: argparse.Namespace, *, seed: int = 7) -> list[Delivery]:
    """Every member once (``FIRST``), a share of them again, in order of arrival."""
    rng = random.Random(seed)
    count, seconds = options.storm_members, options.storm_seconds
    front = round(count * options.storm_front)
    times = [rng.uniform(0, seconds / 3) for _ in range(front)]
    times += [rng.uniform(seconds / 3, seconds) for _ in range(count - front)]
    rng.shuffle(times)
    deliveries = [Delivery(at, member, FIRST) for member, at in enumerate(times)]
    for member in rng.sample(range(count), round(count * options.storm_duplicates)):
        tag = KEYLESS if rng.random() < options.storm_keyless else RETRY
        deliveries.append(Delivery(times[member] + rng.uniform(*RETRY_DELAY), member, tag))
    return sorted(deliveries, key=lambda d: d.at)


def member_id(index: int) -> str:
    return f"mbr_storm{index:06d}"


def morning_zone(now: datetime) -> str:
    """An ``Etc/GMT±N`` zone in which it is between 06:00 and 08:00 at ``now``, inside the 05:00-09:00 window."""
    offset = (6 - now.hour) % 24
    if offset > 14:
        offset -= 24
    # POSIX-style names: Etc/GMT-8 is eight hours *ahead* of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def request_files(
    workdir: str, name: str, url: str, deliveries: list[Delivery], *, body_of: Any, headers_of: Any
) -> tuple[str, str]:
    requests = [Target.build(url, method="POST", headers=headers_of(d), body=body_of(d)).request for d in deliveries]
    request_path, schedule_path = str(Path(workdir) / f"{name}.requests"), str(Path(workdir) / f"{name}.json")
    write_requests(request_path, requests)
    write_schedule(schedule_path, [d.at for d in deliveries], [d.tag for d in deliveries])
    return request_path, schedule_path


# -- arrange ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    challenge_id: str
    timezone: str
    day: int
    local_date: date


async def seed(engine: AsyncEngine, options: argparse.Namespace, now: datetime) -> Seeded:
    """The community, one challenge open now on day ``--storm-day``, the enrollments and the earlier days."""
    zone = morning_zone(now)
    today = now.astimezone(ZoneInfo(zone)).date()
    day = options.storm_day
    start = today - timedelta(days=day - 1)
    challenge_id = new_id("chl")
    enrollments, checkins = [], []
    for index in range(options.storm_members):
        enrollment_id = new_id("enr")
        enrollments.append(
            {
                "id": enrollment_id,
                "community_id": COMMUNITY,
                "challenge_id": challenge_id,
                "member_id": member_id(index),
                "status": "active",
                "days_done": day - 1,
                "streak": day - 1,
                "best_streak": day - 1,
                "last_checkin_day": day - 1 if day > 1 else None,
                "created_at": now - timedelta(days=day),
            }
        )
        for earlier in range(1, day):
            checkins.append(
                {
                    "id": new_id("chk"),
                    "community_id": COMMUNITY,
                    "challenge_id": challenge_id,
                    "enrollment_id": enrollment_id,
                    "member_id": member_id(index),
                    "day": earlier,
                    "local_date": start + timedelta(days=earlier - 1),
                    "channel": "api",
                    "source": f"seed:{index}:{earlier}",
                    "text": KEYWORD,
                    "photo_urls": [],
                    "checked_in_at": now - timedelta(days=day - earlier),
                }
            )
    async with engine.begin() as connection:
        await connection.execute(insert(COMMUNITY_TABLE).values(id=COMMUNITY, timezone="UTC", created_at=now))
        await connection.execute(
            insert(CHALLENGE_TABLE).values(
                id=challenge_id,
                community_id=COMMUNITY,
                name="Morning storm",
                start_date=start,
                days=DAYS,
                timezone=zone,
                window_start=WINDOW[0],
                window_end=WINDOW[1],
                proof_kind="keyword",
                keywords=[KEYWORD],
                enroll_closes_at=now - timedelta(days=day),
                enrolled_count=options.storm_members,
                rolled_through_day=day - 1,  # the rollover ran for the days before
                created_at=now - timedelta(days=day + 1),
            )
        )
        for table, rows in ((ENROLLMENT_TABLE, enrollments), (CHECKIN_TABLE, checkins)):
            for offset in range(0, len(rows), 2_000):
                await connection.execute(insert(table), rows[offset : offset + 2_000])
    return Seeded(challenge_id, zone, day, today)


async def settle_postgres(engine: AsyncEngine) -> None:
    """The seed's statistics gathered and its pages written back before the storm, as autovacuum and the
    checkpointer would have done long before a real morning: a checkpoint that lands in the storm would
    otherwise be writing out the seed (tens of thousands of fresh rows), which is not the storm's cost."""
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("ANALYZE"))
        await autocommit.execute(text("CHECKPOINT"))


async def _sessions_opened(engine: AsyncEngine) -> int:
    """Connections ever opened to the benchmark's database (PostgreSQL's statistics; 0 elsewhere)."""
    if engine.dialect.name != "postgresql":
        return 0
    async with engine.connect() as connection:
        query = text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int((await connection.execute(query)).scalar_one())


async def reset_redis(redis: Redis) -> None:
    """This run's events only: the streams the gamification worker reads (with their groups) and its dead letters."""
    await redis.delete(STREAM, stream_of("membership"), dead_letter_stream_of(PART))


# -- the worker ---------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def worker(env: Mapping[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    """``guildhall worker gamification`` in its own process (not pinned: it shares the machine with the rest)."""
    command = [sys.executable, "-c", "from guildhall.cli import main; main()", "worker", PART]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    process = await asyncio.create_subprocess_exec(
        *command, cwd=REPO_ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        for sig in (signal.SIGINT, signal.SIGKILL):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(sig)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 15)
        if process.returncode not in (0, -signal.SIGINT):
            log.seek(0)
            print(f"worker exited with {process.returncode}:\n{log.read().decode(errors='replace')[-3000:]}")
        log.close()


async def worker_ready(redis: Redis, guard: float = 60.0) -> None:
    """Until the worker's consumer group exists on the stream: its start-up (imports, connections) is over."""
    started = time.monotonic()
    while time.monotonic() - started < guard:
        with contextlib.suppress(Exception):
            if any(_text(g["name"]) == PART for g in await redis.xinfo_groups(STREAM)):
                await asyncio.sleep(0.5)  # its relay and jobs take their first turn
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the gamification worker did not start within {guard}s")


async def group_done(redis: Redis) -> bool:
    """The gamification consumer group has read every entry of its stream and acknowledged them all."""
    try:
        stream = await redis.xinfo_stream(STREAM)
        groups = await redis.xinfo_groups(STREAM)
    except Exception:  # the stream does not exist yet
        return False
    mine = [g for g in groups if _text(g["name"]) == PART]
    last = _text(stream["last-generated-id"])
    return bool(mine) and _text(mine[0]["last-delivered-id"]) == last and int(mine[0]["pending"]) == 0


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def unpublished(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        return int((await connection.execute(query)).scalar_one())


async def drained(engine: AsyncEngine, redis: Redis, guard: float = 300.0) -> tuple[float, float]:
    """Wall-clock times (``time.time()``) at which the outbox was all published and the group all caught up."""
    started = time.monotonic()
    published: float | None = None
    while True:
        if published is None and await unpublished(engine) == 0:
            published = time.time()
        if published is not None and await group_done(redis):
            return published, time.time()
        if time.monotonic() - started > guard:
            raise RuntimeError(f"the backlog did not drain within {guard}s")
        await asyncio.sleep(0.02)


# -- assert -------------------------------------------------------------------------------------------------


async def verify(
    engine: AsyncEngine, redis: Redis, seeded: Seeded, members: int, *, acknowledged: int, client_errors: int
) -> dict[str, int]:
    """Counts that must all equal ``members`` (the check-ins, when the client timed out on some), and at least
    the ``acknowledged`` members, or the run fails: nothing lost, nothing doubled."""
    day = seeded.day
    checkin, enrollment = CHECKIN_TABLE.c, ENROLLMENT_TABLE.c
    async with engine.connect() as connection:

        async def scalar(query: Any) -> int:
            return int((await connection.execute(query)).scalar_one())

        of_day = (checkin.challenge_id == seeded.challenge_id) & (checkin.day == day)
        counts = {
            "check-ins today": await scalar(select(func.count()).select_from(CHECKIN_TABLE).where(of_day)),
            "members checked in today": await scalar(
                select(func.count(func.distinct(checkin.member_id))).where(of_day)
            ),
            "enrollments moved one day": await scalar(
                select(func.count())
                .select_from(ENROLLMENT_TABLE)
                .where(
                    enrollment.challenge_id == seeded.challenge_id,
                    enrollment.days_done == day,
                    enrollment.streak == day,
                    enrollment.best_streak == day,
                    enrollment.last_checkin_day == day,
                )
            ),
            "checkin.recorded in the outbox": await scalar(
                select(func.count()).select_from(outbox).where(outbox.c.type == "checkin.recorded")
            ),
            "outbox rows": await scalar(select(func.count()).select_from(outbox)),
        }
    counts["stream entries"] = int(await redis.xlen(STREAM))
    # Every member once, unless the client gave up on all of a member's deliveries (timeouts): then that
    # member may have none, but nobody has two, and every check-in has its counters and its one event.
    expected = members if not client_errors else counts["check-ins today"]
    wrong = {name: n for name, n in counts.items() if n != expected}
    if wrong or counts["check-ins today"] < acknowledged:
        raise AssertionError(
            f"the storm lost or doubled check-ins: {counts} (expected {expected} each, at least {acknowledged})"
        )
    return counts


# -- act ----------------------------------------------------------------------------------------------------


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


async def measure_baseline(options: argparse.Namespace, workdir: str, deliveries: list[Delivery]) -> Measurement:
    server_cpus, loadgen_cpus = default_cpu_split()
    async with serve("bench.baseline:app", ready_path="/ping", cpus=server_cpus) as server:
        url = server.url + "/graphql"
        request_path, schedule_path = request_files(
            workdir,
            "baseline",
            url,
            deliveries,
            body_of=lambda d: _json({"query": "mutation { checkIn }", "variables": {"member_id": member_id(d.member)}}),
            headers_of=lambda d: ["content-type: application/json"],
        )
        meter = CpuMeter({"server": lambda: with_descendants(server.process.pid)})
        meter.start()
        report = await _load(url, request_path, schedule_path, options, loadgen_cpus)
        used = meter.stop()
    row = measurement("bare FastAPI", "POST /graphql echo, the same arrivals", report)
    if used:
        row.notes = f"server CPU {used['server'] * 1000 / len(deliveries):.2f} ms per request"
    return row


async def _load(
    url: str, request_path: str, schedule_path: str, options: argparse.Namespace, cpus: list[int] | None
) -> dict[str, Any]:
    return await run_loadgen(
        url,
        method="POST",
        connections=options.storm_connections,
        cpus=cpus,
        request_file=request_path,
        schedule_file=schedule_path,
    )


def _row(group: str, name: str, summary: dict[str, Any], seconds: float, baseline: Measurement) -> Measurement:
    latency = Percentiles.from_dict(summary)
    return Measurement(
        group=group,
        name=name,
        count=latency.count,
        seconds=seconds,
        rate=latency.count / seconds if seconds > 0 else 0.0,
        unit="req/s",
        latency=latency,
    ).compare_to(baseline)


async def bench_backend(
    backend: str,
    database_url: str,
    options: argparse.Namespace,
    workdir: str,
    deliveries: list[Delivery],
    baseline: Measurement,
) -> tuple[list[Measurement], list[str]]:
    server_cpus, loadgen_cpus = default_cpu_split()
    env = {
        "GUILDHALL_GAMIFICATION_DATABASE_URL": database_url,
        "GUILDHALL_REDIS_URL": options.storm_redis_url,
        "GUILDHALL_INTERNAL_SECRET": SECRET,
        "GUILDHALL_LOG_LEVEL": "WARNING",
        "GUILDHALL_DATA_DIR": workdir,
    }
    await upgrade(PART, database_url)
    engine = create_engine(database_url)
    redis: Redis = Redis.from_url(options.storm_redis_url)
    try:
        await reset_redis(redis)
        seeded = await seed(engine, options, datetime.now(UTC))
        if backend == "postgres":
            await settle_postgres(engine)
        workers = options.storm_server_workers
        extra = ["--workers", str(workers)] if workers > 1 else []
        cpus = server_cpus if workers == 1 else None
        async with serve("bench.checkin_app:create_app", factory=True, env=env, cpus=cpus, extra_args=extra) as server:
            url = f"{server.url}/v1/communities/{COMMUNITY}/challenges/{seeded.challenge_id}/checkins"
            principal = Principal(role="community_admin", key_id="key_bench", community_id=COMMUNITY)
            header = f"{PRINCIPAL_HEADER}: {sign_principal(principal, SECRET, now=time.time() + 60)}"

            def headers_of(d: Delivery) -> list[str]:
                headers = ["content-type: application/json", header]
                if d.tag != KEYLESS:
                    headers.append(f"idempotency-key: storm-{member_id(d.member)}-{seeded.day}")
                return headers

            request_path, schedule_path = request_files(
                workdir,
                backend,
                url,
                deliveries,
                body_of=lambda d: _json({"member_id": member_id(d.member), "text": f"{KEYWORD} 早安"}),
                headers_of=headers_of,
            )
            cpu: dict[str, float] = {}
            opened = 0
            if options.storm_worker == "during":
                async with worker(env) as process:
                    await worker_ready(redis)
                    meter = CpuMeter(
                        {
                            "server": lambda: with_descendants(server.process.pid),
                            "worker": lambda: with_descendants(process.pid),
                            "PostgreSQL": lambda: named("postgres") if backend == "postgres" else [],
                        }
                    )
                    meter.start()
                    opened = await _sessions_opened(engine)
                    report = await _load(url, request_path, schedule_path, options, loadgen_cpus)
                    opened = await _sessions_opened(engine) - opened
                    published, caught_up = await drained(engine, redis)
                    cpu = meter.stop()
            else:
                report = await _load(url, request_path, schedule_path, options, loadgen_cpus)
                async with worker(env):
                    published, caught_up = await drained(engine, redis)
            try:
                acknowledged = report["by_tag"].get(FIRST, {}).get("201", {"count": 0})["count"]
                counts = await verify(
                    engine,
                    redis,
                    seeded,
                    options.storm_members,
                    acknowledged=acknowledged,
                    client_errors=report["errors"],
                )
            except AssertionError as failed:
                outcomes = {tag: {o: v["count"] for o, v in by.items()} for tag, by in report["by_tag"].items()}
                raise AssertionError(f"{failed}; answers {outcomes}, errors {report['error_kinds']}") from None
    finally:
        await redis.aclose()
        await engine.dispose()
    rows, notes = _rows(backend, report, published, caught_up, counts, baseline, seeded)
    if cpu:
        per_checkin = ", ".join(f"{name} {seconds * 1000 / len(deliveries):.2f} ms" for name, seconds in cpu.items())
        notes.append(
            f"{backend}: CPU per delivery, from the storm's start until the backlog drained: {per_checkin} "
            f"(the load generator and the rest of the machine not counted); "
            f"{opened} database connections opened during the storm"
        )
    return rows, notes


def _rows(
    backend: str,
    report: dict[str, Any],
    published: float,
    caught_up: float,
    counts: dict[str, int],
    baseline: Measurement,
    seeded: Seeded,
) -> tuple[list[Measurement], list[str]]:
    group = f"storm · {backend}"
    seconds = report["seconds"]
    rows = []
    for tag in (FIRST, RETRY, KEYLESS):
        for outcome, summary in sorted(report["by_tag"].get(tag, {}).items(), key=lambda item: -item[1]["count"]):
            rows.append(_row(group, f"{tag} → {outcome}", summary, seconds, baseline))
    accepted = [r for r in rows if r.name == f"{FIRST} → 201"]
    if accepted:
        accepted[0].name = f"{FIRST} → 201 (accepted check-ins)"
    all_row = measurement(group, "every delivery", report).compare_to(baseline)
    rows.insert(0, all_row)
    last_ack = report["last_done_unix"]
    drain_seconds = caught_up - report["started_unix"]
    rows.append(
        Measurement(
            group=group,
            name="backlog: outbox → relay → stream → consumer group acked",
            count=counts["outbox rows"],
            seconds=drain_seconds,
            rate=counts["outbox rows"] / drain_seconds,
            unit="events/s",
            notes=(
                f"published {max(0.0, published - last_ack) * 1000:.0f} ms and all acked "
                f"{max(0.0, caught_up - last_ack) * 1000:.0f} ms after the last check-in was answered"
            ),
        )
    )
    notes = [
        f"{backend}: after the storm, "
        + ", ".join(f"{name} = {n}" for name, n in counts.items())
        + f" (day {seeded.day} of a challenge in {seeded.timezone}, local date {seeded.local_date}); "
        f"nothing doubled, none lost that was acknowledged. Client send lag p99 {report['send_lag_ms']['p99']} ms, "
        f"max {report['send_lag_ms']['max']} ms; errors {report['errors']} {report['error_kinds'] or ''}".rstrip()
    ]
    if slow := report.get("slow_by_second"):
        busiest = sorted(slow.items(), key=lambda item: -item[1])[:8]
        notes.append(
            f"{backend}: answers slower than 100 ms, {sum(slow.values())} in all, by the second of the storm they "
            "were due in (busiest first): " + ", ".join(f"{second} s: {n}" for second, n in busiest)
        )
    return rows, notes


async def run(options: argparse.Namespace) -> BenchResult:
    backends = [b.strip() for b in options.storm_backends.split(",") if b.strip()]
    deliveries = storm(options)
    server_cpus, loadgen_cpus = default_cpu_split()
    result = BenchResult(
        name="checkin_storm",
        title="The morning check-in storm: open-loop check-ins with duplicate deliveries, beside a bare JSON POST",
        config={
            **{k: v for k, v in vars(options).items() if k.startswith("storm_")},
            "deliveries": len(deliveries),
            "server_cpus": server_cpus,
            "loadgen_cpus": loadgen_cpus,
            "server": "gamification service, uvicorn, 1 worker; guildhall worker gamification in its own process",
        },
    )
    with tempfile.TemporaryDirectory(prefix="gh-bench-storm-") as workdir:
        baseline = await measure_baseline(options, workdir, deliveries)
        result.measurements.append(baseline)
        for backend in backends:
            if backend == "postgres":
                result.environment["postgres"] = await fresh_postgres(options.storm_postgres_url)
                url = make_url(options.storm_postgres_url).set(drivername="postgresql+asyncpg")
                database_url = url.render_as_string(hide_password=False)
            elif backend == "sqlite":
                database_url = f"sqlite+aiosqlite:///{workdir}/gamification.db"
            else:
                raise ValueError(f"--storm-backends: unknown backend {backend!r}")
            rows, notes = await bench_backend(backend, database_url, options, workdir, deliveries, baseline)
            result.measurements.extend(rows)
            result.notes.extend(notes)
    result.notes.append(
        f"Open loop: {options.storm_members} members over {options.storm_seconds:g} s, "
        f"{options.storm_front:.0%} of them in the first third; {options.storm_duplicates:.0%} delivered again "
        f"{RETRY_DELAY[0]}-{RETRY_DELAY[1]} s later, {options.storm_keyless:.0%} of those without the "
        "Idempotency-Key. Latency runs from each request's scheduled time to its last byte read (waiting for a "
        f"free connection included, at most {options.storm_connections}); rates are deliveries answered per "
        "second of the storm, i.e. the offered rate when the server keeps up."
    )
    result.notes.append(
        "The backlog row runs from the storm's start until the relay had published every outbox row and the "
        "gamification consumer group had read and acknowledged every entry of events.gamification (each "
        "checkin.recorded goes through the point rules, badges and surprises of its community)."
    )
    result.notes.append("Target (ARCHITECTURE §10): 10,000 check-ins within 60 s, none lost or doubled, p99 < 100 ms.")
    return result
