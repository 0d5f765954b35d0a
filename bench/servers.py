"""Start an ASGI app under uvicorn in a subprocess on a free port, wait until it answers, stop it.

    async with serve("bench.baseline:app", ready_path="/ping", cpus=[0]) as server:
        report = await run_loadgen(server.url + "/ping", cpus=[1])

The server runs in its own process so that the load generator (another process) and the server each
get a core of their own where the machine has two; ``cpus`` pins them apart. Uvicorn runs with uvloop
and httptools when installed and without an access log, as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.loadgen import Target, read_response

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def default_cpu_split() -> tuple[list[int] | None, list[int] | None]:
    """(server cpus, load generator cpus): one core each when there are at least two, else no pinning."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return [cpus[0]], [cpus[1]]


@dataclass
class ServerProcess:
    app: str
    host: str
    port: int
    process: asyncio.subprocess.Process
    log_file: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def log_tail(self, limit: int = 4000) -> str:
        self.log_file.flush()
        self.log_file.seek(0)
        return self.log_file.read().decode(errors="replace")[-limit:]


async def _probe(host: str, port: int, path: str) -> int | None:
    """Status of ``GET path``, or None when nothing answers yet."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1.0)
    except (OSError, TimeoutError):
        return None
    try:
        writer.write(Target.build(f"http://{host}:{port}{path}").request)
        status, _ = await asyncio.wait_for(read_response(reader), 2.0)
        return status
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
        return None
    finally:
        writer.close()


async def start_server(
    app: str,
    *,
    factory: bool = False,
    ready_path: str = "/healthz",
    host: str = "127.0.0.1",
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    cpus: Sequence[int] | None = None,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 30.0,
) -> ServerProcess:
    """Start ``uvicorn app`` (an import string, ``module:attr``) and return once ``ready_path`` answers 2xx.

    ``startup_timeout`` only guards against a server that never comes up; it is not a measurement.
    """
    port = port or free_port(host)
    command = [sys.executable, "-m", "uvicorn", app, "--host", host, "--port", str(port)]
    command += ["--no-access-log", "--log-level", "warning", "--lifespan", "auto"]
    if factory:
        command.append("--factory")
    command += list(extra_args)
    log_file = tempfile.TemporaryFile()  # noqa: SIM115 - the server's log; stop_server closes it
    process = await asyncio.create_subprocess_exec(
        *command, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=log_file, stderr=subprocess.STDOUT
    )
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(process.pid, set(cpus))
    server = ServerProcess(app=app, host=host, port=port, process=process, log_file=log_file)
    deadline = time.monotonic() + startup_timeout
    while True:
        if process.returncode is not None:
            tail = server.log_tail()
            log_file.close()
            raise RuntimeError(f"{app}: server exited with {process.returncode} during startup:\n{tail}")
        status = await _probe(host, port, ready_path)
        if status is not None and 200 <= status < 300:
            return server
        if time.monotonic() > deadline:
            tail = server.log_tail()
            await stop_server(server)
            raise RuntimeError(f"{app}: {ready_path} did not answer 2xx within {startup_timeout}s:\n{tail}")
        await asyncio.sleep(0.1)


async def stop_server(server: ServerProcess, *, grace: float = 10.0) -> int | None:
    """Ask uvicorn to shut down gracefully (SIGINT), then terminate, then kill. Returns the exit code."""
    process = server.process
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(sig)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), grace)
        return process.returncode
    finally:
        server.log_file.close()


@contextlib.asynccontextmanager
async def serve(
    app: str,
    *,
    factory: bool = False,
    ready_path: str = "/healthz",
    env: Mapping[str, str] | None = None,
    cpus: Sequence[int] | None = None,
    extra_args: Sequence[str] = (),
) -> AsyncIterator[ServerProcess]:
    """``start_server`` and ``stop_server`` around a block."""
    server = await start_server(app, factory=factory, ready_path=ready_path, env=env, cpus=cpus, extra_args=extra_args)
    try:
        yield server
    finally:
        await stop_server(server)
