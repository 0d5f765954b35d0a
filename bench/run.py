"""Run benchmarks by name, print a summary table, write ``bench/results/<date>-<name>.{json,md}``.

.venv/bin/python -m bench.run                      # every registered benchmark
.venv/bin/python -m bench.run event_pipeline --events 20000
.venv/bin/python -m bench.run --list
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import event_pipeline, http_baseline
from bench.aio import loop_name, new_event_loop
from bench.report import RESULTS_DIR, BenchResult, describe_machine, text_table, write_result


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, BenchResult]]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


REGISTRY: dict[str, Benchmark] = {}


def register(benchmark: Benchmark) -> None:
    if benchmark.name in REGISTRY:
        raise ValueError(f"benchmark {benchmark.name!r} is already registered")
    REGISTRY[benchmark.name] = benchmark


register(
    Benchmark(
        name="event_pipeline",
        summary="emit → outbox → relay → Redis Streams → consumer group → handler: events/s and lag",
        run=event_pipeline.run,
        add_arguments=event_pipeline.add_arguments,
    )
)
register(
    Benchmark(
        name="http_baseline",
        summary="bare FastAPI under uvicorn (GET /ping, POST /graphql echo): the HTTP ceiling",
        run=http_baseline.run,
        add_arguments=http_baseline.add_arguments,
    )
)


def register_points_pipeline() -> None:
    from bench import points_pipeline

    register(
        Benchmark(
            name="points_pipeline",
            summary="member.activity → rules → ledger → leaderboards (events/s, lag); top 100 + my rank over 1M",
            run=points_pipeline.run,
            add_arguments=points_pipeline.add_arguments,
        )
    )


register_points_pipeline()


def register_graphql_slice() -> None:
    from bench import graphql_slice

    register(
        Benchmark(
            name="graphql_slice",
            summary="one GraphQL query spanning three services, vs the bare baseline and its slowest REST call",
            run=graphql_slice.run,  # uses the --http-* options of http_baseline
        )
    )


register_graphql_slice()


def register_access() -> None:
    from bench import access

    register(
        Benchmark(
            name="access",
            summary="entitlement checks (cache hit and miss) and joins on the membership service, vs the bare baseline",
            run=access.run,
            add_arguments=access.add_arguments,
        )
    )


register_access()


def register_idle() -> None:
    from bench import idle

    register(
        Benchmark(
            name="idle",
            summary="CPU of embedded Guildhall while nothing happens, as a share of one core (target under 1%)",
            run=idle.run,
            add_arguments=idle.add_arguments,
        )
    )


register_idle()


def register_dispatch() -> None:
    from bench import dispatch

    register(
        Benchmark(
            name="dispatch",
            summary="broadcast to 1,000 groups through the chat dispatcher vs the least time Telegram's limits allow",
            run=dispatch.run,
            add_arguments=dispatch.add_arguments,
        )
    )


def register_ingress() -> None:
    from bench import ingress

    register(
        Benchmark(
            name="ingress",
            summary="verified webhooks/s and ack latency with 20% redeliveries (Telegram, Slack), vs a bare HMAC check",
            run=ingress.run,
            add_arguments=ingress.add_arguments,
        )
    )


def register_checkin_storm() -> None:
    from bench import checkin_storm

    register(
        Benchmark(
            name="checkin_storm",
            summary="10,000 check-ins in 60 s (open loop, 10% duplicates): none lost or doubled, p99, backlog drain",
            run=checkin_storm.run,
            add_arguments=checkin_storm.add_arguments,
        )
    )


register_dispatch()
register_ingress()
register_checkin_storm()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Run Guildhall benchmarks; results go to bench/results/<date>-<name>.{json,md}.",
    )
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all registered)")
    parser.add_argument("--list", action="store_true", help="list the registered benchmarks and exit")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory (default bench/results)")
    parser.add_argument("--no-write", action="store_true", help="print the summary only")
    for benchmark in REGISTRY.values():
        if benchmark.add_arguments is not None:
            benchmark.add_arguments(parser)
    return parser


def run_one(benchmark: Benchmark, options: argparse.Namespace, machine: dict[str, object]) -> BenchResult:
    started = datetime.now(UTC)
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        result = runner.run(benchmark.run(options))
    finished = datetime.now(UTC)
    result.environment.setdefault("event loop", loop_name())
    print(f"\n== {result.title} ({(finished - started).total_seconds():.1f} s)\n")
    print(text_table(result.measurements))
    for note in result.notes:
        print(f"  note: {note}")
    if not options.no_write:
        json_path, md_path = write_result(
            result, started=started, finished=finished, machine=machine, directory=options.out
        )
        print(f"\nwrote {json_path} and {md_path.name}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.list:
        for benchmark in REGISTRY.values():
            print(f"{benchmark.name:16} {benchmark.summary}")
        return 0
    names = options.names or list(REGISTRY)
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; registered: {', '.join(REGISTRY)}")
    machine = describe_machine()
    print(
        f"machine: {machine['cpu_model']}, {machine['cpu_count']} cores, {machine['memory_gib']} GiB, "
        f"{machine['python']}, {machine['os']}"
    )
    failed = []
    for name in names:
        try:
            run_one(REGISTRY[name], options, machine)
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
