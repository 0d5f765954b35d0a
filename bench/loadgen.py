"""A small HTTP/1.1 keep-alive load generator on raw asyncio streams, meant to run in its own process.

    python -m bench.loadgen --url http://127.0.0.1:8000/ping --connections 32 --duration 5
    python -m bench.loadgen --url http://127.0.0.1:8000/graphql --method POST \\
        --header 'content-type: application/json' --body '{"query": "{ ping }"}' --requests 20000

N connections each send one request at a time (no pipelining) and time it from the first byte written to
the last body byte read. Runs for a fixed duration or a fixed number of requests (whichever is given;
``--requests`` wins), after an optional warm-up that is not recorded. Prints one JSON object on stdout:
requests, errors, non_2xx, status counts, seconds, rps and latency percentiles in milliseconds.

With ``--request-file`` and ``--schedule-file`` it runs open loop instead (``ScheduledLoad``): each request
is sent at its scheduled time whether or not earlier ones were answered, and its latency runs from that
time, so a server that falls behind is seen as a client would see it (no coordinated omission).

httpx spends more CPU per request than a small server does, so it cannot saturate one; this reads
responses with a few ``readuntil``/``readexactly`` calls (Content-Length, chunked, or read-to-close).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.aio import new_event_loop
from bench.stats import summarize_ms

_HEAD_END = b"\r\n\r\n"
IDLE_KEEP_SECONDS = 2.0
SLOW_SECONDS = 0.1  # answers slower than this are counted by the second they were due in
_MAX_HEAD = 64 * 1024


class ProtocolError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    request: bytes

    @classmethod
    def build(cls, url: str, *, method: str = "GET", headers: Sequence[str] = (), body: bytes = b"") -> Target:
        parts = urlsplit(url)
        if parts.scheme != "http":
            raise ValueError(f"{url}: only plain http:// is supported")
        host = parts.hostname or "127.0.0.1"
        port = parts.port or 80
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        lines = [f"{method.upper()} {path} HTTP/1.1", f"host: {host}:{port}"]
        names = set()
        for header in headers:
            name, _, value = header.partition(":")
            names.add(name.strip().lower())
            lines.append(f"{name.strip()}: {value.strip()}")
        if body or method.upper() in ("POST", "PUT", "PATCH"):
            lines.append(f"content-length: {len(body)}")
        if "user-agent" not in names:
            lines.append("user-agent: guildhall-bench")
        return cls(host=host, port=port, request=("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response. Returns (status, keep_alive). Raises on a malformed or truncated response."""
    status, keep_alive, _ = await read_response_body(reader)
    return status, keep_alive


async def read_response_body(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """``read_response``, plus the body when it came with a Content-Length or to the end of the connection
    (a chunked body is read and dropped: b"")."""
    head = await reader.readuntil(_HEAD_END)
    if not head.startswith(b"HTTP/1."):
        raise ProtocolError(f"not an HTTP/1.x response: {head[:40]!r}")
    status = int(head[9:12])
    lower = head.lower()
    keep_alive = b"\r\nconnection: close" not in lower and not head.startswith(b"HTTP/1.0")
    if status in (204, 304) or 100 <= status < 200:
        return status, keep_alive, b""
    start = lower.find(b"\r\ncontent-length:")
    if start >= 0:
        end = lower.index(b"\r\n", start + 2)
        length = int(lower[start + 17 : end])
        return status, keep_alive, await reader.readexactly(length) if length else b""
    if b"\r\ntransfer-encoding:" in lower and b"chunked" in lower:
        await _read_chunked(reader)
        return status, keep_alive, b""
    body = await reader.read()  # no length: the body runs to the end of the connection
    return status, False, body


async def _read_chunked(reader: asyncio.StreamReader) -> None:
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            # Trailers (usually none), then the blank line that ends the message.
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return
        await reader.readexactly(size + 2)


@dataclass
class _Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    last_done: float = 0.0


class LoadGenerator:
    def __init__(
        self,
        target: Target,
        *,
        connections: int,
        duration: float | None = None,
        requests: int | None = None,
        warmup: float = 0.0,
        timeout: float = 10.0,
        sequence: Sequence[bytes] | None = None,
    ) -> None:
        if sequence is not None:
            requests, duration, warmup = len(sequence), None, 0.0
        if duration is None and requests is None:
            raise ValueError("give a duration or a number of requests")
        self.target = target
        # Distinct requests (each sent once, in order, across the connections) instead of one repeated.
        self._sequence = iter(sequence) if sequence is not None else None
        self.connections = connections
        self.duration = duration
        self.requests = requests
        self.warmup = warmup
        self.timeout = timeout
        self._remaining = requests if requests is not None else 0
        self._deadline = 0.0
        self._recording = False

    def _take(self) -> bool:
        if self.requests is not None and self._recording:
            if self._remaining <= 0:
                return False
            self._remaining -= 1
            return True
        return time.perf_counter() < self._deadline

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.wait_for(asyncio.open_connection(self.target.host, self.target.port), self.timeout)

    def _next(self) -> bytes | None:
        if self._sequence is not None:
            return next(self._sequence, None)
        return self.target.request if self._take() else None

    async def _worker(self, tally: _Tally) -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        perf = time.perf_counter_ns
        try:
            while (request := self._next()) is not None:
                try:
                    if writer is None or reader is None:
                        reader, writer = await self._connect()
                    started = perf()
                    writer.write(request)
                    status, keep_alive = await asyncio.wait_for(read_response(reader), self.timeout)
                    elapsed_ms = (perf() - started) / 1e6
                except (
                    OSError,
                    TimeoutError,
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    ProtocolError,
                    ValueError,
                ) as error:
                    tally.errors += 1
                    kind = type(error).__name__
                    tally.error_kinds[kind] = tally.error_kinds.get(kind, 0) + 1
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    await asyncio.sleep(0.01)  # a refused connection must not spin
                    continue
                tally.latencies_ms.append(elapsed_ms)
                tally.statuses[status] = tally.statuses.get(status, 0) + 1
                tally.last_done = time.perf_counter()
                if not keep_alive:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

    async def run(self) -> dict[str, Any]:
        tally = _Tally()
        if self.warmup > 0:
            self._deadline = time.perf_counter() + self.warmup
            await asyncio.gather(*(self._worker(_Tally()) for _ in range(self.connections)))
        self._recording = True
        started = time.perf_counter()
        self._deadline = started + (self.duration or 0.0)
        await asyncio.gather(*(self._worker(tally) for _ in range(self.connections)))
        seconds = max((tally.last_done or time.perf_counter()) - started, 1e-9)
        done = len(tally.latencies_ms)
        non_2xx = sum(count for status, count in tally.statuses.items() if not 200 <= status < 300)
        return {
            "connections": self.connections,
            "requests": done,
            "errors": tally.errors,
            "error_kinds": tally.error_kinds,
            "non_2xx": non_2xx,
            "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
            "seconds": round(seconds, 4),
            "rps": round(done / seconds, 1),
            "ok_rps": round((done - non_2xx) / seconds, 1),
            "latency_ms": summarize_ms(tally.latencies_ms).as_dict(),
        }


class ScheduledLoad:
    """Open loop: request ``i`` is sent ``at[i]`` seconds after the start whether or not earlier ones have
    been answered, as independent clients arrive. Latency runs from the request's scheduled time, so time
    spent waiting for a free connection (at most ``connections`` open at once) counts, as a client would
    feel it; ``send_lag`` is how late the sends were (the load generator's own queueing). Every response is
    tallied under its request's tag and its status (with the problem+json ``code`` of an error)."""

    def __init__(
        self,
        host: str,
        port: int,
        requests: Sequence[bytes],
        *,
        at: Sequence[float],
        tags: Sequence[str],
        connections: int,
        timeout: float = 10.0,
    ) -> None:
        if not len(requests) == len(at) == len(tags):
            raise ValueError("one scheduled time and one tag per request")
        self.host, self.port = host, port
        self.requests, self.at, self.tags = requests, at, tags
        self.connections = connections
        self.timeout = timeout
        self._idle: list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(connections)
        self._latencies: dict[tuple[str, str], list[float]] = {}
        # When the slow answers were due: a tail from a few stalls shows as a few busy seconds.
        self._slow_by_second: dict[int, int] = {}
        self._send_lag_ms: list[float] = []
        self._errors: dict[str, int] = {}
        self._last_done = 0.0

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self._idle:
            since, reader, writer = self._idle.pop()
            # The server closes a keep-alive connection idle for a while (uvicorn: 5 s); a client's pool
            # retires it first rather than fail a request on it.
            if time.perf_counter() - since < IDLE_KEEP_SECONDS:
                return reader, writer
            writer.close()
        return await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)

    async def _one(self, index: int, due: float) -> None:
        tag = self.tags[index]
        async with self._slots:
            writer: asyncio.StreamWriter | None = None
            try:
                reader, writer = await self._connection()
                self._send_lag_ms.append((time.perf_counter() - due) * 1000)
                writer.write(self.requests[index])
                status, keep_alive, body = await asyncio.wait_for(read_response_body(reader), self.timeout)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ProtocolError, ValueError) as error:
                kind = type(error).__name__
                self._errors[kind] = self._errors.get(kind, 0) + 1
                if writer is not None:
                    writer.close()
                return
            done = time.perf_counter()
            self._last_done = time.time()
            outcome = str(status) if status < 400 else f"{status} {_problem_code(body)}"
            self._latencies.setdefault((tag, outcome), []).append((done - due) * 1000)
            if done - due > SLOW_SECONDS:
                second = int(self.at[index])
                self._slow_by_second[second] = self._slow_by_second.get(second, 0) + 1
            if keep_alive:
                self._idle.append((done, reader, writer))
            else:
                writer.close()

    async def run(self) -> dict[str, Any]:
        # A few connections up front, as a client's pool would have: the first arrivals pay no handshake.
        for _ in range(min(8, self.connections)):
            self._idle.append((time.perf_counter(), *await self._connection()))
        started = time.perf_counter() + 0.01
        started_unix = time.time() + 0.01
        tasks = []
        for index, offset in enumerate(self.at):
            due = started + offset
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(self._one(index, due)))
        await asyncio.gather(*tasks)
        for _, _, writer in self._idle:
            writer.close()
        every = [ms for samples in self._latencies.values() for ms in samples]
        seconds = max(self._last_done - started_unix, 1e-9)
        statuses: dict[str, int] = {}
        by_tag: dict[str, dict[str, Any]] = {}
        for (tag, outcome), samples in sorted(self._latencies.items()):
            status = outcome.split()[0]
            statuses[status] = statuses.get(status, 0) + len(samples)
            by_tag.setdefault(tag, {})[outcome] = summarize_ms(samples).as_dict()
        return {
            "connections": self.connections,
            "requests": len(every),
            "errors": sum(self._errors.values()),
            "error_kinds": self._errors,
            "non_2xx": sum(n for status, n in statuses.items() if not status.startswith("2")),
            "statuses": dict(sorted(statuses.items())),
            "seconds": round(seconds, 4),
            "rps": round(len(every) / seconds, 1),
            "latency_ms": summarize_ms(every).as_dict(),
            # tag → outcome ("201", "409 checkin_already_recorded") → latency summary (its count included)
            "by_tag": by_tag,
            "send_lag_ms": summarize_ms(self._send_lag_ms).as_dict(),
            "slow_by_second": dict(sorted(self._slow_by_second.items())),
            "started_unix": started_unix,
            "last_done_unix": self._last_done,
        }


def _problem_code(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return "?"
    return str(document.get("code", "?")) if isinstance(document, dict) else "?"


def write_schedule(path: str, at: Sequence[float], tags: Sequence[str]) -> None:
    """The send times (seconds from the start) and tags of a ``--request-file``, for ``--schedule-file``."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"at": list(at), "tags": list(tags)}, handle)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="http://host:port/path")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[], help="'name: value', repeatable")
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--body", help="request body (text)")
    body.add_argument("--body-file", help="read the request body from this file")
    parser.add_argument("--connections", "-c", type=int, default=32)
    parser.add_argument("--duration", "-d", type=float, default=5.0, help="seconds to run (ignored with --requests)")
    parser.add_argument("--requests", "-n", type=int, default=None, help="stop after this many requests")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded warm-up first")
    parser.add_argument("--timeout", type=float, default=10.0, help="per-request timeout in seconds")
    parser.add_argument("--cpu", type=int, action="append", default=None, help="pin this process to CPU n (repeatable)")
    parser.add_argument(
        "--request-file",
        default=None,
        help="raw HTTP requests framed by write_requests(): each sent once, in order (ignores --url's path, "
        "--method, --header, --body, --duration, --requests, --warmup)",
    )
    parser.add_argument(
        "--schedule-file",
        default=None,
        help="with --request-file: open loop, each request sent at its time from write_schedule() (JSON "
        "{at: [seconds], tags: [str]}) on up to --connections connections; reports per tag",
    )
    return parser.parse_args(argv)


def write_requests(path: str, requests: Sequence[bytes]) -> None:
    """Frame raw HTTP/1.1 requests for ``--request-file``: a 4-byte big-endian length before each."""
    with open(path, "wb") as handle:
        for request in requests:
            handle.write(len(request).to_bytes(4, "big"))
            handle.write(request)


def read_requests(path: str) -> list[bytes]:
    with open(path, "rb") as handle:
        data = handle.read()
    requests, offset = [], 0
    while offset < len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        requests.append(data[offset + 4 : offset + 4 + size])
        offset += 4 + size
    return requests


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.cpu and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(args.cpu))
    if args.body_file:
        with open(args.body_file, "rb") as handle:
            body = handle.read()
    else:
        body = (args.body or "").encode()
    if args.schedule_file:
        with open(args.schedule_file, encoding="utf-8") as handle:
            schedule = json.load(handle)
        parts = urlsplit(args.url)
        generator: LoadGenerator | ScheduledLoad = ScheduledLoad(
            parts.hostname or "127.0.0.1",
            parts.port or 80,
            read_requests(args.request_file),
            at=schedule["at"],
            tags=schedule["tags"],
            connections=args.connections,
            timeout=args.timeout,
        )
    else:
        generator = _closed_loop(args, body)
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        report = runner.run(generator.run())
    report["url"] = args.url
    report["method"] = args.method.upper()
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


def _closed_loop(args: argparse.Namespace, body: bytes) -> LoadGenerator:
    target = Target.build(args.url, method=args.method, headers=args.header, body=body)
    return LoadGenerator(
        target,
        connections=args.connections,
        duration=None if args.requests is not None else args.duration,
        requests=args.requests,
        warmup=args.warmup,
        timeout=args.timeout,
        sequence=read_requests(args.request_file) if args.request_file else None,
    )


# -- driving it from a benchmark ------------------------------------------------------------------------


async def run_loadgen(
    url: str,
    *,
    method: str = "GET",
    headers: Sequence[str] = (),
    body: str | None = None,
    connections: int = 32,
    duration: float = 5.0,
    requests: int | None = None,
    warmup: float = 1.0,
    cpus: Sequence[int] | None = None,
    request_file: str | None = None,
    schedule_file: str | None = None,
) -> dict[str, Any]:
    """Run the load generator in a subprocess (its own interpreter, its own core) and return its report."""
    command = [sys.executable, "-m", "bench.loadgen", "--url", url, "--method", method]
    if request_file is not None:
        command += ["--request-file", request_file]
    if schedule_file is not None:
        command += ["--schedule-file", schedule_file]
    command += ["--connections", str(connections), "--duration", str(duration), "--warmup", str(warmup)]
    for header in headers:
        command += ["--header", header]
    if body is not None:
        command += ["--body", body]
    if requests is not None:
        command += ["--requests", str(requests)]
    for cpu in cpus or ():
        command += ["--cpu", str(cpu)]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=os.path.dirname(os.path.dirname(__file__))
    )
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"loadgen failed ({process.returncode}): {stderr.decode(errors='replace')[-2000:]}")
    report: dict[str, Any] = json.loads(stdout)
    return report


if __name__ == "__main__":
    main()
