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


def conversion(**overrides: object) -> Occurrence:
    values: dict[str, object] = {
        "event": "referral.converted",
        "member_id": "mbr_referrer",
        "occurred_at": AT,
        "amount": 19_900,
        "currency": "CNY",
        "paid_tier_id": "tier_core",
        "paid_tier_key": "core",
    }
    values.update(overrides)
    return Occurrence(**values)  # type: ignore[arg-type]


def conversion_rule(**conditions: object) -> RuleSpec:
    return rule(event="referral.converted", points=100, conditions=Conditions.from_dict(conditions))


def test_a_conversion_rule_matches_on_the_amount_inclusive_and_in_its_currency() -> None:
    band = conversion_rule(min_amount=9_900, max_amount=19_900, currency="CNY")
    assert evaluate(band, conversion(), Usage(), today=TODAY).points == 100
    assert evaluate(band, conversion(amount=9_900), Usage(), today=TODAY).awards
    for miss in (
        conversion(amount=9_899),
        conversion(amount=19_901),
        conversion(currency="USD"),
        conversion(amount=None, currency=None),  # an event written before conversions carried the payment
    ):
        assert evaluate(band, miss, Usage(), today=TODAY).outcome is Outcome.CONDITION_NOT_MET


def test_a_conversion_rule_matches_on_the_paid_tier_by_id_or_key() -> None:
    by_id = conversion_rule(paid_tier_ids=["tier_core"])
    by_key = conversion_rule(paid_tier_keys=["core", "vip"])
    assert evaluate(by_id, conversion(), Usage(), today=TODAY).awards
    assert evaluate(by_key, conversion(), Usage(), today=TODAY).awards
    assert not evaluate(by_id, conversion(paid_tier_id="tier_lead"), Usage(), today=TODAY).awards
    assert not evaluate(by_key, conversion(paid_tier_key="lead"), Usage(), today=TODAY).awards


def test_tier_ids_of_a_conversion_rule_are_the_referrers_tier_as_its_multipliers_are() -> None:
    partners = rule(
        event="referral.converted",
        points=100,
        conditions=Conditions(tier_ids=frozenset({"tier_partner"})),
        tier_multipliers={"tier_partner": 1.5},
    )
    assert evaluate(partners, conversion(tier_id="tier_partner"), Usage(), today=TODAY).points == 150
    assert not evaluate(partners, conversion(tier_id="tier_core"), Usage(), today=TODAY).awards


def test_a_conversion_rule_without_conditions_rewards_every_conversion() -> None:
    assert evaluate(conversion_rule(), conversion(amount=1), Usage(), today=TODAY).points == 100
    assert not evaluate(conversion_rule(), message(), Usage(), today=TODAY).awards


def validate_conditions(event: str, conditions: dict[str, object]) -> list[tuple[str, str]]:
    return validate_rule(
        event=event, points=1, daily_cap=None, cooldown_seconds=0, conditions=conditions, tier_multipliers={}
    )


def test_a_conversion_rule_takes_payment_conditions_and_refuses_chat_ones() -> None:
    fine = {
        "min_amount": 0,
        "max_amount": 100,
        "currency": "CNY",
        "paid_tier_ids": ["tier_core"],
        "paid_tier_keys": ["core"],
        "tier_ids": ["tier_partner"],
    }
    assert validate_conditions("referral.converted", fine) == []
    problems = validate_conditions("referral.converted", {"keyword": "hi", "colour": "red"})
    assert [field for field, _ in problems] == ["conditions.keyword", "conditions.colour"]
    assert problems[0][1].startswith("not a condition of referral.converted; one of currency, max_amount")
    assert problems[1][1].startswith("unknown condition")
    assert [field for field, _ in validate_conditions("member.activity.message", {"min_amount": 5})] == [
        "conditions.min_amount"
    ]


def test_conversion_condition_values_are_checked() -> None:
    problems = validate_conditions(
        "referral.converted",
        {"min_amount": 500, "max_amount": 100, "currency": "cny", "paid_tier_keys": "core", "paid_tier_ids": [""]},
    )
    assert [field for field, _ in problems] == [
        "conditions.paid_tier_ids",
        "conditions.paid_tier_keys",
        "conditions.max_amount",
        "conditions.currency",
    ]
    for bad in (-1, 1.5, True, "100"):
        assert [f for f, _ in validate_conditions("referral.converted", {"min_amount": bad, "currency": "CNY"})] == [
            "conditions.min_amount"
        ]
    no_currency = validate_conditions("referral.converted", {"min_amount": 100})
    assert no_currency == [
        ("conditions.currency", "required with min_amount or max_amount: amounts are minor units of a currency")
    ]


@given(
    low=st.integers(0, 10_000),
    span=st.integers(0, 10_000),
    amount=st.integers(0, 30_000),
)
def test_an_amount_band_awards_exactly_the_amounts_inside_it(low: int, span: int, amount: int) -> None:
    band = conversion_rule(min_amount=low, max_amount=low + span, currency="CNY")
    awarded = evaluate(band, conversion(amount=amount), Usage(), today=TODAY).awards
    assert awarded == (low <= amount <= low + span)
