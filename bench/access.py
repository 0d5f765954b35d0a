"""Access: entitlement checks (cache hit and cache miss) and joins, against the bare ASGI baseline.

Measured in one run on one machine:
- the bare FastAPI baseline (``http_baseline``): the HTTP ceiling;
- ``GET .../members/{mid}/entitlements/content:premium`` on the membership service, every request a
  cache hit (the snapshot is in Redis), and every request a cache miss (``bench/access_app.py``
  invalidates the member first, so the snapshot is read from the database and written back);
- the same two at one connection: latency without queueing, the figure the §10 target is about
  (p99 < 5 ms, served from cache);
- joins, on SQLite and on PostgreSQL (the membership database; ``--access-backends``): the direct add
  ``POST .../members``, and the gated join flow ``POST .../joins`` into a free tier behind an invitation
  code and a profile criterion, and into a capped tier (the conditional seat ``UPDATE``).

The server is embedded Guildhall in one uvicorn process (SQLite, or the membership service on PostgreSQL;
Redis in-process by default, or a real one with ``--access-redis-url``), and the load generator runs in
its own process.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.engine import make_url

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
    group.add_argument(
        "--access-backends",
        default="sqlite,postgres",
        help="membership databases to measure joins on (default: sqlite,postgres; PostgreSQL at --postgres-url, "
        "in a database named <its name>_access, dropped and recreated)",
    )


GATED_TIER = {
    "key": "gated",
    "name": "Gated (invitation + profile)",
    "rank": 2,
    "requirements": [
        {"kind": "invitation"},
        {"kind": "profile", "criteria": [{"attribute": "region", "op": "one_of", "value": ["Shanghai", "Beijing"]}]},
    ],
}
CAPPED_TIER = {
    "key": "capped",
    "name": "Capped",
    "rank": 3,
    "capacity": 10_000_000,
    "requirements": [{"kind": "capacity"}],
}


@dataclass(frozen=True)
class JoinTargets:
    community_id: str
    gated_tier_id: str
    invitation_code: str
    capped_tier_id: str


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


async def _seed_joins(base_url: str, headers: dict[str, str], community_id: str) -> JoinTargets:
    """A free tier behind an invitation code (unlimited uses) and a profile criterion, and a capped tier."""
    async with httpx.AsyncClient(base_url=base_url + "/svc/membership", headers=headers, timeout=10) as http:
        tiers = f"/v1/communities/{community_id}/tiers"
        gated = await http.post(tiers, json={k: v for k, v in GATED_TIER.items() if k != "requirements"})
        capped = await http.post(tiers, json={k: v for k, v in CAPPED_TIER.items() if k != "requirements"})
        assert gated.status_code == capped.status_code == 201, (gated.text, capped.text)
        for tier, spec in ((gated, GATED_TIER), (capped, CAPPED_TIER)):
            gate = await http.put(f"{tiers}/{tier.json()['id']}/gate", json={"requirements": spec["requirements"]})
            assert gate.status_code == 200, gate.text
        code = await http.post(f"/v1/communities/{community_id}/invitation-codes", json={"tier_id": gated.json()["id"]})
        assert code.status_code == 201, code.text
        targets = JoinTargets(community_id, gated.json()["id"], code.json()["code"], capped.json()["id"])
        for body in (_gated_join(targets), _capped_join(targets)):
            joined = await http.post(f"/v1/communities/{community_id}/joins", json=body)
            assert joined.status_code == 201, joined.text
            assert joined.json()["member"]["membership"]["status"] == "active", joined.text
        return targets


def _gated_join(targets: JoinTargets) -> dict[str, Any]:
    person = {"display_name": "Newcomer", "attributes": {"region": "Shanghai"}}
    return {"tier_id": targets.gated_tier_id, "person": person, "invitation_code": targets.invitation_code}


def _capped_join(targets: JoinTargets) -> dict[str, Any]:
    return {"tier_id": targets.capped_tier_id, "person": {"display_name": "Newcomer"}}


async def _fresh_postgres(url: str) -> tuple[str, str]:
    """``<database>_access`` on the server of ``url``, dropped and recreated; (its url, server version)."""
    import asyncpg

    parsed = make_url(url)
    database = f"{parsed.database}_access"
    connection = await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database="postgres",
        timeout=3,
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{database}"')
        version: str = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    return parsed.set(database=database).render_as_string(hide_password=False), version


async def run(options: argparse.Namespace) -> BenchResult:
    server_cpus, loadgen_cpus = default_cpu_split()
    redis_url: str = options.access_redis_url
    backends = [b.strip() for b in options.access_backends.split(",") if b.strip()]
    result = BenchResult(
        name="access",
        title="Access: entitlement checks (cache hit, cache miss) and joins, beside the bare baseline",
        config={
            **http_config(options, server=f"embedded Guildhall (Redis {redis_url}), uvicorn, 1 worker"),
            "redis_url": redis_url,
            "join_backends": backends,
        },
    )
    baseline = await measure_baseline(options)
    ping = baseline["ping"]
    result.measurements.append(ping)
    principal = sign_principal(Principal(role="platform_admin"), SECRET)  # valid 5 minutes: longer than a run
    header = f"{PRINCIPAL_HEADER}: {principal}"
    rows: list[Measurement] = []
    checks: list[Measurement] = []

    for index, backend in enumerate(backends):
        membership_url = None
        label = "SQLite"
        if backend == "postgres":
            try:
                membership_url, version = await _fresh_postgres(options.postgres_url)
            except (TimeoutError, OSError) as error:
                result.notes.append(f"PostgreSQL unreachable ({type(error).__name__}): its join rows were skipped.")
                continue
            label = f"PostgreSQL {version}"
        elif backend != "sqlite":
            raise SystemExit(f"--access-backends: unknown backend {backend!r} (sqlite, postgres)")
        with tempfile.TemporaryDirectory(prefix="gh-bench-") as data_dir:
            env = {
                "GUILDHALL_DATA_DIR": data_dir,
                "GUILDHALL_INTERNAL_SECRET": SECRET,
                "GUILDHALL_LOG_LEVEL": "WARNING",
                "GUILDHALL_REDIS_URL": redis_url,
            }
            if membership_url is not None:
                env["GUILDHALL_MEMBERSHIP_DATABASE_URL"] = membership_url
            async with serve(
                "bench.access_app:create_app", factory=True, ready_path="/healthz", env=env, cpus=server_cpus
            ) as server:
                cid, mid = await _seed(server.url, {PRINCIPAL_HEADER: principal})
                targets = await _seed_joins(server.url, {PRINCIPAL_HEADER: principal}, cid)

                async def drive(
                    path: str, opts: argparse.Namespace, body: dict[str, Any] | None = None
                ) -> dict[str, Any]:
                    if body is None:
                        return await load(server.url + path, opts, cpus=loadgen_cpus, headers=(header,))
                    return await load(
                        server.url + path,
                        opts,
                        cpus=loadgen_cpus,
                        method="POST",
                        headers=(header, "content-type: application/json"),
                        body=json.dumps(body),
                    )

                if index == 0:  # entitlement checks once: they never touch the database on a hit
                    check_path = f"/svc/membership/v1/communities/{cid}/members/{mid}/entitlements/{KEY}"
                    single = argparse.Namespace(**{**vars(options), "http_connections": 1})
                    checks = [
                        measurement("entitlement check", "GET, cache hit", await drive(check_path, options)),
                        measurement("entitlement check", "GET, cache miss", await drive("/miss" + check_path, options)),
                        measurement("one connection", "GET, cache hit", await drive(check_path, single)),
                        measurement("one connection", "GET, cache miss", await drive("/miss" + check_path, single)),
                    ]
                    rows.extend(checks)
                base = f"/svc/membership/v1/communities/{cid}"
                group = f"join, {label}"
                direct = await drive(f"{base}/members", options, {"display_name": "Newcomer"})
                rows.append(measurement(group, "POST /members (direct add, no gate)", direct))
                gated = await drive(f"{base}/joins", options, _gated_join(targets))
                rows.append(measurement(group, "POST /joins (invitation + profile)", gated))
                capped = await drive(f"{base}/joins", options, _capped_join(targets))
                rows.append(measurement(group, "POST /joins (capped tier)", capped))
    result.measurements.extend(row.compare_to(ping) for row in rows)

    if checks:
        hit, miss, hit_alone, miss_alone = checks
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
        "Joins: the direct add (POST /members: member, membership, seat, transition log, member.joined in one "
        "transaction) beside the gated flow (POST /joins: ban list, gate, the invitation code's conditional "
        "UPDATE, profile criteria, the member, the seat's conditional UPDATE, transitions and events). "
        "Every request admits a new person; the invitation code has no use limit and the capped tier room for "
        "10,000,000, so no request is refused. SQLite serializes writers; on PostgreSQL the invitation code "
        "row (gated) and the tier row (capped) are each one hot row that every join updates."
    )
    result.notes.append(
        "Only the membership database changes between the join groups; the other services stay on SQLite."
    )
    result.notes.append("All rows are compared with the bare GET /ping of this run.")
    return result
