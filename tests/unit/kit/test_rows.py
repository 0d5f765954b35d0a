"""A detached instance reads, changes, dumps and validates like one built by its model's ``__init__``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.gamification.challenge import EnrollmentRead
from kit.rows import detached
from services.gamification.models.challenge import Enrollment

VALUES: dict[str, Any] = {
    "id": "enr_1",
    "community_id": "cmty_1",
    "challenge_id": "chl_1",
    "member_id": "mbr_1",
    "status": "active",
    "days_done": 4,
    "makeups_used": 0,
    "missed_days": 1,
    "streak": 2,
    "best_streak": 3,
    "last_checkin_day": 5,
    "stake_amount": 300,
    "created_at": datetime(2026, 3, 1, tzinfo=UTC),
    "decided_at": None,
}


def test_a_detached_instance_is_the_constructed_one() -> None:
    built, constructed = detached(Enrollment, VALUES), Enrollment(**VALUES)

    built.days_done += 1
    constructed.days_done += 1

    assert built.model_dump() == constructed.model_dump()
    assert built.model_fields_set == constructed.model_fields_set
    assert EnrollmentRead.model_validate(built) == EnrollmentRead.model_validate(constructed)
    assert Enrollment(**built.model_dump()).model_dump() == built.model_dump()


def test_every_field_is_needed() -> None:
    with pytest.raises(ValueError, match="Enrollment: values for exactly its fields"):
        detached(Enrollment, {k: v for k, v in VALUES.items() if k != "decided_at"})
