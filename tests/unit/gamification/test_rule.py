"""Point rules: conditions, cooldowns, daily caps in the community's day, tier multipliers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.gamification.domain.rule import (
    Conditions,
    Occurrence,
    Outcome,
    RuleSpec,
    Usage,
    evaluate,
    local_day,
    next_usage,
    plan_awards,
    validate_rule,
)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def rule(**overrides: object) -> RuleSpec:
    values: dict[str, object] = {
        "rule_id": "rule_1",
        "version_id": "rulev_1",
        "event": "member.activity.message",
        "points": 2,
    }
    values.update(overrides)
    return RuleSpec(**values)  # type: ignore[arg-type]


def message(**overrides: object) -> Occurrence:
    values: dict[str, object] = {
        "event": "member.activity.message",
        "member_id": "mbr_1",
        "occurred_at": AT,
        "group_id": "grp_1",
        "text": "Good morning, everyone",
        "text_length": 22,
    }
    values.update(overrides)
    return Occurrence(**values)  # type: ignore[arg-type]


def test_a_matching_occurrence_earns_the_rule_points() -> None:
    assert evaluate(rule(), message(), Usage(), today=TODAY).points == 2


def test_another_event_kind_earns_nothing() -> None:
    decision = evaluate(rule(), message(event="member.activity.reaction"), Usage(), today=TODAY)
    assert not decision.awards


def test_conditions_on_group_length_keyword_and_tier() -> None:
    conditions = Conditions(
        group_ids=frozenset({"grp_1"}), min_length=10, keyword="MORNING", tier_ids=frozenset({"tier_gold"})
    )
    strict = rule(conditions=conditions)
    ok = message(tier_id="tier_gold")
    assert evaluate(strict, ok, Usage(), today=TODAY).awards
    for miss in (
        message(tier_id="tier_gold", group_id="grp_2"),
        message(tier_id="tier_gold", text="morning", text_length=7),
        message(tier_id="tier_gold", text="Hello there, everyone", text_length=21),
        message(tier_id="tier_free"),
    ):
        assert evaluate(strict, miss, Usage(), today=TODAY).outcome is Outcome.CONDITION_NOT_MET


def test_the_cooldown_holds_back_a_second_award_until_it_passes() -> None:
    cooled = rule(cooldown_seconds=60)
    usage = Usage(day=TODAY, points_today=2, last_awarded_at=AT)
    assert evaluate(cooled, message(occurred_at=AT + timedelta(seconds=59)), usage, today=TODAY).outcome is (
        Outcome.COOLDOWN
    )
    assert evaluate(cooled, message(occurred_at=AT + timedelta(seconds=60)), usage, today=TODAY).awards


def test_the_daily_cap_trims_the_last_award_and_then_refuses() -> None:
    capped = rule(points=3, daily_cap=10)
    assert evaluate(capped, message(), Usage(day=TODAY, points_today=8), today=TODAY).points == 2
    assert evaluate(capped, message(), Usage(day=TODAY, points_today=10), today=TODAY).outcome is Outcome.CAPPED


def test_the_cap_starts_over_on_a_new_local_day() -> None:
    capped = rule(points=3, daily_cap=10)
    yesterday = Usage(day=TODAY - timedelta(days=1), points_today=10)
    assert evaluate(capped, message(), yesterday, today=TODAY).points == 3


def test_the_day_is_the_community_day() -> None:
    late_utc = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Shanghai
    assert local_day(late_utc, "Asia/Shanghai") == date(2026, 3, 2)
    assert local_day(late_utc, "UTC") == date(2026, 3, 1)


def test_a_tier_multiplier_scales_the_points() -> None:
    scaled = rule(points=10, tier_multipliers={"tier_gold": 1.5})
    assert evaluate(scaled, message(tier_id="tier_gold"), Usage(), today=TODAY).points == 15
    assert evaluate(scaled, message(tier_id="tier_free"), Usage(), today=TODAY).points == 10


def test_a_disabled_rule_awards_nothing() -> None:
    assert not evaluate(rule(enabled=False), message(), Usage(), today=TODAY).awards


def test_validation_names_the_fields_at_fault() -> None:
    problems = validate_rule(
        event="member.activity.dance",
        points=0,
        daily_cap=0,
        cooldown_seconds=-1,
        conditions={"colour": "red", "min_length": -3},
        tier_multipliers={"tier_gold": -1.0},
    )
    assert [field for field, _ in problems] == [
        "event",
        "points",
        "daily_cap",
        "cooldown_seconds",
        "conditions.colour",
        "conditions.min_length",
        "tier_multipliers.tier_gold",
    ]


@given(
    points=st.integers(1, 20),
    cap=st.integers(1, 100),
    gaps=st.lists(st.integers(0, 3_600), min_size=1, max_size=60),
)
def test_a_day_of_awards_never_exceeds_the_cap(points: int, cap: int, gaps: list[int]) -> None:
    capped = rule(points=points, daily_cap=cap, cooldown_seconds=30)
    usage, at, total = Usage(), AT, 0
    for gap in gaps:
        at += timedelta(seconds=gap)
        today = local_day(at, "UTC")
        decision = evaluate(capped, message(occurred_at=at), usage, today=today)
        if decision.awards:
            usage = next_usage(usage, today=today, points=decision.points, at=at)
            if today == TODAY:
                total += decision.points
    assert total <= cap


def test_a_batch_is_planned_as_one_occurrence_after_the_other() -> None:
    limited = rule(points=40, cooldown_seconds=60, daily_cap=50)
    free = rule(rule_id="rule_2", points=1)
    at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    batch = [
        ("evt_1", message(occurred_at=at)),  # 40 + 1
        ("evt_2", message(occurred_at=at + timedelta(seconds=30))),  # cooldown, + 1
        ("evt_3", message(member_id="mbr_2", occurred_at=at + timedelta(seconds=30))),  # another member: 40 + 1
        ("evt_4", message(occurred_at=at + timedelta(seconds=90))),  # 10: the cap, + 1
        ("evt_5", message(occurred_at=at + timedelta(seconds=3600))),  # a new day in Shanghai: 40 + 1
    ]
    earlier = {("mbr_1", "rule_1"): Usage()}

    planned, changed = plan_awards(
        batch, {"member.activity.message": [limited, free]}, earlier, timezone="Asia/Shanghai"
    )

    assert [(p.event_id, p.rule.rule_id, p.points) for p in planned if p.rule.rule_id == "rule_1"] == [
        ("evt_1", "rule_1", 40),
        ("evt_3", "rule_1", 40),
        ("evt_4", "rule_1", 10),
        ("evt_5", "rule_1", 40),
    ]
    assert sum(p.points for p in planned if p.rule.rule_id == "rule_2") == 5
    assert changed == {
        ("mbr_1", "rule_1"): Usage(date(2026, 3, 3), 40, at + timedelta(seconds=3600)),
        ("mbr_2", "rule_1"): Usage(date(2026, 3, 2), 40, at + timedelta(seconds=30)),
    }
