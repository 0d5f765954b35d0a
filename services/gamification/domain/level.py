"""Level schemes: names at thresholds of lifetime points."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LevelSpec:
    rank: int
    name: str
    threshold: int  # lifetime points needed


DEFAULT_SCHEME: tuple[LevelSpec, ...] = (
    LevelSpec(1, "Newcomer", 0),
    LevelSpec(2, "Regular", 100),
    LevelSpec(3, "Contributor", 500),
    LevelSpec(4, "Veteran", 2_000),
    LevelSpec(5, "Legend", 5_000),
)


def validate_scheme(levels: Sequence[LevelSpec]) -> list[str]:
    """Reasons the scheme is unusable; empty when it is fine."""
    problems: list[str] = []
    if not levels:
        return ["a scheme needs at least one level"]
    if levels[0].threshold != 0:
        problems.append("the first level must start at 0 points")
    for previous, level in itertools.pairwise(levels):
        if level.threshold <= previous.threshold:
            problems.append(f"level {level.rank} must need more points than level {previous.rank}")
        if level.rank != previous.rank + 1:
            problems.append(f"ranks must be consecutive, {previous.rank} is followed by {level.rank}")
    if len({level.name for level in levels}) != len(levels):
        problems.append("level names must be unique")
    return problems


def level_for(points: int, levels: Sequence[LevelSpec]) -> LevelSpec:
    """The highest level whose threshold ``points`` reaches."""
    reached = [level for level in levels if points >= level.threshold]
    return reached[-1] if reached else levels[0]
