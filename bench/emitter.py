"""The producer side of the live event pipeline phase, in its own process.

    python -m bench.emitter --database-url sqlite:///… --rate 400 --count 1600

Emits ``count`` events, one per transaction, at a steady ``rate`` into the outbox of ``database-url``
(kit's ``emit()``, as a request handler would), then prints ``{"count", "seconds", "rate",
"started_at"}`` as JSON. It runs apart from the relay and consumer under test for the same reason the
HTTP load generator runs apart from the server: on 2 cores, a producer sharing the event loop under
test would be measured as part of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from bench.aio import new_event_loop
from bench.pipeline_baselines import Timed, paced
from kit.db import Sessionmaker, create_engine, create_sessionmaker
from kit.events import EventData, emit
from kit.events.outbox import PRODUCER_INFO_KEY

PRODUCER = "bench"


class BenchPing(EventData):
    """The event the pipeline benchmark sends: small, like most of Guildhall's."""

    event_type: ClassVar[str] = "bench.ping"

    seq: int
    member_id: str
    points: int


def bench_ping(seq: int) -> BenchPing:
    return BenchPing(seq=seq, member_id=f"mbr_{seq:026d}", points=seq % 50)


async def paced_emit(sessionmaker: Sessionmaker, *, rate_per_second: float, count: int, first_seq: int = 0) -> Timed:
    started = time.perf_counter()
    async for index in paced(rate_per_second, count):
        async with sessionmaker() as session:
            await emit(session, bench_ping(first_seq + index), community_id="cmty_bench", at=datetime.now(UTC))
            await session.commit()
    return Timed(count, time.perf_counter() - started)


async def _main(args: argparse.Namespace) -> dict[str, Any]:
    engine = create_engine(args.database_url)
    sessionmaker = create_sessionmaker(engine)
    sessionmaker.configure(info={PRODUCER_INFO_KEY: args.producer})
    try:
        started_at = time.time()
        timed = await paced_emit(sessionmaker, rate_per_second=args.rate, count=args.count, first_seq=args.first_seq)
    finally:
        await engine.dispose()
    return {"count": timed.count, "seconds": timed.seconds, "rate": timed.rate, "started_at": started_at}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.emitter", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--producer", default=PRODUCER)
    parser.add_argument("--rate", type=float, required=True, help="events per second")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first-seq", type=int, default=0)
    args = parser.parse_args(argv)
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        report = runner.run(_main(args))
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


async def run_emitter(
    database_url: str, *, producer: str, rate_per_second: float, count: int, first_seq: int = 0
) -> dict[str, Any]:
    """Run the emitter in a subprocess and return its report."""
    command = [sys.executable, "-m", "bench.emitter", "--database-url", database_url, "--producer", producer]
    command += ["--rate", str(rate_per_second), "--count", str(count), "--first-seq", str(first_seq)]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=os.path.dirname(os.path.dirname(__file__))
    )
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"emitter failed ({process.returncode}): {stderr.decode(errors='replace')[-2000:]}")
    report: dict[str, Any] = json.loads(stdout)
    return report


if __name__ == "__main__":
    main()
