"""CPU per webhook delivery on a fixed request mix, without HTTP or a load generator: steadier than
wall-clock rates on a shared machine.

    .venv/bin/python -m bench.ingress_profile                  # CPU µs per delivery, gateway vs bare HMAC app
    .venv/bin/python -m bench.ingress_profile --profile 30     # and the top 30 functions by own time (cProfile)
    INGRESS_PROFILE_CALLGRIND=1 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/ingress.cg \
        .venv/bin/python -m bench.ingress_profile --platform telegram --repeat 1 --deliveries 1000
        # instructions of the measured phases only (the total "Collected" in the file, over --deliveries)

The gateway (``bench/ingress_app.py``'s app, SQLite in a temporary directory, the in-process Redis) is
called straight through ASGI by ``--concurrency`` tasks replaying the same deliveries as ``bench ingress``
(Telegram and Slack, 20 % redeliveries), so the group commit forms as under load. The relay and the other
workers run too. The figure is process CPU time divided by deliveries, beside the same for ``POST /hmac``
of the bare app: compare the ratio across commits, not the absolute numbers across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import os
import pstats
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.baseline import HMAC_SECRET
from bench.ingress import SLACK_SECRET, TELEGRAM_SECRET, Builder, sequence, slack_builder, telegram_builder
from bench.inprocess import ASGI, call, lifespan

Request = tuple[list[tuple[bytes, bytes]], bytes]  # headers, body


def _requests(build: Builder, count: int, *, first: int, duplicates: float) -> list[Request]:
    out = []
    for serial, again in sequence(count, duplicates, first=first, seed=2):
        body, header_lines = build(serial, again)
        headers = []
        for line in header_lines:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower().encode(), value.strip().encode()))
        out.append((headers, body))
    return out


async def _drive(app: ASGI, path: str, requests: list[Request], concurrency: int) -> list[int]:
    statuses: list[int] = []
    queue = list(reversed(requests))

    async def one_connection() -> None:
        while queue:
            headers, body = queue.pop()
            statuses.append(await call(app, "POST", path, headers, body))

    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
    return statuses


def _callgrind(*commands: tuple[str, ...]) -> None:
    """Under ``valgrind --tool=callgrind --instr-atstart=no``: count instructions of the measured phases only."""
    if os.environ.get("INGRESS_PROFILE_CALLGRIND"):
        for command in commands:
            subprocess.run(["callgrind_control", *command, str(os.getpid())], check=True, capture_output=True)


def _measure(label: str, run: Callable[[], Awaitable[list[int]]], count: int, profile: int) -> float:
    loop = asyncio.get_event_loop_policy().get_event_loop()
    profiler = cProfile.Profile() if profile else None
    _callgrind(("-z",), ("-i", "on"))
    started, wall = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    statuses = loop.run_until_complete(run())
    if profiler is not None:
        profiler.disable()
    spent, wall = time.process_time() - started, time.perf_counter() - wall
    _callgrind(("-d",), ("-i", "off"))  # one file a phase: <out-file>.1, .2, ...
    bad = [s for s in statuses if s != 200]
    assert not bad, f"{label}: {len(bad)} non-200 answers, e.g. {bad[:5]}"
    per = spent / count * 1e6
    print(f"{label}: {count} deliveries, {per:.0f} µs CPU each, {count / wall:.0f}/s")
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.dump_stats(f"/tmp/ingress-{label.replace(' ', '-').replace('/', '')}.prof")
        stats.sort_stats("tottime").print_stats(profile)
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions by own time")
    parser.add_argument("--repeat", type=int, default=3, help="measure each this many times; the least counts")
    parser.add_argument("--platform", choices=("telegram", "slack", "both"), default="both")
    parser.add_argument("--database-url", help="the gateway's database (default: SQLite in a temporary directory)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4", help="the gateway stream is reset")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="gh-ingress-profile-")
    os.environ.update(
        {
            "GUILDHALL_GATEWAY_DATABASE_URL": options.database_url or f"sqlite+aiosqlite:///{workdir}/gateway.db",
            "GUILDHALL_REDIS_URL": options.redis_url,
            "GUILDHALL_INTERNAL_SECRET": "bench-internal-secret",
            "GUILDHALL_LOG_LEVEL": "WARNING",
            "GUILDHALL_DATA_DIR": workdir,
            # Under callgrind a run takes minutes: a connection re-read every 10 s would wait behind the
            # writer's lock (SQLite) and time out.
            "GUILDHALL_CONNECTION_CACHE_SECONDS": "3600",
        }
    )
    from bench import aio
    from bench.baseline import app as bare
    from bench.ingress_app import create_app
    from gateway.ingress.writer import DeliveryWriter

    groups: list[int] = []
    commit = DeliveryWriter._commit

    async def counted(self: DeliveryWriter, group: list[Any]) -> None:
        groups.append(len(group))
        await commit(self, group)

    DeliveryWriter._commit = counted  # type: ignore[method-assign]  # to report the sizes of the groups

    loop = aio.new_event_loop()
    asyncio.set_event_loop(loop)
    app = create_app()
    lifespan_task, inbox = loop.run_until_complete(lifespan(app))

    async def connect() -> dict[str, str]:
        wanted = {
            "telegram": {"bot_token": "1:bench", "secret_token": TELEGRAM_SECRET},
            "slack": {"signing_secret": SLACK_SECRET},
        }
        answer = bytearray()
        headers = [(b"content-type", b"application/json")]
        status = await call(app, "POST", "/bench/connections", headers, json.dumps(wanted).encode(), answer)
        assert status == 200, answer
        created: dict[str, str] = json.loads(answer)
        return created

    connections = loop.run_until_complete(connect())
    platforms = ["telegram", "slack"] if options.platform == "both" else [options.platform]
    builders = {"telegram": telegram_builder(), "slack": slack_builder(SLACK_SECRET.encode())}
    count = options.deliveries
    for index, platform in enumerate(platforms):
        path = f"/webhooks/{platform}/{connections[platform]}"
        first = (index + 1) * 10**7
        warm = _requests(builders[platform], 500, first=first, duplicates=0)
        loop.run_until_complete(_drive(app, path, warm, options.concurrency))
        spent = []
        groups.clear()
        for attempt in range(options.repeat):
            start = first + 500 + attempt * count * 2
            measured = _requests(builders[platform], count, first=start, duplicates=0.2)
            spent.append(
                _measure(
                    f"gateway {platform}",
                    functools.partial(_drive, app, path, measured, options.concurrency),
                    count,
                    options.profile if attempt == 0 else 0,
                )
            )
        print(
            f"gateway {platform}: least {min(spent):.0f} µs CPU per delivery; {sum(groups) / len(groups):.1f} a group"
        )
    hmac_requests = _requests(slack_builder(HMAC_SECRET), count, first=0, duplicates=0.2)
    loop.run_until_complete(_drive(bare, "/hmac", hmac_requests[:500], options.concurrency))
    least = min(
        _measure("bare /hmac", lambda: _drive(bare, "/hmac", hmac_requests, options.concurrency), count, 0)
        for _ in range(options.repeat)
    )
    print(f"bare /hmac: least {least:.0f} µs CPU per delivery")
    loop.run_until_complete(inbox.put({"type": "lifespan.shutdown"}))
    loop.run_until_complete(lifespan_task)


if __name__ == "__main__":
    main()
