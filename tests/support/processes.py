"""Real `guildhall` processes for tests of the distributed mode and the CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
GUILDHALL = str(Path(sys.executable).parent / "guildhall")
# What `guildhall migrate` says, part by part, in the order it migrates them.
MIGRATE_OUTPUT = ["migrated", "membership", "migrated", "gamification", "migrated", "content", "migrated", "gateway"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Process:
    args: list[str]
    process: subprocess.Popen[bytes]
    log: IO[bytes]
    port: int | None = None

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


@dataclass
class Processes:
    env: dict[str, str]
    started: list[Process] = field(default_factory=list)

    def start(self, *args: str, port: int | None = None) -> Process:
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop_all, after the process ends
        process = subprocess.Popen(
            [GUILDHALL, *args], cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT
        )
        started = Process(list(args), process, log, port)
        self.started.append(started)
        return started

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [GUILDHALL, *args],
            cwd=ROOT,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    async def wait_healthy(self, process: Process, *, within: float = 90.0) -> None:
        deadline = asyncio.get_running_loop().time() + within
        async with httpx.AsyncClient() as client:
            while True:
                if process.process.poll() is not None:
                    raise AssertionError(f"{process.args} exited early:\n{process.output()}")
                try:
                    if (await client.get(f"http://127.0.0.1:{process.port}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"{process.args} not healthy:\n{process.output()}")
                await asyncio.sleep(0.1)

    def stop_all(self) -> dict[str, int]:
        """SIGTERM everything, as an orchestrator would; the exit code of each."""
        for started in self.started:
            if started.process.poll() is None:
                started.process.send_signal(signal.SIGTERM)
        codes = {}
        for started in self.started:
            try:
                codes[" ".join(started.args)] = started.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                started.process.kill()
                codes[" ".join(started.args)] = started.process.wait()
            started.log.close()
        return codes
