"""Pure rules of gates: parsing, consistency, profile predicates, the order of steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.membership.domain.gate import (
    ApplicationRequirement,
    CleanDaysCondition,
    Criterion,
    Gate,
    GateInvalid,
    check_answers,
    check_gate,
    clean_days_met,
    entry_status,
    parse_gate,
    status_after_payment,
    status_after_review,
    unmet_criteria,
)
from services.membership.domain.membership import Status

PROBATION = {"kind": "probation", "trial_tier_id": "tier_trial", "promote_when": {"kind": "challenge"}}
QUESTIONS = {"kind": "application", "questions": [{"key": "why", "prompt": "Why?"}]}


@pytest.mark.parametrize(
    ("raw", "price", "expected"),
    [
        ([], 0, Status.ACTIVE),
        ([{"kind": "invitation"}], 0, Status.ACTIVE),
        ([], 100, Status.PENDING_PAYMENT),
        ([PROBATION], 0, Status.PROBATION),
        ([QUESTIONS, PROBATION], 100, Status.APPLIED),
        ([PROBATION], 100, Status.PENDING_PAYMENT),
    ],
)
def test_the_entry_status_is_the_first_step_still_ahead(
    raw: list[dict[str, Any]], price: int, expected: Status
) -> None:
    assert entry_status(Gate.parse(raw), price_amount=price) is expected


def test_after_review_comes_payment_then_probation_then_in() -> None:
    gate = Gate.parse([QUESTIONS, PROBATION])
    assert status_after_review(gate, price_amount=100) is Status.PENDING_PAYMENT
    assert status_after_review(gate, price_amount=0) is Status.PROBATION
    assert status_after_payment(gate) is Status.PROBATION
    assert status_after_payment(Gate.parse([QUESTIONS])) is Status.ACTIVE


@pytest.mark.parametrize(
    ("criterion", "attributes", "holds"),
    [
        ({"attribute": "region", "op": "equals", "value": "Shanghai"}, {"region": "Shanghai"}, True),
        ({"attribute": "region", "op": "equals", "value": "Shanghai"}, {}, False),
        ({"attribute": "region", "op": "one_of", "value": ["A", "B"]}, {"region": "B"}, True),
        ({"attribute": "age", "op": "at_least", "value": 18}, {"age": 18}, True),
        ({"attribute": "age", "op": "at_least", "value": 18}, {"age": 17.5}, False),
        ({"attribute": "age", "op": "at_least", "value": 1}, {"age": True}, False),
        ({"attribute": "age", "op": "at_most", "value": 30}, {"age": "20"}, False),
        ({"attribute": "tags", "op": "has_tag", "value": "vip"}, {"tags": ["a", "vip"]}, True),
        ({"attribute": "tags", "op": "has_tag", "value": "vip"}, {"tags": "vip"}, False),
    ],
)
def test_profile_criteria(criterion: dict[str, Any], attributes: dict[str, Any], holds: bool) -> None:
    assert Criterion.model_validate(criterion).holds(attributes) is holds


def test_unmet_criteria_lists_only_the_failing_ones() -> None:
    gate = Gate.parse(
        [
            {
                "kind": "profile",
                "criteria": [
                    {"attribute": "region", "op": "equals", "value": "Shanghai"},
                    {"attribute": "age", "op": "at_most", "value": 30},
                ],
            }
        ]
    )
    unmet = unmet_criteria(gate.profile, {"region": "Shanghai", "age": 40})
    assert [c.describe() for c in unmet] == ["age must be at most 30"]


def test_parse_names_fields_as_the_caller_wrote_them() -> None:
    with pytest.raises(GateInvalid) as raised:
        parse_gate([{"kind": "invitation"}, {"kind": "profile", "criteria": [{"attribute": "x", "op": "has_tag"}]}])
    assert [field for field, _ in raised.value.problems] == ["requirements.1.criteria.0.value"]


def test_check_gate_finds_inconsistencies_with_the_tier() -> None:
    gate = Gate.parse([{"kind": "payment"}, {"kind": "capacity"}, {**PROBATION, "trial_tier_id": "tier_self"}])
    problems = dict(check_gate(gate, tier_id="tier_self", price_amount=0, capacity=None))
    assert set(problems) == {"requirements.0.kind", "requirements.1.kind", "requirements.2.trial_tier_id"}
    assert check_gate(gate, tier_id="tier_other", price_amount=5, capacity=3) == []


def test_answers_must_cover_required_questions_and_nothing_else() -> None:
    requirement = ApplicationRequirement.model_validate(
        {
            "kind": "application",
            "questions": [{"key": "why", "prompt": "Why?"}, {"key": "link", "prompt": "Blog?", "required": False}],
        }
    )
    assert check_answers(requirement, {"why": "to learn"}) == []
    assert dict(check_answers(requirement, {"why": "  ", "colour": "blue"})).keys() == {"answers.why", "answers.colour"}


def test_clean_days_need_the_full_period_and_no_strikes() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    condition = CleanDaysCondition(kind="clean_days", days=7)
    assert not clean_days_met(condition, started_at=start, now=start + timedelta(days=6, hours=23), strikes=0)
    assert clean_days_met(condition, started_at=start, now=start + timedelta(days=7), strikes=0)
    assert not clean_days_met(condition, started_at=start, now=start + timedelta(days=30), strikes=1)
