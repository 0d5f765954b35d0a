"""CPU per GraphQL slice query, beside the CPU of each service call it makes and of strawberry alone on the same
query shape, without HTTP or a load generator: steadier than wall-clock rates on a shared machine.

    .venv/bin/python -m bench.slice_profile                  # CPU µs per query and per service call
    .venv/bin/python -m bench.slice_profile --profile 40     # and the top 40 functions by own time (cProfile)
    .venv/bin/python -m bench.slice_profile --profile-out bench/results/slice.prof   # keep the profile

``bench/slice_app.py``'s app (embedded Guildhall: SQLite in a temporary directory, the in-process Redis) is
called straight through ASGI by ``--concurrency`` tasks, the workers running as they do in ``scripts/dev``.
The figure is process CPU time divided by requests: compare the ratios across commits, not the absolute
numbers across machines. The target (ARCHITECTURE §10) is a query costing little more than its slowest call.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.inprocess import ASGI, call, lifespan

ADMIN_KEY = "bench-admin-key"
SECRET = "bench-internal-secret"


async def _drive(
    app: ASGI, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes, count: int, concurrency: int
) -> list[int]:
    statuses: list[int] = []
    left = count

    async def one_connection() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            statuses.append(await call(app, method, path, headers, body))

    await asyncio.gather(*(one_connection() for _ in range(concurrency)))
    return statuses


def _measure(
    loop: asyncio.AbstractEventLoop,
    label: str,
    run: Callable[[], Awaitable[list[int]]],
    count: int,
    profiler: cProfile.Profile | None,
) -> float:
    started, wall = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    statuses = loop.run_until_complete(run())
    if profiler is not None:
        profiler.disable()
    spent, wall = time.process_time() - started, time.perf_counter() - wall
    bad = [s for s in statuses if s != 200]
    assert not bad, f"{label}: {len(bad)} non-200 answers, e.g. {bad[:5]}"
    per = spent / count * 1e6
    print(f"{label}: {count} requests, {per:.0f} µs CPU each, {count / wall:.0f}/s")
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="measure each this many times; the least counts")
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of the query by own time")
    parser.add_argument("--only", help="measure only the rows whose label contains this (e.g. gateway)")
    parser.add_argument("--profile-out", help="write the query's cProfile stats here (for snakeviz or flameprof)")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="gh-slice-profile-")
    os.environ.update(
        {
            "GUILDHALL_DATA_DIR": workdir,
            "GUILDHALL_BOOTSTRAP_API_KEY": ADMIN_KEY,
            "GUILDHALL_INTERNAL_SECRET": SECRET,
            "GUILDHALL_LOG_LEVEL": "WARNING",
            "GUILDHALL_REDIS_URL": "memory://bench",
        }
    )
    from bench import aio
    from bench.baseline import app as bare
    from bench.graphql_slice import QUERY
    from bench.slice_app import create_app
    from bench.strawberry_ceiling import app as ceiling
    from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal

    loop = aio.new_event_loop()
    asyncio.set_event_loop(loop)
    app = create_app()
    lifespan_task, inbox = loop.run_until_complete(lifespan(app))
    admin = [(b"content-type", b"application/json"), (b"authorization", f"Bearer {ADMIN_KEY}".encode())]

    async def graphql(query: str, variables: dict[str, str] | None = None) -> dict[str, object]:
        answer = bytearray()
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        status = await call(app, "POST", "/graphql", admin, body, answer)
        assert status == 200, answer
        return dict(json.loads(answer))

    async def seed() -> str:
        created = await graphql(
            'mutation { createCommunity(input: {name: "Bench", timezone: "Asia/Shanghai"}) '
            "{ ... on CreateCommunitySuccess { community { id } } } }"
        )
        community_id: str = created["data"]["createCommunity"]["community"]["id"]  # type: ignore[index]
        for _ in range(200):
            community = (await graphql(QUERY, {"id": community_id}))["data"]["community"]  # type: ignore[index]
            if community["levels"] and community["welcomeTemplate"]:
                return community_id
            await asyncio.sleep(0.05)
        raise RuntimeError("the community's defaults did not appear within 10 s")

    community_id = loop.run_until_complete(seed())
    principal = [(PRINCIPAL_HEADER.lower().encode(), sign_principal(Principal(role="platform_admin"), SECRET).encode())]
    query_body = json.dumps({"query": QUERY, "variables": {"id": community_id}}).encode()
    rows: list[tuple[str, ASGI, str, str, list[tuple[bytes, bytes]], bytes]] = [
        ("bare FastAPI GET /ping", bare, "GET", "/ping", [], b""),
        ("strawberry alone", ceiling, "POST", "/graphql", admin[:1], query_body),
        (
            "membership GET /v1/communities?ids=",
            app,
            "GET",
            f"/svc/membership/v1/communities?ids={community_id}&limit=1",
            principal,
            b"",
        ),
        (
            "gamification GET /v1/levels",
            app,
            "GET",
            f"/svc/gamification/v1/levels?community_id={community_id}",
            principal,
            b"",
        ),
        (
            "content GET /v1/welcome-templates",
            app,
            "GET",
            f"/svc/content/v1/welcome-templates?community_id={community_id}",
            principal,
            b"",
        ),
        ("gateway POST /graphql slice", app, "POST", "/graphql", admin, query_body),
    ]
    least: dict[str, float] = {}
    if options.only:
        rows = [row for row in rows if options.only in row[0]]
    for label, target, method, path, headers, body in rows:
        loop.run_until_complete(_drive(target, method, path, headers, body, 200, options.concurrency))
        profiled = bool(options.profile or options.profile_out) and label.startswith("gateway")
        spent = []
        for attempt in range(options.repeat):
            profiler = cProfile.Profile() if profiled and attempt == 0 else None

            run = functools.partial(_drive, target, method, path, headers, body, options.requests, options.concurrency)
            spent.append(_measure(loop, label, run, options.requests, profiler))
            if profiler is not None:
                stats = pstats.Stats(profiler)
                if options.profile_out:
                    stats.dump_stats(options.profile_out)
                if options.profile:
                    stats.sort_stats("tottime").print_stats(options.profile)
        least[label] = min(spent)
    print()
    for label, value in least.items():
        print(f"{label:40} {value:8.0f} µs CPU")
    calls = [value for label, value in least.items() if " GET " in label]
    query = least.get("gateway POST /graphql slice")
    if not calls or query is None or "strawberry alone" not in least:
        return _stop(loop, inbox, lifespan_task)
    print(f"{'query / slowest call':40} {query / max(calls):8.2f}x   (target: at most 1.5x)")
    print(f"{'query / sum of its calls':40} {query / sum(calls):8.2f}x")
    print(f"{'strawberry alone / query':40} {least['strawberry alone'] / query:8.3f}x   (target: at least 0.5x)")
    _stop(loop, inbox, lifespan_task)


def _stop(loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue[dict[str, Any]], task: asyncio.Task[None]) -> None:
    loop.run_until_complete(inbox.put({"type": "lifespan.shutdown"}))
    loop.run_until_complete(task)


if __name__ == "__main__":
    main()
