"""Idle: the CPU embedded Guildhall uses while nothing happens (ARCHITECTURE §10: under 1 % of a core).

The server is embedded Guildhall in one uvicorn process, as ``graphql_slice`` serves it (SQLite, and the
in-process Redis stand-in or ``--idle-redis-url``), with every relay, consumer group and job running. After
start-up and ``--idle-settle`` seconds it is left alone for ``--idle-seconds``; the row is its CPU time (user and
system, with any child processes) over that window, as a share of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time

from bench.cpu import cpu_seconds, with_descendants
from bench.report import BenchResult, Measurement
from bench.servers import serve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("idle")
    group.add_argument("--idle-seconds", type=float, default=20.0, help="how long the idle server is watched")
    group.add_argument("--idle-settle", type=float, default=5.0, help="seconds after start-up before watching")
    group.add_argument(
        "--idle-redis-url",
        default="memory://bench-idle",
        help="Redis of the server (default: the in-process stand-in); e.g. redis://127.0.0.1:6379/15",
    )


async def run(options: argparse.Namespace) -> BenchResult:
    result = BenchResult(
        name="idle",
        title="Idle: CPU of embedded Guildhall with nothing to do",
        config={
            "idle_seconds": options.idle_seconds,
            "settle_seconds": options.idle_settle,
            "redis": options.idle_redis_url,
            "server": "embedded Guildhall (SQLite), uvicorn, 1 worker, every relay, consumer group and job running",
        },
    )
    with tempfile.TemporaryDirectory(prefix="gh-bench-idle-") as data_dir:
        env = {
            "GUILDHALL_DATA_DIR": data_dir,
            "GUILDHALL_INTERNAL_SECRET": "bench-internal-secret",
            "GUILDHALL_LOG_LEVEL": "WARNING",
            "GUILDHALL_REDIS_URL": options.idle_redis_url,
        }
        async with serve("bench.slice_app:create_app", factory=True, ready_path="/healthz", env=env) as server:
            await asyncio.sleep(options.idle_settle)
            pids = with_descendants(server.process.pid)
            before, started = cpu_seconds(pids), time.monotonic()
            await asyncio.sleep(options.idle_seconds)
            spent, elapsed = cpu_seconds(pids) - before, time.monotonic() - started
    share = 100 * spent / elapsed
    result.add(
        Measurement(
            group="idle",
            name="embedded Guildhall, nothing happening",
            count=round(elapsed),
            seconds=elapsed,
            rate=round(share, 3),
            unit="% of a core",
            notes=f"{spent:.3f} s of CPU in {elapsed:.1f} s",
        )
    )
    result.notes.append(f"Target (ARCHITECTURE §10): under 1 % of a core. Measured: {share:.2f} %.")
    return result
