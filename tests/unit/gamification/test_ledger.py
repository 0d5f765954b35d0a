"""Pure ledger rules: the decay configuration and the amount a decay run takes."""

from __future__ import annotations

import pytest

from services.gamification.domain.ledger import decay_amount, decay_problems


@pytest.mark.parametrize(
    ("after_days", "percent", "fields"),
    [
        (None, None, []),
        (1, 1, []),
        (30, 100, []),
        (0, 10, ["decay_after_days"]),
        (3, 0, ["decay_percent"]),
        (3, 101, ["decay_percent"]),
        (None, 10, ["decay_after_days"]),
        (3, None, ["decay_percent"]),
        (-1, -1, ["decay_after_days", "decay_percent"]),
    ],
)
def test_decay_is_both_fields_in_range_or_both_null(
    after_days: int | None, percent: int | None, fields: list[str]
) -> None:
    assert [field for field, _ in decay_problems(after_days, percent)] == fields


def test_decay_takes_the_percentage_rounded_down() -> None:
    assert [decay_amount(balance, 10) for balance in (100, 90, 9, 0)] == [10, 9, 0, 0]
    assert decay_amount(7, 100) == 7
