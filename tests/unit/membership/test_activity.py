"""Days in the community's time zone, and link codes (domain/activity.py, domain/link_code.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.membership.domain import link_code
from services.membership.domain.activity import local_day, message_ref, text_length


def test_a_day_is_a_day_in_the_communitys_time_zone() -> None:
    at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert local_day(at, "Asia/Shanghai") == date(2026, 3, 2)
    assert local_day(at, "America/Los_Angeles") == date(2026, 3, 1)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(datetime(2026, 3, 1, 8, 0), "Asia/Shanghai")


def test_text_length_counts_characters_not_bytes_and_ignores_surrounding_space() -> None:
    assert text_length("  打卡  ") == 2


def test_codes_are_typeable_and_their_hash_ignores_case_spaces_and_dashes() -> None:
    code = link_code.new_code()
    assert link_code.looks_like_code(code)
    assert not set(code) & set("01OIL")
    typed = f" {code[:4].lower()} - {code[4:]} "
    assert link_code.hash_code("cmty_a", typed) == link_code.hash_code("cmty_a", code)
    assert link_code.hash_code("cmty_b", code) != link_code.hash_code("cmty_a", code)
    assert not link_code.looks_like_code("ABC")


def test_a_message_is_named_by_platform_chat_and_message_id() -> None:
    telegram = message_ref("telegram", "-1002178505120", "2001")

    assert telegram == "telegram:-1002178505120:2001"
    assert telegram != message_ref("telegram", "-1002178505121", "2001")  # Telegram numbers messages per chat
