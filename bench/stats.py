"""Percentiles and rates, shared by the load generator and the benchmarks (no third-party imports)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Percentiles:
    """Latency summary in milliseconds (nearest-rank percentiles)."""

    count: int
    p50: float
    p90: float
    p99: float
    max: float
    mean: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Percentiles:
        return cls(**{key: data[key] for key in ("count", "p50", "p90", "p99", "max", "mean")})


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted sequence: the smallest value with ``fraction`` at or below it."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarize_ms(samples_ms: Sequence[float]) -> Percentiles:
    ordered = sorted(samples_ms)
    if not ordered:
        return Percentiles(count=0, p50=math.nan, p90=math.nan, p99=math.nan, max=math.nan, mean=math.nan)
    return Percentiles(
        count=len(ordered),
        p50=round(percentile(ordered, 0.50), 3),
        p90=round(percentile(ordered, 0.90), 3),
        p99=round(percentile(ordered, 0.99), 3),
        max=round(ordered[-1], 3),
        mean=round(sum(ordered) / len(ordered), 3),
    )


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.nan
