"""Standing rules (services/membership/domain/standing.py): promotion, the 90% hold, grace, locks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.membership.domain.standing import (
    DEFAULT_RULES,
    EARNED_LEVELS,
    LADDER,
    Criteria,
    Figures,
    Standing,
    StandingRules,
    StandingState,
    decide,
    holds,
    meets,
    rank,
    rules_from_settings,
)

TODAY = date(2026, 3, 1)
RULES = StandingRules(
    contributor=Criteria(window_days=30, minimums={"days_active": 10, "messages": 50}),
    core=Criteria(window_days=60, minimums={"days_active": 30, "messages": 200}),
    grace_days=14,
)
NOTHING = Figures()


def same(figures: Figures) -> dict[Standing, Figures]:
    return dict.fromkeys(EARNED_LEVELS, figures)


def test_a_follower_who_meets_every_contributor_criterion_is_promoted() -> None:
    decision = decide(
        RULES, StandingState(Standing.FOLLOWER), figures=same(Figures(days_active=10, messages=50)), today=TODAY
    )

    assert decision.changed
    assert decision.state == StandingState(Standing.CONTRIBUTOR)
    assert decision.reason == "promoted: days_active 10/10, messages 50/50"


def test_meeting_one_criterion_of_two_is_not_enough() -> None:
    decision = decide(
        RULES, StandingState(Standing.FOLLOWER), figures=same(Figures(days_active=30, messages=49)), today=TODAY
    )

    assert not decision.changed
    assert decision.state.standing is Standing.FOLLOWER


def test_a_member_meeting_core_goes_straight_there() -> None:
    decision = decide(
        RULES, StandingState(Standing.FOLLOWER), figures=same(Figures(days_active=30, messages=200)), today=TODAY
    )

    assert decision.state.standing is Standing.CORE


def test_at_ninety_percent_a_contributor_keeps_the_level_and_no_grace_starts() -> None:
    decision = decide(
        RULES,
        StandingState(Standing.CONTRIBUTOR, below_since=TODAY - timedelta(days=3)),
        figures=same(Figures(days_active=9, messages=45)),
        today=TODAY,
    )

    assert decision.state == StandingState(Standing.CONTRIBUTOR, below_since=None)


def test_below_ninety_percent_the_grace_period_starts_and_the_level_is_kept() -> None:
    decision = decide(
        RULES, StandingState(Standing.CONTRIBUTOR), figures=same(Figures(days_active=10, messages=44)), today=TODAY
    )

    assert decision.state == StandingState(Standing.CONTRIBUTOR, below_since=TODAY)
    assert not decision.changed


def test_the_first_day_below_is_kept_across_evaluations() -> None:
    first = TODAY - timedelta(days=5)
    decision = decide(RULES, StandingState(Standing.CONTRIBUTOR, below_since=first), figures=same(NOTHING), today=TODAY)

    assert decision.state.below_since == first


def test_after_the_grace_period_below_the_member_is_demoted_with_the_shortfall() -> None:
    first = TODAY - timedelta(days=14)
    decision = decide(
        RULES,
        StandingState(Standing.CONTRIBUTOR, below_since=first),
        figures=same(Figures(days_active=10, messages=44)),
        today=TODAY,
    )

    assert decision.state == StandingState(Standing.FOLLOWER)
    assert decision.reason == "demoted: messages 44 < 90% of 50 since 2026-02-15"


def test_a_demoted_core_member_lands_on_contributor_when_they_still_hold_it() -> None:
    figures = {Standing.CONTRIBUTOR: Figures(days_active=12, messages=60), Standing.CORE: Figures(days_active=12)}
    decision = decide(
        RULES, StandingState(Standing.CORE, below_since=TODAY - timedelta(days=20)), figures=figures, today=TODAY
    )

    assert decision.state.standing is Standing.CONTRIBUTOR


def test_a_locked_standing_never_moves() -> None:
    state = StandingState(Standing.FOLLOWER, locked=True)

    decision = decide(RULES, state, figures=same(Figures(days_active=60, messages=10_000)), today=TODAY)

    assert decision.state == state
    assert not decision.changed


def test_settings_fill_in_defaults_and_refuse_unknown_or_bad_criteria() -> None:
    assert rules_from_settings(None) == DEFAULT_RULES
    partial = rules_from_settings({"contributor": {"window_days": 7, "messages": 5}})
    assert partial.contributor == Criteria(window_days=7, minimums={"messages": 5})
    assert partial.core == DEFAULT_RULES.core
    for bad, field in [
        ({"contributor": {"posts": 3}}, "contributor.posts"),
        ({"contributor": {"window_days": 0, "messages": 1}}, "contributor.window_days"),
        ({"core": {"window_days": 7, "days_active": 8}}, "core.days_active"),
        ({"core": {"messages": 0}}, "core"),
        ({"grace_days": -1}, "grace_days"),
        ({"grace_days": True}, "grace_days"),
        ({"speed": 1}, "standing.speed"),
        ([1], "standing"),
    ]:
        with pytest.raises(ValueError, match=f"^{field}:"):
            rules_from_settings(bad)


# Property-based: the invariants hold for any rules, figures, state and day.
metrics = st.sampled_from(["days_active", "messages", "characters", "reactions_given", "checkins", "participations"])
criteria = st.builds(
    Criteria,
    window_days=st.integers(1, 90),
    minimums=st.dictionaries(metrics, st.integers(1, 300), min_size=1, max_size=6),
)
rules_strategy = st.builds(StandingRules, contributor=criteria, core=criteria, grace_days=st.integers(0, 30))
figures_strategy = st.builds(
    Figures,
    days_active=st.integers(0, 100),
    messages=st.integers(0, 400),
    characters=st.integers(0, 400),
    reactions_given=st.integers(0, 400),
    checkins=st.integers(0, 400),
    participations=st.integers(0, 400),
)
states = st.builds(
    StandingState,
    standing=st.sampled_from(LADDER),
    locked=st.booleans(),
    below_since=st.none() | st.dates(min_value=TODAY - timedelta(days=60), max_value=TODAY),
)
per_level = st.fixed_dictionaries(dict.fromkeys(EARNED_LEVELS, figures_strategy))


@given(rules=rules_strategy, state=states, figures=per_level)
def test_nobody_is_promoted_without_meeting_every_criterion_of_the_new_level(
    rules: StandingRules, state: StandingState, figures: dict[Standing, Figures]
) -> None:
    decision = decide(rules, state, figures=figures, today=TODAY)

    if rank(decision.state.standing) > rank(state.standing):
        assert meets(rules.criteria(decision.state.standing), figures[decision.state.standing])


@given(rules=rules_strategy, state=states, figures=per_level)
def test_nobody_is_demoted_while_at_or_above_ninety_percent_or_within_the_grace_period(
    rules: StandingRules, state: StandingState, figures: dict[Standing, Figures]
) -> None:
    decision = decide(rules, state, figures=figures, today=TODAY)

    if rank(decision.state.standing) < rank(state.standing):
        assert not holds(rules.criteria(state.standing), figures[state.standing])
        first_below = state.below_since or TODAY  # with no grace period, the first day below is enough
        assert TODAY - first_below >= timedelta(days=rules.grace_days)


@given(rules=rules_strategy, state=states, figures=per_level)
def test_a_locked_standing_is_left_exactly_as_it_was(
    rules: StandingRules, state: StandingState, figures: dict[Standing, Figures]
) -> None:
    locked = StandingState(state.standing, locked=True, below_since=state.below_since)

    assert decide(rules, locked, figures=figures, today=TODAY).state == locked


@given(rules=rules_strategy, state=states, figures=per_level)
def test_a_grace_period_is_only_running_while_the_member_is_below_their_level(
    rules: StandingRules, state: StandingState, figures: dict[Standing, Figures]
) -> None:
    decision = decide(rules, StandingState(state.standing, below_since=state.below_since), figures=figures, today=TODAY)

    after = decision.state
    if after.below_since is not None:
        assert after.standing is not Standing.FOLLOWER
        assert not holds(rules.criteria(after.standing), figures[after.standing])
