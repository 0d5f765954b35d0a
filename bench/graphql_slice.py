"""GraphQL slice: one query through the gateway spanning three services, against the bare baseline.

Measured in one run on one machine:
- the bare FastAPI baseline (``http_baseline``): the HTTP ceiling;
- each REST call the query makes, sent straight to its service in the server process;
- the GraphQL query ``community(id) { levels welcomeTemplate }`` through the gateway, which makes
  those three calls (in process, through ``httpx.ASGITransport``, batched by DataLoaders).

The target in ARCHITECTURE §10: the query's latency at most 1.5x that of the slowest service call it
makes. The server is embedded Guildhall (SQLite, in-process Redis) in one uvicorn process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from typing import Any

import httpx

from bench.http_baseline import http_config, load, measure_baseline, measurement
from bench.report import BenchResult, Measurement
from bench.servers import default_cpu_split, serve
from kit.auth import PRINCIPAL_HEADER, Principal, sign_principal

ADMIN_KEY = "bench-admin-key"
SECRET = "bench-internal-secret"
QUERY = """query Slice($id: ID!) {
  community(id: $id) { id name timezone levels { rank name threshold } welcomeTemplate { body batchWindowSeconds } }
}"""


async def _seed(base_url: str) -> str:
    """One community, with its levels and welcome template in place."""
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as http:
        created = await http.post(
            "/graphql",
            json={
                "query": 'mutation { createCommunity(input: {name: "Bench", timezone: "Asia/Shanghai"}) '
                "{ ... on CreateCommunitySuccess { community { id } } } }"
            },
        )
        community_id: str = created.json()["data"]["createCommunity"]["community"]["id"]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            body = (await http.post("/graphql", json={"query": QUERY, "variables": {"id": community_id}})).json()
            community = body["data"]["community"]
            if community["levels"] and community["welcomeTemplate"]:
                return community_id
            await asyncio.sleep(0.05)
    raise RuntimeError("the community's defaults did not appear within 10 s")


async def _strawberry_ceiling(options: argparse.Namespace) -> Measurement:
    """The same query shape on strawberry alone (static resolvers, cached parse and validation)."""
    server_cpus, loadgen_cpus = default_cpu_split()
    async with serve("bench.strawberry_ceiling:app", ready_path="/ping", cpus=server_cpus) as server:
        report = await load(
            server.url + "/graphql",
            options,
            cpus=loadgen_cpus,
            method="POST",
            headers=("content-type: application/json",),
            body=json.dumps({"query": QUERY, "variables": {"id": "cmty_bench"}}),
        )
    return measurement("strawberry alone", "POST /graphql same shape, cached", report)


async def run(options: argparse.Namespace) -> BenchResult:
    server_cpus, loadgen_cpus = default_cpu_split()
    result = BenchResult(
        name="graphql_slice",
        title="GraphQL slice: community with levels and welcome template, three services in one query",
        config=http_config(options, server="embedded Guildhall (SQLite, in-process Redis), uvicorn, 1 worker"),
    )
    baseline = await measure_baseline(options)
    result.measurements.extend(baseline.values())
    ceiling = await _strawberry_ceiling(options)
    result.measurements.append(ceiling)

    with tempfile.TemporaryDirectory(prefix="gh-bench-") as data_dir:
        env = {
            "GUILDHALL_DATA_DIR": data_dir,
            "GUILDHALL_BOOTSTRAP_API_KEY": ADMIN_KEY,
            "GUILDHALL_INTERNAL_SECRET": SECRET,
            "GUILDHALL_LOG_LEVEL": "WARNING",
            "GUILDHALL_REDIS_URL": "memory://bench",
        }
        async with serve(
            "bench.slice_app:create_app", factory=True, ready_path="/healthz", env=env, cpus=server_cpus
        ) as server:
            community_id = await _seed(server.url)
            # Valid for five minutes: longer than any run of this benchmark.
            principal = f"{PRINCIPAL_HEADER}: {sign_principal(Principal(role='platform_admin'), SECRET)}"
            rest_calls = {
                "membership GET /v1/communities?ids=": f"/svc/membership/v1/communities?ids={community_id}&limit=1",
                "gamification GET /v1/levels": f"/svc/gamification/v1/levels?community_id={community_id}",
                "content GET /v1/welcome-templates": f"/svc/content/v1/welcome-templates?community_id={community_id}",
            }
            rest: list[Measurement] = []
            for name, path in rest_calls.items():
                report = await load(server.url + path, options, cpus=loadgen_cpus, headers=(principal,))
                rest.append(measurement("service REST call (direct)", name, report).compare_to(baseline["ping"]))

            async def query(with_options: argparse.Namespace) -> dict[str, Any]:
                return await load(
                    server.url + "/graphql",
                    with_options,
                    cpus=loadgen_cpus,
                    method="POST",
                    headers=("content-type: application/json", f"authorization: Bearer {ADMIN_KEY}"),
                    body=json.dumps({"query": QUERY, "variables": {"id": community_id}}),
                )

            report = await query(options)
            graphql = measurement("gateway", "POST /graphql community slice", report).compare_to(ceiling)
            slowest = max(rest, key=lambda m: m.latency.p50 if m.latency else 0.0)
            # Latency without queueing: one connection, the comparison the 1.5x target is about.
            single = argparse.Namespace(**{**vars(options), "http_connections": 1})
            slowest_path = rest_calls[slowest.name]
            alone = await load(server.url + slowest_path, single, cpus=loadgen_cpus, headers=(principal,))
            slowest_alone = measurement("one connection", slowest.name, alone)
            query_alone = measurement(
                "one connection",
                "POST /graphql community slice",
                await query(single),
            ).compare_to(slowest_alone)
    result.measurements.extend([*rest, graphql, slowest_alone, query_alone])

    for label, query_row, service_row in (
        (f"{options.http_connections} connections", graphql, slowest),
        ("one connection", query_alone, slowest_alone),
    ):
        if query_row.latency and service_row.latency:
            p50 = query_row.latency.p50 / service_row.latency.p50
            p99 = query_row.latency.p99 / service_row.latency.p99
            result.notes.append(
                f"{label}: GraphQL slice latency vs its slowest service call ({service_row.name}): "
                f"p50 {p50:.2f}x, p99 {p99:.2f}x (target: at most 1.5x)."
            )
    result.notes.append(
        "In embedded mode the gateway and the three services share one process and one core, so under load "
        "a query pays for its three service calls in CPU as well as in latency."
    )
    result.notes.append(
        "Ratios in the table: service calls against bare GET /ping; the GraphQL query against strawberry alone "
        "on the same query shape with parse and validation cached (target: at least 0.5x)."
    )
    return result
