"""Benchmark results: what one benchmark measured, the machine it ran on, and the JSON and Markdown files.

Every measurement that has a baseline carries its ratio to it (``rate_ratio`` for throughput, higher is
better; ``p99_ratio`` for latency, lower is better), because absolute numbers drift between runs and
machines while ratios measured in the same run mostly do not.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.stats import Percentiles

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

_PACKAGES: tuple[str, ...] = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "sqlalchemy",
    "asyncpg",
    "aiosqlite",
)
_PACKAGES += ("redis", "fakeredis", "pydantic", "strawberry-graphql")


@dataclass
class Measurement:
    """One row of a result table: a rate, optionally latency percentiles, and ratios to its baseline."""

    group: str
    name: str
    count: int
    seconds: float
    rate: float
    unit: str
    latency: Percentiles | None = None
    latency_label: str = "latency"
    baseline: str | None = None
    rate_ratio: float | None = None
    p99_ratio: float | None = None
    notes: str = ""

    def compare_to(self, baseline: Measurement) -> Measurement:
        """Fill in the ratios to ``baseline`` (measured in the same run) and return self."""
        self.baseline = f"{baseline.group} / {baseline.name}"
        if baseline.rate and not math.isnan(baseline.rate):
            self.rate_ratio = round(self.rate / baseline.rate, 4)
        if self.latency and baseline.latency and baseline.latency.p99 > 0:
            self.p99_ratio = round(self.latency.p99 / baseline.latency.p99, 2)
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "count": self.count,
            "seconds": round(self.seconds, 4),
            "rate": round(self.rate, 1),
            "unit": self.unit,
            "latency_label": self.latency_label if self.latency else None,
            "latency_ms": self.latency.as_dict() if self.latency else None,
            "baseline": self.baseline,
            "rate_ratio": self.rate_ratio,
            "p99_ratio": self.p99_ratio,
            "notes": self.notes,
        }


@dataclass
class BenchResult:
    name: str
    title: str
    config: dict[str, Any] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)

    def add(self, measurement: Measurement) -> Measurement:
        self.measurements.append(measurement)
        return measurement


# -- the machine --------------------------------------------------------------------------------------


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip().strip(chr(34))} ({platform.platform()})"
    except OSError:
        pass
    return platform.platform()


def _git(*args: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def describe_machine() -> dict[str, Any]:
    memory = _memory_bytes()
    status = _git("status", "--porcelain")
    return {
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_bytes": memory,
        "memory_gib": round(memory / 2**30, 1) if memory else None,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "os": _os_name(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "packages": _package_versions(),
        # Other work on the machine skews results: note how busy it was when the run started.
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


# -- files --------------------------------------------------------------------------------------------


def result_document(
    result: BenchResult, *, started: datetime, finished: datetime, machine: dict[str, Any]
) -> dict[str, Any]:
    return {
        "benchmark": result.name,
        "title": result.title,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "duration_seconds": round((finished - started).total_seconds(), 2),
        "machine": machine,
        "environment": result.environment,
        "config": result.config,
        "measurements": [m.as_dict() for m in result.measurements],
        "notes": result.notes,
    }


def _fmt_rate(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:,.0f}"


def _fmt_ms(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:,.2f}"


def _fmt_ratio(value: float | None, suffix: str = "x") -> str:
    return "" if value is None else f"{value:.3g}{suffix}"


def table_rows(measurements: list[Measurement]) -> list[list[str]]:
    rows = []
    for m in measurements:
        lat = m.latency
        rows.append(
            [
                m.group,
                m.name,
                f"{m.count:,}",
                f"{_fmt_rate(m.rate)} {m.unit}",
                _fmt_ratio(m.rate_ratio),
                m.latency_label if lat else "",
                _fmt_ms(lat.p50 if lat else None),
                _fmt_ms(lat.p90 if lat else None),
                _fmt_ms(lat.p99 if lat else None),
                _fmt_ms(lat.max if lat else None),
                _fmt_ratio(m.p99_ratio),
            ]
        )
    return rows


TABLE_HEADER = [
    "group",
    "measurement",
    "count",
    "rate",
    "rate ÷ base",
    "latency of",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "p99 ÷ base",
]


def text_table(measurements: list[Measurement]) -> str:
    rows = [TABLE_HEADER, *table_rows(measurements)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(document: dict[str, Any], measurements: list[Measurement]) -> str:
    machine = document["machine"]
    lines = [
        f"# {document['title']}",
        "",
        f"Benchmark `{document['benchmark']}`, run {document['started_at']} ({document['duration_seconds']} s).",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu_model']}, {machine['cpu_count']} cores ({machine['cpus_usable']} usable)",
        f"- Memory: {machine['memory_gib']} GiB",
        f"- Python: {machine['python']}",
        f"- OS: {machine['os']}",
        f"- Git commit: {machine['git_commit'] or 'none (no commit yet)'}"
        + (" with uncommitted changes" if machine.get("git_dirty") else ""),
        f"- Packages: {', '.join(f'{k} {v}' for k, v in machine['packages'].items())}",
        f"- Load average at start (1, 5, 15 min): {machine.get('load_average')}",
    ]
    for key, value in document["environment"].items():
        lines.append(f"- {key}: {value}")
    lines += ["", "## Results", "", "| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table_rows(measurements)]
    if any(m.baseline for m in measurements):
        lines += [
            "",
            "Ratios compare a row with its baseline row from this run (named under `baseline` in the JSON): "
            "rate ÷ base, higher is better; p99 ÷ base, lower is better.",
        ]
    notes = [m for m in measurements if m.notes]
    if notes or document["notes"]:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in document["notes"]]
        lines += [f"- *{m.group} / {m.name}*: {m.notes}" for m in notes]
    lines += ["", "## Configuration", "", "```json", json.dumps(document["config"], indent=2, default=str), "```", ""]
    return "\n".join(lines)


def write_result(
    result: BenchResult,
    *,
    started: datetime,
    finished: datetime,
    machine: dict[str, Any],
    directory: Path = RESULTS_DIR,
) -> tuple[Path, Path]:
    document = result_document(result, started=started, finished=finished, machine=machine)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{started.astimezone(UTC).date().isoformat()}-{result.name}"
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    md_path.write_text(markdown(document, result.measurements))
    return json_path, md_path
