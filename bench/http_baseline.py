"""HTTP baseline: the bare FastAPI app (``bench.baseline``) under uvicorn, driven by the load generator.

The ceiling that HTTP benchmarks compare with, in the same run: ``GET /ping`` and a GraphQL-shaped
``POST /graphql`` echo. Server and load generator are separate processes, pinned to one core each
when the machine has two.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.loadgen import run_loadgen
from bench.report import BenchResult, Measurement
from bench.servers import default_cpu_split, serve
from bench.stats import Percentiles

GRAPHQL_BODY = json.dumps({"query": "query Ping($id: ID!) { member(id: $id) { id points } }", "variables": {"id": "1"}})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("HTTP benchmarks (http_baseline, graphql_slice)")
    group.add_argument("--http-duration", type=float, default=5.0, help="seconds of load per endpoint")
    group.add_argument("--http-connections", type=int, default=32, help="keep-alive connections")
    group.add_argument("--http-warmup", type=float, default=1.0, help="unrecorded warm-up seconds per endpoint")


def measurement(group: str, name: str, report: dict[str, Any]) -> Measurement:
    """A result row from a load generator report."""
    notes = []
    if report["errors"]:
        notes.append(f"{report['errors']} errors {report['error_kinds']}")
    if report["non_2xx"]:
        notes.append(f"{report['non_2xx']} non-2xx {report['statuses']}")
    return Measurement(
        group=group,
        name=name,
        count=report["requests"],
        seconds=report["seconds"],
        rate=report["rps"],
        unit="req/s",
        latency=Percentiles.from_dict(report["latency_ms"]),
        notes="; ".join(notes),
    )


async def load(
    url: str,
    options: argparse.Namespace,
    *,
    cpus: list[int] | None,
    method: str = "GET",
    headers: tuple[str, ...] = (),
    body: str | None = None,
) -> dict[str, Any]:
    """Drive ``url`` with the load generator (a subprocess) using the shared ``--http-*`` options."""
    return await run_loadgen(
        url,
        method=method,
        headers=headers,
        body=body,
        connections=options.http_connections,
        duration=options.http_duration,
        warmup=options.http_warmup,
        cpus=cpus,
    )


async def measure_baseline(options: argparse.Namespace, *, group: str = "bare FastAPI") -> dict[str, Measurement]:
    """``GET /ping`` and ``POST /graphql`` on the baseline app: the rows other HTTP benchmarks compare with."""
    server_cpus, loadgen_cpus = default_cpu_split()
    async with serve("bench.baseline:app", ready_path="/ping", cpus=server_cpus) as server:
        ping = await load(server.url + "/ping", options, cpus=loadgen_cpus)
        graphql = await load(
            server.url + "/graphql",
            options,
            cpus=loadgen_cpus,
            method="POST",
            headers=("content-type: application/json",),
            body=GRAPHQL_BODY,
        )
    return {"ping": measurement(group, "GET /ping", ping), "graphql": measurement(group, "POST /graphql echo", graphql)}


def http_config(options: argparse.Namespace, *, server: str) -> dict[str, Any]:
    """The settings every HTTP benchmark records with its result."""
    server_cpus, loadgen_cpus = default_cpu_split()
    return {
        "connections": options.http_connections,
        "duration_seconds": options.http_duration,
        "warmup_seconds": options.http_warmup,
        "server_cpus": server_cpus,
        "loadgen_cpus": loadgen_cpus,
        "server": server,
    }


async def run(options: argparse.Namespace) -> BenchResult:
    server_cpus, loadgen_cpus = default_cpu_split()
    result = BenchResult(
        name="http_baseline",
        title="HTTP baseline: bare FastAPI under uvicorn",
        config=http_config(options, server="uvicorn, 1 worker, no access log"),
    )
    rows = await measure_baseline(options)
    result.measurements.extend(rows.values())
    result.notes.append(
        "Server and load generator are separate processes sharing this machine's cores "
        f"(server on {server_cpus}, load generator on {loadgen_cpus}); the load generator's own CPU use "
        "caps what can be measured."
    )
    return result
