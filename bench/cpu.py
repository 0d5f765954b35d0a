"""CPU time used by processes during a measurement, read from ``/proc`` (Linux; elsewhere nothing is reported).

A benchmark whose parts share two cores (server, worker, PostgreSQL, load generator) is explained by where the
CPU went: ``CpuMeter`` takes a reading of each named group of processes before and after.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pids: Iterable[int]) -> float:
    """User plus system time of ``pids`` (those still running)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICKS


def with_descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (uvicorn's workers, for one)."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def named(name: str) -> list[int]:
    """Processes whose command is ``name`` (PostgreSQL's backends are all ``postgres``)."""
    pids = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class CpuMeter:
    """CPU seconds of each group between ``start()`` and ``stop()``; groups list their processes when read, so
    processes started in between (a PostgreSQL backend per new connection) are counted from zero."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self.groups = groups
        self._before: dict[str, dict[int, float]] = {}
        self.used: dict[str, float] = {}

    def _read(self) -> dict[str, dict[int, float]]:
        return {name: {pid: cpu_seconds([pid]) for pid in pids()} for name, pids in self.groups.items()}

    def start(self) -> None:
        self._before = self._read() if PROC.exists() else {}

    def stop(self) -> dict[str, float]:
        if not self._before:
            return {}
        after = self._read()
        self.used = {
            name: sum(seconds - self._before[name].get(pid, 0.0) for pid, seconds in after[name].items())
            for name in self.groups
        }
        return self.used
