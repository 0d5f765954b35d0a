"""Level schemes: names at thresholds of lifetime points (services/gamification/domain/level.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.level import DEFAULT_SCHEME, LevelSpec, level_for, validate_scheme


def create_scheme(*thresholds: int) -> tuple[LevelSpec, ...]:
    return tuple(LevelSpec(rank, f"Level {rank}", threshold) for rank, threshold in enumerate(thresholds, start=1))


def next_level(level: LevelSpec, scheme: Sequence[LevelSpec]) -> LevelSpec | None:
    return next((other for other in scheme if other.rank == level.rank + 1), None)


@st.composite
def schemes(draw: st.DrawFn) -> tuple[LevelSpec, ...]:
    """Valid schemes: thresholds start at 0 and strictly increase."""
    steps = draw(st.lists(st.integers(min_value=1, max_value=10_000), max_size=8))
    thresholds = [0]
    for step in steps:
        thresholds.append(thresholds[-1] + step)
    return create_scheme(*thresholds)


def test_the_default_scheme_is_valid() -> None:
    assert validate_scheme(DEFAULT_SCHEME) == []


def test_a_scheme_with_one_level_at_zero_is_valid() -> None:
    assert validate_scheme(create_scheme(0)) == []


@pytest.mark.parametrize(
    ("scheme", "problem"),
    [
        pytest.param((), "a scheme needs at least one level", id="empty"),
        pytest.param(create_scheme(10, 100), "the first level must start at 0 points", id="first-not-zero"),
        pytest.param(create_scheme(0, 100, 100), "level 3 must need more points than level 2", id="equal-thresholds"),
        pytest.param(create_scheme(0, 500, 100), "level 3 must need more points than level 2", id="decreasing"),
        pytest.param(
            (LevelSpec(1, "A", 0), LevelSpec(3, "C", 100)),
            "ranks must be consecutive, 1 is followed by 3",
            id="rank-gap",
        ),
        pytest.param(
            (LevelSpec(1, "Same", 0), LevelSpec(2, "Same", 100)), "level names must be unique", id="duplicate-names"
        ),
    ],
)
def test_a_broken_scheme_names_its_problem(scheme: tuple[LevelSpec, ...], problem: str) -> None:
    problems = validate_scheme(scheme)

    assert problems == [problem]


def test_every_problem_of_a_scheme_is_reported() -> None:
    scheme = (LevelSpec(1, "Same", 5), LevelSpec(3, "Same", 5))

    problems = validate_scheme(scheme)

    assert set(problems) == {
        "the first level must start at 0 points",
        "level 3 must need more points than level 1",
        "ranks must be consecutive, 1 is followed by 3",
        "level names must be unique",
    }


@pytest.mark.parametrize(
    ("points", "name"),
    [(0, "Newcomer"), (99, "Newcomer"), (100, "Regular"), (499, "Regular"), (5_000, "Legend"), (10**9, "Legend")],
)
def test_the_default_levels_begin_exactly_at_their_thresholds(points: int, name: str) -> None:
    assert level_for(points, DEFAULT_SCHEME).name == name


@given(points=st.integers(min_value=0, max_value=10**12))
def test_the_default_level_for_any_points_is_reached_and_the_next_is_not(points: int) -> None:
    level = level_for(points, DEFAULT_SCHEME)

    following = next_level(level, DEFAULT_SCHEME)
    assert level.threshold <= points
    assert following is None or following.threshold > points


@given(scheme=schemes(), points=st.integers(min_value=0, max_value=10**6))
def test_the_level_for_any_points_in_any_valid_scheme_is_reached_and_the_next_is_not(
    scheme: tuple[LevelSpec, ...], points: int
) -> None:
    level = level_for(points, scheme)

    following = next_level(level, scheme)
    assert level in scheme
    assert level.threshold <= points
    assert following is None or following.threshold > points
