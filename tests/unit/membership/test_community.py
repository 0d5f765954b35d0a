"""Rules of a community's own fields (services/membership/domain/community.py)."""

from __future__ import annotations

import pytest

from services.membership.domain.community import (
    MISSION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    clean_name,
    clean_text,
    clean_timezone,
)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        pytest.param("Morning Readers", "Morning Readers", id="already-clean"),
        pytest.param("  Morning   Readers  ", "Morning Readers", id="spaces"),
        pytest.param("Morning\t\nReaders", "Morning Readers", id="tabs-and-newlines"),
        pytest.param("晨读\u3000社", "晨读 社", id="ideographic-space"),
    ],
)
def test_a_name_has_its_whitespace_collapsed(raw: str, cleaned: str) -> None:
    assert clean_name(raw) == cleaned


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_an_empty_name_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        clean_name(raw)


def test_a_name_at_the_maximum_length_is_accepted() -> None:
    name = "x" * NAME_MAX_LENGTH

    assert clean_name(name) == name


def test_a_name_over_the_maximum_length_is_refused() -> None:
    with pytest.raises(ValueError, match=f"at most {NAME_MAX_LENGTH} characters"):
        clean_name("x" * (NAME_MAX_LENGTH + 1))


def test_the_maximum_length_counts_the_collapsed_name() -> None:
    name = "x" * (NAME_MAX_LENGTH - 1)

    assert clean_name(f"   {name}   ") == name


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"])
def test_an_iana_time_zone_is_accepted(zone: str) -> None:
    assert clean_timezone(zone) == zone


def test_a_time_zone_has_surrounding_space_stripped() -> None:
    assert clean_timezone("  Asia/Shanghai\n") == "Asia/Shanghai"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "   ", "asia/shanghai", "+08:00", "../etc/passwd"])
def test_anything_but_an_iana_time_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="IANA"):
        clean_timezone(zone)


def test_clean_text_keeps_none() -> None:
    assert clean_text(None, max_length=10) is None


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_clean_text_turns_blank_into_none(raw: str) -> None:
    assert clean_text(raw, max_length=10) is None


def test_clean_text_strips_but_keeps_inner_line_breaks() -> None:
    assert clean_text("  Rule one.\n\nRule two.  ", max_length=100) == "Rule one.\n\nRule two."


def test_clean_text_accepts_exactly_the_maximum_after_stripping() -> None:
    text = "m" * MISSION_MAX_LENGTH

    assert clean_text(f"  {text}  ", max_length=MISSION_MAX_LENGTH) == text


def test_clean_text_refuses_text_over_the_maximum() -> None:
    with pytest.raises(ValueError, match=f"at most {MISSION_MAX_LENGTH} characters"):
        clean_text("m" * (MISSION_MAX_LENGTH + 1), max_length=MISSION_MAX_LENGTH)
