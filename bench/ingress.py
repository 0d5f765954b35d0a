"""Webhook ingress: verified deliveries accepted per second and their ack latency, with duplicates.

Measured in one run on one machine:
- the bare baseline: ``POST /hmac`` of ``bench.baseline`` (FastAPI that only checks a Slack-style HMAC
  over the raw body), fed the same kind of signed deliveries;
- ``POST /webhooks/{platform}/{connection_id}`` of the gateway (``bench/ingress_app.py``: the gateway and
  its outbox relay in one uvicorn process) for Telegram (secret token header) and Slack (HMAC-SHA256 over
  ``v0:{timestamp}:{raw body}``), on SQLite and on PostgreSQL. Each delivery is a distinct message
  (update_id / event_id) built from the shared fixtures; ``--ingress-duplicates`` (20 %) of the deliveries
  are redeliveries of a recent one, as platforms retry (Slack's with ``X-Slack-Retry-Num``).

Afterwards, once the relay has published everything, the run checks that duplicates had no effect:
outbox rows, dedupe rows and stream entries all equal the number of unique deliveries.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import hmac
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bench.baseline import HMAC_SECRET
from bench.http_baseline import http_config, measurement
from bench.loadgen import Target, run_loadgen, write_requests
from bench.report import BenchResult, Measurement
from bench.servers import default_cpu_split, serve

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "webhooks"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/guildhall_bench_ingress"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
TELEGRAM_SECRET = "bench-telegram-secret-token"
SLACK_SECRET = "bench-slack-signing-secret"
RECENT = 64  # a redelivery repeats one of the last RECENT unique deliveries
WARMUP = 500

Delivery = tuple[bytes, list[str]]  # body, headers
Builder = Callable[[int, bool], Delivery]  # (serial, is a redelivery) → the delivery


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ingress (webhooks)")
    group.add_argument("--ingress-deliveries", type=int, default=10_000, help="measured deliveries per row")
    group.add_argument("--ingress-duplicates", type=float, default=0.2, help="share of redeliveries")
    group.add_argument("--ingress-backends", default="sqlite,postgres", help="sqlite, postgres or both")
    group.add_argument("--ingress-postgres-url", default=DEFAULT_POSTGRES_URL, help="dropped and recreated")
    group.add_argument(
        "--ingress-redis-url", default=DEFAULT_REDIS_URL, help="Redis of the server (its gateway stream is reset)"
    )


def _fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return document


def _compact(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def _slack_signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


def telegram_builder() -> Builder:
    template = _fixture("telegram/message_group_text.json")

    def build(serial: int, redelivery: bool) -> Delivery:
        update = copy.deepcopy(template)
        update["update_id"] = 100_000 + serial
        update["message"]["message_id"] = 500_000 + serial
        update["message"]["text"] = "打卡" if serial % 5 == 0 else f"message {serial}"
        headers = ["content-type: application/json", f"x-telegram-bot-api-secret-token: {TELEGRAM_SECRET}"]
        return _compact(update), headers

    return build


def slack_builder(secret: bytes) -> Builder:
    template = _fixture("slack/event_message_channels.json")
    timestamp = str(int(time.time()))  # the run ends well inside Slack's 300 s window

    def build(serial: int, redelivery: bool) -> Delivery:
        callback = copy.deepcopy(template)
        callback["event_id"] = f"EvBENCH{serial:08d}"
        callback["event"]["ts"] = callback["event"]["event_ts"] = f"1700000000.{serial:06d}"
        callback["event"]["text"] = "打卡" if serial % 5 == 0 else f"message {serial}"
        body = _compact(callback)
        headers = [
            "content-type: application/json",
            f"x-slack-request-timestamp: {timestamp}",
            f"x-slack-signature: {_slack_signature(secret, timestamp, body)}",
        ]
        if redelivery:
            headers.append("x-slack-retry-num: 1")
        return body, headers

    return build


def sequence(count: int, duplicates: float, *, first: int, seed: int) -> list[tuple[int, bool]]:
    """(serial, redelivery) for ``count`` deliveries from serial ``first``; about ``duplicates`` of them repeat
    one of the recent unique ones."""
    rng = random.Random(seed)
    order: list[tuple[int, bool]] = []
    uniques: list[int] = []
    for _ in range(count):
        if uniques and rng.random() < duplicates:
            order.append((rng.choice(uniques[-RECENT:]), True))
        else:
            uniques.append(first + len(uniques))
            order.append((uniques[-1], False))
    return order


def request_file(directory: str, name: str, url: str, build: Builder, order: list[tuple[int, bool]]) -> str:
    path = str(Path(directory) / f"{name}.requests")
    requests = []
    for serial, redelivery in order:
        body, headers = build(serial, redelivery)
        requests.append(Target.build(url, method="POST", headers=headers, body=body).request)
    write_requests(path, requests)
    return path


async def _load(url: str, path: str, options: argparse.Namespace, cpus: list[int] | None) -> dict[str, Any]:
    return await run_loadgen(url, method="POST", connections=options.http_connections, cpus=cpus, request_file=path)


async def fresh_postgres(url: str) -> str:
    """Drop and create the database of ``url``; the server version."""
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
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{parsed.database}"')
        version: str = await connection.fetchval("SHOW server_version")
        return version
    finally:
        await connection.close()


async def measure_baseline(options: argparse.Namespace, workdir: str) -> Measurement:
    server_cpus, loadgen_cpus = default_cpu_split()
    order = sequence(options.ingress_deliveries, options.ingress_duplicates, first=0, seed=1)
    async with serve("bench.baseline:app", ready_path="/ping", cpus=server_cpus) as server:
        url = server.url + "/hmac"
        build = slack_builder(HMAC_SECRET)
        warm = request_file(workdir, "baseline-warmup", url, build, sequence(WARMUP, 0, first=10**7, seed=0))
        await _load(url, warm, options, loadgen_cpus)
        report = await _load(url, request_file(workdir, "baseline", url, build, order), options, loadgen_cpus)
    return measurement("bare FastAPI", "POST /hmac (Slack-style HMAC check only)", report)


async def _counts(http: httpx.AsyncClient) -> dict[str, int]:
    counts: dict[str, int] = (await http.get("/bench/counts")).json()
    return counts


async def _published(http: httpx.AsyncClient, guard: float = 120.0) -> tuple[dict[str, int], float]:
    """The counts once the relay has published every outbox row, and how long that took from now."""
    started = time.perf_counter()
    while True:
        counts = await _counts(http)
        if counts["published"] == counts["outbox"]:
            return counts, time.perf_counter() - started
        if time.perf_counter() - started > guard:
            raise RuntimeError(f"the relay did not publish everything within {guard}s: {counts}")
        await asyncio.sleep(0.05)


async def bench_backend(
    backend: str, database_url: str, options: argparse.Namespace, workdir: str, baseline: Measurement
) -> tuple[list[Measurement], list[str]]:
    server_cpus, loadgen_cpus = default_cpu_split()
    env = {
        "GUILDHALL_GATEWAY_DATABASE_URL": database_url,
        "GUILDHALL_REDIS_URL": options.ingress_redis_url,
        "GUILDHALL_INTERNAL_SECRET": "bench-internal-secret",
        "GUILDHALL_LOG_LEVEL": "WARNING",
        "GUILDHALL_DATA_DIR": workdir,
    }
    rows: list[Measurement] = []
    notes: list[str] = []
    async with (
        serve(
            "bench.ingress_app:create_app",
            factory=True,
            ready_path="/healthz",
            env=env,
            cpus=server_cpus,
            extra_args=("--lifespan", "on"),  # a failed startup must stop the run, not serve 500s
        ) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as http,
    ):
        wanted = {
            "telegram": {"bot_token": "1:bench", "secret_token": TELEGRAM_SECRET},
            "slack": {"signing_secret": SLACK_SECRET},
        }
        connections: dict[str, str] = (await http.post("/bench/connections", json=wanted)).json()
        builders = {"telegram": telegram_builder(), "slack": slack_builder(SLACK_SECRET.encode())}
        unique = 0
        for index, (platform, build) in enumerate(builders.items()):
            url = f"{server.url}/webhooks/{platform}/{connections[platform]}"
            first = (index + 1) * 10**7
            warm_order = sequence(WARMUP, 0, first=first, seed=0)
            order = sequence(options.ingress_deliveries, options.ingress_duplicates, first=first + WARMUP, seed=2)
            warm = request_file(workdir, f"{backend}-{platform}-warmup", url, build, warm_order)
            path = request_file(workdir, f"{backend}-{platform}", url, build, order)
            await _load(url, warm, options, loadgen_cpus)
            report = await _load(url, path, options, loadgen_cpus)
            counts, drain = await _published(http)
            measured_unique = sum(1 for _, again in order if not again)
            unique += WARMUP + measured_unique
            row = measurement(f"ingress, {backend}", f"{platform} webhook", report).compare_to(baseline)
            dups = len(order) - measured_unique
            row.notes = "; ".join(
                part
                for part in (row.notes, f"{dups} redeliveries; relay done {drain * 1000:.0f} ms after the last ack")
                if part
            )
            rows.append(row)
            if not counts["outbox"] == counts["processed"] == counts["stream"] == unique:
                raise AssertionError(f"{backend} {platform}: {counts} for {unique} unique deliveries; {row.notes}")
        notes.append(
            f"{backend}: outbox rows = dedupe rows = stream entries = {unique} unique deliveries "
            f"({counts}); no redelivery had an effect."
        )
    return rows, notes


async def run(options: argparse.Namespace) -> BenchResult:
    backends = [b.strip() for b in options.ingress_backends.split(",") if b.strip()]
    result = BenchResult(
        name="ingress",
        title="Webhook ingress: verified, deduped, committed (and published), beside a bare HMAC endpoint",
        config={
            **http_config(options, server="gateway + its outbox relay, uvicorn, 1 worker"),
            "deliveries": options.ingress_deliveries,
            "duplicates": options.ingress_duplicates,
            "warmup_deliveries": WARMUP,
            "backends": backends,
            "redis_url": options.ingress_redis_url,
        },
    )
    with tempfile.TemporaryDirectory(prefix="gh-bench-ingress-") as workdir:
        baseline = await measure_baseline(options, workdir)
        result.measurements.append(baseline)
        for backend in backends:
            if backend == "postgres":
                version = await fresh_postgres(options.ingress_postgres_url)
                result.environment["postgres"] = version
                url = (
                    make_url(options.ingress_postgres_url).set(drivername="postgresql+asyncpg").render_as_string(False)
                )
            elif backend == "sqlite":
                url = f"sqlite+aiosqlite:///{workdir}/gateway.db"
            else:
                raise ValueError(f"--ingress-backends: unknown backend {backend!r}")
            rows, notes = await bench_backend(backend, url, options, workdir, baseline)
            result.measurements.extend(rows)
            result.notes.extend(notes)
    result.notes.append(
        "Ack latency is one HTTP request (first byte written → last byte read) at "
        f"{options.http_connections} connections; an ack means verified, deduped and committed with its outbox "
        "row. The relay publishes to Redis in the same process meanwhile; 'relay done' is how long after the "
        "last ack the last row was published."
    )
    result.notes.append("Target (ARCHITECTURE §10): ≥ 3,000 events/s on 2 cores, p99 ack < 20 ms.")
    return result
