"""Access: entitlement checks (cache hit and cache miss) and joins, against the bare ASGI baseline.

Measured in one run on one machine:
- the bare FastAPI baseline (``http_baseline``): the HTTP ceiling;
- ``GET .../members/{mid}/entitlements/content:premium`` on the membership service, every request a
  cache hit (the snapshot is in Redis), and every request a cache miss (``bench/access_app.py``
  invalidates the member first, so the snapshot is read from the database and written back);
- the same two at one connection: latency without queueing, the figure the §10 target is about
  (p99 < 5 ms, served from cache);
- joins: ``POST .../members`` (the direct add, one new member and membership per request).

The server is embedded Guildhall in one uvicorn process (SQLite; Redis in-process by default, or a
real one with ``--access-redis-url``), and the load generator runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from typing import Any

import httpx

from bench.http_baseline import http_config, load, measure_baseline, measurement
from bench.report import BenchResult, Measurement
from bench.servers import default_cpu_split, serve
from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal

SECRET = "bench-internal-secret"
KEY = "content:premium"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("access (entitlements, joins)")
    group.add_argument(
        "--access-redis-url",
        default="memory://bench-access",
        help="Redis of the server under test (default: the in-process stand-in); e.g. redis://127.0.0.1:6379/15",
    )


async def _seed(base_url: str, headers: dict[str, str]) -> tuple[str, str]:
    """A community, a tier with the benefit, and one member on it."""
    async with httpx.AsyncClient(base_url=base_url + "/svc/membership", headers=headers, timeout=10) as http:
        community = (await http.post("/v1/communities", json={"name": "Bench", "timezone": "UTC"})).json()
        cid = community["id"]
        tier = {"key": "premium", "name": "Premium", "rank": 1, "benefits": [KEY]}
        tier_id = (await http.post(f"/v1/communities/{cid}/tiers", json=tier)).json()["id"]
        member = await http.post(f"/v1/communities/{cid}/members", json={"display_name": "M", "tier_id": tier_id})
        mid = member.json()["id"]
        check = await http.get(f"/v1/communities/{cid}/members/{mid}/entitlements/{KEY}")
        assert check.json()["allowed"] is True, check.text
        return cid, mid


async def run(options: argparse.Namespace) -> BenchResult:
    server_cpus, loadgen_cpus = default_cpu_split()
    redis_url: str = options.access_redis_url
    result = BenchResult(
        name="access",
        title="Access: entitlement checks (cache hit, cache miss) and joins, beside the bare baseline",
        config={
            **http_config(options, server=f"embedded Guildhall (SQLite, Redis {redis_url}), uvicorn, 1 worker"),
            "redis_url": redis_url,
        },
    )
    baseline = await measure_baseline(options)
    ping = baseline["ping"]
    result.measurements.append(ping)
    principal = sign_principal(Principal(role="platform_admin"), SECRET)  # valid 5 minutes: longer than a run
    header = f"{PRINCIPAL_HEADER}: {principal}"

    with tempfile.TemporaryDirectory(prefix="gh-bench-") as data_dir:
        env = {
            "GUILDHALL_DATA_DIR": data_dir,
            "GUILDHALL_INTERNAL_SECRET": SECRET,
            "GUILDHALL_LOG_LEVEL": "WARNING",
            "GUILDHALL_REDIS_URL": redis_url,
        }
        async with serve(
            "bench.access_app:create_app", factory=True, ready_path="/healthz", env=env, cpus=server_cpus
        ) as server:
            cid, mid = await _seed(server.url, {PRINCIPAL_HEADER: principal})
            check_path = f"/svc/membership/v1/communities/{cid}/members/{mid}/entitlements/{KEY}"

            async def get(path: str, opts: argparse.Namespace) -> dict[str, Any]:
                return await load(server.url + path, opts, cpus=loadgen_cpus, headers=(header,))

            single = argparse.Namespace(**{**vars(options), "http_connections": 1})
            rows: list[Measurement] = [
                measurement("entitlement check", "GET, cache hit", await get(check_path, options)),
                measurement("entitlement check", "GET, cache miss", await get("/miss" + check_path, options)),
                measurement("one connection", "GET, cache hit", await get(check_path, single)),
                measurement("one connection", "GET, cache miss", await get("/miss" + check_path, single)),
            ]
            join = await load(
                server.url + f"/svc/membership/v1/communities/{cid}/members",
                options,
                cpus=loadgen_cpus,
                method="POST",
                headers=(header, "content-type: application/json"),
                body=json.dumps({"display_name": "Newcomer"}),
            )
            rows.append(measurement("join", "POST /members (direct add)", join))
    result.measurements.extend(row.compare_to(ping) for row in rows)

    hit, miss, hit_alone, miss_alone, _ = rows
    for label, row in (("hit", hit_alone), ("miss", miss_alone)):
        if row.latency:
            result.notes.append(
                f"one connection, cache {label}: p50 {row.latency.p50:.2f} ms, p99 {row.latency.p99:.2f} ms "
                "(target for checks served from cache: p99 < 5 ms)."
            )
    if hit.rate and miss.rate:
        result.notes.append(f"cache hit serves {hit.rate / miss.rate:.1f}x the checks per second of a miss.")
    result.notes.append(
        "A miss row includes the invalidation that forces it (one Redis pipeline) before the database read "
        "and the snapshot write; a real miss follows a change and costs a little less."
    )
    result.notes.append(
        "Joins are the direct add (POST /members: member, membership, seat, transition log, member.joined "
        "event in one transaction); SQLite serializes writers, so this is one writer's throughput."
    )
    result.notes.append("All rows are compared with the bare GET /ping of this run.")
    return result
