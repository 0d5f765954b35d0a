"""GraphQL slice: one GraphQL query through the gateway spanning three services, against the bare baseline.

TODO(lead): not written yet and NOT registered in ``bench.run`` by default. When the gateway and the
three services exist, implement ``run`` below and call ``bench.run.register_graphql_slice()`` (or
register it at the bottom of ``bench/run.py``). The target (ARCHITECTURE.md §10): the GraphQL query
takes at most 1.5x the latency of the slowest service call it makes, with strawberry's parser and
validation caches on.

The intended shape, reusing the HTTP pieces that already work:

    baseline = await http_baseline.measure_baseline(options)          # same run, same machine
    async with serve("guildhall.app:create_app", factory=True, ready_path="/healthz",
                     env={...}, cpus=server_cpus) as server:
        # seed one community with members across the three services, then:
        report = await http_baseline.load(server.url + "/graphql", options, cpus=loadgen_cpus,
                                          method="POST", headers=("content-type: application/json",),
                                          body=json.dumps({"query": QUERY, "variables": {...}}))
        # and each REST call the query makes on its own, to get "the slowest service call"
    rows: measurement(...).compare_to(baseline["graphql"]) and a ratio to the slowest REST call.
"""

from __future__ import annotations

import argparse

from bench.report import BenchResult


async def run(options: argparse.Namespace) -> BenchResult:
    """TODO(lead): measure the GraphQL slice; see the module docstring."""
    raise NotImplementedError("graphql_slice is not written yet (TODO lead): see bench/graphql_slice.py")
